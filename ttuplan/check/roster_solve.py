"""Named rostering as an integer program (HiGHS), for a unit the greedy order leaves short.

The greedy order of `ttuplan.check.roster` is fast and easy to explain, but it decides one
place at a time: a person it gives to an early shift may be the one a later shift needed.
When it leaves places of a unit empty, that unit's places are solved again, all at once:

    x[p, s] in {0, 1}: person p takes a place of slot s (only if p's `shift` column allows)
    sum over p of x[p, s]                <= places of s
    sum over s in K of x[p, s]           <= 1   for every person p and every clique K of
                                                slots that clash pairwise (the same time, or
                                                two posts within the rest)
    y[s] <= sum over leaders p of x[p, s]       y[s] in {0, 1}: s's crew has a leader
    sum over s of minutes[s] x[p, s] <= z       z: the most hours on duty of anyone

solved lexicographically, each optimum then held as a constraint: (1) the most places
filled; (2) the most crews with someone who may lead; (3) the most people in their own
district; (4) the least `z`, the load spread fairly. Columns are laid out in slot order,
then table order, one thread, a fixed seed, and a node limit rather than a time limit, so
the same plan and table give the same roster. The greedy answer is kept unless the
program fills more places.
"""

from __future__ import annotations

from collections.abc import Sequence

import networkx as nx

from ttuplan.check.highs import INFINITY, Row, integer_program
from ttuplan.records import dataclass

NODE_LIMIT = 20_000  # branch-and-bound nodes per stage: deterministic, unlike a time limit
MAX_CLIQUES = 20_000  # beyond this many, clashes are one row per pair instead


@dataclass(frozen=True, slots=True)
class Problem:
    """One unit's places and people, as numbers: slots and people are indices."""

    counts: Sequence[int]  # places per slot
    eligible: Sequence[Sequence[int]]  # per slot: the people who may take it, in table order
    clashes: Sequence[tuple[int, int]]  # pairs of slots nobody may take both of
    leaders: frozenset[int]  # people who may lead
    local: frozenset[tuple[int, int]]  # (person, slot): the person lives in its district
    minutes: Sequence[int]  # hours on duty a slot adds (0 for a reserve standing by)


@dataclass(frozen=True, slots=True)
class Answer:
    crews: list[list[int]] | None  # per slot, its people in table order; None: no better
    proven: bool  # no roster fills more places (the first stage solved to optimality)


def solve(problem: Problem, to_beat: int = -1) -> Answer | None:
    """The people per slot; None if the solver found no answer, or none that fills more
    than `to_beat` places (the later stages are then not solved at all)."""
    columns = [(p, s) for s, who in enumerate(problem.eligible) for p in who]
    if not columns:
        return Answer([[] for _ in problem.counts] if to_beat < 0 else None, proven=True)
    if sum(problem.counts) - to_beat <= least_unfilled(problem):
        return Answer(None, proven=True)  # no roster fills more: no solver needed
    # after x: y[s] for each slot some leader may take, then z
    leading = [
        s
        for s, who in enumerate(problem.eligible)
        if problem.counts[s] > 0 and any(p in problem.leaders for p in who)
    ]
    width = len(columns) + len(leading) + 1
    pad = [0.0] * (width - len(columns))
    stages = [
        ([1.0] * len(columns) + pad, True),
        ([0.0] * len(columns) + [1.0] * len(leading) + [0.0], True),
        ([1.0 if column in problem.local else 0.0 for column in columns] + pad, True),
        ([0.0] * (width - 1) + [1.0], False),
    ]
    solution, proven = _lexicographic(width, _rows(problem, columns, leading), stages, to_beat)
    if solution is None:
        return None if not proven else Answer(None, proven=True)
    crews: list[list[int]] = [[] for _ in problem.counts]
    for n, (p, s) in enumerate(columns):
        if solution[n] > 0.5:
            crews[s].append(p)
    return Answer([sorted(crew) for crew in crews], proven)


def _rows(problem: Problem, columns: list[tuple[int, int]], leading: list[int]) -> list[Row]:
    infinity = INFINITY
    number = {column: n for n, column in enumerate(columns)}
    by_person: dict[int, list[int]] = {}
    for p, s in columns:
        by_person.setdefault(p, []).append(s)
    z = len(columns) + len(leading)
    rows: list[Row] = []
    for s, who in enumerate(problem.eligible):
        if who:
            members = [number[(p, s)] for p in who]
            rows.append((members, [1.0] * len(members), -infinity, float(problem.counts[s])))
    for group in _cliques(len(problem.counts), problem.clashes):
        for p in by_person:
            members = [number[(p, s)] for s in group if (p, s) in number]
            if len(members) > 1:
                rows.append((members, [1.0] * len(members), -infinity, 1.0))
    for k, s in enumerate(leading):
        members = [number[(p, s)] for p in problem.eligible[s] if p in problem.leaders]
        rows.append(([len(columns) + k, *members], [1.0] + [-1.0] * len(members), -infinity, 0.0))
    for p, held in by_person.items():
        timed = [s for s in held if problem.minutes[s]]
        if timed:
            members = [number[(p, s)] for s in timed]
            values = [float(problem.minutes[s]) for s in timed]
            rows.append(([*members, z], [*values, -1.0], -infinity, 0.0))
    return rows


def _lexicographic(
    width: int, rows: list[Row], stages: list[tuple[list[float], bool]], to_beat: int
) -> tuple[list[float] | None, bool]:
    """Columns 0..width-1 binary but the last (integer, unbounded); each stage's optimum
    (its costs, maximised or not) held while the next is solved. The last solution (None
    if the first stage's is no more than `to_beat`), and whether the first stage was
    solved to optimality."""
    from highspy import _core as highs

    infinity = highs.kHighsInf
    solver = integer_program([1.0] * (width - 1) + [INFINITY], rows, node_limit=NODE_LIMIT)
    everything = list(range(width))
    solution: list[float] | None = None
    proven: list[bool] = []
    for costs, maximise in stages:
        if not any(costs):
            continue
        sense = highs.ObjSense.kMaximize if maximise else highs.ObjSense.kMinimize
        solver.changeObjectiveSense(sense)
        solver.changeColsCost(width, everything, costs)
        solver.run()
        if solver.getInfo().primal_solution_status != 2:  # no feasible point found
            break
        proven.append(solver.getModelStatus() == highs.HighsModelStatus.kOptimal)
        best = float(round(solver.getInfo().objective_function_value))
        if len(proven) == 1 and best <= to_beat:
            return None, proven[0]
        solution = list(solver.getSolution().col_value)
        kept = [n for n, cost in enumerate(costs) if cost]
        coefficients = [costs[n] for n in kept]
        if maximise:
            solver.addRow(best - 0.5, infinity, len(kept), kept, coefficients)
        else:
            solver.addRow(-infinity, best + 0.5, len(kept), kept, coefficients)
    return solution, bool(proven) and proven[0]


def least_unfilled(problem: Problem) -> int:
    """Places no roster can fill, at the least: slots that clash pairwise (a clique of the
    clash graph, or one slot alone) can take no more people than may take any of them,
    each person at most one; over cliques that share no slot, the shortfalls add up. (When
    a roster leaves no more empty, it is the best there is, and HiGHS need not be asked:
    a Polsek whose people all rest after a night shift when the voting day begins.)"""
    shortfalls = []
    for clique in [
        *_cliques(len(problem.counts), problem.clashes),
        *([s] for s in range(len(problem.counts))),
    ]:
        people = {p for s in clique for p in problem.eligible[s]}
        short = sum(problem.counts[s] for s in clique) - len(people)
        if short > 0:
            shortfalls.append((-short, clique))
    used: set[int] = set()
    least = 0
    for short, clique in sorted(shortfalls):
        if used.isdisjoint(clique):
            used.update(clique)
            least -= short
    return least


def _cliques(slots: int, clashes: Sequence[tuple[int, int]]) -> list[list[int]]:
    """Groups of slots that clash pairwise and together cover every clash: the maximal
    cliques of the clash graph, or the pairs themselves if there are too many."""
    graph: nx.Graph[int] = nx.Graph()
    graph.add_nodes_from(range(slots))
    graph.add_edges_from(clashes)
    found: list[list[int]] = []
    for clique in nx.find_cliques(graph):
        if len(clique) > 1:
            found.append(sorted(clique))
        if len(found) > MAX_CLIQUES:
            return [list(pair) for pair in sorted(clashes)]
    return sorted(found)
