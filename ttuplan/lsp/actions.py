"""Code actions: the fixes that diagnostics spell out. A "did you mean" (`write `x``)
replaces the name; an unquoted label gets its quotes; a district no unit of a force
covers can be added to the `covers` of each unit of that force that lists districts."""

from __future__ import annotations

import re

from ttuplan import model as m
from ttuplan.diagnostics import codes
from ttuplan.diagnostics.model import Diagnostic
from ttuplan.records import dataclass
from ttuplan.source import Span
from ttuplan.syntax import nodes as n

_WRITE = re.compile(r"write `([^`\n]+)`")
_QUOTE = re.compile(r'write it as ("(?:[^"\\\n]|\\.)*")')
_UNCOVERED = re.compile(r"no (\w+) unit covers district `(\w+)`")


@dataclass(frozen=True, slots=True)
class Fix:
    """A titled edit: put `text` in place of `span` (an empty span inserts)."""

    title: str
    span: Span
    text: str
    preferred: bool = False


def fixes(diagnostic: Diagnostic, plan: m.Plan | None, modules: dict[str, n.Module]) -> list[Fix]:
    """The fixes a diagnostic carries; `modules` are the plan's parsed files by path."""
    span = diagnostic.span
    if span is None:
        return []
    help = diagnostic.help or ""
    if (match := _WRITE.fullmatch(help)) and span.line == span.end_line:
        return [Fix(f"Write `{match.group(1)}`", span, match.group(1), preferred=True)]
    if (match := _QUOTE.fullmatch(help)) and span.line == span.end_line:
        return [Fix(f"Quote the label: {match.group(1)}", span, match.group(1), preferred=True)]
    match = _UNCOVERED.match(diagnostic.message)
    if diagnostic.code is codes.UNCOVERED_DISTRICT and plan is not None and match:
        return _add_to_covers(match.group(1), match.group(2), plan, modules)
    return []


def _add_to_covers(
    force: str, district: str, plan: m.Plan, modules: dict[str, n.Module]
) -> list[Fix]:
    units = {u.name for u in plan.units if u.force == force and u.covers and u.role != "reserve"}
    found = []
    for module in modules.values():
        for declaration in module.declarations:
            if not (
                isinstance(declaration, n.Block)
                and declaration.keyword == "unit"
                and declaration.name.value in units
            ):
                continue
            for statement in declaration.body or ():
                if isinstance(statement, n.Covers) and statement.districts:
                    end = statement.districts[-1].span
                    at = Span(end.file, end.end_line, end.end_column, end.end_line, end.end_column)
                    title = f"Add `{district}` to the `covers` of unit `{declaration.name.value}`"
                    found.append(Fix(title, at, f", {district}"))
    return found
