"""Reading a plan's files: the entry file, its includes, and the data tables they name.

Every path is relative to the file that names it and must stay inside the plan's folder
(the entry file's folder) once symbolic links are followed. Each file is read once.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING

from ttuplan import progress
from ttuplan.diagnostics.builders.files import (
    duplicate_include,
    file_not_found,
    file_too_large,
    include_cycle,
    not_utf8,
    outside_plan_folder,
)
from ttuplan.diagnostics.model import Diagnostic, Label
from ttuplan.parse import parse
from ttuplan.records import dataclass
from ttuplan.source import SourceMap, Span
from ttuplan.syntax import build, nodes

if TYPE_CHECKING:
    from ttuplan.model import Site
    from ttuplan.resolve.names import Symbols

MAX_FILE_BYTES = 256 * 1024 * 1024
_LONE_CR = re.compile(r"\r(?!\n)")
# Opened without waiting: a named pipe opened for reading would wait for a writer.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
_NOT_FILES = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


class NotAFile(OSError):
    """The path is a folder, a named pipe, a device or a socket: not read at all."""


class TooLarge(OSError):
    """The file is larger than MAX_FILE_BYTES: not read past that."""


def read_file(path: str, limit: int | None = None) -> bytes:
    """The bytes of the regular file at `path` (links followed), at most `limit` of them.

    Anything else is refused before a byte is read (NotAFile): a named pipe would wait
    for a writer for ever, a device such as /dev/zero never ends. Raises OSError (its
    `strerror` says why) when the file cannot be read, TooLarge past `limit`.
    """
    limit = MAX_FILE_BYTES if limit is None else limit
    descriptor = os.open(path, _OPEN_FLAGS)
    try:
        info = os.fstat(descriptor)
        what = next((name for test, name in _NOT_FILES if test(info.st_mode)), None)
        if what is not None or not stat.S_ISREG(info.st_mode):
            raise NotAFile(errno.EINVAL, f"{what or 'not a regular file'}, not a file", path)
        if info.st_size > limit:
            raise TooLarge(errno.EFBIG, f"over {limit // 2**20} MiB", path)
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            data = handle.read(limit + 1)
    finally:
        os.close(descriptor)
    if len(data) > limit:  # it grew while being read
        raise TooLarge(errno.EFBIG, f"over {limit // 2**20} MiB", path)
    return data


@dataclass(frozen=True, slots=True)
class PlanFolder:
    """The folder a plan may read from, and how paths in it are shown."""

    root: Path  # real path of the entry file's folder

    @classmethod
    def of(cls, entry: str) -> PlanFolder:
        return cls(Path(os.path.realpath(os.path.dirname(os.path.abspath(entry)))))

    def locate(self, reference: nodes.Text, referrer: str) -> tuple[str | None, Diagnostic | None]:
        """The shown path of a file named in `referrer`, or why it may not be read."""
        written = reference.value
        shown = os.path.normpath(os.path.join(os.path.dirname(referrer), written))
        if os.path.isabs(written):
            return None, _outside(reference, "an absolute path")
        if "\0" in written:  # the operating system refuses such a path outright (ValueError)
            return None, _not_found(reference, "a file name cannot hold a NUL character")
        real = Path(os.path.realpath(shown))
        if not real.is_relative_to(self.root):
            lexical = Path(os.path.abspath(shown))
            why = (
                "a symbolic link to a file outside it"
                if lexical.is_relative_to(self.root)
                else "a path that climbs out of it"
            )
            return None, _outside(reference, why)
        try:
            found = real.is_file()
        except OSError as error:  # a name too long for the file system, say
            found, why = False, error.strerror or "cannot be looked up"
        else:
            why = f"looked for {shown}"
        if not found:
            return None, _not_found(reference, why)
        return shown, None


def _not_found(reference: nodes.Text, why: str) -> Diagnostic:
    return file_not_found(reference.span, reference.value, why)


def _outside(reference: nodes.Text, why: str) -> Diagnostic:
    return outside_plan_folder(reference.span, reference.value, why)


class Reader:
    """Where a plan's files come from and how each is parsed: this one reads the disk and
    parses every file (the command line). The language server's reads an editor's unsaved
    buffers first, keeps what it parsed, and asks for every use of a name with its place."""

    record_uses = False

    def read(self, path: str) -> bytes:
        """The file's bytes (`read_file`); raises OSError, TooLarge past MAX_FILE_BYTES."""
        return read_file(path)

    def module(self, text: str, path: str) -> tuple[nodes.Module, tuple[Diagnostic, ...]]:
        """One file's syntax tree, with its syntax and value problems (taken from what
        `included_files` parsed just before, if it parsed this text)."""
        kept = _PARSED_TO_FIND.pop((path, text), None)
        if kept is not None:
            return kept
        result = parse(text, path)
        module, value_problems = build(result.tree, path)
        return module, (*result.diagnostics, *value_problems)

    def site_table(
        self,
        path: str,
        text: str,
        symbols: Symbols,
        seen: dict[str, Span],
        sources: SourceMap,
    ) -> tuple[list[Site], list[Diagnostic]]:
        """The sites of a site table and its problems (`resolve.sites.load_site_table`)."""
        from ttuplan.resolve.sites import load_site_table

        return load_site_table(path, text, symbols, seen, sources)


DISK = Reader()

# What `included_files` parsed to find the plan a file belongs to, kept for the check of
# that plan that follows (which takes each file out as it reads it): checking an included
# file parsed every file of its plan twice. Emptied at each search, so it never holds
# more than one plan.
_PARSED_TO_FIND: dict[tuple[str, str], tuple[nodes.Module, tuple[Diagnostic, ...]]] = {}


class _Keeping(Reader):
    def module(self, text: str, path: str) -> tuple[nodes.Module, tuple[Diagnostic, ...]]:
        found = super().module(text, path)
        _PARSED_TO_FIND[(path, text)] = found
        return found


def read_text(
    path: str, sources: SourceMap, at: Span | None = None, reader: Reader = DISK
) -> str | Diagnostic:
    """A file's text (UTF-8, BOM dropped, a lone CR a line end), registered in `sources`;
    or, if it cannot be read, why."""
    try:
        data = reader.read(path)
    except TooLarge as error:
        return file_too_large(at, path, error.strerror)
    except OSError as error:
        return file_not_found(at, path, error.strerror or "unreadable", unreadable=True)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return _not_utf8(path, data, error.start, sources)
    text = lone_carriage_returns_as_line_ends(text.removeprefix("\ufeff"))
    sources.add(path, text)
    return text


def lone_carriage_returns_as_line_ends(text: str) -> str:
    """A carriage return not followed by a line feed ends a line too (old Mac files):
    read as one line, the first `#` made all the rest a comment. CRLF stays as it is."""
    if "\r" in text and text.count("\r") != text.count("\r\n"):
        return _LONE_CR.sub("\n", text)
    return text


def _not_utf8(path: str, data: bytes, offset: int, sources: SourceMap) -> Diagnostic:
    line = data.count(b"\n", 0, offset) + 1
    line_start = data.rfind(b"\n", 0, offset) + 1
    line_end = data.find(b"\n", offset)
    raw_line = data[line_start : None if line_end < 0 else line_end]
    column = len(data[line_start:offset].decode("utf-8", "replace")) + 1
    shown_line = raw_line[:400].decode("utf-8", "replace")
    sources.add(path, "\n" * (line - 1) + shown_line)
    return not_utf8(path, Span(path, line, column, line, column + 1), data[offset])


@dataclass
class LoadedFiles:
    """Every module of a plan in reading order, includes expanded where they stand."""

    declarations: list[nodes.Declaration] = field(default_factory=list)
    modules: list[nodes.Module] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)
    syntax_failed: bool = False


def included_files(entry: str) -> set[str]:
    """Real paths of `entry` and of every file it includes, however deep."""
    sources = SourceMap()
    _PARSED_TO_FIND.clear()
    load_modules(entry, PlanFolder.of(entry), sources, _Keeping())
    return {os.path.realpath(path) for path in sources.paths()}


def load_modules(
    entry: str, folder: PlanFolder, sources: SourceMap, reader: Reader = DISK
) -> LoadedFiles:
    """Parse and build the entry file and, depth-first, every file it includes.

    The chain of open includes is a list, not the call stack: a chain thousands of files
    deep is read like a short one (recursion here once ended in a RecursionError).
    """
    loaded = LoadedFiles()
    included: dict[str, Span | None] = {}
    chain: list[_Open] = []
    _open(entry, None, chain, sources, loaded, included, reader)
    while chain:
        current = chain[-1]
        declaration = next(current.declarations, None)
        if declaration is None:
            chain.pop()
            continue
        if not (isinstance(declaration, nodes.FileReference) and declaration.keyword == "include"):
            loaded.declarations.append(declaration)
            continue
        target, problem = folder.locate(declaration.path, current.path)
        if target is None:
            if problem is not None:
                loaded.problems.append(problem)
            loaded.syntax_failed = True
            continue
        real = os.path.realpath(target)
        on_stack = [file.real for file in chain]
        if real in on_stack:
            stack = [(file.path, file.at) for file in chain[on_stack.index(real) :]]
            loaded.problems.append(_cycle(declaration, stack))
            loaded.syntax_failed = True
        elif real in included:
            loaded.problems.append(
                duplicate_include(declaration.path.span, declaration.path.value, included[real])
            )
        else:
            _open(target, declaration.path.span, chain, sources, loaded, included, reader)
    return loaded


@dataclass
class _Open:
    """A file being read: where it was included, and its declarations not yet taken."""

    path: str
    real: str
    at: Span | None
    declarations: Iterator[nodes.Declaration]


def _open(
    path: str,
    at: Span | None,
    chain: list[_Open],
    sources: SourceMap,
    loaded: LoadedFiles,
    included: dict[str, Span | None],
    reader: Reader,
) -> None:
    """Read, parse and build one file, and put it on top of the chain of open includes."""
    text = read_text(path, sources, at, reader)
    if isinstance(text, Diagnostic):
        loaded.problems.append(text)
        loaded.syntax_failed = True
        return
    progress.stage(f"reading {os.path.basename(path)}")
    module, problems = reader.module(text, path)
    loaded.problems.extend(problems)
    loaded.syntax_failed |= any(d.is_error for d in problems)
    loaded.modules.append(module)
    real = os.path.realpath(path)
    included[real] = at
    chain.append(_Open(path, real, at, iter(module.declarations)))


def _cycle(closing: nodes.FileReference, stack: list[tuple[str, Span | None]]) -> Diagnostic:
    hops = tuple(Label(span=span, message=f"includes {path}") for path, span in stack[1:] if span)
    names = " -> ".join([*(path for path, _ in stack), stack[0][0]])
    return include_cycle(closing.path.span, names, hops)
