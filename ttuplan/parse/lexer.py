"""Lexing that survives bad characters: each bad run is a diagnostic, lexing goes on after it."""

from __future__ import annotations

import re

from lark import Token
from lark.exceptions import UnexpectedCharacters
from lark.lexer import LexerState
from lark.utils import TextSlice

from ttuplan.diagnostics.builders.syntax import (
    STRAY,
    more_unreadable,
    stray_punctuation,
    unexpected_character,
    unterminated_string,
)
from ttuplan.diagnostics.model import Diagnostic
from ttuplan.parse.grammar import lark_lexer
from ttuplan.source import Span

MAX_LEX_ERRORS = 25

# Characters that can start some token or blank; a run of anything else is one bad run.
_BAD = r'[^A-Za-z0-9_"#{},.\s\-\ufeff]+'
_BAD_RUN = re.compile(_BAD)
# The grammar's blanks (WHITESPACE), and bad runs with nothing but blanks between them.
_BLANK_CHARS = " \t\r\n\f\ufeff"
_BLANKS = re.compile(f"[{_BLANK_CHARS}]+")
_BAD_STRETCH = re.compile(f"{_BAD}(?:{_BLANKS.pattern}{_BAD})*+")  # possessive: no stack per run


def lex(text: str, file: str) -> tuple[list[Token], list[Diagnostic]]:
    """All tokens of `text`; bad characters and unclosed labels become diagnostics."""
    lexer = lark_lexer()
    state = LexerState(TextSlice(text, 0, len(text)))
    tokens: list[Token] = []
    diagnostics: list[Diagnostic] = []
    skipped = 0
    last_span: Span | None = None
    while True:
        try:
            tokens.extend(lexer.lex(state, None))
            break
        except UnexpectedCharacters as error:
            start = int(error.pos_in_stream or 0)
            length = _bad_length(text, start)
            if len(diagnostics) < MAX_LEX_ERRORS:
                diagnostics.append(_describe(text, file, start, length, error.line, error.column))
            else:
                # Past the cap bad runs are only counted: a stretch of them is passed over at
                # once, not with one lexer error per run (ten million of them took minutes).
                runs, last_run, end = _stretch(text, start, length)
                # A str, not a TextSlice: Lark's LineCounter misplaces a newline in a slice.
                state.line_ctr.feed(text[start:last_run])
                line, column = state.line_ctr.line, state.line_ctr.column
                skipped += runs
                last_span = Span(file, line, column, line, column + 1)
                start, length = last_run, end - last_run
            if text[start] == '"':  # read the open label as if closed at the end of its line
                tokens.append(_closed_label(text, start, length, error.line, error.column))
            state.line_ctr.feed(TextSlice(text, start, start + length))
    if skipped:
        last = diagnostics[-1]
        diagnostics.append(more_unreadable(last, last_span, skipped))
    return tokens, diagnostics


def _closed_label(text: str, start: int, length: int, line: int, column: int) -> Token:
    value = text[start : start + length].rstrip("\r") + '"'
    return Token("STRING", value, start, line, column, line, column + length, start + length)


def _stretch(text: str, start: int, length: int) -> tuple[int, int, int]:
    """The bad runs from `start` with only blanks between them: count, last one's start, end.

    The lexer would stop at each of these runs in turn (no token starts with a bad character
    and the blanks between are skipped), so they are the runs it would report one by one.
    """
    match = _BAD_STRETCH.match(text, start)
    if match is None:  # a label left open, or a blank the grammar does not know
        return 1, start, start + length
    end = match.end()
    last = max(start, *(text.rfind(blank, start, end) + 1 for blank in _BLANK_CHARS))
    runs = 1 + sum(1 for _ in _BLANKS.finditer(text, start, end))
    return runs, last, end


def _bad_length(text: str, start: int) -> int:
    if text[start] == '"':
        end = text.find("\n", start)
        return (len(text) if end < 0 else end) - start
    match = _BAD_RUN.match(text, start)
    return match.end() - start if match else 1


def _describe(text: str, file: str, start: int, length: int, line: int, column: int) -> Diagnostic:
    char = text[start]
    width = min(length, 200)
    span = Span(file, line, column, line, column + width)
    if char == '"':
        return unterminated_string(span)
    if char in STRAY and length == 1:
        return stray_punctuation(span, char)
    return unexpected_character(span, text[start : start + min(length, 12)])
