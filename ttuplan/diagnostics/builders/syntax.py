"""Builders of the syntax family (TP1xx): what the lexer, the parser and the value checks
find. The parser's words for tokens (`parse/words.py`) come in as text."""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from typing import Literal

from ttuplan.diagnostics import codes
from ttuplan.diagnostics.model import Diagnostic, Label
from ttuplan.source import Span

Unexpected = Literal[
    "token",  # found where only `expected` may stand
    "keyword-as-name",
    "unmatched-close",
    "block-in-block",
    "no-open-brace",
    "line-needs-brace",
    "line-ends-early",
    "too-many",
]


def unexpected_token(
    span: Span,
    case: Unexpected,
    *,
    found: str = "",
    expected: str = "",
    where: str = "",
    found_type: str = "",
    expected_types: frozenset[str] = frozenset(),
    block: str = "",
    brace: Span | None = None,
    limit: int = 0,
) -> Diagnostic:
    """`found` (in words, or the token's text) where the language does not allow it;
    `expected`: what may stand there, in words; `where`: " in KEYWORD `name`" or "";
    `found_type`, `expected_types`: the grammar's terminals, for the help of a plain
    unexpected token; `block`: the open block, as "KEYWORD `name`", with its `brace`;
    `limit`: the syntax errors reported before giving up."""
    related: tuple[Label, ...] = ()
    match case:
        case "keyword-as-name":
            message = f"`{found}` is a keyword and cannot be used as a name"
            label = "a name was expected here"
            hint = f"choose another name, such as `{found}_1`"
        case "unmatched-close":
            message, label = "this `}` closes no block", "unmatched `}`"
            hint = "remove it, or look above for a block closed twice"
        case "block-in-block":
            assert brace is not None
            message, label = f"a block cannot open inside {block}", "unexpected `{`"
            related = (Label(span=brace, message="the open block"),)
            hint = "close the block above with `}` first"
        case "no-open-brace":
            message = f"expected `{{` to open the {block} block, found {found}"
            label = "expected `{`"
            hint = f"put `{{` at the end of the {block} line and `}}` after its last statement"
        case "line-needs-brace":
            message = "this declaration needs `{` at the end of its line"
            label = "expected `{` after this"
            hint = "open the block with `{` here and close it with `}` after its last statement"
        case "line-ends-early":
            message = f"the line ends too early{where}: {expected} must follow `{found}`"
            label = f"expected {expected} after this"
            hint = "complete the statement on this line"
        case "too-many":
            message = f"... and more syntax errors after the first {limit}"
            label = "the file was not read past here"
            hint = "fix the errors above and check again; one cause often explains many"
        case "token":
            message, label = f"unexpected {found}{where}", f"expected {expected}"
            hint = _token_help(found_type, expected_types)
    return Diagnostic(
        code=codes.UNEXPECTED_TOKEN,
        message=message,
        span=span,
        label=label,
        related=related,
        help=hint,
    )


_VALUE_TYPES = {"NAME", "NUMBER", "DATE", "TIME", "DURATION", "STRING"}


def _token_help(found: str, expected: frozenset[str]) -> str:
    if found == "$END":
        return "the file ends in the middle of a statement; complete it"
    if expected <= {"NUMBER"}:
        return "write a number here"
    if "NAME" in expected and found == "STRING":
        return "names are written without quotes, in snake_case: `polres_ttu`"
    if "COMMA" in expected and found in _VALUE_TYPES:
        return "separate the items of a list with `,`"
    return "compare the line with the language tour in the README"


def unexpected_character(span: Span, shown: str) -> Diagnostic:
    """`shown`: the first characters the lexer cannot read."""
    char = shown[0]
    if char.isprintable() and not char.isspace():
        words = f"character{'s' if len(shown) > 1 else ''} `{shown}`"
    else:
        words = f"character U+{ord(char):04X} ({unicodedata.name(char, 'control character')})"
    return Diagnostic(
        code=codes.UNEXPECTED_CHARACTER,
        message=f"unexpected {words}",
        span=span,
        label="not part of the language",
        help="put text in double quotes if it belongs in a label; remove it otherwise",
    )


def unterminated_string(span: Span) -> Diagnostic:
    return Diagnostic(
        code=codes.UNTERMINATED_STRING,
        message='this label has no closing `"` on its line',
        span=span,
        label="label starts here",
        help='close the label with `"` before the end of the line',
    )


def more_unreadable(last: Diagnostic, span: Span | None, skipped: int) -> Diagnostic:
    """After the lexer's last problem (TP102, TP103 or TP107, whose code it keeps), the
    runs of characters or labels it skipped without listing them."""
    return replace(
        last,
        message=f"... and {skipped} more characters or labels that could not be read",
        span=span,
        label="the last of them",
        related=(),
        notes=(),
        help="this file is probably not a plan file, or was saved in another encoding",
    )


def unclosed_block(span: Span, block: str, stop: Span | None) -> Diagnostic:
    """The `{` at `span` of `block` ("KEYWORD `name`") has no `}` before the next
    declaration (`stop`) or the end of the file (`stop` None)."""
    related: tuple[Label, ...] = ()
    if stop is not None:
        related = (Label(span=stop, message="the next declaration starts here"),)
        help = f"add `}}` on its own line before line {stop.line}"
    else:
        help = "add `}` after the block's last statement"
    return Diagnostic(
        code=codes.UNCLOSED_BLOCK,
        message=f"the block of {block} is never closed",
        span=span,
        label="this `{` has no matching `}`",
        related=related,
        help=help,
    )


def unknown_keyword(
    span: Span, word: str, where: str, accepted: str, close: str | None, *, is_keyword: bool
) -> Diagnostic:
    """`word` starts a line where only the statements `accepted` may (`close`: the nearest
    of them); `is_keyword`: it is a statement, of another place."""
    return Diagnostic(
        code=codes.UNKNOWN_KEYWORD,
        message=f"`{word}` is not a statement{where or ' here'}"
        if is_keyword
        else f"unknown statement `{word}`{where}",
        span=span,
        label=f"did you mean `{close}`?" if close else "not a statement here",
        notes=(f"statements allowed here: {accepted}",),
        help=f"write `{close}`" if close else "use one of the statements listed above",
    )


def unquoted_label(span: Span, label: str) -> Diagnostic:
    return Diagnostic(
        code=codes.UNQUOTED_LABEL,
        message=f"the label `{label}` needs double quotes",
        span=span,
        label="a label is written in quotes",
        help=f'write it as "{label}"',
    )


STRAY = {  # punctuation other languages use where ttuplan has none, and why not here
    "=": "`=` is not used in ttuplan: a statement is its keyword, then its values",
    ":": "`:` is not used after a keyword: a statement is its keyword, then its values",
    ";": "statements end at the end of the line; `;` is not used",
}


def stray_punctuation(span: Span, char: str) -> Diagnostic:
    """`char`, one of STRAY, stands alone."""
    return Diagnostic(
        code=codes.STRAY_PUNCTUATION,
        message=f"unexpected `{char}`",
        span=span,
        label="remove this",
        help=STRAY[char] + ", as in `strength 425`",
    )


def bad_date(span: Span, text: str, *, padded: str = "", invalid: str = "") -> Diagnostic:
    """`text` is not written YYYY-MM-DD (`padded`: as it should be), or, `invalid` (why),
    no date of the calendar."""
    if invalid:
        return Diagnostic(
            code=codes.BAD_DATE,
            message=f"`{text}` is not a date",
            span=span,
            label=invalid,
            help="check the month and the day",
        )
    return Diagnostic(
        code=codes.BAD_DATE,
        message=f"`{text}` is not written YYYY-MM-DD",
        span=span,
        label="month and day need two digits",
        help=f"write `{padded}`",
    )


def bad_time(span: Span, text: str) -> Diagnostic:
    return Diagnostic(
        code=codes.BAD_TIME,
        message=f"`{text}` is not a time of day",
        span=span,
        label="hours run 00-23, minutes 00-59",
        help="use the 24-hour clock: `06:00`, `18:30`, `23:59`",
    )


def bad_duration(span: Span, text: str, digits: str) -> Diagnostic:
    return Diagnostic(
        code=codes.BAD_DURATION,
        message=f"`{text}` is not a duration",
        span=span,
        label="write minutes as `m`, hours as `h`",
        help=f"write `{digits}m` for minutes or `{digits}h` for hours",
    )


def bad_number(
    span: Span,
    text: str,
    what: str = "",
    *,
    least: int | None = None,
    most: float | None = None,
    low: float | None = None,
) -> Diagnostic:
    """`text` is far too long to be a number (no `what`); or `what` must be a whole number
    from `least` to `most`; or a number from `low` to `most`."""
    if not what:
        return Diagnostic(
            code=codes.BAD_NUMBER,
            message="this number is far too long",
            span=span,
            label=f"{len(text)} characters",
            help="no count or coordinate in a plan needs more than a few digits",
        )
    if least is not None:
        return Diagnostic(
            code=codes.BAD_NUMBER,
            message=f"{what} must be a whole number from {least} to {most:,}, not `{text}`",
            span=span,
            label="not a count",
            help=f"write {what} as a whole number",
        )
    return Diagnostic(
        code=codes.BAD_NUMBER,
        message=f"{what} must lie between {low:g} and {most:g}, not `{text}`",
        span=span,
        label="out of range",
        help=f"give {what} a value in that range",
    )


def bad_coordinate(span: Span, text: str, axis: str, limit: int) -> Diagnostic:
    """`axis`: "latitude" or "longitude", which runs from -`limit` to `limit`."""
    return Diagnostic(
        code=codes.BAD_COORDINATE,
        message=f"{axis} `{text}` is off the globe",
        span=span,
        label=f"{axis} runs from -{limit} to {limit}",
        help="write `at LATITUDE, LONGITUDE`, latitude first (Kefamenanu: `at -9.447, 124.479`)",
    )


def bad_name(span: Span, text: str, suggestion: str) -> Diagnostic:
    return Diagnostic(
        code=codes.BAD_NAME,
        message=f"the name `{text}` is not snake_case",
        span=span,
        label="names are lower case",
        help=f"write `{suggestion}`, and put `{text}` in the label",
    )
