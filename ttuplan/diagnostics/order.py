"""Diagnostics in source order: by file in the order it was read, then line and column."""

from __future__ import annotations

from collections.abc import Iterable

from ttuplan.diagnostics.model import Diagnostic
from ttuplan.source import SourceMap


def in_source_order(problems: Iterable[Diagnostic], sources: SourceMap) -> tuple[Diagnostic, ...]:
    order = {path: index for index, path in enumerate(sources.paths())}

    def key(diagnostic: Diagnostic) -> tuple[int, int, int]:
        span = diagnostic.span
        if span is None:
            return (-1, 0, 0)
        return (order.get(span.file, len(order)), span.line, span.column)

    return tuple(sorted(problems, key=key))
