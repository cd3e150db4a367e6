"""CSV tables a plan names: site tables (`sites`) and personnel tables (`personnel`).

Each bad row is reported at the table's file:line:column with its reason; after
MAX_ROW_PROBLEMS in one table the rest are counted, not listed. Lines starting with `#`
before the header are comments (a synthetic table says so there).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from typing import Concatenate, ParamSpec

from ttuplan.diagnostics.builders.data import (
    bad_cell,
    duplicate_column,
    empty_table,
    malformed_row,
    missing_column,
    too_many_bad_rows,
    unknown_column,
    unknown_name_in_table,
)
from ttuplan.diagnostics.model import Diagnostic
from ttuplan.records import dataclass
from ttuplan.resolve.names import Symbols, suggest
from ttuplan.source import SourceMap, Span

P = ParamSpec("P")

# Fewer than the text report's 50, so that the closing "... and N more bad rows" shows.
MAX_ROW_PROBLEMS = 40
MAX_HEADER_PROBLEMS = 10  # unknown or repeated columns listed one by one, then counted
ID_PATTERN = re.compile(r"[a-z_][a-z0-9_]*")


@dataclass(frozen=True, slots=True)
class Row:
    """One record: its cells by column, and the physical line it ends on."""

    line: int
    cells: dict[str, str]
    raw: list[str]

    def span(self, path: str) -> Span:
        """The whole row (its width estimated from the cells: quotes are not counted)."""
        width = sum(map(len, self.raw)) + len(self.raw) - 1
        return Span(path, self.line, 1, self.line, max(width, 1) + 1)


class Table:
    """A parsed table with its header checked; yields rows and reports bad cells."""

    def __init__(
        self,
        path: str,
        text: str,
        sources: SourceMap,
        required: tuple[str, ...],
        optional: tuple[str, ...],
    ) -> None:
        self.path = path
        self.sources = sources
        self.problems: list[Diagnostic] = []  # what this table found, returned by its reader
        self.row_problems = 0
        self.records = 0  # rows read, well-formed or not
        self.last_line = 0
        # Read up to the header; the rows are then read from where it ends, in one pass.
        self.stream = io.StringIO(text)
        self.header_line, self.header = 0, ""
        for number, line in enumerate(iter(self.stream.readline, ""), start=1):
            if line.strip() and not line.lstrip().startswith("#"):
                self.header_line, self.header = number, line
                break
        self.columns: list[str] = []
        self.ok = self._check_header(required, optional)

    def _check_header(self, required: tuple[str, ...], optional: tuple[str, ...]) -> bool:
        if not self.header_line:
            self.problems.append(missing_column(Span(self.path, 1, 1, 1, 2), self.path, required))
            return False
        try:
            self.columns = [c.strip().lower() for c in next(csv.reader([self.header]))]
        except csv.Error as error:
            self.problems.append(
                malformed_row(
                    Span(self.path, self.header_line, 1, self.header_line, 2),
                    "header",
                    error=str(error),
                    required=required,
                )
            )
            return False
        missing = [c for c in required if c not in self.columns]
        width = len(self.header.rstrip("\r\n"))  # (not the source's line index: 0.2 s nationally)
        span = Span(self.path, self.header_line, 1, self.header_line, width + 1)
        if missing:
            self.problems.append(
                missing_column(span, self.path, required, optional, tuple(missing))
            )
            return False
        known = (*required, *optional)
        if not self._distinct_columns(known):
            return False
        unknown = [(i, c) for i, c in enumerate(self.columns) if c not in known]
        for index, column in unknown[:MAX_HEADER_PROBLEMS]:
            close = suggest(column, known)
            self.problems.append(
                unknown_column(self.cell_span(self.header_line, index), column, close)
            )
        if len(unknown) > MAX_HEADER_PROBLEMS:
            self.problems.append(
                unknown_column(
                    self.cell_span(self.header_line, unknown[MAX_HEADER_PROBLEMS][0]),
                    "",
                    None,
                    more=len(unknown) - MAX_HEADER_PROBLEMS,
                    total=len(unknown),
                )
            )
        return True

    def _distinct_columns(self, known: tuple[str, ...]) -> bool:
        """Is each column ttuplan reads named once? A second one is ambiguous (TP309)."""
        first: dict[str, int] = {}
        repeated = []
        for index, column in enumerate(self.columns):
            if column in known and column in first:
                repeated.append((index, column))
            first.setdefault(column, index)
        for index, column in repeated[:MAX_HEADER_PROBLEMS]:
            self.problems.append(
                duplicate_column(
                    self.cell_span(self.header_line, index),
                    column,
                    self.cell_span(self.header_line, first[column]),
                )
            )
        return not repeated

    def rows(self) -> Iterator[Row]:
        """Well-formed rows with their cells by column (malformed ones are reported)."""
        columns = self.columns
        for line, raw in self.records_of():
            yield Row(line, dict(zip(columns, raw, strict=True)), raw)

    def records_of(self) -> Iterator[tuple[int, list[str]]]:
        """Well-formed rows as (line, cells in column order); malformed ones are reported."""
        reader = csv.reader(self.stream)
        count = len(self.columns)
        offset = self.header_line
        line = offset
        try:
            for raw in reader:
                line = reader.line_num + offset
                if len(raw) != count:
                    self.irregular(raw, line)
                    continue
                self.records += 1
                self.last_line = line
                yield line, raw
        except csv.Error as error:  # the rest of the table cannot be read: say where it stops
            self.unreadable(line + 1, error)

    def irregular(self, raw: list[str], line: int) -> None:
        """A record whose cells do not match the header: blank, a comment, or malformed."""
        if not raw or raw == [""]:
            return
        self.records += 1
        self.last_line = line
        if raw[0].startswith("#") and len(raw) <= len(self.columns):
            return
        cells, columns = len(raw), len(self.columns)
        self.report(line, None, malformed_row, "cells", cells=cells, columns=columns)

    def unreadable(self, line: int, error: csv.Error) -> None:
        """The csv module gave up at `line`: report it; the rest of the table is not read."""
        self.records += 1
        self.last_line = line
        if "field limit" in str(error):
            limit = csv.field_size_limit()
            self.report(line, None, malformed_row, "field-limit", limit=limit)
        else:
            self.report(line, None, malformed_row, "csv", error=str(error))

    def shows(self) -> bool:
        """Will the next row problem be listed? (Past the cap it is only counted, so the
        work of describing it, a "did you mean" among thousands of names, is skipped.)"""
        return self.row_problems < MAX_ROW_PROBLEMS

    def report(
        self,
        line: int,
        column: str | None,
        build: Callable[Concatenate[Span, P], Diagnostic],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> None:
        """A row problem at the cell of `column` in `line` (the whole row if None): if it
        is listed (see `shows`), `build(span of the cell, *args, **kwargs)`."""
        self.row_problems += 1
        if self.row_problems > MAX_ROW_PROBLEMS:
            return
        index = self.columns.index(column) if column in self.columns else None
        self.problems.append(build(self.cell_span(line, index), *args, **kwargs))

    def finish(self) -> None:
        if self.row_problems > MAX_ROW_PROBLEMS:
            extra = self.row_problems - MAX_ROW_PROBLEMS
            self.problems.append(
                too_many_bad_rows(
                    self.cell_span(self.last_line, None), self.path, extra, self.row_problems
                )
            )
        elif self.records == 0 and self.ok:
            self.problems.append(
                empty_table(Span(self.path, self.header_line, 1, self.header_line, 2), self.path)
            )

    def cell_span(self, line: int, index: int | None) -> Span:
        source = self.sources.get(self.path)
        text = source.line_text(line) if source else ""
        if index is None:
            return Span(self.path, line, 1, line, max(len(text), 1) + 1)
        start, end = _cell_bounds(text, index)
        return Span(self.path, line, start + 1, line, max(end, start + 1) + 1)


def _cell_bounds(text: str, index: int) -> tuple[int, int]:
    """Start and end offsets of cell `index` in one CSV line (quotes respected)."""
    cell, start, quoted = 0, 0, False
    for position, char in enumerate(text):
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            if cell == index:
                return start, position
            cell, start = cell + 1, position + 1
    return (start, len(text)) if cell == index else (len(text), len(text))


def check_reference(
    table: Table, row: Row, column: str, symbols: Symbols, kind: str, valid: set[str]
) -> bool:
    """Is the cell a defined name of `kind`? Reports it when not."""
    value = row.cells[column]
    if value in valid:
        return True
    close = suggest(value, valid) if table.shows() else None
    what = {"district": "district", "risk": "risk class", "kind": "kind of site", "unit": "unit"}[
        kind
    ]
    table.report(row.line, column, unknown_name_in_table, value, column, what, close)
    return False


def number_cell(
    table: Table, row: Row, column: str, convert: Callable[[str], float | int | None], what: str
) -> tuple[bool, float | int | None]:
    text = row.cells.get(column, "").strip()
    if not text:
        return True, None
    try:
        value = convert(text)
    except ValueError:
        value = None
    if value is None:
        table.report(row.line, column, bad_cell, "not", text, what=what)
        return False, None
    return True, value
