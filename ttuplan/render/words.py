"""The words of the documents, from the catalogues in templates/i18n (id, en), and how
numbers, dates and times are written in each language.
"""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction
from pathlib import Path
from typing import Any

from ttuplan.records import dataclass

ZONES = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}


class CatalogueError(Exception):
    """A catalogue is missing or lacks a word a template asks for (a usage error)."""


@dataclass(frozen=True, slots=True)
class Words:
    """One language's catalogue: `words("post")` gives the word; formatting helpers."""

    language: str
    table: dict[str, Any]

    @classmethod
    def load(cls, language: str, folders: list[Path]) -> Words:
        """The catalogue `i18n/LANGUAGE.json` of the first template folder that has it."""
        for folder in folders:
            path = folder / "i18n" / f"{language}.json"
            if path.is_file():
                try:
                    table = json.loads(path.read_text(encoding="utf-8"))
                except (OSError, ValueError) as error:
                    raise CatalogueError(f"cannot read {path}: {error}") from error
                return cls(language, table)
        raise CatalogueError(f"no catalogue i18n/{language}.json in the templates")

    def __call__(self, key: str) -> str:
        try:
            return str(self.table[key])
        except KeyError:
            raise CatalogueError(f"the {self.language} catalogue has no word `{key}`") from None

    def number(self, value: int | float | Fraction) -> str:
        """`1.548` in Indonesian, `1,548` in English; fractions with one decimal."""
        fraction = Fraction(value)
        text = f"{int(fraction):,}" if fraction.denominator == 1 else f"{float(fraction):,.1f}"
        marks: dict[str, str | int | None] = {",": self("thousands"), ".": self("decimal")}
        return text.translate(str.maketrans(marks))

    def date(self, moment: dt.date | dt.datetime) -> str:
        """`14 Februari 2024`."""
        return f"{moment.day} {self.table['months'][moment.month - 1]} {moment.year}"

    def time(self, moment: dt.time | dt.datetime) -> str:
        """`06.00` in Indonesian, `06:00` in English."""
        return f"{moment.hour:02d}{self('time_separator')}{moment.minute:02d}"

    def moment(self, moment: dt.datetime) -> str:
        return f"{self.date(moment)} {self.time(moment)}"

    def period(self, start: dt.datetime, end: dt.datetime) -> str:
        """A phase as people say it: whole days as dates, otherwise with times."""
        last = end - dt.timedelta(minutes=1)
        if start.time() == dt.time() and end.time() == dt.time():
            if start.date() == last.date():
                return self.date(start)
            return f"{self.date(start)} – {self.date(last)}"
        # An end at midnight is the end of the day before (`.. 2024-03-05` in the plan).
        until = self.date(last) if end.time() == dt.time() else self.moment(end)
        first = self.date(start) if start.time() == dt.time() else self.moment(start)
        return f"{first} – {until}"


def zone_name(timezone: str) -> str:
    """`WITA` for Asia/Makassar; the zone's own name where Indonesia has no short one."""
    return ZONES.get(timezone, timezone)
