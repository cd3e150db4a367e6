"""The rosters as an XLSX workbook (XlsxWriter): a summary, all posts, a sheet per unit.

A binary format cannot come from a text template, so this module lays the sheets out;
its words still come from the catalogue. Every text cell is written as a string (never a
formula) and neutralised for spreadsheet programs; the file is reproducible: fixed
document dates, no volatile metadata.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any, BinaryIO

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

from ttuplan import progress
from ttuplan.render.briefing import Briefing
from ttuplan.render.escape import spreadsheet_text
from ttuplan.render.rosters import Rosters
from ttuplan.render.words import Words

FIXED_DATE = dt.datetime(2000, 1, 1)
_SHEET_BAD = re.compile(r"[\[\]:*?/\\'\x00-\x1f\x7f]")
SHEET_NAME_UNITS = 31  # UTF-16 code units: an emoji counts two
MAX_CELL_UNITS = 32_767  # UTF-16 units of text in one cell
MAX_ROWS = 1_048_576  # Excel's rows per sheet; a longer list goes on in "Name (2)", ...


class SheetError(Exception):
    """XlsxWriter refused a cell (it returns -1 rather than raising): never drop data."""


LARGE = 50_000  # roster places from which a workbook is streamed (constant_memory)


def workbook(rosters: Rosters, briefing: Briefing, words: Words, out: BinaryIO) -> None:
    """Write the workbook into `out`.

    A large one (a provincial or national plan: millions of cells) is written in
    XlsxWriter's constant_memory mode, each row flushed as it is written, with strings
    inline: 25 % slower, but a 100,000-site plan's workbook took 930 MB held in memory
    and 30 MB streamed. A regency's stays in memory, with shared strings: faster, smaller.
    """
    places = sum(len(sheet.members or ()) for sheet in rosters.sheets)
    large = places >= LARGE
    book = xlsxwriter.Workbook(
        out,
        {
            "in_memory": not large,
            "constant_memory": large,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    book.set_properties(
        {
            "title": spreadsheet_text(rosters.title),
            "author": "ttuplan",
            "created": FIXED_DATE,
            "comments": f"{words('fingerprint')} {rosters.fingerprint}",
        }
    )
    formats = _Formats(book)
    names: set[str] = set()
    _summary(
        book.add_worksheet(_sheet_name(words("sheet_summary"), names)),
        briefing,
        words,
        formats,
        rosters,
    )
    _posts(book, names, rosters, words, formats, places)
    for unit in rosters.units:
        _unit(book, names, unit, words, formats, rosters)
    book.close()


class _Formats:
    """Cell formats; each text format has a twin with Excel's quote prefix, for text that a
    spreadsheet would otherwise read as a formula (shown as written, never evaluated)."""

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        title = {"bold": True, "font_size": 13}
        head = {
            "bold": True,
            "bg_color": "#D9D9D9",
            "border": 1,
            "text_wrap": True,
            "valign": "top",
        }
        cell = {"border": 1, "valign": "top", "text_wrap": True}
        self.title, self.head, self.cell = (book.add_format(x) for x in (title, head, cell))
        self.quoted = {
            id(plain): book.add_format({**props, "quote_prefix": True})
            for plain, props in ((self.title, title), (self.head, head), (self.cell, cell))
        }
        self.number = book.add_format({"border": 1, "valign": "top", "num_format": "#,##0"})
        self.risky: dict[str, bool] = {}  # text -> would a spreadsheet read it as a formula
        self.total = book.add_format({"bold": True, "border": 1, "num_format": "#,##0"})


def _sheet_name(label: str, taken: set[str]) -> str:
    """Excel's rules: at most 31 UTF-16 units, none of []:*?/\\' nor a control
    character, unique whatever the case, not blank."""
    base = _SHEET_BAD.sub("_", label).strip() or "sheet"
    name, number = _utf16_cut(base, SHEET_NAME_UNITS), 2
    while name.lower() in taken:
        suffix = f" ({number})"
        name, number = _utf16_cut(base, SHEET_NAME_UNITS - len(suffix)) + suffix, number + 1
    taken.add(name.lower())
    return name


def _utf16_cut(text: str, units: int) -> str:
    """The longest start of `text` that is at most `units` UTF-16 code units long (Excel
    counts in those: a character past U+FFFF, an emoji, takes two), never half a one."""
    used = 0
    for index, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > units:
            return text[:index]
    return text


def _setup(sheet: Any, rosters: Rosters, words: Words, header_rows: int, widths: list[int]) -> None:
    sheet.set_paper(9)  # A4
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.5, right=0.5, top=0.7, bottom=0.7)
    sheet.repeat_rows(0, header_rows - 1)
    sheet.set_header(f"&L&8{_footer(rosters.title)}")
    sheet.set_footer(
        f"&L&8{words('fingerprint')} {rosters.fingerprint}&R&8{words('page')} &P {words('of')} &N"
    )
    for column, width in enumerate(widths):
        sheet.set_column(column, column, width)


def _footer(text: str) -> str:
    return text.replace("&", "&&")[:200]


def _text(sheet: Any, row: int, column: int, text: str, style: Any, f: _Formats) -> None:
    """A text cell: always a string, quote-prefixed where it looks like a formula."""
    _row(sheet, row, [text], style, style, f, column)


def _row(
    sheet: Any,
    row: int,
    values: list[Any],
    style: Any,
    numbers: Any,
    f: _Formats,
    first: int = 0,
) -> None:
    """Numbers as numbers; everything else as text, quote-prefixed where it looks like a
    formula (decided once per distinct text: a national workbook has 25 million cells)."""
    write_string, write_number, risky = sheet.write_string, sheet.write_number, f.risky
    quoted = f.quoted[id(style)]
    for column, value in enumerate(values, start=first):
        kind = type(value)
        if kind is int or kind is float:
            result = write_number(row, column, value, numbers)
        else:
            text = value if kind is str else str(value)
            looks = risky.get(text)
            if looks is None:
                looks = risky[text] = spreadsheet_text(text) != text
            result = write_string(row, column, text, quoted if looks else style)
        if result:
            _done(result, sheet, row, column)


def _done(result: int, sheet: Any, row: int = 0, column: int = 0) -> None:
    """XlsxWriter's result: 0, -1 for a cell outside the sheet, -2 for text past Excel's
    32,767 characters (XlsxWriter would keep what fits: a roster silently cut)."""
    if result == -1:
        raise SheetError(f"a cell outside the sheet `{sheet.name}`")
    if result == -2:
        cell = xl_rowcol_to_cell(row, column)
        raise SheetError(
            f"the text of cell {cell} of the sheet `{sheet.name}` is longer than the "
            f"{MAX_CELL_UNITS:,} characters an Excel cell holds; shorten the labels it "
            "joins, or leave the workbook out (--formats without xlsx)"
        )


class _Pages:
    """A list that continues on a new sheet, header repeated, when it reaches MAX_ROWS."""

    def __init__(
        self,
        book: xlsxwriter.Workbook,
        names: set[str],
        name: str,
        start: Callable[[Any], int],
    ) -> None:
        self.book, self.names, self.name, self.start = book, names, name, start
        self.sheets: list[tuple[Any, int]] = []  # each sheet and its header rows
        self._new()

    def _new(self) -> None:
        label = self.name if not self.sheets else f"{self.name} ({len(self.sheets) + 1})"
        sheet = self.book.add_worksheet(_sheet_name(label, self.names))
        header = self.start(sheet)
        self.sheets.append((sheet, header))
        self.sheet, self.row = sheet, header

    def next_row(self) -> tuple[Any, int]:
        """The sheet and row to write the next line on."""
        if self.row >= MAX_ROWS:
            self._new()
        self.row += 1
        return self.sheet, self.row - 1


def _summary(sheet: Any, briefing: Briefing, words: Words, f: _Formats, rosters: Rosters) -> None:
    _setup(sheet, rosters, words, 1, [28, 12, 14, 14, 14, 14])
    _text(sheet, 0, 0, briefing.title, f.title, f)
    table = briefing.risk_table
    row = 2
    if table is not None:
        heads = [words("risk_class"), words("sites"), words("pattern")]
        for force in table.forces:
            heads += [f"{force} {words('by_ratio')}", f"{force} {words('by_posts')}"]
        _row(sheet, row, heads, f.head, f.head, f)
        row += 1
        lines = [*table.rows, table.risk_total]
        labels = [r.label for r in table.rows] + [words("risk_total")]
        if table.fixed is not None:
            lines.append(table.fixed)
            labels.append(words("fixed_guards"))
        lines.append(table.total)
        labels.append(words("total"))
        for label, line in zip(labels, lines, strict=True):
            values: list[Any] = [label, line.sites, line.pattern]
            for ratio, posts in zip(line.by_ratio, line.by_posts, strict=True):
                values += [float(ratio) if ratio.denominator != 1 else int(ratio), posts]
            _row(sheet, row, values, f.cell, f.number, f)
            row += 1
    row += 1
    # Per phase, never added across phases: a guard in every phase is the same people.
    heads = [words("phase"), words("posts"), words("force"), words("at_once"), words("in_all")]
    _row(sheet, row, [*heads, words("reserve")], f.head, f.head, f)
    row += 1
    for phase in rosters.phases:
        for force, once, all_, _ in phase.people or (("", 0, 0, 0),):
            cells: list[Any] = [phase.label, phase.posts, force, once, all_, phase.reserve]
            _row(sheet, row, cells, f.cell, f.number, f)
            row += 1


def _posts(
    book: xlsxwriter.Workbook,
    names: set[str],
    rosters: Rosters,
    words: Words,
    f: _Formats,
    places: int,
) -> None:
    heads = [
        words("phase"),
        words("post"),
        words("district"),
        words("village"),
        words("sites"),
        words("risk_class"),
        words("no"),
        words("name"),
        words("rank"),
        words("nrp"),
        words("unit"),
        words("force"),
        words("shift"),
        words("paraf"),
    ]

    def start(sheet: Any) -> int:
        _setup(sheet, rosters, words, 1, [16, 6, 18, 18, 30, 22, 5, 30, 10, 12, 24, 8, 14, 10])
        _row(sheet, 0, heads, f.head, f.head, f)
        sheet.freeze_panes(1, 0)
        return 1

    pages = _Pages(book, names, words("sheet_posts"), start)
    written = 0
    for sheet_view in rosters.sheets:
        post = sheet_view.post
        sites = ", ".join(label for _, label in post.sites)
        for place in sheet_view.members or ():
            written += 1
            if not written & 0xFFFF:  # every 65,536 rows; the list is most of the workbook
                progress.stage(None, 0.8 * written / places)
            sheet, row = pages.next_row()
            _row(
                sheet,
                row,
                [
                    sheet_view.phase,
                    post.number,
                    post.district,
                    post.village,
                    sites,
                    f"{post.risk} ({words('fixed_guard')})" if post.fixed else post.risk,
                    place.number,
                    place.name,
                    place.rank,
                    place.nrp,
                    place.unit,
                    place.force,
                    f"{place.shift} {place.hours}" if place.shift else place.hours,
                    "",
                ],
                f.cell,
                f.number,
                f,
            )
    for sheet, _ in pages.sheets[:-1]:
        _done(sheet.autofilter(0, 0, MAX_ROWS - 1, len(heads) - 1), sheet)
    _done(pages.sheet.autofilter(0, 0, max(pages.row - 1, 0), len(heads) - 1), pages.sheet)


def _unit(
    book: xlsxwriter.Workbook,
    names: set[str],
    unit: Any,
    words: Words,
    f: _Formats,
    rosters: Rosters,
) -> None:
    def start(sheet: Any) -> int:
        _setup(sheet, rosters, words, 2, [18, 6, 34, 8, 10, 60])
        _text(sheet, 0, 0, f"{unit.label} ({words('strength')} {unit.strength})", f.title, f)
        heads = ["phase", "post", "district", "sites", "members", "name"]
        _row(sheet, 1, [words(h) for h in heads], f.head, f.head, f)
        return 2

    pages = _Pages(book, names, unit.label, start)
    for phase, lines, total in unit.phases:
        for line in lines:
            sheet, row = pages.next_row()
            _row(
                sheet,
                row,
                [
                    phase,
                    line.post if line.post is not None else words("reserve"),
                    line.what,
                    line.sites,
                    line.people,
                    "; ".join(line.names),
                ],
                f.cell,
                f.number,
                f,
            )
        sheet, row = pages.next_row()
        _row(sheet, row, [phase, words("total"), "", "", total, ""], f.cell, f.total, f)
