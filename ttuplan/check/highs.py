"""An integer program for HiGHS (highspy), set up the one way ttuplan solves them.

One thread, a fixed seed and no gap allowed, so that the same plan gives the same answer;
the solver's own class, so that nothing is printed. Columns are integers from 0 to their
upper bound; rows are sparse: (columns, coefficients, lower, upper).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

Row = tuple[Sequence[int], Sequence[float], float, float]
INFINITY = float("inf")


def integer_program(
    upper: Sequence[float], rows: Sequence[Row], *, node_limit: int | None = None
) -> Any:
    """A HiGHS solver holding the program (no objective yet: set costs and sense, then
    run). `node_limit`: branch-and-bound nodes at most per run (a limit that, unlike a time
    limit, gives the same answer on any machine)."""
    from highspy import _core as highs  # the solver's own class: no banner on stdout

    solver = highs._Highs()
    options: list[tuple[str, bool | float]] = [
        ("output_flag", False),
        ("threads", 1),
        ("random_seed", 0),
        ("mip_rel_gap", 0.0),
        ("mip_abs_gap", 0.0),
    ]
    if node_limit is not None:
        options.append(("mip_max_nodes", node_limit))
    for option, value in options:
        solver.setOptionValue(option, value)
    lp = highs.HighsLp()
    lp.num_col_, lp.num_row_ = len(upper), len(rows)
    lp.col_cost_ = [0.0] * len(upper)
    lp.col_lower_ = [0.0] * len(upper)
    lp.col_upper_ = [min(bound, highs.kHighsInf) for bound in upper]
    lp.row_lower_ = [max(lower, -highs.kHighsInf) for _, _, lower, _ in rows]
    lp.row_upper_ = [min(high, highs.kHighsInf) for _, _, _, high in rows]
    matrix = lp.a_matrix_
    matrix.format_ = highs.MatrixFormat.kRowwise
    starts: list[int] = [0]
    index: list[int] = []
    values: list[float] = []
    for members, coefficients, _, _ in rows:
        index.extend(members)
        values.extend(coefficients)
        starts.append(len(index))
    matrix.start_, matrix.index_, matrix.value_ = starts, index, values
    lp.integrality_ = [highs.HighsVarType.kInteger] * len(upper)
    lp.sense_ = highs.ObjSense.kMaximize
    solver.passModel(lp)
    return solver
