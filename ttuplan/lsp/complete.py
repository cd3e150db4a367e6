"""Completion: the keywords the grammar accepts at the cursor (asked of the LALR parser's
state after the tokens before it), and names of the kind the statement takes there (only
districts after `covers`, only units, rayons and pools after `escalates to`)."""

from __future__ import annotations

from lark import Token
from lark.exceptions import UnexpectedInput

from ttuplan.lsp.index import Index
from ttuplan.parse.grammar import keyword_terminals, lark_parser
from ttuplan.parse.lexer import lex
from ttuplan.parse.parser import _DECLARATION_ONLY, _DECLARATION_TOO
from ttuplan.records import dataclass
from ttuplan.resolve.names import Definition

# The kinds of name a statement takes after its last keyword (None: a statement's start).
NAMES_AFTER: dict[str | None, tuple[str, ...]] = {
    "COVERS": ("district",),
    "DISTRICTS": ("district",),
    "BASE": ("district",),
    "IN": ("district",),
    "DISTRICT": ("district",),
    "TO": ("unit", "rayon", "pool"),
    "DURING": ("phase",),
    "FORCE": ("force",),
    "WITH": ("force",),
    "PARENT": ("unit",),
    "FROM": ("unit",),
    "KIND": ("kind",),
    "RISK": ("risk",),
    "GUARD": ("kind", "site"),
    "PER": ("kind",),
    None: ("force",),  # a risk class's rule: `polri 1 per 3 tps`
}
_NAME_CHARACTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"
# Keywords whose NAME is a new name being defined: nothing to complete.
DEFINING = _DECLARATION_ONLY | _DECLARATION_TOO | {"SHIFT", "LANGUAGE", "ROLE"}


@dataclass(frozen=True, slots=True)
class Offer:
    keywords: tuple[str, ...]
    names: tuple[Definition, ...]


def complete(text: str, line: int, character: int, index: Index | None) -> Offer:
    """What may be written at a 0-based line and character of a file's text."""
    lines = text.split("\n")
    if line >= len(lines):
        return Offer((), ())
    current = lines[line][:character]
    if _in_comment_or_label(current):
        return Offer((), ())
    word = len(current) - len(current.rstrip(_NAME_CHARACTERS))
    prefix = "\n".join([*lines[:line], current[: len(current) - word]])
    tokens, _ = lex(prefix, "<completion>")
    accepted = _accepted(tokens, line + 1)
    if accepted is None:
        return Offer((), ())
    words = keyword_terminals()
    keywords = tuple(sorted(words[t] for t in accepted if t in words))
    names: tuple[Definition, ...] = ()
    if "NAME" in accepted and index is not None:
        on_line = [t for t in tokens if t.line == line + 1]
        last = next((t.type for t in reversed(on_line) if t.type in words), None)
        if last not in DEFINING or last in NAMES_AFTER:
            kinds = NAMES_AFTER.get(last, ())
            if last is None and on_line:
                kinds = ()  # a rule's force comes first on its line
            if last == "DISTRICT" and on_line[0].type != "DISTRICT":
                kinds = ()
            names = tuple(d for d in index.definitions.values() if d.kind in kinds)
    return Offer(keywords, names)


def _in_comment_or_label(line: str) -> bool:
    quoted = False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif char == "#" and not quoted:
            return True
    return quoted


def _accepted(tokens: list[Token], line: int) -> set[str] | None:
    """The terminals the parser accepts after `tokens`, fed from the start of the
    declaration they end in; if that declaration is broken before the cursor's line,
    from its head and the cursor's line alone."""
    start, depth = 0, 0
    for i, token in enumerate(tokens):
        starts_line = i == 0 or tokens[i - 1].line != token.line
        if depth == 0 and starts_line and token.type in _DECLARATION_ONLY | _DECLARATION_TOO:
            start = i
        if token.type == "LBRACE":
            depth += 1
        elif token.type == "RBRACE":
            depth = max(depth - 1, 0)
    declaration = tokens[start:]
    found = _feed(declaration)
    if found is None:
        opening = next((i for i, t in enumerate(declaration) if t.type == "LBRACE"), None)
        if opening is not None:
            head = declaration[: opening + 1]
            found = _feed([*head, *(t for t in declaration[opening + 1 :] if t.line == line)])
    return found


def _feed(tokens: list[Token]) -> set[str] | None:
    parser = lark_parser().parse_interactive("")
    try:
        for token in tokens:
            parser.feed_token(token)
    except UnexpectedInput:
        return None
    accepted: set[str] = parser.accepts()  # type: ignore[no-untyped-call]
    return accepted
