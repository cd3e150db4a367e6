"""The command hierarchy (`parent`): a loop in it has no top, and is reported (TP208)."""

from __future__ import annotations

from collections.abc import Iterable

from ttuplan.diagnostics.builders.names import parent_loop
from ttuplan.diagnostics.model import Diagnostic
from ttuplan.source import Span

MAX_HOPS_SHOWN = 10  # a loop of thousands of units is named by its first ones and a count


def parent_loops(parents: dict[str, tuple[str, Span]], order: Iterable[str]) -> list[Diagnostic]:
    """Every loop of `parent` statements, once each; `parents` maps a unit to its parent
    and the span of the parent's name, `order` gives the units in declaration order.
    Walked with a list, never recursion: a chain may be thousands of units long."""
    done: set[str] = set()
    found = []
    for start in order:
        path: list[str] = []
        on_path: set[str] = set()
        unit: str | None = start
        while unit is not None and unit not in done and unit not in on_path:
            path.append(unit)
            on_path.add(unit)
            unit = parents[unit][0] if unit in parents else None
        if unit is not None and unit in on_path:
            found.append(_loop(path[path.index(unit) :], parents))
        done.update(path)
    return found


def _loop(units: list[str], parents: dict[str, tuple[str, Span]]) -> Diagnostic:
    return parent_loop(units, units[:MAX_HOPS_SHOWN], parents)
