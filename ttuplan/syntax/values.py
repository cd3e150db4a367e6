"""The values a plan writes (dates, times, durations, numbers, names), checked and converted.

Each function returns the value, or the diagnostic that says how to write it (the
builder keeps the problems it is given back).
"""

from __future__ import annotations

import datetime as dt
import functools
import re

from ttuplan.diagnostics.builders.syntax import (
    bad_coordinate,
    bad_date,
    bad_duration,
    bad_name,
    bad_number,
    bad_time,
)
from ttuplan.diagnostics.model import Diagnostic
from ttuplan.source import Span

_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_NAME = re.compile(r"[a-z_][a-z0-9_]*")
_ESCAPE = re.compile(r"\\(.)")
_DURATION_UNITS = {"m": 1, "h": 60}
MAX_COUNT = 10_000_000


def parse_date(text: str, span: Span) -> dt.date | Diagnostic:
    match = _DATE.fullmatch(text)
    if match is None:
        year_text, month_text, day_text = text.split("-")
        padded = f"{year_text}-{int(month_text):02d}-{int(day_text):02d}"
        return bad_date(span, text, padded=padded)
    year, month, day = (int(part) for part in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError as error:
        return bad_date(span, text, invalid=str(error))


def parse_time(text: str, span: Span, *, end_of_day: bool = False) -> dt.time | Diagnostic:
    """A time of day; where `end_of_day` (a shift's end), `24:00` is midnight at its end."""
    hours, minutes = (int(part) for part in text.split(":"))
    if end_of_day and (hours, minutes) == (24, 0):
        return dt.time(0, 0)
    if hours > 23 or minutes > 59:
        return bad_time(span, text)
    return dt.time(hours, minutes)


def parse_duration(text: str, span: Span) -> int | Diagnostic:
    """Minutes in a duration such as `30m` or `2h`."""
    digits = text.rstrip("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    unit = text[len(digits) :]
    if unit not in _DURATION_UNITS or len(digits) > 6:
        return bad_duration(span, text, digits[:6])
    return int(digits) * _DURATION_UNITS[unit]


def parse_number(text: str, span: Span) -> int | float | Diagnostic:
    if len(text) > 30:
        return bad_number(span, text)
    return float(text) if "." in text else int(text)


def whole(
    number: int | float | None,
    text: str,
    span: Span,
    what: str,
    least: int,
) -> int | Diagnostic | None:
    """`number` if it is a whole number from `least` to MAX_COUNT, else a diagnostic."""
    if number is None:
        return None
    if isinstance(number, float) or not least <= number <= MAX_COUNT:
        return bad_number(span, text, what, least=least, most=MAX_COUNT)
    return number


def bounded(
    number: int | float | None,
    text: str,
    span: Span,
    what: str,
    low: float,
    high: float,
) -> float | Diagnostic | None:
    """`number` as a float if it lies in [low, high], else a diagnostic."""
    if number is None:
        return None
    if not low <= number <= high:
        return bad_number(span, text, what, low=low, most=high)
    return float(number)


def coordinate(
    number: int | float | None, text: str, span: Span, is_lat: bool
) -> float | Diagnostic | None:
    if number is None:
        return None
    limit = 90 if is_lat else 180
    if not -limit <= number <= limit:
        return bad_coordinate(span, text, "latitude" if is_lat else "longitude", limit)
    return float(number)


@functools.lru_cache(maxsize=1 << 16)
def _snake(text: str) -> bool:
    """Is the name snake_case? (Remembered: a national plan names 180,000 things, mostly
    the same few thousand units and districts again and again.)"""
    return _NAME.fullmatch(text) is not None


def check_name(text: str, span: Span) -> Diagnostic | None:
    if not _snake(text):
        suggestion = re.sub(r"[^a-z0-9_]", "_", text.lower())
        if suggestion[0].isdigit():
            suggestion = "_" + suggestion
        return bad_name(span, text, suggestion)
    return None


def unescape(quoted: str) -> str:
    """The text of a quoted label: `\\"` is a quote, `\\\\` a backslash."""
    return _ESCAPE.sub(lambda m: m.group(1) if m.group(1) in '"\\' else m.group(0), quoted[1:-1])
