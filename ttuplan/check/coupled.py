"""Allocation where phases overlap: an integer program solved with HiGHS (highspy).

When phases overlap, a unit's people are shared between them: what it gives one phase it
cannot give another at the same time. That is no longer a flow problem, so the phases of
an overlapping group are allocated together as an integer program, per force and per
connected component (units and the demand they can meet):

    x[u, c] >= 0, integer: people of unit u on the posts of cell c (phases, district, rank)
    sum over u of x[u, c]                  <= need of c
    sum over c in force at t of x[u, c]    <= people u has left at moment t (per interval)

solved lexicographically: for each rank from the most severe, the most people on posts of
that rank (each optimum then held as a constraint); then the least sum of x[u, c] times
u's place in the locality order (the most local unit, then the one declared first).
Columns are laid out in one canonical order (units by locality, cells by phase, district
and rank), so the same plan gives the same answer, whatever the order of names in it.
"""

from __future__ import annotations

from collections.abc import Sequence

from ttuplan.check.highs import integer_program
from ttuplan.records import dataclass


@dataclass(frozen=True, slots=True)
class Cell:
    """Demand of one force: posts of one district and rank, over the same phases."""

    phases: tuple[str, ...]
    district: str
    rank: int
    need: int
    intervals: tuple[int, ...]  # the intervals in which the cell's phases are in force


def solve(
    cells: Sequence[Cell],
    units: Sequence[str],
    order: dict[str, int],
    allowed: dict[str, list[int]],
    left: dict[tuple[str, int], int],
) -> dict[tuple[str, int], int]:
    """People per (unit, cell index); `allowed[u]`: the cells u may staff, `left[u, i]`:
    the people u has left in interval i (after reserves)."""
    parent: dict[tuple[str, object], tuple[str, object]] = {}

    def root(node: tuple[str, object]) -> tuple[str, object]:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    columns: list[tuple[str, int]] = []
    for unit in units:
        for cell in allowed.get(unit, ()):
            bound = min(
                [cells[cell].need, *(left.get((unit, i), 0) for i in cells[cell].intervals)]
            )
            if bound <= 0:
                continue
            columns.append((unit, cell))
            for node in (("u", unit), ("c", cell)):
                parent.setdefault(node, node)
            parent[root(("u", unit))] = root(("c", cell))
    parts: dict[tuple[str, object], list[tuple[str, int]]] = {}
    for column in columns:
        parts.setdefault(root(("c", column[1])), []).append(column)
    found: dict[tuple[str, int], int] = {}
    for part in parts.values():
        found.update(_solve_part(part, cells, order, left))
    return found


def _solve_part(
    columns: list[tuple[str, int]],
    cells: Sequence[Cell],
    order: dict[str, int],
    left: dict[tuple[str, int], int],
) -> dict[tuple[str, int], int]:
    from highspy import _core as highs  # the solver's own class: no banner on stdout

    infinity = highs.kHighsInf
    rows: list[tuple[list[int], float]] = []  # (columns, upper bound)
    by_cell: dict[int, list[int]] = {}
    by_unit_interval: dict[tuple[str, int], list[int]] = {}
    for number, (unit, cell) in enumerate(columns):
        by_cell.setdefault(cell, []).append(number)
        for interval in cells[cell].intervals:
            by_unit_interval.setdefault((unit, interval), []).append(number)
    for cell, members in by_cell.items():
        rows.append((members, float(cells[cell].need)))
    # A unit's rows for intervals with the same columns say the same but for their bound:
    # only the tightest is kept (thousands of intervals of one overlap make one row).
    tightest: dict[tuple[int, ...], int] = {}
    for key, members in by_unit_interval.items():
        bound = max(left.get(key, 0), 0)
        columns_of = tuple(members)
        tightest[columns_of] = min(bound, tightest.get(columns_of, bound))
    for members_of, bound in tightest.items():
        rows.append((list(members_of), float(bound)))
    solver = integer_program(
        [
            float(min([cells[c].need, *(left.get((u, i), 0) for i in cells[c].intervals)]))
            for u, c in columns
        ],
        [(members, [1.0] * len(members), -infinity, upper) for members, upper in rows],
    )
    everything = list(range(len(columns)))
    for rank in sorted({cells[c].rank for _, c in columns}, reverse=True):
        chosen = [n for n, (_, c) in enumerate(columns) if cells[c].rank == rank]
        costs = [1.0 if cells[c].rank == rank else 0.0 for _, c in columns]
        solver.changeObjectiveSense(highs.ObjSense.kMaximize)
        solver.changeColsCost(len(columns), everything, costs)
        best = _run(solver)
        solver.addRow(best - 0.5, infinity, len(chosen), chosen, [1.0] * len(chosen))
    solver.changeObjectiveSense(highs.ObjSense.kMinimize)
    solver.changeColsCost(len(columns), everything, [float(order[u]) for u, _ in columns])
    _run(solver)
    values = solver.getSolution().col_value
    return {column: round(value) for column, value in zip(columns, values, strict=True)}


def _run(solver: object) -> float:
    """Solve and return the optimum, rounded (every objective here is a whole number)."""
    from highspy import _core as highs

    solver.run()  # type: ignore[attr-defined]
    status = solver.getModelStatus()  # type: ignore[attr-defined]
    if status != highs.HighsModelStatus.kOptimal:  # always feasible (nobody posted is)
        raise RuntimeError(f"HiGHS could not solve an allocation: {status}")
    return float(round(solver.getInfo().objective_function_value))  # type: ignore[attr-defined]
