"""Syntax errors in plain words, with hand-written messages for the common mistakes."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

from lark import Token

from ttuplan.diagnostics import codes
from ttuplan.diagnostics.model import Diagnostic, Label
from ttuplan.parse.grammar import keyword_terminals
from ttuplan.parse.words import expected_words, found_words
from ttuplan.source import Span

_VALUE_TYPES = {"NAME", "NUMBER", "DATE", "TIME", "DURATION", "STRING"}


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
        return Diagnostic(
            code=codes.UNQUOTED_LABEL,
            message=f"the label `{label}` needs double quotes",
            span=span.through(token_span(file, tokens[_label_end(tokens, index)])),
            label="a label is written in quotes",
            help=f'write it as "{label}"',
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
        return Diagnostic(
            code=codes.UNKNOWN_KEYWORD,
            message=f"`{token}` is not a statement{where or ' here'}"
            if token.type in keywords
            else f"unknown statement `{token}`{where}",
            span=span,
            label=f"did you mean `{close[0]}`?" if close else "not a statement here",
            notes=(f"statements allowed here: {accepted}",),
            help=f"write `{close[0]}`" if close else "use one of the statements listed above",
        )
    if token.type in keywords and "NAME" in expected:
        return Diagnostic(
            code=codes.UNEXPECTED_TOKEN,
            message=f"`{token}` is a keyword and cannot be used as a name",
            span=span,
            label="a name was expected here",
            help=f"choose another name, such as `{token}_1`",
        )
    if token.type == "RBRACE" and block is None:
        return Diagnostic(
            code=codes.UNEXPECTED_TOKEN,
            message="this `}` closes no block",
            span=span,
            label="unmatched `}`",
            help="remove it, or look above for a block closed twice",
        )
    if token.type == "LBRACE" and block is not None and "RBRACE" in expected:
        return Diagnostic(
            code=codes.UNEXPECTED_TOKEN,
            message=f"a block cannot open inside {block.keyword} `{block.name}`",
            span=span,
            label="unexpected `{`",
            related=(Label(span=token_span(file, block.brace), message="the open block"),),
            help="close the block above with `}` first",
        )
    if "LBRACE" in expected and token.type not in {"STRING", "LBRACE"} and block is None:
        opener = _declaration_keyword(tokens, index)
        found = found_words(token.type, token)
        return Diagnostic(
            code=codes.UNEXPECTED_TOKEN,
            message=f"expected `{{` to open the {opener} block, found {found}",
            span=span,
            label="expected `{`",
            help=f"put `{{` at the end of the {opener} line and `}}` after its last statement",
        )
    return Diagnostic(
        code=codes.UNEXPECTED_TOKEN,
        message=f"unexpected {found_words(token.type, token)}{where}",
        span=span,
        label=f"expected {expected_words(expected)}",
        help=_generic_help(token, expected),
    )


def incomplete_line(
    file: str, last: Token, expected: set[str], block: OpenBlock | None
) -> Diagnostic:
    """A line that ends before its statement does: blamed on the line, not on the next one."""
    where = f" in {block.keyword} `{block.name}`" if block else ""
    if expected == {"LBRACE"}:
        return Diagnostic(
            code=codes.UNEXPECTED_TOKEN,
            message="this declaration needs `{` at the end of its line",
            span=token_span(file, last),
            label="expected `{` after this",
            help="open the block with `{` here and close it with `}` after its last statement",
        )
    return Diagnostic(
        code=codes.UNEXPECTED_TOKEN,
        message=f"the line ends too early{where}: {expected_words(expected)} must follow `{last}`",
        span=token_span(file, last),
        label=f"expected {expected_words(expected)} after this",
        help="complete the statement on this line",
    )


def unclosed_block(file: str, block: OpenBlock, stop: Token | None) -> Diagnostic:
    """A `{` with no `}` before the next declaration (`stop`) or the end of the file."""
    related: tuple[Label, ...] = ()
    if stop is not None:
        related = (Label(span=token_span(file, stop), message="the next declaration starts here"),)
        help = f"add `}}` on its own line before line {stop.line}"
    else:
        help = "add `}` after the block's last statement"
    return Diagnostic(
        code=codes.UNCLOSED_BLOCK,
        message=f"the block of {block.keyword} `{block.name}` is never closed",
        span=token_span(file, block.brace),
        label="this `{` has no matching `}`",
        related=related,
        help=help,
    )


def _generic_help(token: Token, expected: set[str]) -> str:
    if token.type == "$END":
        return "the file ends in the middle of a statement; complete it"
    if expected <= {"NUMBER"}:
        return "write a number here"
    if "NAME" in expected and token.type == "STRING":
        return "names are written without quotes, in snake_case: `polres_ttu`"
    if "COMMA" in expected and token.type in _VALUE_TYPES:
        return "separate the items of a list with `,`"
    return "compare the line with the language tour in the README"


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
