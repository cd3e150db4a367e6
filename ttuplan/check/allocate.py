"""Allocation: who staffs each post of a phase, as a min-cost maximum flow (networkx).

Per phase and force, people flow source -> unit (its strength, less what reserves hold)
-> district (every district the unit covers, and its base) -> sink (the district's posts' need). The
maximum flow staffs as many posts as the units can; among maximum flows, the cost on
source -> unit edges makes the most local unit (fewest districts covered), then the one
declared first, give its people first. The graph splits into independent components
(regencies share no units), each solved alone, so a national plan stays many small
problems. A district's inflow then fills its posts in staffing order (most severe risk
first), taking units in the same preference order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx

from ttuplan import model as m
from ttuplan.check.timeline import available
from ttuplan.deployment import Assignment, Hold, Post, Shortfall

SOURCE, SINK = ("source",), ("sink",)


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
    remaining: dict[str, int] = field(default_factory=dict)  # after reserves, before posts


def preference(plan: m.Plan) -> dict[str, int]:
    """Each unit's place in the order units give people: most local first, then declared first."""
    # `covers all` is less local than any list, even one naming every district.
    every = len(plan.districts) + 1
    ranked = sorted(
        enumerate(plan.units),
        key=lambda pair: (every if pair[1].covers_all else len(pair[1].covers), pair[0]),
    )
    return {unit.name: place for place, (_, unit) in enumerate(ranked)}


def allocate_phase(
    plan: m.Plan, phase: m.Phase, posts: list[Post], order: dict[str, int]
) -> PhaseAllocation:
    result = PhaseAllocation()
    result.remaining = {u.name: (u.strength or 0) if available(u, phase) else 0 for u in plan.units}
    _hold_reserves(plan, phase, result)
    left = dict(result.remaining)
    demand: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for post in posts:
        for force, people in post.need:
            demand[force][post.district] += people
    for force, districts in demand.items():
        # A `role reserve` unit stands by: it is held, never posted.
        suppliers = [u for u in plan.units if u.force == force and u.role != "reserve"]
        inflow = _solve(force, districts, suppliers, left, order, result)
        by_district: dict[str, list[Post]] = defaultdict(list)
        for post in posts:
            if post.need_of(force):
                by_district[post.district].append(post)
        for district, members in by_district.items():
            _fill(members, force, inflow.get(district, []), result)
            have = sum(n for _, n in inflow.get(district, []))
            need = districts[district]
            if have < need and (district, force) not in result.uncovered:
                limiting = _min_cut_units(district, suppliers, inflow)
                result.shortfalls.append(
                    Shortfall(
                        phase=phase.name,
                        district=district,
                        force=force,
                        need=need,
                        have=have,
                        bottleneck=tuple(sorted(limiting, key=order.__getitem__)),
                    )
                )
    return result


def _min_cut_units(
    district: str, suppliers: list[m.Unit], inflow: dict[str, list[tuple[str, int]]]
) -> set[str]:
    """The units whose strength limits a short district: the units on its side of the min cut.

    After a maximum flow, a unit limits district d when d can be reached from it in the
    residual graph: directly if it covers d, or by giving people it sends elsewhere (to a
    district Y) to d, and letting Y's other units make up for them. Every such unit is
    fully used (or the flow would not be maximum); one more person in any of them would
    reach d.
    """
    covering: dict[str, list[str]] = defaultdict(list)
    for unit in suppliers:
        if unit.covers_all:
            covering["*"].append(unit.name)
        for name in {*unit.covers, *([unit.base] if unit.base else [])}:
            covering[name].append(unit.name)
    sends: dict[str, list[str]] = defaultdict(list)
    for target, entries in inflow.items():
        for giver, people in entries:
            if people:
                sends[giver].append(target)
    units: set[str] = set()
    districts, queue = {district}, [district]
    while queue:
        current = queue.pop()
        for name in (*covering.get(current, ()), *covering.get("*", ())):
            if name in units:
                continue
            units.add(name)
            for other in sends.get(name, ()):
                if other not in districts:
                    districts.add(other)
                    queue.append(other)
    return units


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


def _covers(unit: m.Unit, district: str) -> bool:
    """A unit covers what it lists, and the district it is based in."""
    return unit.covers_all or district in unit.covers or district == unit.base


def _solve(
    force: str,
    districts: dict[str, int],
    suppliers: list[m.Unit],
    left: dict[str, int],
    order: dict[str, int],
    result: PhaseAllocation,
) -> dict[str, list[tuple[str, int]]]:
    """Each district's inflow by unit, from the min-cost max flow of this force."""
    graph: nx.DiGraph[tuple[str, ...]] = nx.DiGraph()
    for district, need in districts.items():
        covering = [u for u in suppliers if _covers(u, district)]
        if not covering:
            result.uncovered.append((district, force))
            continue
        graph.add_edge(("district", district), SINK, capacity=need)
        for unit in covering:
            if left.get(unit.name, 0) > 0:
                graph.add_edge(("unit", unit.name), ("district", district))
    for unit in suppliers:
        node = ("unit", unit.name)
        if node in graph:
            graph.add_edge(SOURCE, node, capacity=left[unit.name], weight=order[unit.name])
    inflow: dict[str, list[tuple[str, int]]] = defaultdict(list)
    if SOURCE not in graph:
        return inflow
    for component in _components(graph):
        flow = nx.max_flow_min_cost(component, SOURCE, SINK)
        for node, targets in flow.items():
            if node[0] != "unit":
                continue
            for target, people in targets.items():
                if people:
                    inflow[target[1]].append((node[1], people))
                    left[node[1]] -= people
    for entries in inflow.values():
        entries.sort(key=lambda entry: order[entry[0]])
    return inflow


def _components(graph: nx.DiGraph[tuple[str, ...]]) -> Iterable[nx.DiGraph[tuple[str, ...]]]:
    """The flow problem split into parts that share no unit and no district."""
    core = graph.copy()
    core.remove_nodes_from([SOURCE, SINK])
    for nodes in sorted(nx.weakly_connected_components(core), key=min):
        if not any(node[0] == "unit" for node in nodes):
            continue
        part = graph.subgraph([*nodes, SOURCE, SINK]).copy()
        yield part


def _fill(
    posts: list[Post], force: str, inflow: list[tuple[str, int]], result: PhaseAllocation
) -> None:
    """Spread a district's inflow over its posts in staffing order, units in preference order."""
    units = [unit for unit, _ in inflow]
    people = [count for _, count in inflow]
    cursor = 0
    for post in posts:
        need = post.need_of(force)
        while need and cursor < len(units):
            take = min(need, people[cursor])
            result.assignments.append(
                Assignment(post=post.id, unit=units[cursor], force=force, people=take)
            )
            need -= take
            people[cursor] -= take
            if people[cursor] == 0:
                cursor += 1
