"""Escaping for every output format: what a plan supplies is text, never markup or formula.

Each Jinja2 environment applies one of these to every `{{ value }}` (its `finalize`), so a
template cannot forget; only `Trusted` values (built by ttuplan itself) pass unchanged.
HTML uses Jinja2's own autoescape instead.
"""

from __future__ import annotations

import re
from typing import Any

from ttuplan.terminal import visible

# A cell starting with one of these is read as a formula by spreadsheet programs (OWASP).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# Markup anywhere in a line; and markers that only count where a line starts.
_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]|$~#])")
# At the start: `- x` is an item, `---` a rule; `= x`, `> x`, `1. x` as much.
_MARKDOWN_LINE_START = re.compile(r"^(\s*)(?:([-+])(?=\s|-)|([=>])|(\d+)([.)])(?=\s|$))")
_TYPST_STRING = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})


class Trusted(str):
    """Text ttuplan built itself (a Mermaid diagram, a Typst call): not escaped again."""

    __slots__ = ()


class Svg(str):
    """An SVG drawing ttuplan made, every text in it escaped for XML (render/map.py):
    HTML takes it as markup; Typst and the other formats as text (a literal), like any
    other value."""

    __slots__ = ()

    def __html__(self) -> str:
        return str(self)


def typst_literal(value: Any) -> str:
    """A Typst string literal: usable as `#{{ x }}` in markup and `{{ x }}` in code."""
    if isinstance(value, Trusted):
        return str(value)
    if value is None:
        return '""'
    return '"' + str(value).translate(_TYPST_STRING) + '"'


def markdown_text(value: Any) -> str:
    """Text safe in Markdown (GitHub flavour, tables included): no markup, no raw HTML."""
    if isinstance(value, Trusted):
        return str(value)
    if value is None:
        return ""
    text = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    # One line, nothing a terminal acts on (`cat briefing.md`), and no leading blanks:
    # four of them would start a code block.
    text = visible(text.replace("\r", " ").replace("\n", " ")).lstrip(" ")
    text = _MARKDOWN_INLINE.sub(r"\\\1", text)
    return _MARKDOWN_LINE_START.sub(_escape_marker, text)


def _escape_marker(match: re.Match[str]) -> str:
    indent, bullet, quote, digits, dot = match.groups()
    if digits is not None:
        return f"{indent}{digits}\\{dot}"
    return f"{indent}\\{bullet or quote}"


def spreadsheet_text(value: str) -> str:
    """Text that a spreadsheet program shows as text, never evaluates as a formula."""
    return "'" + value if value.startswith(FORMULA_START) else value


def csv_cell(value: Any) -> str:
    """One CSV cell: numbers as they are, text neutralised and quoted as RFC 4180 asks."""
    if isinstance(value, Trusted):
        return str(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        return str(value)
    text = spreadsheet_text(visible(str(value), lines=True))
    if any(c in text for c in ',"\r\n'):
        text = '"' + text.replace('"', '""') + '"'
    return text


_MERMAID = {
    '"': "#quot;",
    "<": "#lt;",
    ">": "#gt;",
    "`": "#96;",
    "#": "#35;",
    "&": "#38;",
    "\n": " ",
    "\r": " ",
    "|": "#124;",
    "[": "#91;",
    "]": "#93;",
    "{": "#123;",
    "}": "#125;",
    ";": "#59;",
}


def mermaid_label(text: str) -> str:
    """Text inside a quoted Mermaid label: entity codes for what would end or escape it."""
    return "".join(_MERMAID.get(char, char) for char in text)
