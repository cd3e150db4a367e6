"""Diagnostics as JSON for machines: a versioned document (schemas/check.schema.json)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ttuplan.diagnostics.model import Diagnostic, Severity
from ttuplan.source import Span

SCHEMA_VERSION = 1


def span_json(span: Span | None) -> dict[str, Any] | None:
    if span is None:
        return None
    return {
        "file": span.file,
        "line": span.line,
        "column": span.column,
        "end_line": span.end_line,
        "end_column": span.end_column,
    }


def diagnostic_json(diagnostic: Diagnostic) -> dict[str, Any]:
    return {
        "code": diagnostic.code.id,
        "slug": diagnostic.code.slug,
        "family": diagnostic.code.family.value,
        "severity": diagnostic.severity.value,
        "message": diagnostic.message,
        "location": span_json(diagnostic.span),
        "label": diagnostic.label,
        "related": [
            {"location": span_json(r.span), "message": r.message} for r in diagnostic.related
        ],
        "notes": list(diagnostic.notes),
        "help": diagnostic.help,
    }


def plan_report(
    path: str, diagnostics: Sequence[Diagnostic], summary: dict[str, Any] | None = None
) -> dict[str, Any]:
    errors = sum(1 for d in diagnostics if d.severity is Severity.ERROR)
    return {
        "plan": path,
        "errors": errors,
        "warnings": len(diagnostics) - errors,
        "diagnostics": [diagnostic_json(d) for d in diagnostics],
        "summary": summary,
    }


def render_json(reports: Sequence[dict[str, Any]], version: str) -> str:
    document = {
        "tool": "ttuplan",
        "version": version,
        "schema_version": SCHEMA_VERSION,
        "plans": list(reports),
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
