"""The Lark LALR parser for grammar/ttuplan.lark, built once per process."""

from __future__ import annotations

import functools

from lark import Lark
from lark.lexer import BasicLexer

from ttuplan.resources import resource_dir

GRAMMAR_FILE = resource_dir("grammar") / "ttuplan.lark"


@functools.cache
def lark_parser() -> Lark:
    """The plan parser: LALR with a basic lexer, so tokens can be lexed once and re-fed."""
    return Lark(
        GRAMMAR_FILE.read_text(encoding="utf-8"),
        parser="lalr",
        lexer="basic",
        propagate_positions=False,  # the builder works positions out itself, faster
        maybe_placeholders=False,
        # Lark keeps the built LALR tables in the temporary folder, keyed by a hash of the
        # grammar, options and Lark version: later runs load them instead of building.
        cache=True,
    )


@functools.cache
def keyword_terminals() -> dict[str, str]:
    """Keyword terminal name to its word (`STRENGTH` -> `strength`)."""
    words: dict[str, str] = {}
    for terminal in lark_parser().terminals:
        pattern = terminal.pattern
        if pattern.type == "str" and pattern.value.isalpha():
            words[terminal.name] = pattern.value
    return words


def lark_lexer() -> BasicLexer:
    """The parser's own basic lexer, for lexing that resumes after a bad character."""
    lexer: BasicLexer = lark_parser().parser.lexer
    return lexer
