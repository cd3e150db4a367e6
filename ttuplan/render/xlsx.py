"""The rosters as an XLSX workbook (XlsxWriter): a summary, all posts, a sheet per unit.

A binary format cannot come from a text template, so this module lays the sheets out;
its words still come from the catalogue. Every text cell is written as a string (never a
formula) and neutralised for spreadsheet programs; the file is reproducible: fixed
document dates, no volatile metadata.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import xlsxwriter

from ttuplan.render.briefing import Briefing
from ttuplan.render.escape import spreadsheet_text
from ttuplan.render.rosters import Rosters
from ttuplan.render.words import Words

FIXED_DATE = dt.datetime(2000, 1, 1)
_SHEET_BAD = re.compile(r"[\[\]:*?/\\']")


def workbook(rosters: Rosters, briefing: Briefing, words: Words) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
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
    _posts(book.add_worksheet(_sheet_name(words("sheet_posts"), names)), rosters, words, formats)
    for unit in rosters.units:
        _unit(book.add_worksheet(_sheet_name(unit.label, names)), unit, words, formats, rosters)
    book.close()
    return buffer.getvalue()


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
        self.total = book.add_format({"bold": True, "border": 1, "num_format": "#,##0"})


def _sheet_name(label: str, taken: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\' , unique, not blank."""
    base = _SHEET_BAD.sub("_", label).strip() or "sheet"
    name, number = base[:31], 2
    while name.lower() in taken:
        suffix = f" ({number})"
        name, number = base[: 31 - len(suffix)] + suffix, number + 1
    taken.add(name.lower())
    return name


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
    risky = spreadsheet_text(text) != text
    sheet.write_string(row, column, text, f.quoted[id(style)] if risky else style)


def _row(sheet: Any, row: int, values: list[Any], style: Any, numbers: Any, f: _Formats) -> None:
    for column, value in enumerate(values):
        if isinstance(value, int | float) and not isinstance(value, bool):
            sheet.write_number(row, column, value, numbers)
        else:
            _text(sheet, row, column, str(value), style, f)


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
    for force, people in rosters.total_people:
        _row(sheet, row, [f"{force} {words('posted')}", people], f.cell, f.total, f)
        row += 1


def _posts(sheet: Any, rosters: Rosters, words: Words, f: _Formats) -> None:
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
        words("paraf"),
    ]
    _setup(sheet, rosters, words, 1, [16, 6, 18, 18, 30, 14, 5, 30, 10, 12, 24, 8, 10])
    _row(sheet, 0, heads, f.head, f.head, f)
    row = 1
    for sheet_view in rosters.sheets:
        post = sheet_view.post
        sites = ", ".join(label for _, label in post.sites)
        for place in sheet_view.members or ():
            _row(
                sheet,
                row,
                [
                    sheet_view.phase,
                    post.number,
                    post.district,
                    post.village,
                    sites,
                    post.risk or words("fixed_guards"),
                    place.number,
                    place.name,
                    place.rank,
                    place.nrp,
                    place.unit,
                    place.force,
                    "",
                ],
                f.cell,
                f.number,
                f,
            )
            row += 1
    sheet.autofilter(0, 0, max(row - 1, 0), len(heads) - 1)
    sheet.freeze_panes(1, 0)


def _unit(sheet: Any, unit: Any, words: Words, f: _Formats, rosters: Rosters) -> None:
    _setup(sheet, rosters, words, 2, [18, 6, 34, 8, 10, 60])
    _text(sheet, 0, 0, f"{unit.label} ({words('strength')} {unit.strength})", f.title, f)
    _row(
        sheet,
        1,
        [
            words("phase"),
            words("post"),
            words("district"),
            words("sites"),
            words("members"),
            words("name"),
        ],
        f.head,
        f.head,
        f,
    )
    row = 2
    for phase, lines, total in unit.phases:
        for line in lines:
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
            row += 1
        _row(sheet, row, [phase, words("total"), "", "", total, ""], f.cell, f.total, f)
        row += 1
