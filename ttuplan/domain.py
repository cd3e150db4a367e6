"""The plan's own questions, answered once: who may staff where, when a unit is there, how
the operation is cut in time, which guards hold in a phase, who escalates to whom.

Every stage that needs one of these answers (the checks, the documents, `graph`, `diff`)
calls the function here instead of working it out again. Standard library only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import replace
from itertools import pairwise

from ttuplan import model as m
from ttuplan.records import dataclass
from ttuplan.source import Span

# ── time ────────────────────────────────────────────────────────────────────


def available(unit: m.Unit, phase: m.Phase) -> bool:
    """Is the unit there for the whole phase?"""
    return available_between(unit, phase.start, phase.end)


def available_between(unit: m.Unit, start: dt.datetime, end: dt.datetime) -> bool:
    """Is the unit there from `start` to `end`?"""
    if unit.available_from is not None and unit.available_from > start:
        return False
    return unit.available_until is None or unit.available_until >= end


def phases_overlap(a: m.Phase, b: m.Phase) -> bool:
    return a.start < b.end and b.start < a.end


def runs(phase: m.Phase) -> bool:
    """A phase that lasts (one that ends when or before it starts is reported, not used)."""
    return phase.start < phase.end


@dataclass(frozen=True, slots=True)
class Interval:
    """A stretch of the operation in which the same phases are in force (plan order)."""

    start: dt.datetime
    end: dt.datetime
    phases: tuple[str, ...]


def timeline(phases: Sequence[m.Phase]) -> tuple[Interval, ...]:
    """The operation cut at every phase boundary; stretches in no phase are left out.
    One sweep over the boundaries, so thousands of overlapping phases stay cheap."""
    lasting = [p for p in phases if runs(p)]
    order = {p.name: i for i, p in enumerate(lasting)}
    starting: dict[dt.datetime, list[str]] = {}
    ending: dict[dt.datetime, list[str]] = {}
    for phase in lasting:
        starting.setdefault(phase.start, []).append(phase.name)
        ending.setdefault(phase.end, []).append(phase.name)
    cuts = sorted({*starting, *ending})
    live: set[str] = set()
    intervals = []
    for start, end in pairwise(cuts):
        live.difference_update(ending.get(start, ()))
        live.update(starting.get(start, ()))
        if live:
            intervals.append(Interval(start, end, tuple(sorted(live, key=order.__getitem__))))
    return tuple(intervals)


def overlapping_groups(phases: Sequence[m.Phase]) -> list[tuple[m.Phase, ...]]:
    """The lasting phases in groups that overlap in time (directly or through another
    phase of the group), each group in plan order; groups in order of their first phase.
    Phases of different groups never share a moment, so each group is allocated alone."""
    lasting = [p for p in phases if runs(p)]
    order = {p.name: i for i, p in enumerate(lasting)}
    groups: list[list[m.Phase]] = []
    end: dt.datetime | None = None
    for phase in sorted(lasting, key=lambda p: (p.start, order[p.name])):
        if end is None or phase.start >= end:
            groups.append([])
            end = phase.end
        groups[-1].append(phase)
        end = max(end, phase.end)
    return sorted(
        (tuple(sorted(group, key=lambda p: order[p.name])) for group in groups),
        key=lambda group: order[group[0].name],
    )


def moment(when: dt.datetime) -> str:
    """A moment as messages write it: `2024-02-14 12:00`."""
    return when.strftime("%Y-%m-%d %H:%M")


def stretch(start: dt.datetime, end: dt.datetime) -> str:
    """`2024-02-14 12:00 .. 24:00`: the end's date only when it is another day."""
    if end.date() == start.date():
        return f"{moment(start)} .. {end:%H:%M}"
    if end.time() == dt.time() and (end.date() - start.date()).days == 1:
        return f"{moment(start)} .. 24:00"
    return f"{moment(start)} .. {moment(end)}"


# ── who staffs what ─────────────────────────────────────────────────────────


def staffing(plan: m.Plan) -> dict[str, tuple[str, ...]]:
    """The districts each unit may staff, in plan order: its `covers` (`covers all`: every
    district); with no `covers`, its `base`. A `role reserve` unit stands by: none."""
    order = {d.name: i for i, d in enumerate(plan.districts)}
    everywhere = tuple(order)
    found: dict[str, tuple[str, ...]] = {}
    for unit in plan.units:
        if unit.role == "reserve":
            found[unit.name] = ()
        elif unit.covers_all:
            found[unit.name] = everywhere
        else:
            named = unit.covers or ((unit.base,) if unit.base else ())
            known = {d for d in named if d in order}
            found[unit.name] = tuple(sorted(known, key=order.__getitem__))
    return found


def locality_order(
    plan: m.Plan, staffs: dict[str, tuple[str, ...]] | None = None
) -> dict[str, int]:
    """Each unit's place in the order units give people: the most local first (fewest
    districts it may staff), then the one declared first."""
    staffs = staffing(plan) if staffs is None else staffs
    ranked = sorted(enumerate(plan.units), key=lambda pair: (len(staffs[pair[1].name]), pair[0]))
    return {unit.name: place for place, (_, unit) in enumerate(ranked)}


# ── guards ──────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class GuardInForce:
    """A guard as it holds in one phase. A top-level guard (`statement`: its place among
    the plan's guards) loses the targets a guard of the phase names; `excluded` are the
    site ids a guard of the phase names, to take out of its kinds' sites as well."""

    guard: m.Guard
    statement: int | None = None  # None: the phase's own guard
    excluded: frozenset[str] = frozenset()


def guards_in_force(plan: m.Plan, phase: m.Phase) -> tuple[GuardInForce, ...]:
    """The phase's own guards, then the top-level guards that hold in it. A guard inside a
    phase replaces, in that phase, the top-level guards of the sites it guards, named by
    kind or by id: a top-level guard of a kind loses the sites the phase names, and one of
    a site loses it if the phase names the site or its kind."""
    named = frozenset(target for guard in phase.guards for target in guard.targets)
    kinds = {kind.name for kind in plan.kinds}
    sites_named = named - kinds
    kinds_named = named & kinds
    found = [GuardInForce(guard) for guard in phase.guards]
    of_kind: dict[str, str] = {}  # top-level guards' site ids -> their kind, when it matters
    if kinds_named:
        wanted = {t for g in plan.guards for t in g.targets if t not in kinds}
        if wanted:
            of_kind = {site.id: site.kind for site in plan.sites if site.id in wanted}
    for number, guard in enumerate(plan.guards):
        if guard.during and phase.name not in guard.during:
            continue
        targets = tuple(
            t for t in guard.targets if t not in named and of_kind.get(t) not in kinds_named
        )
        if targets:
            kept = guard if targets == guard.targets else replace(guard, targets=targets)
            found.append(GuardInForce(kept, number, sites_named))
    return tuple(found)


# ── escalation ──────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class Command:
    """A unit, rayon or pool, as a node of the escalation graph."""

    name: str
    label: str
    span: Span
    escalations: tuple[m.Escalation, ...]
    final: bool
    unit: m.Unit | None
    contact: m.Contact


def commands(plan: m.Plan) -> list[Command]:
    """Every command of the plan: units, then rayons, then pools, each in plan order."""
    return [
        *(
            Command(u.name, u.label, u.span, u.escalations, u.final, u, u.contact)
            for u in plan.units
        ),
        *(
            Command(r.name, r.label, r.span, r.escalations, False, None, r.contact)
            for r in plan.rayons
        ),
        *(
            Command(p.name, p.label, p.span, p.escalations, False, None, p.contact)
            for p in plan.pools
        ),
    ]


def edges_in(command: Command, phase: str) -> tuple[m.Escalation, ...]:
    """A command's `escalates to` edges in a phase: those `during` it replace the others."""
    qualified = tuple(e for e in command.escalations if phase in e.during)
    return qualified or tuple(e for e in command.escalations if not e.during)


def present(command: Command, phase: m.Phase) -> bool:
    """Rayons and pools are always there; a unit when it is available for the phase."""
    return command.unit is None or available(command.unit, phase)


def escalating_forces(plan: m.Plan) -> frozenset[str]:
    """Forces with an escalation plan: some unit of the force escalates or is `final`.
    Units of the other forces (Linmas, often) are outside the escalation checks, unless
    a chain enters them (check/escalation.py)."""
    return frozenset(u.force for u in plan.units if u.final or u.escalations)


def escalates(command: Command, forces: frozenset[str]) -> bool:
    """Does the command take part in escalation, given the `escalating_forces`? Rayons and
    pools always do."""
    return command.unit is None or command.unit.force in forces


# ── command line (parent) ───────────────────────────────────────────────────


def line_of_command(plan: m.Plan, unit: str) -> list[str]:
    """The unit, then its `parent`, then that unit's parent..., stopping at a unit with no
    known parent or at the first unit met twice (a loop is reported by resolve)."""
    parents = {u.name: u.parent for u in plan.units}
    line: list[str] = []
    current: str | None = unit
    while current is not None and current not in line:
        line.append(current)
        current = parents.get(current)
    return line


def children(plan: m.Plan) -> dict[str | None, list[m.Unit]]:
    """Each unit's direct subordinates (`parent`), in plan order; None: units at the top."""
    names = {u.name for u in plan.units}
    found: dict[str | None, list[m.Unit]] = {}
    for unit in plan.units:
        parent = unit.parent if unit.parent in names else None
        found.setdefault(parent, []).append(unit)
    return found


def names_in(items: Iterable[str]) -> str:
    """`a`, `a` and `b`, `a`, `b` and `c`: names quoted, as messages list them."""
    quoted = [f"`{item}`" for item in items]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]
