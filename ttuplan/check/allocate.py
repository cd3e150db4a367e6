"""Allocation: who staffs each post of a phase, as a min-cost maximum flow (networkx).

Per phase and force, people flow source -> unit (its strength, less what reserves hold)
-> district (every district the unit covers, and its base) -> sink (the district's
posts' need). The maximum flow staffs as many posts as the units can; among maximum
flows, the cost on source -> unit edges makes the most local unit (fewest districts
covered), then the one declared first, give its people first. A district's inflow then
fills its posts in staffing order (most severe risk first), units in the same order.

Large plans stay fast without changing that result. The problem splits into independent
components (regencies share no units), each solved alone. Within a component, a unit that
is the most local one of every district it covers, and strong enough for all their need,
serves them in every optimal flow (a person from any other unit could be swapped for one
of its own at lower cost): such units are settled first, and networkx solves only what
is left (nothing, in most real plans).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from operator import itemgetter

import networkx as nx

from ttuplan import model as m
from ttuplan.check.timeline import available
from ttuplan.deployment import Assignment, Hold, Post, Shortfall

SOURCE, SINK = ("source",), ("sink",)
Inflow = dict[str, list[tuple[str, int]]]  # district -> (unit, people), units in preference order


@dataclass(frozen=True, slots=True)
class Overdraw:
    """A reserve that wanted more than its units had left in a phase."""

    reserve: m.Reserve
    holder: str
    phase: str
    got: int
    left: tuple[tuple[str, int], ...]  # each source unit and what it had left


@dataclass
class PhaseAllocation:
    holds: list[Hold] = field(default_factory=list)
    overdraws: list[Overdraw] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    shortfalls: list[Shortfall] = field(default_factory=list)
    uncovered: list[tuple[str, str]] = field(default_factory=list)  # (district, force)
    # people given per (risk class or None for fixed guards, force), for the class table
    given: dict[tuple[str | None, str], int] = field(default_factory=lambda: defaultdict(int))
    remaining: dict[str, int] = field(default_factory=dict)  # after reserves, before posts


@dataclass(frozen=True)
class Coverage:
    """Who may staff what, computed once per plan: per force, each district's units (their
    `covers`, `covers all` and `base`; never `role reserve`) in preference order."""

    order: dict[str, int]  # unit -> place in the order units give people
    units: dict[str, m.Unit]
    covering: dict[str, dict[str, tuple[str, ...]]]  # force -> district -> units
    covered_by: dict[str, tuple[str, ...]]  # unit -> the districts it may staff

    @classmethod
    def of(cls, plan: m.Plan) -> Coverage:
        order = preference(plan)
        everywhere = [d.name for d in plan.districts]
        covering: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        covered_by: dict[str, tuple[str, ...]] = {}
        for unit in sorted(plan.units, key=lambda u: order[u.name]):
            if unit.role == "reserve":
                continue  # a reserve unit stands by: it is held, never posted
            districts = everywhere if unit.covers_all else [*unit.covers]
            if unit.base and unit.base not in districts:
                districts.append(unit.base)
            covered_by[unit.name] = tuple(districts)
            for district in districts:
                covering[unit.force][district].append(unit.name)
        return cls(
            order=order,
            units={u.name: u for u in plan.units},
            covering={f: {d: tuple(us) for d, us in ds.items()} for f, ds in covering.items()},
            covered_by=covered_by,
        )


def preference(plan: m.Plan) -> dict[str, int]:
    """Each unit's place in the order units give people: most local first, then declared first."""
    # `covers all` is less local than any list, even one naming every district.
    every = len(plan.districts) + 1
    ranked = sorted(
        enumerate(plan.units),
        key=lambda pair: (every if pair[1].covers_all else len(pair[1].covers), pair[0]),
    )
    return {unit.name: place for place, (_, unit) in enumerate(ranked)}


_PEOPLE = itemgetter(1)


def allocate_phase(
    plan: m.Plan, phase: m.Phase, posts: list[Post], coverage: Coverage
) -> PhaseAllocation:
    result = PhaseAllocation()
    result.remaining = {u.name: (u.strength or 0) if available(u, phase) else 0 for u in plan.units}
    _hold_reserves(plan, phase, result)
    left = dict(result.remaining)
    needing: dict[tuple[str, str], list[tuple[Post, int]]] = defaultdict(list)
    for post in posts:
        district = post.district
        for force, people in post.need:
            needing[(force, district)].append((post, people))
    demand: dict[str, dict[str, int]] = defaultdict(dict)  # in order of first need
    for (force, district), items in needing.items():
        demand[force][district] = sum(map(_PEOPLE, items))
    for force, districts in demand.items():
        covering = coverage.covering.get(force, {})
        inflow = _solve(districts, covering, coverage, left, result, force)
        for district, need in districts.items():
            given = inflow.get(district, [])
            _fill(needing[(force, district)], force, given, result)
            have = sum(people for _, people in given)
            if have < need and (district, force) not in result.uncovered:
                limiting = min_cut_units(district, covering, coverage, inflow)
                result.shortfalls.append(
                    Shortfall(
                        phase=phase.name,
                        district=district,
                        force=force,
                        need=need,
                        have=have,
                        bottleneck=tuple(sorted(limiting, key=coverage.order.__getitem__)),
                    )
                )
    return result


def _hold_reserves(plan: m.Plan, phase: m.Phase, result: PhaseAllocation) -> None:
    """Take every reserve that holds in the phase from its units, in declaration order."""
    holders: list[tuple[str, tuple[m.Reserve, ...]]] = [
        *((r.name, r.reserves) for r in plan.rayons),
        *((p.name, p.reserves) for p in plan.pools),
    ]
    remaining = result.remaining
    for holder, reserves in holders:
        for reserve in reserves:
            if reserve.during and phase.name not in reserve.during:
                continue
            wanted = reserve.amount
            before = tuple((unit, remaining.get(unit, 0)) for unit in reserve.sources)
            for unit in reserve.sources:
                take = min(wanted, remaining.get(unit, 0))
                if take:
                    remaining[unit] -= take
                    wanted -= take
                    result.holds.append(
                        Hold(holder=holder, unit=unit, people=take, span=reserve.span)
                    )
            if wanted:
                result.overdraws.append(
                    Overdraw(
                        reserve=reserve,
                        holder=holder,
                        phase=phase.name,
                        got=reserve.amount - wanted,
                        left=before,
                    )
                )


def _solve(
    districts: dict[str, int],
    covering: dict[str, tuple[str, ...]],
    coverage: Coverage,
    left: dict[str, int],
    result: PhaseAllocation,
    force: str,
) -> Inflow:
    """Each district's inflow by unit, from the min-cost max flow of one force."""
    inflow: Inflow = defaultdict(list)
    parent: dict[str, str] = {}

    def root(node: str) -> str:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for district in districts:
        units = covering.get(district, ())
        if not units:
            result.uncovered.append((district, force))
            continue
        parent.setdefault("d:" + district, "d:" + district)
        for unit in units:
            if left.get(unit, 0) > 0:
                parent.setdefault("u:" + unit, "u:" + unit)
                parent[root("u:" + unit)] = root("d:" + district)
    parts: dict[str, list[str]] = defaultdict(list)
    for node in parent:
        parts[root(node)].append(node)
    for nodes in parts.values():
        givers = sorted((n[2:] for n in nodes if n[0] == "u"), key=coverage.order.__getitem__)
        wanted = {n[2:]: districts[n[2:]] for n in nodes if n[0] == "d"}
        if givers:
            _settle(givers, wanted, covering, coverage, left, inflow)
    for entries in inflow.values():
        entries.sort(key=lambda entry: coverage.order[entry[0]])
    return inflow


def _settle(
    units: list[str],
    wanted: dict[str, int],
    covering: dict[str, tuple[str, ...]],
    coverage: Coverage,
    left: dict[str, int],
    inflow: Inflow,
) -> None:
    """One component: settle the units no other could do better than, then flow the rest."""
    best = {d: next((u for u in covering[d] if left.get(u, 0) > 0), None) for d in wanted}
    remaining = list(units)
    changed = True
    while changed:
        changed = False
        for unit in list(remaining):
            mine = [d for d in coverage.covered_by[unit] if wanted.get(d)]
            if all(best[d] == unit for d in mine) and left[unit] >= sum(wanted[d] for d in mine):
                for district in mine:
                    inflow[district].append((unit, wanted[district]))
                    left[unit] -= wanted[district]
                    wanted[district] = 0
                remaining.remove(unit)
                changed = True
    rest = {d: need for d, need in wanted.items() if need}
    if rest and remaining:
        _flow(remaining, rest, coverage, left, inflow)


def _flow(
    units: list[str],
    wanted: dict[str, int],
    coverage: Coverage,
    left: dict[str, int],
    inflow: Inflow,
) -> None:
    graph: nx.DiGraph[tuple[str, ...]] = nx.DiGraph()
    for unit in units:
        targets = [d for d in coverage.covered_by[unit] if d in wanted]
        if not targets:
            continue
        graph.add_edge(SOURCE, ("unit", unit), capacity=left[unit], weight=coverage.order[unit])
        for district in targets:
            graph.add_edge(("unit", unit), ("district", district))
    for district, need in wanted.items():
        graph.add_edge(("district", district), SINK, capacity=need)
    if SOURCE not in graph:
        return
    flow = nx.max_flow_min_cost(graph, SOURCE, SINK)
    for node, targets_flow in flow.items():
        if node[0] != "unit":
            continue
        for target, people in targets_flow.items():
            if people:
                inflow[target[1]].append((node[1], people))
                left[node[1]] -= people


def min_cut_units(
    district: str, covering: dict[str, tuple[str, ...]], coverage: Coverage, inflow: Inflow
) -> set[str]:
    """The units whose strength limits a short district: the units on its side of the min cut.

    After a maximum flow, a unit limits district d when d can be reached from it in the
    residual graph: directly if it covers d, or by giving people it sends elsewhere (to a
    district Y) to d, and letting Y's other units make up for them. Every such unit is
    fully used (or the flow would not be maximum); one more person in any of them would
    reach d.
    """
    sends: dict[str, list[str]] = defaultdict(list)
    for target, entries in inflow.items():
        for giver, people in entries:
            if people:
                sends[giver].append(target)
    units: set[str] = set()
    districts, queue = {district}, [district]
    while queue:
        current = queue.pop()
        for name in covering.get(current, ()):
            if name in units:
                continue
            units.add(name)
            for other in sends.get(name, ()):
                if other not in districts:
                    districts.add(other)
                    queue.append(other)
    return units


def _fill(
    needing: list[tuple[Post, int]],
    force: str,
    inflow: list[tuple[str, int]],
    result: PhaseAllocation,
) -> None:
    """Spread a district's inflow over its posts in staffing order, units in preference order."""
    units = [unit for unit, _ in inflow]
    people = [count for _, count in inflow]
    cursor, last = 0, len(units)
    # This loop makes a million assignments nationally: tuples built directly (no
    # NamedTuple __new__ call), totals per class summed locally and merged once.
    append, new = result.assignments.append, tuple.__new__
    given: dict[str | None, int] = defaultdict(int)
    for post, needed in needing:
        need, taken = needed, 0
        while need and cursor < last:
            have = people[cursor]
            take = need if need < have else have
            append(new(Assignment, (post.id, units[cursor], force, take)))
            taken += take
            need -= take
            if have == take:
                cursor += 1
            else:
                people[cursor] = have - take
        given[post.risk] += taken
    for risk, count in given.items():
        result.given[(risk, force)] += count
