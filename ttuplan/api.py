"""The public API, and the pipeline read top to bottom: one line per stage.

    parse -> build -> resolve   (ttuplan.parse, ttuplan.syntax, ttuplan.resolve: load_plan)
    -> check and allocate       (ttuplan.check: check_plan, giving a Deployment)
    -> render and write         (ttuplan.render: build_documents)
    and, for two plans, what a change does (ttuplan.diff: diff_plans, diff_revision)

The command line is a thin layer over these functions: it maps their values to output
and exit codes.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ttuplan import progress
from ttuplan.constants import CONTINGENCY_SCOPES, ENTRY_NAME, REQUIRED, RESERVES
from ttuplan.deployment import Deployment
from ttuplan.diagnostics.model import Diagnostic, Severity
from ttuplan.model import Plan
from ttuplan.records import dataclass
from ttuplan.source import SourceMap

if TYPE_CHECKING:
    from ttuplan.check.allocate import Allocation
    from ttuplan.diff import PlanDiff
    from ttuplan.render import BuildOptions
    from ttuplan.resolve.files import Reader
    from ttuplan.resolve.names import Symbols


class PlanNotFound(Exception):
    """The path given is not a plan file, or a folder with one (a usage error, exit 2)."""


class OutputRefused(Exception):
    """A document would be written over a file the plan reads (a usage error, exit 2)."""


class _NoEntry(PlanNotFound):
    """A folder without a plan file of its own (its sub-folders may hold plans)."""


@dataclass(frozen=True, slots=True)
class CheckResult:
    """A plan (None if it could not be resolved) with every diagnostic, in source order."""

    entry: str
    plan: Plan | None
    diagnostics: tuple[Diagnostic, ...]
    sources: SourceMap
    allocation: Allocation | None = None  # computed when the plan resolved without errors
    symbols: Symbols | None = None  # the names defined (and used, if the reader asked), where

    @property
    def deployment(self) -> Deployment | None:
        return self.allocation.deployment if self.allocation is not None else None

    @property
    def errors(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return len(self.diagnostics) - self.errors

    def failed(self, strict: bool = False) -> bool:
        return bool(self.errors or (strict and self.warnings))


def find_entry(path: str) -> str:
    """The plan file for `path`: in a folder, its `plan.ttup` (or its only .ttup file); for
    a file, the file itself, unless it is part of a plan, included by the `plan.ttup` of
    its folder or of a folder above: then that plan (an editor or a reviewer checks the
    file they changed, and gets the plan it belongs to).

    Whatever stands at the plan's name is its entry, a file or not: reading it reports
    a named pipe, a device or a folder as a diagnostic (it is never waited on)."""
    if os.path.isdir(path):
        entry = os.path.join(path, ENTRY_NAME)
        if os.path.isdir(entry):
            raise PlanNotFound(f"{entry} is a folder, not a plan file")
        if os.path.lexists(entry):
            return entry
        try:
            candidates = sorted(f for f in os.listdir(path) if f.endswith(".ttup"))
        except OSError as error:
            raise PlanNotFound(f"cannot read the folder {path}: {error.strerror}") from error
        if len(candidates) == 1:
            return os.path.join(path, candidates[0])
        found = ", ".join(candidates) if candidates else "no .ttup files"
        raise _NoEntry(f"{path} has no {ENTRY_NAME} ({found}); name the plan file")
    if not os.path.lexists(path):
        raise PlanNotFound(f"no such file or folder: {path}")
    if not os.path.isfile(path):
        return path
    return _including_plan(path) or path


def _including_plan(path: str) -> str | None:
    """The nearest `plan.ttup` at or above the file's folder, if it includes the file."""
    if os.path.basename(path) == ENTRY_NAME:
        return None
    from ttuplan.resolve.files import included_files

    folder = os.path.dirname(os.path.abspath(path))
    while True:
        candidate = os.path.join(folder, ENTRY_NAME)
        if os.path.isfile(candidate):
            # named as the check will name it: what the search parses, the check reuses
            named = os.path.relpath(candidate) if not os.path.isabs(path) else candidate
            return named if os.path.realpath(path) in included_files(named) else None
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def find_plans(path: str, unreadable: list[str] | None = None) -> list[str]:
    """The plans at `path`: its plan file, or every `plan.ttup` below a folder that has none
    at its top (hidden folders skipped), in path order. A folder below that cannot be
    searched is said in `unreadable` ("FOLDER: why"), never passed over in silence."""
    try:
        return [find_entry(path)]
    except _NoEntry:
        pass
    found = []
    problems: list[OSError] = []
    for folder, subfolders, files in os.walk(path, onerror=problems.append):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        if ENTRY_NAME in files:
            found.append(os.path.join(folder, ENTRY_NAME))
    if unreadable is not None:
        unreadable.extend(f"{error.filename}: {error.strerror}" for error in problems)
    if not found and not problems:
        raise PlanNotFound(f"no {ENTRY_NAME} in {path} or below it")
    return sorted(found)


def load_plan(path: str, reader: Reader | None = None) -> CheckResult:
    """Parse, build and resolve the plan at `path` (a .ttup file or a folder); `reader`
    reads its files (an editor's gives its unsaved buffers; default: the disk)."""
    return _reported(_load(path, reader))


def _load(path: str, reader: Reader | None) -> CheckResult:
    """`load_plan` with its problems as found, not yet reported."""
    from ttuplan.gcpause import paused_gc
    from ttuplan.resolve import resolve
    from ttuplan.resolve.files import DISK

    entry = find_entry(path)
    with paused_gc():
        resolved = resolve(entry, reader or DISK)
    return CheckResult(
        entry, resolved.plan, resolved.diagnostics, resolved.sources, symbols=resolved.symbols
    )


def _reported(result: CheckResult, *more: Iterable[Diagnostic]) -> CheckResult:
    """The result with its problems and `more` through the Reporter: each code capped,
    in source order, once."""
    from ttuplan.diagnostics.report import Reporter

    reporter = Reporter()
    reporter.extend(result.diagnostics)
    for problems in more:
        reporter.extend(problems)
    return replace(result, diagnostics=reporter.report(result.sources))


def check_plan(path: str, contingency: str = REQUIRED, reader: Reader | None = None) -> CheckResult:
    """Load the plan and, if it resolved without errors, check and allocate it.
    `contingency`: which losses the N-1 analysis works out (`constants.CONTINGENCY_SCOPES`:
    "required", those the plan must survive; "reserves", every reserve group too; "all",
    every unit too, with the other losses that break the plan as warnings). `reader`: how
    files are read (default: the disk; the language server reads its buffers)."""
    from ttuplan.check import check
    from ttuplan.gcpause import paused_gc

    if contingency not in CONTINGENCY_SCOPES:  # a caller's mistake, not the plan's
        raise ValueError(
            f"contingency: one of {', '.join(CONTINGENCY_SCOPES)}, not {contingency!r}"
        )
    with paused_gc():  # one pause for both: see gcpause
        with progress.part(0.0, 0.5):
            loaded = _load(path, reader)
        if loaded.plan is None or loaded.errors:
            return _reported(loaded)
        with progress.part(0.5, 1.0):
            allocation, problems = check(loaded.plan, contingency)
    return _reported(replace(loaded, allocation=allocation), problems)


@dataclass(frozen=True, slots=True)
class BuildResult:
    """A build: the plan's check, and the documents written (none if it has errors)."""

    check: CheckResult
    written: tuple[Path, ...] = ()


def build_documents(path: str, out: Path, options: BuildOptions) -> BuildResult:
    """Check the plan at `path` and, if it has no errors, write its documents into `out`
    atomically. Raises PlanNotFound, OutputRefused (a document would replace a file the
    plan reads), render.BuildError (a template or catalogue that cannot be used) and
    OSError (the folder cannot be written)."""
    from ttuplan.render import render_documents
    from ttuplan.render.fingerprint import fingerprint
    from ttuplan.render.output import write_outputs

    with progress.part(0.0, 0.1):
        result = check_plan(path, contingency=RESERVES)  # the briefing's reserve table
    if result.errors or result.plan is None or result.deployment is None:
        return BuildResult(result)
    with progress.part(0.1, 0.2):  # a build's check is a tenth of it, its views another
        documents = render_documents(
            result.plan,
            result.deployment,
            result.diagnostics,
            fingerprint(result.sources, result.entry),
            options,
        )
    read = {os.path.realpath(file) for file in result.sources.paths()}
    for name in documents.files:
        if os.path.realpath(out / name) in read:
            raise OutputRefused(
                f"{out / name} is a file the plan reads; write the documents into another folder"
            )
    with progress.part(0.2, 1.0):
        written = write_outputs(out, documents.files)
    return BuildResult(result, tuple(written))


@dataclass(frozen=True, slots=True)
class DiffResult:
    """Two plans and what the change does; `change` is None when `refused` (a plan that
    could not be resolved, which cannot be compared) is set. A plan whose checks find
    problems is compared: the problems are what a reviewer must see."""

    old: CheckResult
    new: CheckResult
    change: PlanDiff | None

    @property
    def refused(self) -> CheckResult | None:
        return next((r for r in (self.old, self.new) if _broken(r)), None)

    def failed(self) -> bool:
        """Exit 1: the change does something, or the new plan has errors."""
        return self.change is None or not self.change.empty or bool(self.new.errors)


def _broken(result: CheckResult) -> bool:
    return result.plan is None or result.deployment is None


def diff_plans(old_path: str, new_path: str) -> DiffResult:
    """What changing the plan at `old_path` into the one at `new_path` does to the
    deployment. Raises PlanNotFound."""
    from ttuplan.diff import diff_deployments, problems_of

    old, new = check_plan(old_path), check_plan(new_path)
    if old.plan is None or old.deployment is None or new.plan is None or new.deployment is None:
        return DiffResult(old, new, None)
    change = diff_deployments(
        old.plan,
        old.deployment,
        new.plan,
        new.deployment,
        old_problems=problems_of(old.diagnostics, os.path.dirname(old.entry)),
        new_problems=problems_of(new.diagnostics, os.path.dirname(new.entry)),
    )
    return DiffResult(old, new, change)


def diff_revision(revision: str, path: str, scratch: Path) -> DiffResult:
    """What the working tree's plan at `path` changes against git revision `revision`,
    exported into the folder `scratch`. Raises PlanNotFound and revision.RevisionError."""
    from ttuplan.revision import export_plan

    new_path = find_entry(path)
    return diff_plans(export_plan(new_path, revision, scratch), new_path)
