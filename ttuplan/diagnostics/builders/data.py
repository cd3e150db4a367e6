"""Builders of the data family (TP3xx): the CSV tables a plan reads (sites, personnel).
Each row problem is built for the span of its cell, which the table works out."""

from __future__ import annotations

from typing import Literal

from ttuplan.diagnostics import codes
from ttuplan.diagnostics.model import Diagnostic, Label
from ttuplan.source import Span


def missing_column(
    span: Span,
    path: str,
    required: tuple[str, ...],
    optional: tuple[str, ...] = (),
    missing: tuple[str, ...] = (),
) -> Diagnostic:
    """The table at `path` lacks the `missing` columns, or, none given, a header line."""
    if not missing:
        return Diagnostic(
            code=codes.MISSING_COLUMN,
            message=f"`{path}` has no header line",
            span=span,
            label="empty table",
            help=f"start the table with the line `{','.join(required)}`",
        )
    return Diagnostic(
        code=codes.MISSING_COLUMN,
        message=f"the table lacks the column{'s' if len(missing) > 1 else ''} "
        + ", ".join(f"`{c}`" for c in missing),
        span=span,
        label="the header",
        notes=(f"required: {', '.join(required)}; optional: {', '.join(optional)}",),
        help="add the missing columns to the header and to every row",
    )


Malformed = Literal["header", "cells", "field-limit", "csv"]


def malformed_row(
    span: Span,
    case: Malformed,
    *,
    error: str = "",
    required: tuple[str, ...] = (),
    cells: int = 0,
    columns: int = 0,
    limit: int = 0,
) -> Diagnostic:
    """The header line cannot be read as CSV (`error`; `required`: the columns); a row of
    `cells` cells under a header of `columns`; a cell past the csv module's `limit`; a
    row the csv module cannot read (`error`)."""
    match case:
        case "header":
            message = f"the header line cannot be read as CSV: {error[:80]}"
            label, hint = "the header", f"start the table with the line `{','.join(required)}`"
        case "cells":
            message = f"this row has {cells} cells; the header has {columns}"
            label, hint = f"{cells} cells", 'quote cells that contain commas: "Kantor Camat, Lama"'
        case "field-limit":
            message = f"a cell here runs past {limit:,} characters"
            label = "the row starts here"
            hint = 'close the `"` that opens the cell; the rest of the table is not read'
        case "csv":
            message = f"this row cannot be read as CSV: {error}"
            label = "the row starts here"
            hint = "correct the row; the rest of the table is not read"
    return Diagnostic(code=codes.MALFORMED_ROW, message=message, span=span, label=label, help=hint)


def unknown_column(
    span: Span, column: str, close: str | None, *, more: int = 0, total: int = 0
) -> Diagnostic:
    """ttuplan does not read `column` (`close`: the column meant, perhaps); or, `more`
    given, the unknown columns not listed (`total` in all; `span` the first of them)."""
    if more:
        return Diagnostic(
            code=codes.UNKNOWN_COLUMN,
            message=f"... and {more:,} more columns ttuplan does not use",
            span=span,
            label=f"{total:,} unknown columns in all; the first not listed",
            help="check that this is the table you meant; the columns are ignored",
        )
    return Diagnostic(
        code=codes.UNKNOWN_COLUMN,
        message=f"ttuplan does not use the column `{column}`",
        span=span,
        label=f"did you mean `{close}`?" if close else "ignored",
        help=f"rename it `{close}`" if close else "remove the column, or ignore this",
    )


def duplicate_column(span: Span, column: str, first: Span) -> Diagnostic:
    return Diagnostic(
        code=codes.DUPLICATE_COLUMN,
        message=f"the header names the column `{column}` twice",
        span=span,
        label="named again here",
        related=(Label(span=first, message="first named here"),),
        help="rename or remove one of them: which one holds the value is unclear",
    )


def too_many_bad_rows(span: Span, path: str, extra: int, total: int) -> Diagnostic:
    """`extra` bad rows not listed, of `total`; `span`: the last row."""
    return Diagnostic(
        code=codes.TOO_MANY_BAD_ROWS,
        message=f"... and {extra:,} more bad rows in `{path}`",
        span=span,
        label=f"{total:,} bad rows in all; this is the last row",
        help="the rows probably share one cause; fix it and check again",
    )


def empty_table(span: Span, path: str) -> Diagnostic:
    return Diagnostic(
        code=codes.EMPTY_TABLE,
        message=f"`{path}` has no rows",
        span=span,
        label="header only",
        help="add rows, or remove the statement that names the table",
    )


def unknown_name_in_table(
    span: Span, value: str, column: str, what: str, close: str | None
) -> Diagnostic:
    """The cell of `column` names `value`, no `what` of the plan (`close`: the name meant,
    perhaps); or is empty."""
    return Diagnostic(
        code=codes.UNKNOWN_NAME_IN_TABLE,
        message=f"no {what} `{value}` is defined" if value else f"the {column} cell is empty",
        span=span,
        label=f"did you mean `{close}`?" if close else f"not a {what} of the plan",
        help=f"write `{close}`"
        if close
        else f"define {what} `{value}` in the plan, or correct the cell",
    )


BadCell = Literal["not", "empty-person", "empty-coordinate", "id", "yes-no"]


def bad_cell(span: Span, case: BadCell, text: str = "", *, what: str = "") -> Diagnostic:
    """The cell's `text` is not `what`; a person's cell of column `what` (nrp, name) is
    empty, or a site's coordinate `what` (lat, lon) without the other; a site id `text`
    not snake_case; `text` not yes or no."""
    match case:
        case "not":
            message, label = f"`{text[:40]}` is not {what}", f"not {what}"
            fix = f"write {what}, or leave the cell empty"
        case "empty-person":
            message, label = f"the {what} cell is empty", "empty"
            fix = "every person needs an NRP and a name"
        case "empty-coordinate":
            message, label = f"the {what} cell is empty", "empty"
            fix = "give both lat and lon, or leave both empty"
        case "id":
            message, label = f"the id `{text[:40]}` is not snake_case", "not snake_case"
            fix = "ids are lower-case letters, digits and underscores: `tps_001_bokon`"
        case "yes-no":
            message, label = f"`{text}` is not yes or no", "not yes or no"
            fix = (
                "write `ya` (or 1, yes) for a person who may lead a post; leave it empty otherwise"
            )
    return Diagnostic(code=codes.BAD_CELL, message=message, span=span, label=label, help=fix)


def duplicate_id(span: Span, value: str, first: Span, *, person: bool = False) -> Diagnostic:
    """A site's id `value`, or (`person`) an NRP, given again; `first`: where first."""
    if person:
        return Diagnostic(
            code=codes.DUPLICATE_ID,
            message=f"the NRP `{value}` is listed twice",
            span=span,
            label="listed again here",
            related=(Label(span=first, message="first listed here"),),
            help="list every person once",
        )
    return Diagnostic(
        code=codes.DUPLICATE_ID,
        message=f"the id `{value}` is used twice",
        span=span,
        label="used again here",
        related=(Label(span=first, message="first used here"),),
        help="give every site its own id",
    )
