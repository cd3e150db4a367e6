"""The values a plan writes (dates, times, durations, numbers, names), checked and converted.

Each function returns the value, or the diagnostic that says how to write it (the
builder keeps the problems it is given back).
"""

from __future__ import annotations

import datetime as dt
import functools
import re

from ttuplan.diagnostics import codes
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
        return Diagnostic(
            code=codes.BAD_DATE,
            message=f"`{text}` is not written YYYY-MM-DD",
            span=span,
            label="month and day need two digits",
            help=f"write `{padded}`",
        )
    year, month, day = (int(part) for part in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError as error:
        return Diagnostic(
            code=codes.BAD_DATE,
            message=f"`{text}` is not a date",
            span=span,
            label=str(error),
            help="check the month and the day",
        )


def parse_time(text: str, span: Span, *, end_of_day: bool = False) -> dt.time | Diagnostic:
    """A time of day; where `end_of_day` (a shift's end), `24:00` is midnight at its end."""
    hours, minutes = (int(part) for part in text.split(":"))
    if end_of_day and (hours, minutes) == (24, 0):
        return dt.time(0, 0)
    if hours > 23 or minutes > 59:
        return Diagnostic(
            code=codes.BAD_TIME,
            message=f"`{text}` is not a time of day",
            span=span,
            label="hours run 00-23, minutes 00-59",
            help="use the 24-hour clock: `06:00`, `18:30`, `23:59`",
        )
    return dt.time(hours, minutes)


def parse_duration(text: str, span: Span) -> int | Diagnostic:
    """Minutes in a duration such as `30m` or `2h`."""
    digits = text.rstrip("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    unit = text[len(digits) :]
    if unit not in _DURATION_UNITS or len(digits) > 6:
        return Diagnostic(
            code=codes.BAD_DURATION,
            message=f"`{text}` is not a duration",
            span=span,
            label="write minutes as `m`, hours as `h`",
            help=f"write `{digits[:6]}m` for minutes or `{digits[:6]}h` for hours",
        )
    return int(digits) * _DURATION_UNITS[unit]


def parse_number(text: str, span: Span) -> int | float | Diagnostic:
    if len(text) > 30:
        return Diagnostic(
            code=codes.BAD_NUMBER,
            message="this number is far too long",
            span=span,
            label=f"{len(text)} characters",
            help="no count or coordinate in a plan needs more than a few digits",
        )
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
        return Diagnostic(
            code=codes.BAD_NUMBER,
            message=f"{what} must be a whole number from {least} to {MAX_COUNT:,}, not `{text}`",
            span=span,
            label="not a count",
            help=f"write {what} as a whole number",
        )
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
        return Diagnostic(
            code=codes.BAD_NUMBER,
            message=f"{what} must lie between {low:g} and {high:g}, not `{text}`",
            span=span,
            label="out of range",
            help=f"give {what} a value in that range",
        )
    return float(number)


def coordinate(
    number: int | float | None, text: str, span: Span, is_lat: bool
) -> float | Diagnostic | None:
    if number is None:
        return None
    limit = 90 if is_lat else 180
    if not -limit <= number <= limit:
        axis = "latitude" if is_lat else "longitude"
        return Diagnostic(
            code=codes.BAD_COORDINATE,
            message=f"{axis} `{text}` is off the globe",
            span=span,
            label=f"{axis} runs from -{limit} to {limit}",
            help="write `at LATITUDE, LONGITUDE`, latitude first "
            "(Kefamenanu: `at -9.447, 124.479`)",
        )
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
        return Diagnostic(
            code=codes.BAD_NAME,
            message=f"the name `{text}` is not snake_case",
            span=span,
            label="names are lower case",
            help=f"write `{suggestion}`, and put `{text}` in the label",
        )
    return None


def unescape(quoted: str) -> str:
    """The text of a quoted label: `\\"` is a quote, `\\\\` a backslash."""
    return _ESCAPE.sub(lambda m: m.group(1) if m.group(1) in '"\\' else m.group(0), quoted[1:-1])
