"""Source files and spans: where in a plan a piece of it was written."""

from __future__ import annotations

from dataclasses import field
from typing import NamedTuple

from ttuplan.records import dataclass


class Span(NamedTuple):
    """A region of one source file: 1-based lines and columns, end column exclusive.

    A NamedTuple: one is made for every node and every table row, and a tuple is built
    several times faster than a frozen dataclass (see ARCHITECTURE.md).
    """

    file: str
    line: int
    column: int
    end_line: int
    end_column: int

    def through(self, other: Span) -> Span:
        """The span from the start of this one to the end of `other` (same file)."""
        return Span(self.file, self.line, self.column, other.end_line, other.end_column)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


NOWHERE = Span("<plan>", 1, 1, 1, 1)  # a value the plan did not write (defaults, tests)


@dataclass(slots=True)
class SourceFile:
    """The text of one file, with line starts computed once, on first use."""

    path: str
    text: str
    _starts: list[int] = field(default_factory=list, repr=False)

    def line_text(self, line: int) -> str:
        """The text of a 1-based line, without its line ending ('' past the end)."""
        starts = self._line_starts()
        if not 1 <= line <= len(starts):
            return ""
        start = starts[line - 1]
        end = self.text.find("\n", start)
        return self.text[start : None if end < 0 else end].rstrip("\r")

    def _line_starts(self) -> list[int]:
        if not self._starts:
            starts = [0]
            find = self.text.find
            at = find("\n")
            while at >= 0:
                starts.append(at + 1)
                at = find("\n", at + 1)
            self._starts = starts
        return self._starts


class SourceMap:
    """Every file a run read, in the order it read them (that order sorts diagnostics)."""

    def __init__(self) -> None:
        self._files: dict[str, SourceFile] = {}

    def add(self, path: str, text: str) -> SourceFile:
        source = SourceFile(path, text)
        self._files[path] = source
        return source

    def get(self, path: str) -> SourceFile | None:
        return self._files.get(path)

    def order(self, path: str) -> int:
        keys = list(self._files)
        return keys.index(path) if path in self._files else len(keys)

    def paths(self) -> tuple[str, ...]:
        return tuple(self._files)
