"""Stage 5: a checked plan and its deployment to documents (Jinja2 templates, typst, XlsxWriter).

Outputs, each from a template in templates/ (`--templates DIR` overrides any of them):
briefing.md, briefing.html, briefing.pdf (Typst), rosters.html, rosters.pdf (Typst),
rosters.csv; rosters.xlsx is laid out by ttuplan.render.xlsx and plan.json is data.
Everything is rendered in memory; nothing is written here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from ttuplan import __version__, progress
from ttuplan.deployment import Deployment
from ttuplan.diagnostics.model import Diagnostic
from ttuplan.model import Plan
from ttuplan.render.briefing import Briefing, briefing_view
from ttuplan.render.environment import environment, template_folders
from ttuplan.render.members import assign_members
from ttuplan.render.plan_json import plan_json
from ttuplan.render.rosters import Rosters, rosters_view
from ttuplan.render.words import LANGUAGES, CatalogueError, Words
from ttuplan.render.xlsx import SheetError, workbook

FORMATS = ("md", "html", "pdf", "csv", "xlsx", "json")


class BuildError(Exception):
    """A template or catalogue that cannot be used (a usage error, exit 2)."""


@dataclass(frozen=True)
class BuildOptions:
    language: str | None = None  # None: the plan's own `language`
    templates: Path | None = None
    formats: tuple[str, ...] = FORMATS
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Documents:
    files: dict[str, bytes]
    language: str


def render_documents(
    plan: Plan,
    deployment: Deployment,
    diagnostics: tuple[Diagnostic, ...],
    fingerprint: str,
    options: BuildOptions,
) -> Documents:
    language = options.language or plan.info.language
    if language not in LANGUAGES:
        raise BuildError(f"no language `{language}`: ttuplan writes {', '.join(LANGUAGES)}")
    folders = template_folders(options.templates)
    try:
        words = Words.load(language, folders)
        progress.stage("briefing")
        briefing = briefing_view(plan, deployment, diagnostics, words, fingerprint)
        progress.stage("rosters: members", 0.05)
        members = assign_members(plan, deployment)
        progress.stage("rosters", 0.1)
        rosters = rosters_view(plan, deployment, members, words, fingerprint)
        files = _render(plan, deployment, briefing, rosters, words, folders, options, fingerprint)
    except CatalogueError as error:
        raise BuildError(str(error)) from error
    except jinja2.TemplateError as error:
        raise BuildError(_template_problem(error)) from error
    except SheetError as error:
        raise BuildError(f"cannot write rosters.xlsx: {error}") from error
    return Documents(files=files, language=language)


def _render(
    plan: Plan,
    deployment: Deployment,
    briefing: Briefing,
    rosters: Rosters,
    words: Words,
    folders: list[Path],
    options: BuildOptions,
    fingerprint: str,
) -> dict[str, bytes]:
    wanted = set(options.formats)
    context = {"briefing": briefing, "rosters": rosters}
    files: dict[str, bytes] = {}

    steps = sum(2 if kind in ("html", "pdf") else 1 for kind in wanted)
    step = 0

    def text(kind: str, template: str) -> bytes:
        nonlocal step
        progress.stage(template.removesuffix(".j2"), 0.15 + 0.85 * step / steps)
        step += 1
        env = environment(kind, folders, words)
        return env.get_template(template).render(**context).encode("utf-8")

    if "md" in wanted:
        files["briefing.md"] = text("md", "briefing.md.j2")
    if "html" in wanted:
        files["briefing.html"] = text("html", "briefing.html.j2")
        files["rosters.html"] = text("html", "rosters.html.j2")
    if "pdf" in wanted:
        moment = _document_time(plan)
        files["briefing.pdf"] = _pdf(text("typ", "briefing.typ.j2"), folders, moment)
        files["rosters.pdf"] = _pdf(text("typ", "rosters.typ.j2"), folders, moment)
    if "csv" in wanted:
        files["rosters.csv"] = text("csv", "rosters.csv.j2")
    if "xlsx" in wanted:
        progress.stage("rosters.xlsx", 0.15 + 0.85 * step / steps)
        step += 1
        files["rosters.xlsx"] = workbook(rosters, briefing, words)
    if "json" in wanted:
        progress.stage("plan.json", 0.15 + 0.85 * step / steps)
        files["plan.json"] = plan_json(plan, deployment, fingerprint, __version__)
    return files


def _document_time(plan: Plan) -> int:
    """The date a PDF claims: the plan's first phase, never the clock (reproducible)."""
    first = min((p.start for p in plan.phases), default=dt.datetime(2000, 1, 1))
    return int(first.replace(tzinfo=dt.UTC).timestamp())


def _pdf(source: bytes, folders: list[Path], timestamp: int) -> bytes:
    import typst

    root = folders[0]  # the user's templates when given, so they may #import their own files
    try:
        # The stub ties `input` and `root` to one type; bytes and a path are both valid.
        pdf: bytes = typst.compile(
            source,
            root=str(root),  # type: ignore[type-var]
            ignore_system_fonts=True,
            timestamp=timestamp,
        )
    except Exception as error:  # typst reports template mistakes as TypstError
        raise BuildError(f"the Typst template does not compile: {error}") from error
    return pdf


def _template_problem(error: jinja2.TemplateError) -> str:
    where = ""
    if isinstance(error, jinja2.TemplateSyntaxError):
        where = f"{error.filename or error.name}:{error.lineno}: "
    return f"template problem: {where}{error.message or error}"
