"""Terminals said in words, for messages: never `__ANON_3`, never `RBRACE`."""

from __future__ import annotations

from collections.abc import Iterable

from ttuplan.parse.grammar import keyword_terminals

_WORDS = {
    "NAME": "a name",
    "STRING": 'a quoted label ("...")',
    "NUMBER": "a number",
    "DATE": "a date (YYYY-MM-DD)",
    "TIME": "a time (HH:MM)",
    "DURATION": "a duration (30m, 2h)",
    "LBRACE": "`{`",
    "RBRACE": "`}`",
    "COMMA": "`,`",
    "RANGE": "`..`",
    "$END": "the end of the file",
}

# Terminals listed first when several are expected: values before punctuation.
_ORDER = (
    "NAME",
    "STRING",
    "NUMBER",
    "DATE",
    "TIME",
    "DURATION",
    "LBRACE",
    "RBRACE",
    "COMMA",
    "RANGE",
    "$END",
)


def terminal_words(name: str) -> str:
    """One terminal in words: `a name`, `` `{` ``, `` `strength` ``."""
    keyword = keyword_terminals().get(name)
    if keyword is not None:
        return f"`{keyword}`"
    return _WORDS.get(name, name.lower())


def found_words(token_type: str, value: str) -> str:
    """What the parser found, in words, quoting what was written."""
    if token_type == "$END":
        return "the end of the file"
    if token_type in keyword_terminals():
        return f"the keyword `{value}`"
    kinds = {
        "NAME": "name",
        "STRING": "label",
        "NUMBER": "number",
        "DATE": "date",
        "TIME": "time",
        "DURATION": "duration",
    }
    if token_type in kinds:
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"{kinds[token_type]} `{shown}`"
    return f"`{value}`"


def expected_words(expected: Iterable[str], limit: int = 8) -> str:
    """A set of expected terminals as a readable list: `a name, `{` or `}``."""
    names = sorted(set(expected), key=_rank)
    words = [terminal_words(name) for name in names]
    if len(words) > limit:
        words = [*words[:limit], f"{len(names) - limit} other words"]
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " or " + words[-1]


def _rank(name: str) -> tuple[int, str]:
    if name in _ORDER:
        return (0, f"{_ORDER.index(name):02d}")
    return (1, keyword_terminals().get(name, name))
