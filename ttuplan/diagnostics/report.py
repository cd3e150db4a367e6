"""The one way problems are collected and reported.

Stages return (or yield) what they find; the pipeline hands it to a Reporter, which keeps
at most each code's `cap` of them (the rest counted in one closing diagnostic of that
code, at the last one shown) and sorts everything once, in source order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace

from ttuplan.diagnostics.model import Code, Diagnostic
from ttuplan.diagnostics.order import in_source_order
from ttuplan.source import SourceMap


class Reporter:
    def __init__(self) -> None:
        self.found: list[Diagnostic] = []

    def extend(self, problems: Iterable[Diagnostic]) -> None:
        self.found.extend(problems)

    def report(self, sources: SourceMap) -> tuple[Diagnostic, ...]:
        """Every problem in source order, each code capped."""
        ordered = in_source_order(self.found, sources)
        by_code: dict[Code, int] = defaultdict(int)
        for problem in ordered:
            by_code[problem.code] += 1
        if all(code.cap is None or count <= code.cap for code, count in by_code.items()):
            return ordered
        kept: list[Diagnostic] = []
        shown: dict[Code, int] = defaultdict(int)
        for problem in ordered:
            code = problem.code
            if code.cap is not None and shown[code] >= code.cap:
                continue
            shown[code] += 1
            kept.append(problem)
            if code.cap is not None and shown[code] == code.cap and by_code[code] > code.cap:
                kept.append(
                    replace(
                        problem,
                        message=f"... and {by_code[code] - code.cap:,} more like this "
                        f"(at most {code.cap} are listed)",
                        label="the last one listed",
                        related=(),
                        notes=(),
                    )
                )
        return tuple(kept)
