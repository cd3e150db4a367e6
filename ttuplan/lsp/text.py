"""Places in files: spans to editor positions (the client's units), URIs to paths, the
word or table cell under the cursor. Lines and characters here are 0-based, in Python
characters; `Columns` converts to and from the client's position encoding."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from urllib.parse import unquote, urlparse
from urllib.request import url2pathname

from lsprotocol import types as t

from ttuplan.records import dataclass
from ttuplan.source import Span

# The text of a 1-based line of a file, the editor's buffer first.
Lines = Callable[[str, int], str]

WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
CODE_WORD = re.compile(r"TP\d{3}")


def path_of(uri: str) -> str | None:
    """The real file path of a `file:` URI (None for any other scheme)."""
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    return os.path.realpath(url2pathname(unquote(parsed.path)))


def uri_of(path: str) -> str:
    from pathlib import Path

    return Path(path).absolute().as_uri()


@dataclass(frozen=True, slots=True)
class Columns:
    """Character columns to the client's units (UTF-16 unless the client chose another)."""

    encoding: str = "utf-16"

    def to_client(self, line: str, character: int) -> int:
        if self.encoding == "utf-32" or line.isascii():
            return character
        head = line[:character]
        if self.encoding == "utf-8":
            return len(head.encode("utf-8"))
        return len(head.encode("utf-16-le")) // 2

    def from_client(self, line: str, units: int) -> int:
        if self.encoding == "utf-32" or line.isascii():
            return min(units, len(line))
        counted = 0
        for index, char in enumerate(line):
            if counted >= units:
                return index
            code = ord(char)
            if self.encoding == "utf-8":
                counted += len(char.encode("utf-8"))
            else:
                counted += 2 if code > 0xFFFF else 1
        return len(line)


def span_range(span: Span, lines: Lines, columns: Columns) -> t.Range:
    """The editor range of a span (1-based lines, end column exclusive)."""
    first = lines(span.file, span.line)
    last = first if span.end_line == span.line else lines(span.file, span.end_line)
    return t.Range(
        start=t.Position(
            line=span.line - 1, character=columns.to_client(first, max(span.column - 1, 0))
        ),
        end=t.Position(
            line=max(span.end_line - 1, 0),
            character=columns.to_client(last, max(span.end_column - 1, 0)),
        ),
    )


def word_at(line: str, character: int) -> tuple[str, int, int] | None:
    """The name under (or just before) the cursor: text, start, end (0-based)."""
    for match in WORD.finditer(line):
        if match.start() <= character <= match.end():
            return match.group(), match.start(), match.end()
    return None


def code_at(line: str, character: int) -> str | None:
    """A diagnostic code (`TP201`) under the cursor, as in `# expect: TP201`."""
    for match in CODE_WORD.finditer(line):
        if match.start() <= character <= match.end():
            return match.group()
    return None


def cells(line: str) -> list[tuple[int, int]]:
    """Each cell of a CSV line as (start, end) of its value, quotes left out."""
    found = []
    index, length = 0, len(line)
    while True:
        if index < length and line[index] == '"':
            start = index + 1
            index = start
            while index < length:
                if line[index] == '"':
                    if index + 1 < length and line[index + 1] == '"':
                        index += 2
                        continue
                    break
                index += 1
            found.append((start, index))
            index = line.find(",", index)
        else:
            end = line.find(",", index)
            found.append((index, length if end < 0 else end))
            index = end
        if index < 0 or index >= length:
            return found
        index += 1
        if index == length:
            found.append((index, index))
            return found
