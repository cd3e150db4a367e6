"""Allocation: who staffs each post, over the operation's timeline (networkx, HiGHS).

Reserves are held first, per phase, from their units in the order listed. What each unit
has left then staffs the posts, in one deterministic optimisation whose objective is, in
this order: (a) the most severe posts staffed first, across districts as well as inside
one; (b) the most people on posts; (c) the most local unit (fewest districts it may
staff); (d) the unit declared first. A unit's people are counted per interval of time
in which the set of phases in force does not change (`domain.timeline`), so a unit is
never given more posts at once than it has people.

Phases that overlap no other are allocated alone, per force, as a min-cost maximum flow:
source -> unit (its people left) -> district -> (district, rank) -> sink, with a cost on
the last edge that makes a more severe post worth more than any choice of unit, and a
cost per person on the first that makes the most local unit give first. (The amounts a
flow can bring to each rank form a polymatroid, so most-severe-first is also a maximum
flow, and linear weights find it.) Large plans stay fast without changing that result:
the problem splits into components (regencies share no units), and a unit that is the
most local one of every district it may staff, and strong enough for all their need,
serves them in every optimal flow: such units are settled first, and networkx solves only
what is left (nothing, in most real plans). Phases that overlap are allocated together
as an integer program (ttuplan.check.coupled).

Every order here is the plan's (units by locality, districts as declared, ranks), never
the order of names in a `covers` list.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import field
from fractions import Fraction
from operator import itemgetter

import networkx as nx

from ttuplan import model as m
from ttuplan import progress
from ttuplan.check import coupled
from ttuplan.check.posts import SiteIndex, Unruled, form_posts
from ttuplan.deployment import (
    Assignment,
    ClassLine,
    Deployment,
    Hold,
    Load,
    PhaseDeployment,
    Post,
    Shortfall,
)
from ttuplan.domain import (
    Interval,
    available,
    locality_order,
    overlapping_groups,
    runs,
    staffing,
    timeline,
)
from ttuplan.records import dataclass
from ttuplan.source import Span

SOURCE, SINK = ("source",), ("sink",)
Cell = tuple[str, int]  # (district, rank) of one phase and force
Inflow = dict[Cell, list[tuple[str, int]]]  # cell -> (unit, people), units in locality order


@dataclass(frozen=True, slots=True)
class Overdraw:
    """A reserve that wanted more than its units had left in a phase."""

    reserve: m.Reserve
    holder: str
    phase: str
    got: int
    left: tuple[tuple[str, int], ...]  # each source unit and what it had left


@dataclass(frozen=True, slots=True)
class Uncovered:
    """A district with posts needing a force that no unit of the force may staff."""

    district: str
    force: str
    phases: tuple[str, ...]
    post: Post  # the first such post, to point at its guard


@dataclass(frozen=True, slots=True)
class Commitment:
    """Part of what a unit has out in an interval: a reserve's hold, or its posts."""

    phase: str
    holder: str | None  # None: posts
    people: int
    span: Span


@dataclass(frozen=True, slots=True)
class Overcommit:
    """A unit with more people out in an interval than its strength."""

    unit: str
    interval: Interval
    committed: int
    parts: tuple[Commitment, ...]


@dataclass(frozen=True, slots=True)
class CutUnit:
    """A unit on the deficient side of a cut, and where its people are."""

    unit: str
    strength: int
    held: int  # by reserves in the phase
    elsewhere: int  # on posts of phases overlapping it, at the moment that binds
    gives: int  # to the cut's districts in the phase


@dataclass(frozen=True, slots=True)
class EmptyPosts:
    """Posts of one district and class left (partly) unstaffed."""

    district: str
    risk: str | None
    posts: tuple[str, ...]
    people: int  # still needed on them


@dataclass(frozen=True, slots=True)
class Cut:
    """Why posts go unstaffed: districts that together need more people of a force, in a
    phase, than the only units that may staff them can give (the deficient side of the
    minimum cut)."""

    phase: str
    force: str
    districts: tuple[str, ...]  # plan order
    short: tuple[str, ...]  # those of them left short
    need: int
    given: int  # all the units below can give them
    units: tuple[CutUnit, ...]
    absent: tuple[str, ...]  # units that may staff them but are not there in the phase
    empty: tuple[EmptyPosts, ...]  # most severe first


@dataclass(frozen=True)
class Allocation:
    """The deployment and what the checks read besides it."""

    deployment: Deployment
    intervals: tuple[Interval, ...]
    overdraws: tuple[Overdraw, ...] = ()
    uncovered: tuple[Uncovered, ...] = ()
    unruled: tuple[Unruled, ...] = ()
    overcommits: tuple[Overcommit, ...] = ()
    cuts: tuple[Cut, ...] = ()
    roster_gaps: tuple[object, ...] = ()  # check.roster.Gap: places no listed person can take
    contingency_scope: str = "required"  # which losses were worked out (check.contingency)


@dataclass
class _Phase:
    """One phase while it is being allocated."""

    phase: m.Phase
    posts: list[Post]
    holds: list[Hold]
    assignments: list[Assignment] = field(default_factory=list)
    # people given per (risk class or None for fixed guards, force), for the class table
    given: dict[tuple[str | None, str], int] = field(default_factory=lambda: defaultdict(int))
    shortfalls: list[Shortfall] = field(default_factory=list)
    held: dict[str, int] = field(default_factory=dict)  # unit -> people its reserves hold
    places: dict[str, int] = field(default_factory=dict)  # post id -> staffing order

    def __post_init__(self) -> None:
        for hold in self.holds:
            self.held[hold.unit] = self.held.get(hold.unit, 0) + hold.people

    def place(self, post: Post) -> int:
        """A post's place in the phase's staffing order."""
        if not self.places:
            self.places.update((p.id, i) for i, p in enumerate(self.posts))
        return self.places[post.id]


_PEOPLE = itemgetter(1)


def allocate(plan: m.Plan, resting: Mapping[tuple[str, str], int] | None = None) -> Allocation:
    """Reserves held, then every post staffed as the objective says; see the module.
    `resting`: (unit, phase) -> people of the unit that the roster found resting after an
    earlier duty, so not to be given posts in that phase (see check.check)."""
    index = SiteIndex(plan.sites)
    lasting = [p for p in plan.phases if runs(p)]
    intervals = timeline(lasting)
    state: dict[str, _Phase] = {}
    overdraws: list[Overdraw] = []
    unruled: list[Unruled] = []
    share = 0.8 / max(len(lasting), 1)
    for number, phase in enumerate(lasting):
        progress.stage(f"phase {phase.name}: forming posts", number * share)
        posts, missing = form_posts(plan, phase, index)
        unruled.extend(missing)
        holds, drawn = _hold_reserves(plan, phase)
        overdraws.extend(drawn)
        state[phase.name] = _Phase(phase, posts, holds)
    solver = _Solver(plan, intervals, state, resting or {})
    for number, group in enumerate(overlapping_groups(lasting)):
        names = ", ".join(p.name for p in group)
        where = f"phase {names}" if len(group) == 1 else f"phases {names}"
        progress.stage(f"{where}: allocating", 0.4 + 0.4 * number / len(lasting))
        if len(group) == 1:
            solver.flow_phase(group[0])
        else:
            solver.coupled_group(group)
    phases = tuple(
        PhaseDeployment(
            phase=phase.name,
            posts=tuple(state[phase.name].posts),
            assignments=tuple(state[phase.name].assignments),
            holds=tuple(state[phase.name].holds),
            loads=solver.loads(phase),
            shortfalls=tuple(state[phase.name].shortfalls),
            classes=_class_lines(plan, state[phase.name]),
        )
        for phase in lasting
    )
    return Allocation(
        deployment=Deployment(phases=phases),
        intervals=intervals,
        overdraws=tuple(overdraws),
        uncovered=solver.uncovered(),
        unruled=tuple(unruled),
        overcommits=solver.overcommits(),
        cuts=tuple(solver.cuts),
    )


def _hold_reserves(plan: m.Plan, phase: m.Phase) -> tuple[list[Hold], list[Overdraw]]:
    """Take every reserve that holds in the phase from its units, in declaration order,
    from what each unit has in the phase (its strength, if it is there)."""
    remaining = {u.name: (u.strength or 0) if available(u, phase) else 0 for u in plan.units}
    holds: list[Hold] = []
    overdraws: list[Overdraw] = []
    holders: list[tuple[str, tuple[m.Reserve, ...]]] = [
        *((r.name, r.reserves) for r in plan.rayons),
        *((p.name, p.reserves) for p in plan.pools),
    ]
    for holder, reserves in holders:
        for number, reserve in enumerate(reserves):
            if reserve.during and phase.name not in reserve.during:
                continue
            wanted = reserve.amount
            before = tuple((unit, remaining.get(unit, 0)) for unit in reserve.sources)
            for unit in reserve.sources:
                take = min(wanted, remaining.get(unit, 0))
                if take:
                    remaining[unit] -= take
                    wanted -= take
                    holds.append(
                        Hold(
                            holder=holder,
                            unit=unit,
                            people=take,
                            duty=f"{holder}#{number}",
                            span=reserve.span,
                        )
                    )
            if wanted:
                overdraws.append(
                    Overdraw(
                        reserve=reserve,
                        holder=holder,
                        phase=phase.name,
                        got=reserve.amount - wanted,
                        left=before,
                    )
                )
    return holds, overdraws


class _Solver:
    """The allocation of every group of phases, and what is counted from it."""

    def __init__(
        self,
        plan: m.Plan,
        intervals: tuple[Interval, ...],
        state: dict[str, _Phase],
        resting: Mapping[tuple[str, str], int],
    ):
        self.plan, self.intervals, self.state, self.resting = plan, intervals, state, resting
        self.units = {u.name: u for u in plan.units}
        self.staff = staffing(plan)
        self.order = locality_order(plan, self.staff)
        self.by_locality = sorted(self.units, key=self.order.__getitem__)
        self.district_order = {d.name: i for i, d in enumerate(plan.districts)}
        self.top = len(plan.risks)  # the highest rank (fixed guards)
        # force -> district -> the units that may staff it, in locality order
        self.covering: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for name in self.by_locality:
            for district in self.staff[name]:
                self.covering[self.units[name].force][district].append(name)
        # each phase's intervals: a contiguous run, found by bisection on their starts
        starts = [interval.start for interval in intervals]
        self.in_interval: dict[str, range] = {
            name: range(
                bisect.bisect_left(starts, phase.phase.start),
                bisect.bisect_left(starts, phase.phase.end),
            )
            for name, phase in state.items()
        }
        # (unit, interval) -> people held by reserves; a reserve held in several phases of
        # an interval is the same people, counted once, at its largest hold
        self.holds: dict[tuple[str, str], list[tuple[Hold, str]]] = defaultdict(list)
        for name, phase in state.items():
            for hold in phase.holds:
                self.holds[(hold.unit, hold.duty)].append((hold, name))
        self.held: dict[tuple[str, int], int] = defaultdict(int)
        for (unit, _), found in self.holds.items():
            covered: dict[int, int] = {}
            for hold, name in sorted(found, key=lambda pair: -pair[0].people):
                for number in self.in_interval[name]:
                    covered.setdefault(number, hold.people)
            for number, people in covered.items():
                self.held[(unit, number)] += people
        # (unit, interval) -> people on posts; per phase, the part from each phase
        self.posted: dict[tuple[str, int], int] = defaultdict(int)
        self.posted_parts: dict[tuple[str, int], dict[str, int]] = defaultdict(dict)
        self.uncovered_found: dict[tuple[str, str], tuple[list[str], Post]] = {}
        self.cuts: list[Cut] = []
        self._peaks: dict[str, dict[str, int]] | None = None

    # ── phases that overlap no other ──

    def flow_phase(self, phase: m.Phase) -> None:
        state = self.state[phase.name]
        left = {
            u.name: max(
                (u.strength or 0)
                - self._held_in(u.name, phase.name)
                - self.resting.get((u.name, phase.name), 0),
                0,
            )
            if available(u, phase)
            else 0
            for u in self.plan.units
        }
        needing: dict[str, dict[Cell, list[tuple[Post, int]]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for post in state.posts:
            for force, people in post.need:
                needing[force][(post.district, post.rank)].append((post, people * post.shifts))
        for force, cells in needing.items():
            demand = {cell: sum(map(_PEOPLE, items)) for cell, items in cells.items()}
            inflow = self._flow(force, demand, left)
            given: dict[str, int] = defaultdict(int)
            for cell, items in cells.items():
                entries = inflow.get(cell, [])
                _fill(items, force, entries, state)
                given[cell[0]] += sum(map(_PEOPLE, entries))
            for entries in inflow.values():
                for unit, people in entries:
                    for interval in self.in_interval[phase.name]:
                        self._post(unit, interval, phase.name, people)
            self._shortfalls(phase, force, demand, given, inflow, {})

    def _flow(self, force: str, demand: dict[Cell, int], left: dict[str, int]) -> Inflow:
        """Each cell's inflow by unit: the min-cost max flow of one force in one phase."""
        covering = self.covering.get(force, {})
        wanted: dict[str, int] = defaultdict(int)
        for (district, _), need in demand.items():
            wanted[district] += need
        parent: dict[str, str] = {}

        def root(node: str) -> str:
            while parent[node] != node:
                parent[node] = parent[parent[node]]
                node = parent[node]
            return node

        for district in wanted:
            parent.setdefault("d:" + district, "d:" + district)
            for unit in covering.get(district, ()):
                if left.get(unit, 0) > 0:
                    parent.setdefault("u:" + unit, "u:" + unit)
                    parent[root("u:" + unit)] = root("d:" + district)
        parts: dict[str, list[str]] = defaultdict(list)
        for node in parent:
            parts[root(node)].append(node)
        inflow: Inflow = defaultdict(list)
        remaining = dict(left)
        by_district: dict[str, list[Cell]] = defaultdict(list)
        for cell in demand:
            by_district[cell[0]].append(cell)
        for nodes in parts.values():
            givers = sorted((n[2:] for n in nodes if n[0] == "u"), key=self.order.__getitem__)
            if not givers:
                continue
            cells = {
                cell: demand[cell] for n in nodes if n[0] == "d" for cell in by_district[n[2:]]
            }
            self._settle(givers, cells, covering, remaining, inflow)
        for entries in inflow.values():
            entries.sort(key=lambda entry: self.order[entry[0]])
        return inflow

    def _settle(
        self,
        units: list[str],
        cells: dict[Cell, int],
        covering: dict[str, list[str]],
        left: dict[str, int],
        inflow: Inflow,
    ) -> None:
        """One component: settle the units no other could do better than, then flow."""
        wanted: dict[str, int] = defaultdict(int)
        for (district, _), need in cells.items():
            wanted[district] += need
        best = {d: next((u for u in covering[d] if left.get(u, 0) > 0), None) for d in wanted}
        remaining = list(units)
        changed = True
        while changed:
            changed = False
            for unit in list(remaining):
                mine = [d for d in self.staff[unit] if wanted.get(d)]
                if all(best[d] == unit for d in mine) and left[unit] >= sum(
                    wanted[d] for d in mine
                ):
                    for cell, need in cells.items():
                        if cell[0] in mine and need:
                            inflow[cell].append((unit, need))
                            left[unit] -= need
                            cells[cell] = 0
                    for district in mine:
                        wanted[district] = 0
                    remaining.remove(unit)
                    changed = True
        rest = {cell: need for cell, need in cells.items() if need}
        if rest and remaining:
            self._min_cost_flow(remaining, rest, left, inflow)

    def _min_cost_flow(
        self, units: list[str], cells: dict[Cell, int], left: dict[str, int], inflow: Inflow
    ) -> None:
        """The min-cost max flow of one component. First without the classes: when that
        staffs every post (the usual case), severity cannot matter and the smaller graph
        is the answer; only when posts go short is it solved again with a node per class,
        whose cost makes a more severe post worth more than any choice of unit."""
        districts = sorted({d for d, _ in cells}, key=self.district_order.__getitem__)
        wanted: dict[str, int] = defaultdict(int)
        for (district, _), need in cells.items():
            wanted[district] += need
        graph = self._graph(units, districts, left)
        if SOURCE not in graph:
            return
        for district in districts:
            graph.add_edge(("district", district), SINK, capacity=wanted[district])
        flow: dict[tuple[str, ...], dict[tuple[str, ...], int]] = nx.max_flow_min_cost(
            graph, SOURCE, SINK
        )
        if sum(flow[SOURCE].values()) < sum(wanted.values()):
            graph = self._graph(units, districts, left)
            weight = len(self.units) + 1  # more than any difference in locality
            for district, rank in sorted(cells, key=lambda c: (self.district_order[c[0]], -c[1])):
                node: tuple[str, ...] = ("cell", district, str(rank))
                need = cells[(district, rank)]
                graph.add_edge(
                    ("district", district),
                    node,
                    capacity=need,
                    weight=(self.top - rank) * weight,
                )
                graph.add_edge(node, SINK, capacity=need)
            flow = nx.max_flow_min_cost(graph, SOURCE, SINK)
        # What enters each district, from which units; and how much each class gets (all
        # of it where the first flow staffed everything).
        into: dict[str, list[tuple[int, int]]] = defaultdict(list)
        from_units: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for node, sent in flow.items():
            if node[0] == "unit":
                for target, people in sent.items():
                    if people:
                        from_units[target[1]].append((node[1], people))
                        left[node[1]] -= people
            elif node[0] == "district":
                for target, people in sent.items():
                    if people and target[0] == "cell":
                        into[node[1]].append((int(target[2]), people))
        for district in districts:
            # without class nodes the first flow staffed every class of the district fully
            ranks = into.get(district) or [
                (rank, need) for (d, rank), need in cells.items() if d == district
            ]
            givers = sorted(from_units.get(district, []), key=lambda e: self.order[e[0]])
            cursor = 0
            for rank, into_cell in sorted(ranks, key=lambda e: -e[0]):
                wanted_here = into_cell
                while wanted_here and cursor < len(givers):
                    unit, have = givers[cursor]
                    take = min(wanted_here, have)
                    inflow[(district, rank)].append((unit, take))
                    wanted_here -= take
                    if take == have:
                        cursor += 1
                    else:
                        givers[cursor] = (unit, have - take)

    def _graph(
        self, units: list[str], districts: list[str], left: dict[str, int]
    ) -> nx.DiGraph[tuple[str, ...]]:
        """source -> unit (its people left, cost its locality) -> each district it staffs."""
        graph: nx.DiGraph[tuple[str, ...]] = nx.DiGraph()
        inside = set(districts)
        for unit in units:
            targets = [d for d in self.staff[unit] if d in inside]
            if not targets:
                continue
            graph.add_edge(SOURCE, ("unit", unit), capacity=left[unit], weight=self.order[unit])
            for district in targets:
                graph.add_edge(("unit", unit), ("district", district))
        return graph

    # ── phases that overlap ──

    def coupled_group(self, group: tuple[m.Phase, ...]) -> None:
        names = [p.name for p in group]
        intervals = sorted({i for name in names for i in self.in_interval[name]})
        left = {
            (u.name, i): max((u.strength or 0) - self.held.get((u.name, i), 0), 0)
            for u in self.plan.units
            for i in intervals
        }
        for (unit, phase), people in self.resting.items():
            for i in self.in_interval.get(phase, ()):
                if (unit, i) in left:
                    left[(unit, i)] = max(left[(unit, i)] - people, 0)
        forces = list(
            dict.fromkeys(f for n in names for p in self.state[n].posts for f, _ in p.need)
        )
        for force in forces:
            self._coupled_force(group, force, left)

    def _coupled_force(
        self, group: tuple[m.Phase, ...], force: str, left: dict[tuple[str, int], int]
    ) -> None:
        position = {p.name: i for i, p in enumerate(group)}
        by_name = {p.name: p for p in group}
        duties: dict[str, list[tuple[str, Post]]] = defaultdict(list)
        for phase in group:
            for post in self.state[phase.name].posts:
                if post.need_of(force):
                    duties[post.duty].append((phase.name, post))
        # One duty's posts in phases that overlap (and need the same people) are one.
        instances: list[list[tuple[str, Post]]] = []
        for members in duties.values():
            members.sort(key=lambda pair: position[pair[0]])
            for part in overlapping_groups([by_name[p] for p, _ in members]):
                inside = {p.name for p in part}
                chosen = [pair for pair in members if pair[0] in inside]
                if len({post.people_of(force) for _, post in chosen}) == 1:
                    instances.append(chosen)
                else:
                    instances.extend([pair] for pair in chosen)
        cells: dict[tuple[tuple[str, ...], str, int], list[list[tuple[str, Post]]]] = {}
        for instance in instances:
            post = instance[0][1]
            key = (tuple(p for p, _ in instance), post.district, post.rank)
            cells.setdefault(key, []).append(instance)
        keys = sorted(
            cells,
            key=lambda k: (position[k[0][0]], len(k[0]), self.district_order[k[1]], -k[2]),
        )
        problem = [
            coupled.Cell(
                phases=k[0],
                district=k[1],
                rank=k[2],
                need=sum(inst[0][1].people_of(force) for inst in cells[k]),
                intervals=tuple(sorted({i for p in k[0] for i in self.in_interval[p]})),
            )
            for k in keys
        ]
        allowed: dict[str, list[int]] = defaultdict(list)
        givers = [u for u in self.by_locality if self.units[u].force == force and self.staff[u]]
        for number, cell in enumerate(problem):
            for unit in givers:
                if cell.district in self.staff[unit] and all(
                    available(self.units[unit], by_name[p]) for p in cell.phases
                ):
                    allowed[unit].append(number)
        solution = coupled.solve(problem, givers, self.order, allowed, left)
        inflow: dict[int, list[tuple[str, int]]] = defaultdict(list)
        for (unit, number), people in sorted(
            solution.items(), key=lambda item: (item[0][1], self.order[item[0][0]])
        ):
            if people:
                inflow[number].append((unit, people))
                for interval in problem[number].intervals:
                    self._post(unit, interval, problem[number].phases[0], people)
        for number, key in enumerate(keys):
            ordered = sorted(cells[key], key=lambda inst: self.state[inst[0][0]].place(inst[0][1]))
            _fill_instances(ordered, force, inflow.get(number, []), self.state)
        for phase in group:
            self._coupled_shortfalls(phase, force, problem, solution, left)

    def _coupled_shortfalls(
        self,
        phase: m.Phase,
        force: str,
        problem: list[coupled.Cell],
        solution: dict[tuple[str, int], int],
        left: dict[tuple[str, int], int],
    ) -> None:
        demand: dict[Cell, int] = defaultdict(int)
        given: dict[str, int] = defaultdict(int)
        inflow: Inflow = defaultdict(list)
        mine = {n for n, cell in enumerate(problem) if phase.name in cell.phases}
        for number in sorted(mine):
            cell = problem[number]
            demand[(cell.district, cell.rank)] += cell.need
        for (unit, number), people in solution.items():
            if number in mine and people:
                cell = problem[number]
                given[cell.district] += people
                inflow[(cell.district, cell.rank)].append((unit, people))
        need: dict[str, int] = defaultdict(int)
        for (district, _), people in demand.items():
            need[district] += people
        if all(given.get(d, 0) >= people for d, people in need.items()):
            return  # nothing short: no cut to explain
        # What each unit that may staff these districts has on posts of the other phases,
        # at the moment of this phase when it has the least left.
        covering = self.covering.get(force, {})
        concerned = {u for d in need for u in covering.get(d, ())}
        usage: dict[str, dict[int, int]] = {u: defaultdict(int) for u in concerned}
        for (unit, number), people in solution.items():
            if unit in concerned and number not in mine and people:
                for interval in problem[number].intervals:
                    usage[unit][interval] += people
        elsewhere: dict[str, int] = {}
        for unit in concerned:
            used = usage[unit]
            if available(self.units[unit], phase) and used:
                room = [
                    (left.get((unit, i), 0) - used.get(i, 0), used.get(i, 0))
                    for i in self.in_interval[phase.name]
                ]
                elsewhere[unit] = min(room)[1]
        self._shortfalls(phase, force, dict(demand), given, inflow, elsewhere)

    # ── what is counted from the allocation ──

    def _held_in(self, unit: str, phase: str) -> int:
        return self.state[phase].held.get(unit, 0)

    def _post(self, unit: str, interval: int, phase: str, people: int) -> None:
        self.posted[(unit, interval)] += people
        parts = self.posted_parts[(unit, interval)]
        parts[phase] = parts.get(phase, 0) + people

    def _shortfalls(
        self,
        phase: m.Phase,
        force: str,
        demand: dict[Cell, int],
        given: dict[str, int],
        inflow: Inflow,
        elsewhere: dict[str, int],
    ) -> None:
        """Shortfalls of a phase and force, each explained by its cut; `elsewhere`: people
        of a unit on posts of phases overlapping this one, at the moment that binds."""
        state = self.state[phase.name]
        need: dict[str, int] = defaultdict(int)
        for (district, _), people in demand.items():
            need[district] += people
        short = [d for d in need if given.get(d, 0) < need[d]]
        if not short:
            return
        covering = self.covering.get(force, {})
        sends: dict[str, set[str]] = defaultdict(set)
        for (district, _), entries in inflow.items():
            for unit, people in entries:
                if people:
                    sends[unit].add(district)
        cuts: dict[tuple[str, ...], list[str]] = {}
        for district in sorted(short, key=self.district_order.__getitem__):
            units = covering.get(district, [])
            if not units:
                found = self.uncovered_found.setdefault(
                    (district, force),
                    (
                        [],
                        next(p for p in state.posts if p.district == district and p.need_of(force)),
                    ),
                )
                found[0].append(phase.name)
                state.shortfalls.append(
                    Shortfall(
                        phase=phase.name,
                        district=district,
                        force=force,
                        need=need[district],
                        have=0,
                        bottleneck=(),
                        covered=False,
                    )
                )
                continue
            side, members = _deficient_side(district, covering, sends)
            key = tuple(sorted(side, key=self.district_order.__getitem__))
            cuts.setdefault(key, []).append(district)
            state.shortfalls.append(
                Shortfall(
                    phase=phase.name,
                    district=district,
                    force=force,
                    need=need[district],
                    have=given.get(district, 0),
                    bottleneck=tuple(
                        sorted(
                            (u for u in members if available(self.units[u], phase)),
                            key=self.order.__getitem__,
                        )
                    ),
                )
            )
        for districts, short_here in cuts.items():
            self.cuts.append(
                self._cut(phase, force, districts, short_here, need, given, elsewhere, inflow)
            )

    def _cut(
        self,
        phase: m.Phase,
        force: str,
        districts: tuple[str, ...],
        short: list[str],
        need: dict[str, int],
        given: dict[str, int],
        elsewhere: dict[str, int],
        inflow: Inflow,
    ) -> Cut:
        covering = self.covering.get(force, {})
        members = sorted(
            {u for d in districts for u in covering.get(d, ())}, key=self.order.__getitem__
        )
        present = [u for u in members if available(self.units[u], phase)]
        gives: dict[str, int] = defaultdict(int)
        for (district, _), entries in inflow.items():
            if district in districts:
                for unit, people in entries:
                    gives[unit] += people
        state = self.state[phase.name]
        staffed: dict[str, int] = defaultdict(int)
        for assignment in state.assignments:
            if assignment.force == force:
                staffed[assignment.post] += assignment.people
        empty: dict[tuple[str, str | None, int], list[tuple[str, int]]] = defaultdict(list)
        for post in state.posts:
            wanted = post.people_of(force)
            if post.district in districts and wanted and staffed[post.id] < wanted:
                empty[(post.district, post.risk, post.rank)].append(
                    (post.id, wanted - staffed[post.id])
                )
        return Cut(
            phase=phase.name,
            force=force,
            districts=districts,
            short=tuple(short),
            need=sum(need.get(d, 0) for d in districts),
            given=sum(given.get(d, 0) for d in districts),
            units=tuple(
                CutUnit(
                    unit=u,
                    strength=self.units[u].strength or 0,
                    held=self._held_in(u, phase.name),
                    elsewhere=elsewhere.get(u, 0),
                    gives=gives.get(u, 0),
                )
                for u in present
            ),
            absent=tuple(u for u in members if u not in present),
            empty=tuple(
                EmptyPosts(
                    district=district,
                    risk=risk,
                    posts=tuple(p for p, _ in items),
                    people=sum(n for _, n in items),
                )
                for (district, risk, _), items in sorted(
                    empty.items(), key=lambda kv: (-kv[0][2], self.district_order[kv[0][0]])
                )
            ),
        )

    def loads(self, phase: m.Phase) -> tuple[Load, ...]:
        state = self.state[phase.name]
        held: dict[str, int] = defaultdict(int)
        posted: dict[str, int] = defaultdict(int)
        for hold in state.holds:
            held[hold.unit] += hold.people
        for assignment in state.assignments:
            posted[assignment.unit] += assignment.people
        peak = self.peaks().get(phase.name, {})
        return tuple(
            Load(
                unit=u.name,
                strength=u.strength or 0,
                available=available(u, phase),
                held=held[u.name],
                posted=posted[u.name],
                peak=peak.get(u.name, 0),
                resting=self.resting.get((u.name, phase.name), 0),
            )
            for u in self.plan.units
        )

    def peaks(self) -> dict[str, dict[str, int]]:
        """Per phase, the most each unit has out at any moment of it (phases overlapping
        it included); worked out once, from the intervals where a unit has anyone out."""
        if self._peaks is None:
            out: dict[tuple[str, int], int] = defaultdict(int)
            for key, people in (*self.held.items(), *self.posted.items()):
                out[key] += people
            self._peaks = defaultdict(dict)
            for (unit, number), people in out.items():
                for name in self.intervals[number].phases:
                    known = self._peaks[name]
                    if people > known.get(unit, 0):
                        known[unit] = people
        return self._peaks

    def _held_parts(self, unit: str, number: int) -> list[Commitment]:
        """What each reserve holds of `unit` in interval `number`."""
        live = set(self.intervals[number].phases)
        parts = []
        for (name, _), found in self.holds.items():
            here = [(hold, phase) for hold, phase in found if name == unit and phase in live]
            if here:
                hold, phase = max(here, key=lambda pair: pair[0].people)
                parts.append(Commitment(phase, hold.holder, hold.people, hold.span))
        return parts

    def uncovered(self) -> tuple[Uncovered, ...]:
        return tuple(
            Uncovered(district=d, force=f, phases=tuple(phases), post=post)
            for (d, f), (phases, post) in self.uncovered_found.items()
        )

    def overcommits(self) -> tuple[Overcommit, ...]:
        out: dict[tuple[str, int], int] = defaultdict(int)
        for key, people in (*self.held.items(), *self.posted.items()):
            out[key] += people
        worst: dict[str, tuple[int, int]] = {}  # unit -> (people out, interval)
        strength = {u.name: u.strength for u in self.plan.units}
        for (unit_name, number), people in sorted(out.items(), key=lambda kv: kv[0][1]):
            limit = strength[unit_name]
            if limit is not None and people > limit and people > worst.get(unit_name, (0, 0))[0]:
                worst[unit_name] = (people, number)
        found = []
        for unit in self.plan.units:
            if unit.name not in worst:
                continue
            out_then, number = worst[unit.name]
            parts = self._held_parts(unit.name, number)
            for phase, people in self.posted_parts.get((unit.name, number), {}).items():
                parts.append(Commitment(phase, None, people, unit.span))
            found.append(
                Overcommit(
                    unit=unit.name,
                    interval=self.intervals[number],
                    committed=out_then,
                    parts=tuple(parts),
                )
            )
        return tuple(found)


def _deficient_side(
    district: str, covering: dict[str, list[str]], sends: dict[str, set[str]]
) -> tuple[set[str], set[str]]:
    """The districts and units on a short district's side of the minimum cut.

    After a maximum allocation, a unit limits district d when d can be reached from it in
    the residual graph: directly if it may staff d, or by giving people it sends to another
    district Y to d, and letting Y's other units make up for them. Every such unit gives
    all it can (or the allocation would not be maximum); those districts together need
    more than those units have.
    """
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
    return districts, units


def _fill(
    needing: list[tuple[Post, int]], force: str, inflow: list[tuple[str, int]], state: _Phase
) -> None:
    """Spread a cell's inflow over its posts in staffing order, units in locality order."""
    units = [unit for unit, _ in inflow]
    people = [count for _, count in inflow]
    cursor, last = 0, len(units)
    # This loop makes a million assignments nationally: tuples built directly (in
    # Assignment._fields order), totals per class summed locally and merged once.
    append, new = state.assignments.append, tuple.__new__
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
        state.given[(risk, force)] += count


def _fill_instances(
    instances: Sequence[list[tuple[str, Post]]],
    force: str,
    inflow: list[tuple[str, int]],
    state: dict[str, _Phase],
) -> None:
    """As `_fill`, for duties that may span phases: each of a duty's posts (one per phase)
    gets the same people."""
    units = [unit for unit, _ in inflow]
    people = [count for _, count in inflow]
    cursor = 0
    for instance in instances:
        need = instance[0][1].people_of(force)
        while need and cursor < len(units):
            unit, have = units[cursor], people[cursor]
            take = min(need, have)
            for phase, post in instance:
                state[phase].assignments.append(Assignment(post.id, unit, force, take))
                state[phase].given[(post.risk, force)] += take
            need -= take
            if take == have:
                cursor += 1
            else:
                people[cursor] = have - take


def _class_lines(plan: m.Plan, state: _Phase) -> tuple[ClassLine, ...]:
    """The risk-class table of a phase: sites, need by ratio and by posts, allocated."""
    sites: dict[str | None, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_posts: dict[tuple[str | None, str], int] = defaultdict(int)
    in_all: dict[tuple[str | None, str], int] = defaultdict(int)
    fixed: dict[str, int] = defaultdict(int)  # sites of fixed posts, per force they need
    for post in state.posts:
        sites[post.risk][post.kind] += len(post.sites)
        for force, people in post.need:
            by_posts[(post.risk, force)] += people
            in_all[(post.risk, force)] += people * post.shifts
            if post.risk is None:
                fixed[force] += 1
    # A class's rules say which of its sites need a force; a fixed guard says it per site.
    needing: dict[tuple[str | None, str], dict[str, int]] = {}
    for risk_class in plan.risks:
        for rule in risk_class.rules:
            counts = needing.setdefault((risk_class.name, rule.force), {})
            counts[rule.kind] = sites[risk_class.name][rule.kind]
    for force, count in fixed.items():
        needing[(None, force)] = {"": count}
    lines = []
    for risk in (*plan.risks, None):
        name = risk.name if risk else None
        for force in (f.name for f in plan.forces):
            if not by_posts.get((name, force)):
                continue
            ratio = Fraction(0)
            if risk is not None:
                ratio = sum(
                    (
                        Fraction(r.amount * sites[name][r.kind], r.per)
                        for r in risk.rules
                        if r.force == force
                    ),
                    Fraction(0),
                )
            lines.append(
                ClassLine(
                    risk=name,
                    force=force,
                    sites=sum(needing.get((name, force), {}).values()),
                    by_ratio=ratio,
                    by_posts=by_posts[(name, force)],
                    in_all=in_all[(name, force)],
                    allocated=state.given.get((name, force), 0),
                )
            )
    return tuple(lines)


class Replanner:
    """Parts of an allocation solved again, as if some units had other strengths: for the
    N-1 contingency analysis (`check.contingency`), which asks what breaks when one unit
    is committed elsewhere. The solver is built once from the allocation; each question
    re-solves only what the change can reach: one phase's reserves, the components of one
    force's flow that the changed units are in (a phase alone), or one group of phases
    that overlap (solved again whole, with HiGHS)."""

    def __init__(self, plan: m.Plan, allocation: Allocation) -> None:
        self.plan = plan
        self.intervals = allocation.intervals
        self.deployments = {d.phase: d for d in allocation.deployment.phases}
        # people the roster found resting, kept out of posts as the allocation kept them
        self.resting: dict[tuple[str, str], int] = {
            (load.unit, d.phase): load.resting
            for d in allocation.deployment.phases
            for load in d.loads
            if load.resting
        }
        self.solver = _Solver(plan, allocation.intervals, {}, self.resting)
        lasting = [p for p in plan.phases if runs(p)]
        self.groups: dict[str, tuple[m.Phase, ...]] = {
            phase.name: group for group in overlapping_groups(lasting) for phase in group
        }
        self._cells: dict[tuple[str, str], dict[Cell, int]] = {}
        self._had: dict[tuple[str, str, str], dict[str, int]] = {}
        self._cells_of: dict[tuple[str, str], dict[str, list[Cell]]] = {}
        self._given: dict[tuple[str, str, str], dict[str, dict[str, int]]] = {}
        self._posted_in: dict[str, dict[str, int]] = {}

    def holds(self, plan: m.Plan, phase: m.Phase) -> list[Hold]:
        """The reserves a variant of the plan holds in the phase."""
        return _hold_reserves(plan, phase)[0]

    def demand(self, phase: str, force: str) -> dict[Cell, int]:
        """What the phase's posts need of the force, per (district, rank), in all."""
        key = (phase, force)
        if key not in self._cells:
            cells: dict[Cell, int] = defaultdict(int)
            for post in self.deployments[phase].posts:
                people = post.people_of(force)
                if people:
                    cells[(post.district, post.rank)] += people
            self._cells[key] = dict(cells)
        return self._cells[key]

    def _by_district(self, phase: str, force: str) -> dict[str, list[Cell]]:
        """The phase's cells needing the force, per district (found once)."""
        key = (phase, force)
        if key not in self._cells_of:
            found: dict[str, list[Cell]] = defaultdict(list)
            for cell in self.demand(phase, force):
                found[cell[0]].append(cell)
            self._cells_of[key] = dict(found)
        return self._cells_of[key]

    def reroutes(self, phase: str, force: str, left: Mapping[str, int], lacking: set[str]) -> bool:
        """Can the people the `lacking` units no longer have be given, district by
        district, by other units with people to spare (the allocation's residual graph,
        its direct paths: source -> spare unit -> the district)? If so the phase loses
        no one, and nothing needs solving again; if not, it may still (by longer paths):
        `given` says."""
        gives = self._gives(phase, force)
        posted = self._posted(phase)
        covering = self.solver.covering.get(force, {})
        spare: dict[str, int] = {}
        for unit in sorted(lacking, key=self.solver.order.__getitem__):
            deficit = posted.get(unit, 0) - left.get(unit, 0)
            for district, people in gives.get(unit, {}).items():
                move = min(people, deficit)
                for other in covering.get(district, ()):
                    if not move:
                        break
                    if other in lacking:
                        continue
                    if other not in spare:
                        spare[other] = left.get(other, 0) - posted.get(other, 0)
                    take = min(spare[other], move)
                    if take > 0:
                        spare[other] -= take
                        move -= take
                        deficit -= take
                if not deficit:
                    break
            if deficit > 0:
                return False
        return True

    def _gives(self, phase: str, force: str) -> dict[str, dict[str, int]]:
        """unit -> district -> people of the force it gives there in the phase."""
        key = ("gives", phase, force)
        if key not in self._given:
            deployment = self.deployments[phase]
            district = {post.id: post.district for post in deployment.posts}
            found: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
            for a in deployment.assignments:
                if a.force == force:
                    found[a.unit][district[a.post]] += a.people
            self._given[key] = {u: dict(d) for u, d in found.items()}
        return self._given[key]

    def _posted(self, phase: str) -> dict[str, int]:
        if phase not in self._posted_in:
            found: dict[str, int] = defaultdict(int)
            for a in self.deployments[phase].assignments:
                found[a.unit] += a.people
            self._posted_in[phase] = dict(found)
        return self._posted_in[phase]

    def had(self, phase: str, force: str) -> dict[str, int]:
        """People of the force each district of the phase got in the allocation."""
        key = ("had", phase, force)
        if key not in self._had:
            deployment = self.deployments[phase]
            district = {post.id: post.district for post in deployment.posts}
            found: dict[str, int] = defaultdict(int)
            for a in deployment.assignments:
                if a.force == force:
                    found[district[a.post]] += a.people
            self._had[key] = dict(found)
        return self._had[key]

    def given(
        self, phase: str, force: str, left: Mapping[str, int], changed: set[str]
    ) -> dict[str, int]:
        """People of the force each district gets in a phase alone when units have `left`
        people: the components the `changed` units are in, solved again (the districts
        of other components are not in the answer)."""
        demand = self.demand(phase, force)
        if not demand:
            return {}
        cells = self._by_district(phase, force)
        wanted = cells.keys()
        covering = self.solver.covering.get(force, {})
        staff = self.solver.staff
        districts: set[str] = set()
        units: set[str] = set()
        queue = [d for u in changed for d in staff.get(u, ()) if d in wanted]
        while queue:
            district = queue.pop()
            if district in districts:
                continue
            districts.add(district)
            for unit in covering.get(district, ()):
                if unit not in units and left.get(unit, 0) > 0:
                    units.add(unit)
                    queue.extend(d for d in staff[unit] if d in wanted and d not in districts)
        part = {cell: demand[cell] for district in districts for cell in cells[district]}
        inflow = self.solver._flow(force, part, {unit: left[unit] for unit in units})
        given = dict.fromkeys(districts, 0)
        for (district, _), entries in inflow.items():
            given[district] += sum(people for _, people in entries)
        return given

    def coupled(
        self, plan: m.Plan, group: tuple[m.Phase, ...], holds: dict[str, list[Hold]]
    ) -> dict[str, tuple[Shortfall, ...]]:
        """The shortfalls of a group of phases that overlap, allocated again whole for a
        variant of the plan holding `holds`."""
        state = {
            phase.name: _Phase(phase, list(self.deployments[phase.name].posts), holds[phase.name])
            for phase in group
        }
        solver = _Solver(plan, self.intervals, state, self.resting)
        solver.coupled_group(group)
        return {name: tuple(phase.shortfalls) for name, phase in state.items()}
