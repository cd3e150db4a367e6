"""Syntax errors in plain words, with hand-written messages for the common mistakes."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from lark import Token

from ttuplan.diagnostics.builders import syntax
from ttuplan.diagnostics.model import Diagnostic
from ttuplan.parse.grammar import keyword_terminals
from ttuplan.parse.words import expected_words, found_words
from ttuplan.records import dataclass
from ttuplan.source import Span


@dataclass(frozen=True, slots=True)
class OpenBlock:
    """A block the parser is inside: its declaration keyword, name and opening brace."""

    keyword: str
    name: str
    brace: Token


def token_span(file: str, token: Token) -> Span:
    line = token.line or 1
    column = token.column or 1
    end_line = token.end_line or line
    end_column = token.end_column or column + 1
    if end_line == line and end_column <= column:
        end_column = column + 1
    return Span(file, line, column, end_line, end_column)


def unexpected_token(
    file: str,
    token: Token,
    expected: set[str],
    tokens: Sequence[Token],
    index: int,
    block: OpenBlock | None,
) -> Diagnostic:
    """The diagnostic for `token` standing where only `expected` may stand."""
    span = token_span(file, token)
    where = f" in {block.keyword} `{block.name}`" if block else ""
    keywords = keyword_terminals()
    expected_keywords = sorted(keywords[t] for t in expected if t in keywords)

    if token.type == "NAME" and "STRING" in expected:
        label = _label_guess(tokens, index)
        return syntax.unquoted_label(
            span.through(token_span(file, tokens[_label_end(tokens, index)])), label
        )
    statement_start = expected_keywords and _starts_line(tokens, index)
    if statement_start and (token.type == "NAME" or token.type in keywords):
        # A match at 0.6 is at most 2.33 times as long as its keyword; difflib would index a
        # longer word whole for nothing (a word of ten million letters took 450 MB).
        longest = max(map(len, expected_keywords))
        close = (
            difflib.get_close_matches(str(token), expected_keywords, n=1, cutoff=0.6)
            if len(token) <= 2.5 * longest
            else []
        )
        accepted = ", ".join(f"`{k}`" for k in expected_keywords)
        return syntax.unknown_keyword(
            span,
            str(token),
            where,
            accepted,
            close[0] if close else None,
            is_keyword=token.type in keywords,
        )
    if token.type in keywords and "NAME" in expected:
        return syntax.unexpected_token(span, "keyword-as-name", found=str(token))
    if token.type == "RBRACE" and block is None:
        return syntax.unexpected_token(span, "unmatched-close")
    if token.type == "LBRACE" and block is not None and "RBRACE" in expected:
        return syntax.unexpected_token(
            span,
            "block-in-block",
            block=f"{block.keyword} `{block.name}`",
            brace=token_span(file, block.brace),
        )
    if "LBRACE" in expected and token.type not in {"STRING", "LBRACE"} and block is None:
        opener = _declaration_keyword(tokens, index)
        found = found_words(token.type, token)
        return syntax.unexpected_token(span, "no-open-brace", found=found, block=opener)
    return syntax.unexpected_token(
        span,
        "token",
        found=found_words(token.type, token),
        expected=expected_words(expected),
        where=where,
        found_type=token.type,
        expected_types=frozenset(expected),
    )


def incomplete_line(
    file: str, last: Token, expected: set[str], block: OpenBlock | None
) -> Diagnostic:
    """A line that ends before its statement does: blamed on the line, not on the next one."""
    where = f" in {block.keyword} `{block.name}`" if block else ""
    if expected == {"LBRACE"}:
        return syntax.unexpected_token(token_span(file, last), "line-needs-brace")
    return syntax.unexpected_token(
        token_span(file, last),
        "line-ends-early",
        found=str(last),
        expected=expected_words(expected),
        where=where,
    )


def unclosed_block(file: str, block: OpenBlock, stop: Token | None) -> Diagnostic:
    """A `{` with no `}` before the next declaration (`stop`) or the end of the file."""
    return syntax.unclosed_block(
        token_span(file, block.brace),
        f"{block.keyword} `{block.name}`",
        token_span(file, stop) if stop is not None else None,
    )


def _starts_line(tokens: Sequence[Token], index: int) -> bool:
    return index == 0 or tokens[index - 1].line != tokens[index].line


def _label_end(tokens: Sequence[Token], index: int) -> int:
    end = index
    line = tokens[index].line
    while (
        end + 1 < len(tokens)
        and tokens[end + 1].line == line
        and tokens[end + 1].type not in {"LBRACE", "RBRACE", "COMMA"}
    ):
        end += 1
    return end


def _label_guess(tokens: Sequence[Token], index: int) -> str:
    return " ".join(str(t) for t in tokens[index : _label_end(tokens, index) + 1])


def _declaration_keyword(tokens: Sequence[Token], index: int) -> str:
    keywords = keyword_terminals()
    for token in reversed(tokens[:index]):
        if token.type in keywords:
            return keywords[token.type]
    return "declaration"
