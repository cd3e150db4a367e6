"""A block's statements grouped by keyword; a single-valued statement given twice is reported."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from ttuplan.diagnostics.builders.names import duplicate_statement, missing_statement
from ttuplan.diagnostics.model import Diagnostic
from ttuplan.source import Span
from ttuplan.syntax import nodes as n

# Statements that may appear many times in one block.
_REPEATABLE = frozenset(
    {
        "escalates", "reserve", "guard", "shift", "ratio", "situation", "mission", "basis",
        "survive", "concept", "logistics", "distribution", "instruction", "task",
    }
)  # fmt: skip

S = TypeVar("S")


def keyword_of(statement: n.Statement) -> str:
    if isinstance(
        statement,
        n.RefStatement | n.TextStatement | n.NumberStatement | n.Flag | n.DurationStatement,
    ):
        return statement.keyword
    return {
        n.TravelSpeed: "travel speed",
        n.TravelDetour: "travel detour",
        n.EscalationLimit: "escalation limit",
        n.Survive: "survive",
        n.At: "at",
        n.Ratio: "ratio",
        n.ReserveWithin: "reserve within",
        n.Covers: "covers",
        n.Districts: "districts",
        n.Escalates: "escalates",
        n.Available: "available",
        n.Post: "post",
        n.Reserve: "reserve",
        n.Guard: "guard",
        n.Shift: "shift",
        n.Muster: "muster",
        n.Issued: "issued",
    }[type(statement)]


class Body:
    """The statements of one block, looked up by keyword."""

    def __init__(self, statements: Sequence[n.Statement] | None, owner: str) -> None:
        self.problems: list[Diagnostic] = []  # statements given twice
        self.single: dict[str, n.Statement] = {}
        self.repeated: dict[str, list[n.Statement]] = {}
        for statement in statements or ():
            keyword = keyword_of(statement)
            if keyword in _REPEATABLE:
                self.repeated.setdefault(keyword, []).append(statement)
            elif keyword in self.single:
                self.problems.append(
                    duplicate_statement(statement.span, keyword, owner, self.single[keyword].span)
                )
            else:
                self.single[keyword] = statement

    def get(self, keyword: str, kind: type[S]) -> S | None:
        statement = self.single.get(keyword)
        return statement if isinstance(statement, kind) else None

    def text(self, keyword: str) -> str:
        statement = self.get(keyword, n.TextStatement)
        return statement.values[0].value if statement else ""

    def texts(self, keyword: str) -> tuple[str, ...]:
        statement = self.get(keyword, n.TextStatement)
        if statement:
            return tuple(t.value for t in statement.values)
        return tuple(t.value for s in self.all(keyword, n.TextStatement) for t in s.values)

    def all(self, keyword: str, kind: type[S]) -> list[S]:
        return [s for s in self.repeated.get(keyword, []) if isinstance(s, kind)]

    def has(self, keyword: str) -> bool:
        return keyword in self.single or keyword in self.repeated


def missing(owner: str, what: str, span: Span, example: str) -> Diagnostic:
    return missing_statement(span, owner, what, example)
