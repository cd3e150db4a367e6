"""Diagnostics as GitHub Actions workflow commands (annotations on the changed lines).

GitHub shows at most ten error and ten warning annotations of a step, so the most
important come first (errors, then warnings, each in source order), and a last line
says how many were not annotated.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from ttuplan.diagnostics.model import Diagnostic, Severity

PER_SEVERITY = 10


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escaped_data(text: str) -> str:
    """Text as the message of a workflow command (after `::`)."""
    return _data(text)


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def _path(file: str, root: Path) -> str:
    path = Path(os.path.abspath(file))
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()


def annotation(diagnostic: Diagnostic, root: Path) -> str:
    command = "error" if diagnostic.severity is Severity.ERROR else "warning"
    properties = [f"title={_property(f'{diagnostic.code.id} {diagnostic.code.slug}')}"]
    span = diagnostic.span
    if span is not None:
        properties[:0] = [
            f"file={_property(_path(span.file, root))}",
            f"line={span.line}",
            f"endLine={span.end_line}",
            f"col={span.column}",
            f"endColumn={max(span.end_column - 1, span.column)}",
        ]
    message = diagnostic.message + (f"\nhelp: {diagnostic.help}" if diagnostic.help else "")
    return f"::{command} {','.join(properties)}::{_data(message)}"


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


def render_github(diagnostics: Sequence[Diagnostic], root: Path) -> str:
    errors = [d for d in diagnostics if d.severity is Severity.ERROR]
    warnings = [d for d in diagnostics if d.severity is Severity.WARNING]
    shown = [*errors[:PER_SEVERITY], *warnings[:PER_SEVERITY]]
    lines = [annotation(d, root) for d in shown]
    hidden = len(diagnostics) - len(shown)
    lines.append(
        f"ttuplan: {_count(len(errors), 'error')}, {_count(len(warnings), 'warning')}; "
        + (
            f"{hidden} not annotated (GitHub shows {PER_SEVERITY} of each per step), "
            "run `ttuplan check` to see them all"
            if hidden
            else "all annotated"
        )
    )
    return "\n".join(lines) + "\n"
