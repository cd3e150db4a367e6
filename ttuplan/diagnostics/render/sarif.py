"""Diagnostics as SARIF 2.1.0, for code-scanning tools: every code a rule, every hop a
related location, paths relative to the repository root.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ttuplan.diagnostics.codes import ALL_CODES
from ttuplan.diagnostics.model import Diagnostic
from ttuplan.source import Span

SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
ROOT = "%SRCROOT%"


def repository_root(start: Path) -> Path:
    """The nearest folder holding `.git` at or above `start`, else `start` itself."""
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return start


def _rules() -> list[dict[str, Any]]:
    return [
        {
            "id": code.id,
            "name": code.slug,
            "shortDescription": {"text": code.summary[0].upper() + code.summary[1:] + "."},
            "fullDescription": {"text": code.explanation.split("\n\n")[0].replace("\n", " ")},
            "help": {"text": code.explanation},
            "defaultConfiguration": {"level": code.severity.value},
            "properties": {"tags": [code.family.value]},
        }
        for code in ALL_CODES
    ]


def _location(span: Span, root: Path) -> dict[str, Any]:
    path = Path(os.path.abspath(span.file))
    artifact: dict[str, Any]
    if path.is_relative_to(root):
        # Quoted from its bytes: a name that is not UTF-8 is %FF, not a lone surrogate.
        relative = os.fsencode(path.relative_to(root).as_posix())
        artifact = {"uri": quote(relative), "uriBaseId": ROOT}
    else:
        artifact = {"uri": path.as_uri()}
    return {
        "physicalLocation": {
            "artifactLocation": artifact,
            "region": {
                "startLine": span.line,
                "startColumn": span.column,
                "endLine": span.end_line,
                "endColumn": max(span.end_column, span.column + 1),
            },
        }
    }


def _result(diagnostic: Diagnostic, index: dict[str, int], root: Path) -> dict[str, Any]:
    text = diagnostic.message
    if diagnostic.help:
        text += f"\nhelp: {diagnostic.help}"
    result: dict[str, Any] = {
        "ruleId": diagnostic.code.id,
        "ruleIndex": index[diagnostic.code.id],
        "level": diagnostic.severity.value,
        "message": {"text": text},
    }
    if diagnostic.span is not None:
        result["locations"] = [_location(diagnostic.span, root)]
    if diagnostic.related:
        result["relatedLocations"] = [
            {"id": number, **_location(label.span, root), "message": {"text": label.message}}
            for number, label in enumerate(diagnostic.related, start=1)
        ]
    return result


def render_sarif(diagnostics: Sequence[Diagnostic], version: str, root: Path) -> str:
    index = {code.id: number for number, code in enumerate(ALL_CODES)}
    run = {
        "tool": {"driver": {"name": "ttuplan", "version": version, "rules": _rules()}},
        "columnKind": "unicodeCodePoints",
        "originalUriBaseIds": {ROOT: {"uri": root.as_uri() + "/"}},
        "results": [_result(d, index, root) for d in diagnostics],
    }
    document = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
