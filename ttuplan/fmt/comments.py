"""The comments of a file and the lines that hold anything, read from the full token stream."""

from __future__ import annotations

from ttuplan.parse.grammar import lark_parser
from ttuplan.records import dataclass


@dataclass(frozen=True, slots=True)
class Comment:
    """A `#` comment as written (trailing blanks dropped) and where it starts (1-based)."""

    text: str
    line: int
    column: int

    @property
    def position(self) -> tuple[int, int]:
        return (self.line, self.column)


@dataclass(frozen=True, slots=True)
class Trivia:
    """What the parser leaves out and the formatter keeps: comments and blank lines."""

    comments: tuple[Comment, ...]
    occupied: frozenset[int]  # the lines that hold a token or a comment

    def blank_between(self, after: int, before: int) -> bool:
        """Is some line strictly between lines `after` and `before` blank?"""
        return any(line not in self.occupied for line in range(after + 1, before))


def collect_trivia(text: str) -> Trivia:
    """The comments and occupied lines of text that lexes cleanly (it has parsed)."""
    comments: list[Comment] = []
    occupied: set[int] = set()
    for token in lark_parser().lex(text, dont_ignore=True):
        if token.type == "WHITESPACE":
            continue
        line = token.line or 1
        occupied.add(line)
        if token.type == "COMMENT":
            comments.append(Comment(str(token).rstrip(), line, token.column or 1))
    return Trivia(tuple(comments), frozenset(occupied))
