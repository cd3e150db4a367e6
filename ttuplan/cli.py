"""The command line: a thin layer over ttuplan.api; click lives only here."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO, TypeVar

import click

from ttuplan import __version__, gcpause, progress
from ttuplan.constants import (
    ALL,
    DIFF_FORMATS,
    DOCUMENT_FORMATS,
    EXIT_CLEAN,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    LANGUAGES,
    REPORT_FORMATS,
    REQUIRED,
)
from ttuplan.diagnostics import codes
from ttuplan.terminal import visible

if TYPE_CHECKING:
    from ttuplan.api import CheckResult

F = TypeVar("F", bound=Callable[..., Any])


def _use_color(choice: str, stream: TextIO) -> bool:
    if "NO_COLOR" in os.environ and os.environ["NO_COLOR"] != "":
        return False
    if choice == "always":
        return True
    if choice == "never":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", "-V", prog_name="ttuplan")
def main() -> None:
    """Police deployment plans as text: check them, and compile them into documents.

    Exit codes: 0 clean, 1 problems found (warnings too with --strict), 2 usage or I/O error.
    """


def _color_option(help: str) -> Callable[[F], F]:
    return click.option(
        "--color",
        type=click.Choice(["auto", "always", "never"]),
        default="auto",
        show_default=True,
        help=help,
    )


def _quiet_option(also: str) -> Callable[[F], F]:
    return click.option(
        "-q",
        "--quiet",
        is_flag=True,
        help=f"No progress bar (shown on a terminal for long runs), {also}.",
    )


@main.command()
@click.argument("plans", nargs=-1, required=True, metavar="PLAN...")
@click.option(
    "--format",
    "output",
    type=click.Choice(REPORT_FORMATS),
    default="text",
    show_default=True,
    help="text for people; json, sarif (code scanning) or github (annotations) for CI.",
)
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
@click.option(
    "--summary",
    is_flag=True,
    help="Also report the deployment: risk-class table and unit loads per phase.",
)
@click.option(
    "--max-diagnostics",
    type=click.IntRange(min=1),
    default=50,
    show_default=True,
    help="Show at most this many diagnostics per plan (text format).",
)
@click.option(
    "--contingency",
    is_flag=True,
    help="N-1: for each rayon, pool and unit in turn, what breaks if it is committed "
    "elsewhere (worst first; losses the plan does not say it must survive are warnings).",
)
@_color_option("Colour the text report (never when NO_COLOR is set).")
@_quiet_option("nor a line for a clean plan")
def check(
    plans: tuple[str, ...],
    output: str,
    strict: bool,
    summary: bool,
    max_diagnostics: int,
    contingency: bool,
    color: str,
    quiet: bool,
) -> None:
    """Check each PLAN and report its problems.

    A PLAN is a .ttup file, a folder with plan.ttup, or a folder whose plans (every
    plan.ttup below it) are all checked. A file that a plan includes is checked through
    that plan.
    """
    from ttuplan.api import PlanNotFound, check_plan, find_plans

    exit_code = EXIT_CLEAN
    results: list[CheckResult] = []
    entries: list[str] = []
    for path in plans:
        unreadable: list[str] = []
        try:
            entries.extend(e for e in find_plans(path, unreadable) if e not in entries)
        except PlanNotFound as error:
            click.echo(visible(f"ttuplan: error: {error}"), err=True)  # and go on with the others
            exit_code = EXIT_USAGE
        for folder in unreadable:  # plans there could not even be looked for
            click.echo(visible(f"ttuplan: error: cannot search {folder}"), err=True)
            exit_code = EXIT_USAGE
    for entry in entries:
        try:
            with progress.shown(progress.Bar.for_stderr(sys.stderr, quiet)):
                result = check_plan(entry, ALL if contingency else REQUIRED)
        except PlanNotFound as error:  # gone, or unreadable, since it was found
            click.echo(visible(f"ttuplan: error: {error}"), err=True)
            exit_code = EXIT_USAGE
            continue
        if result.failed(strict) and exit_code == EXIT_CLEAN:
            exit_code = EXIT_PROBLEMS
        results.append(result)
        if output == "text" and not (
            quiet and not result.diagnostics and not summary and not contingency
        ):
            _report_text(
                result, summary, max_diagnostics, _use_color(color, sys.stdout), contingency
            )
    if output != "text":
        click.echo(
            visible(_report_machine(results, output, summary, contingency), lines=True), nl=False
        )
    sys.exit(exit_code)


def _report_text(
    result: CheckResult, summary: bool, limit: int, color: bool, contingency: bool = False
) -> None:
    from ttuplan.diagnostics.render.text import TextStyle, render_text, summary_line
    from ttuplan.summary import counted, summary_data, summary_text

    style = TextStyle(color)
    if result.diagnostics:
        text = render_text(result.diagnostics, result.sources, color=color, limit=limit)
        click.echo(text, color=color)
    if summary and result.plan is not None and result.deployment is not None:
        text = summary_text(summary_data(result.plan, result.deployment))
        click.echo(visible(text, lines=True), color=color)
    if contingency and result.plan is not None and result.deployment is not None:
        from ttuplan.check.contingency import contingency_text

        text = contingency_text(result.plan, result.deployment.contingency)
        click.echo(visible(text, lines=True), color=color)
    detail = ""
    if result.plan is not None:
        p = result.plan
        counts = [(len(p.sites), "site"), (len(p.units), "unit"), (len(p.rayons), "rayon")]
        detail = (
            f" ({', '.join(counted(n, word) for n, word in [*counts, (len(p.phases), 'phase')])})"
        )
    click.echo(summary_line(result.entry, result.diagnostics, style, detail), nl=False, color=color)


def _report_machine(
    results: list[CheckResult], output: str, summary: bool, contingency: bool = False
) -> str:
    from pathlib import Path

    from ttuplan.diagnostics.render.github import render_github
    from ttuplan.diagnostics.render.json import plan_report, render_json
    from ttuplan.diagnostics.render.sarif import render_sarif, repository_root
    from ttuplan.summary import summary_data

    diagnostics = [d for result in results for d in result.diagnostics]
    try:
        here = Path.cwd()
    except OSError:  # the working folder was deleted under the run: start from the plan's
        here = Path(os.path.dirname(os.path.abspath(results[0].entry)) if results else os.sep)
    root = repository_root(here)
    if output == "sarif":
        return render_sarif(diagnostics, __version__, root)
    if output == "github":
        return render_github(diagnostics, root)
    reports = []
    for result in results:
        data = None
        if summary and result.plan is not None and result.deployment is not None:
            data = summary_data(result.plan, result.deployment)
        report = plan_report(result.entry, result.diagnostics, data)
        if contingency:
            from ttuplan.check.contingency import contingency_data

            found = result.deployment.contingency if result.deployment is not None else ()
            report["contingency"] = contingency_data(found)
        reports.append(report)
    return render_json(reports, __version__)


@main.command()
@click.argument("code", required=False)
def explain(code: str | None) -> None:
    """Explain a diagnostic CODE (TP201 or undefined-name); list every code without one."""
    if code is None:
        for entry in codes.ALL_CODES:
            click.echo(f"{entry.id}  {entry.severity.value:<7}  {entry.slug:<24}  {entry.summary}")
        return
    found = codes.lookup(code)
    if found is None:
        from ttuplan.resolve.names import suggest

        close = suggest(code.upper(), codes.BY_ID) or suggest(code.lower(), codes.BY_SLUG)
        hint = f" (did you mean {close}?)" if close else ""
        _fail(f"no diagnostic code `{code}`{hint}; `ttuplan explain` lists them")
    click.echo(f"{found.id} {found.slug} ({found.severity.value}, {found.family.value})\n")
    click.echo(f"{found.summary[0].upper()}{found.summary[1:]}.\n")
    click.echo(found.explanation)


@main.command()
@click.argument("plan", metavar="PLAN")
@click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(file_okay=False),
    default="out",
    show_default=True,
    help="Folder to write the documents in.",
)
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default=None,
    help="Language of the documents (default: the plan's `language`, else id).",
)
@click.option(
    "--templates",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="A folder of templates that replace ttuplan's own, by name.",
)
@click.option(
    "--formats",
    default=",".join(DOCUMENT_FORMATS),
    show_default=True,
    help="Which documents to write, comma-separated.",
)
@_color_option("Colour diagnostics (never when NO_COLOR is set).")
@_quiet_option("nor the files written")
def build(
    plan: str,
    out: str,
    lang: str | None,
    templates: Path | None,
    formats: str,
    color: str,
    quiet: bool,
) -> None:
    """Check PLAN and write its briefing, rosters and plan.json into the output folder.

    A plan with errors gets no documents: its diagnostics are printed instead. Writing is
    atomic: a failed build leaves the previous documents as they were.
    """
    from ttuplan.api import OutputRefused, PlanNotFound, build_documents
    from ttuplan.render import BuildError, BuildOptions

    if not out:  # Path("") is the current folder: a slip, not a choice
        raise click.BadParameter("give a folder (`-o .` for the current one)", param_hint="-o")

    chosen = tuple(f.strip() for f in formats.split(",") if f.strip())
    unknown = [f for f in chosen if f not in DOCUMENT_FORMATS]
    if unknown or not chosen:
        raise click.BadParameter(
            f"choose from {', '.join(DOCUMENT_FORMATS)}", param_hint="--formats"
        )
    options = BuildOptions(language=lang, templates=templates, formats=chosen)
    try:
        with progress.shown(progress.Bar.for_stderr(sys.stderr, quiet)):
            built = build_documents(plan, Path(out), options)
    except (PlanNotFound, OutputRefused, BuildError) as error:
        _fail(str(error))
    except OSError as error:
        _fail(f"cannot write {error.filename or out}: {error.strerror or error}")
    result = built.check
    if not built.written:
        _report_text(result, False, 50, _use_color(color, sys.stdout))
        click.echo("ttuplan: no documents written: the plan has errors", err=True)
        sys.exit(EXIT_PROBLEMS)
    for path in built.written if not quiet else ():
        click.echo(visible(f"wrote {path}"))
    if result.warnings:
        click.echo(f"ttuplan: {result.warnings} warning(s); the briefing lists them", err=True)


def _fail(message: str) -> NoReturn:
    """A usage or I/O error: one line on stderr, exit 2."""
    click.echo(visible(f"ttuplan: error: {message}"), err=True)
    sys.exit(EXIT_USAGE)


@main.command()
@click.argument("plans", nargs=-1, metavar="OLD NEW")
@click.option(
    "--git",
    "revision",
    metavar="REV",
    help="Compare the plan at git revision REV with the working tree (give one PLAN).",
)
@click.option(
    "--format",
    "output",
    type=click.Choice(DIFF_FORMATS),
    default="text",
    show_default=True,
    help="text; json; markdown (a pull-request comment); github (annotations of the new "
    "diagnostics, and a notice with the summary).",
)
@click.option(
    "--split",
    "split_into",
    metavar="DIR",
    type=click.Path(file_okay=False, path_type=Path),
    help="markdown: write the comment's parts as DIR/part-1.md, part-2.md, … (each under "
    "GitHub's limit), removing older part-*.md there, instead of printing them.",
)
@click.option(
    "--skip-unchanged",
    is_flag=True,
    help="markdown: no comment at all when nothing changed (default: a one-line comment).",
)
@click.option(
    "--comment-limit",
    type=click.IntRange(min=2_000),
    default=65_536,
    show_default=True,
    help="markdown: the most characters in one comment part.",
)
def diff(
    plans: tuple[str, ...],
    revision: str | None,
    output: str,
    split_into: Path | None,
    skip_unchanged: bool,
    comment_limit: int,
) -> None:
    """What a change does to the deployment: staffing per district, unit and phase, posts,
    risk classes, districts changing hands, reserves and their reach, escalation edges,
    people on the rosters, and the diagnostics it brings or fixes.

    Exit 0: no change; 1: changes, or the new plan has errors; 2: an error (a plan that
    cannot be resolved, no such file).
    """
    import json
    import tempfile

    from ttuplan.api import DiffResult, PlanNotFound, diff_plans, diff_revision
    from ttuplan.diff import diff_json, diff_text
    from ttuplan.revision import RevisionError

    if split_into is not None and output != "markdown":
        raise click.UsageError("--split goes with --format markdown")

    if len(plans) != (1 if revision else 2):
        raise click.UsageError("give OLD and NEW, or --git REV and one PLAN")
    with tempfile.TemporaryDirectory(prefix="ttuplan-diff-") as scratch:
        try:
            compared: DiffResult = (
                diff_revision(revision, plans[0], Path(scratch))
                if revision
                else diff_plans(plans[0], plans[1])
            )
        except (PlanNotFound, RevisionError) as error:
            _fail(str(error))
    change = compared.change
    if change is None:
        refused = compared.refused or compared.new
        _report_text(refused, False, 20, _use_color("auto", sys.stdout))
        _fail(f"{refused.entry} cannot be resolved; fix its errors to compare")
    new = compared.new
    if output == "json":
        data = diff_json(change)
        data["errors"], data["warnings"] = new.errors, new.warnings
        click.echo(visible(json.dumps(data, ensure_ascii=False, indent=2), lines=True))
    elif output == "markdown":
        from ttuplan.comment import render_comment

        assert new.plan is not None
        parts = render_comment(
            change,
            plan=plans[-1],
            title=new.plan.info.label,
            errors=new.errors,
            warnings=new.warnings,
            limit=comment_limit,
            skip_unchanged=skip_unchanged,
        )
        if split_into is not None:
            _write_parts(split_into, parts)
        else:
            click.echo(visible("\n".join(parts), lines=True), nl=False)
    elif output == "github":
        click.echo(visible(_diff_github(change, new.diagnostics), lines=True), nl=False)
    else:
        text = diff_text(change)
        if new.errors:
            text += f"the new plan has {new.errors} error(s); `ttuplan check` lists them\n"
        click.echo(visible(text, lines=True), nl=False)
    sys.exit(EXIT_PROBLEMS if compared.failed() else EXIT_CLEAN)


def _diff_github(change: Any, diagnostics: Any) -> str:
    """Annotations of the diagnostics the change brings (errors first), then a notice."""
    from ttuplan.diagnostics.render.github import annotation, escaped_data
    from ttuplan.diagnostics.render.sarif import repository_root

    root = repository_root(Path.cwd())
    fresh = {(p.code, p.message) for p in change.problems_new}
    chosen = [d for d in diagnostics if (d.code.id, d.message) in fresh]
    chosen.sort(key=lambda d: not d.is_error)
    lines = [annotation(d, root) for d in chosen[:20]]
    lines.append(f"::notice title=ttuplan diff::{escaped_data(change.summary())}")
    return "\n".join(lines) + "\n"


def _write_parts(folder: Path, parts: list[str]) -> None:
    """Each part into its file, written aside and renamed; older parts removed."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("part-*.md"):
            old.unlink()
        for number, part in enumerate(parts, start=1):
            target = folder / f"part-{number}.md"
            staging = folder / f".part-{number}.md.tmp"
            staging.write_text(part, encoding="utf-8")
            staging.replace(target)
    except OSError as error:
        _fail(f"cannot write {error.filename or folder}: {error.strerror or error}")


@main.command()
@click.argument("plan")
@click.option(
    "--format",
    "output",
    type=click.Choice(["mermaid", "dot"]),
    default="mermaid",
    show_default=True,
)
@click.option("--focus", metavar="NAME", help="Only NAME and the chains that start from it.")
@click.option(
    "--hierarchy",
    is_flag=True,
    help="Draw the command hierarchy (`parent`) instead of the escalation graph.",
)
def graph(plan: str, output: str, focus: str | None, hierarchy: bool) -> None:
    """Draw the escalation graph (loops red, dead ends orange) or the command hierarchy."""
    from ttuplan.api import PlanNotFound, load_plan
    from ttuplan.graph import dot, escalation_drawing, hierarchy_drawing, mermaid, phase_labels
    from ttuplan.resolve.names import suggest

    try:
        result = load_plan(plan)
    except PlanNotFound as error:
        _fail(str(error))
    if result.plan is None:
        _report_text(result, False, 20, _use_color("auto", sys.stdout))
        sys.exit(EXIT_PROBLEMS)
    names = [u.name for u in result.plan.units]
    if not hierarchy:
        names += [r.name for r in result.plan.rayons] + [p.name for p in result.plan.pools]
    if focus is not None and focus not in names:
        close = suggest(focus, names)
        click.echo(
            visible(
                f"ttuplan: error: no unit `{focus}`"
                + (f"; did you mean `{close}`?" if close else "")
            ),
            err=True,
        )
        sys.exit(EXIT_USAGE)
    if hierarchy:
        drawing = hierarchy_drawing(result.plan, focus)
    else:
        from ttuplan.check.escalation import analyse_escalation

        drawing = escalation_drawing(result.plan, analyse_escalation(result.plan), focus)
    phases = phase_labels(result.plan)
    text = (
        mermaid(drawing, phases)
        if output == "mermaid"
        else dot(drawing, phases, result.plan.info.label)
    )
    click.echo(visible(text, lines=True), nl=False)


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--title", default="Rencana Pengamanan Pemilu", show_default=True, help="The plan's title."
)
def init(folder: Path, title: str) -> None:
    """Start a new plan in FOLDER: a skeleton that checks clean, ready to fill in."""
    from ttuplan.scaffold import FolderNotEmpty, create_plan

    try:
        written = create_plan(folder, title)
    except FolderNotEmpty as error:
        _fail(str(error))
    except OSError as error:
        _fail(f"cannot write {error.filename or folder}: {error.strerror or error}")
    for path in written:
        click.echo(visible(f"created {path}"))
    click.echo(visible(f"next: edit the EXAMPLE lines, then `ttuplan check {folder}`"))


@main.command("fmt")
@click.argument("paths", nargs=-1, metavar="[PATH...]")
@click.option("--check", is_flag=True, help="Write nothing; list the files that would change.")
@click.option("--diff", is_flag=True, help="Write nothing; print the changes as a unified diff.")
def fmt(paths: tuple[str, ...], check: bool, diff: bool) -> None:
    """Rewrite .ttup files in the one canonical style (PATH: files or folders, default `.`).

    Exit 1 with --check or --diff if any file would change; a file with syntax errors is
    reported and left as it is (exit 1).
    """
    from ttuplan.fmt.run import FormatRun

    run = FormatRun(paths or (".",), check=check, diff=diff)
    for message in run.messages():
        click.echo(visible(message.text, lines=True), err=message.err, nl=False)
    sys.exit(run.exit_code)


@main.command()
def lsp() -> None:
    """Serve an editor as a language server on stdin and stdout (see README, Editors)."""
    try:
        from ttuplan.lsp.server import serve_forever
    except ImportError as error:  # a broken install: one line, no traceback
        _fail(f"the language server needs pygls and lsprotocol ({error}); reinstall ttuplan")
    serve_forever()


def _interrupt(number: int, frame: object) -> NoReturn:
    """SIGTERM (a CI job cancelled, `kill`) ends a run as Ctrl-C does: what it was
    writing is removed, and the previous documents stay."""
    raise KeyboardInterrupt


def entry() -> None:
    """The `ttuplan` program: `main`, then an exit that skips interpreter teardown.

    The cyclic garbage collector is paused while the plan is read and checked, and what
    that made is then frozen out of its sight (ttuplan.gcpause): its collections walked
    every site of a national plan again and again.
    Freeing a national plan's millions of objects one by one at exit took over a second;
    the process is ending and its output is flushed, so it exits at once instead. Only the
    installed command and `python -m ttuplan` come here; `main` itself (and every test
    that calls it) exits normally.
    """
    gcpause.FREEZE_AFTER = True  # a one-shot process: see ttuplan.gcpause
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        main()
        code: int | str | None = 0
    except SystemExit as done:
        code = done.code
    if isinstance(code, str):  # an exit with a message: print it, as Python would
        print(code, file=sys.stderr)
        code = EXIT_USAGE
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # the reader went away (`ttuplan check | head`): nothing more to say
        pass
    _save_coverage()
    os._exit(code or 0)


def _save_coverage() -> None:
    """Save coverage data when the run is measured: os._exit skips coverage's exit handler."""
    coverage = sys.modules.get("coverage")  # never imported here: start-up time is a budget
    current = coverage.Coverage.current() if coverage is not None else None
    if current is not None:  # pragma: no branch (unmeasured runs are not seen by coverage)
        current.save()
