"""Stage 5: a checked plan and its deployment to documents (Jinja2 templates, typst, XlsxWriter).

Outputs, each from a template in templates/ (`--templates DIR` overrides any of them):
briefing.md, briefing.html, briefing.pdf (Typst), rosters.html, rosters.pdf (Typst),
rosters.csv; rosters.xlsx is laid out by ttuplan.render.xlsx and plan.json is data.
PDFs are compiled by ttuplan.render.pdf, in child processes, the rosters in parts.

`render_documents` makes the views and returns a writer per file; `output.write_outputs`
runs them into a staging folder, so a national plan's rosters (gigabytes of HTML) are
streamed out as the templates produce them instead of being held in memory. A writer
turns template, catalogue and workbook problems into BuildError.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import tempfile
import threading
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import field
from pathlib import Path
from typing import Any, BinaryIO

import jinja2

from ttuplan import __version__, progress
from ttuplan.constants import DOCUMENT_FORMATS, LANGUAGES
from ttuplan.deployment import Deployment
from ttuplan.diagnostics.model import Diagnostic
from ttuplan.model import Plan
from ttuplan.records import dataclass
from ttuplan.render.briefing import Briefing, briefing_view
from ttuplan.render.environment import environment, template_folders
from ttuplan.render.members import assign_members
from ttuplan.render.pdf import (
    AT_ONCE,
    Compile,
    TypstFailed,
    compile_each,
    paged_document,
    stop_all,
)
from ttuplan.render.plan_json import plan_json
from ttuplan.render.rosters import Rosters, back_matter, rosters_view
from ttuplan.render.words import CatalogueError, Words
from ttuplan.render.xlsx import SheetError, workbook


class BuildError(Exception):
    """A template or catalogue that cannot be used (a usage error, exit 2)."""


@dataclass(frozen=True)
class BuildOptions:
    language: str | None = None  # None: the plan's own `language`
    templates: Path | None = None
    formats: tuple[str, ...] = DOCUMENT_FORMATS
    extra: dict[str, Any] = field(default_factory=dict)


Writer = Callable[[BinaryIO], None]  # writes one document into an open file


@dataclass(frozen=True)
class Documents:
    files: dict[str, Writer]  # by file name, written in this order
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
        progress.stage("rosters: members", 0.3)
        members = assign_members(plan, deployment)
        progress.stage("rosters", 0.6)
        rosters = rosters_view(plan, deployment, members, words, fingerprint)
    except CatalogueError as error:
        raise BuildError(str(error)) from error
    files = _render(plan, deployment, briefing, rosters, words, folders, options, fingerprint)
    # Written in name order, the PDFs last: typst makes them in child processes meanwhile
    # (`_Ahead`), and a PDF's writer only waits for its bytes; written earlier, it kept
    # this process waiting while a core stood idle. Progress while writing: each file's
    # share of the time, as measured on large plans.
    order = sorted(files, key=lambda name: (name.endswith(".pdf"), name))
    weights = {name: _WEIGHTS.get(name, 1) for name in order}
    total, done, guarded = sum(weights.values()), 0, {}
    for name, weight in weights.items():
        guarded[name] = _guarded(name, files[name], done / total, (done + weight) / total)
        done += weight
    return Documents(files=guarded, language=language)


_WEIGHTS = {
    "rosters.xlsx": 16,
    "rosters.pdf": 16,
    "rosters.html": 6,
    "rosters.csv": 3,
    "plan.json": 3,
    "briefing.pdf": 2,
}


def _guarded(name: str, write: Writer, start: float, end: float) -> Writer:
    """The writer, reporting progress and turning a template's problems into BuildError."""

    def guarded(out: BinaryIO) -> None:
        try:
            with progress.part(start, end):
                progress.stage(name)
                write(out)
        except CatalogueError as error:
            raise BuildError(str(error)) from error
        except jinja2.TemplateError as error:
            raise BuildError(_template_problem(error)) from error
        except SheetError as error:
            raise BuildError(f"cannot write {name}: {error}") from error
        except Exception as error:
            where = _template_line(error)
            if where is None:
                raise  # not from a template: a bug of ttuplan's, shown as one
            raise BuildError(
                f"template problem: {where}: {type(error).__name__}: {error}"
            ) from error

    return guarded


def _template_line(error: BaseException) -> str | None:
    """`file:line` of the template whose code raised `error` (Jinja2 puts the template's
    own place in the traceback), or None if no template did: `{{ 1 // 0 }}` or
    `{{ label|int }}` in a Polres's template is its mistake, not a bug of ttuplan's."""
    found = None
    frames = error.__traceback__
    while frames is not None:
        code = frames.tb_frame.f_code
        if code.co_filename.endswith(".j2"):
            found = f"{code.co_filename}:{frames.tb_lineno}"
        frames = frames.tb_next
    return found


def _render(
    plan: Plan,
    deployment: Deployment,
    briefing: Briefing,
    rosters: Rosters,
    words: Words,
    folders: list[Path],
    options: BuildOptions,
    fingerprint: str,
) -> dict[str, Writer]:
    wanted = set(options.formats)
    context = {"briefing": briefing, "rosters": rosters}
    files: dict[str, Writer] = {}

    def text(kind: str, template: str) -> Writer:
        """A template streamed into the file, as UTF-8, chunk by chunk."""

        def write(out: BinaryIO) -> None:
            env = environment(kind, folders, words)
            stream = io.TextIOWrapper(out, encoding="utf-8", newline="")
            stream.writelines(env.get_template(template).generate(**context))
            stream.flush()
            stream.detach()

        return write

    typst_env: list[jinja2.Environment] = []  # made once: the rosters are made in parts

    def typst_source(template: str, **extra: Any) -> bytes:
        # One environment for every part: an environment per part, its compiled
        # templates in reference cycles the paused collector never frees, took 500 MB
        # for a plan of 30,000 sites.
        if not typst_env:
            typst_env.append(environment("typ", folders, words))
        source = typst_env[0].get_template(template).generate(**context, **extra)
        return "".join(source).encode()

    def compile_parts(
        sources: Iterable[bytes], tags: bool = False, alone: bool = False
    ) -> Generator[bytes, None, None]:
        """Each source's PDF, in order, as it is made (`compile_each`)."""
        try:
            yield from compile_each(sources, folders[0], _document_time(plan), tags, AT_ONCE, alone)
        except TypstFailed as error:  # a template's mistake, said by typst
            raise BuildError(f"the Typst template does not compile: {error}") from error

    briefing_pdf, rosters_pdf = _pdf_writers(plan, rosters, words, typst_source, compile_parts)

    if "md" in wanted:
        files["briefing.md"] = text("md", "briefing.md.j2")
    if "html" in wanted:
        files["briefing.html"] = text("html", "briefing.html.j2")
        files["rosters.html"] = text("html", "rosters.html.j2")
    ahead = None
    if "pdf" in wanted:
        ahead = _Ahead({"briefing.pdf": briefing_pdf, "rosters.pdf": rosters_pdf})
        files["briefing.pdf"] = ahead.writer("briefing.pdf")
        files["rosters.pdf"] = ahead.writer("rosters.pdf")
    if "csv" in wanted:
        files["rosters.csv"] = text("csv", "rosters.csv.j2")
    if "xlsx" in wanted:
        files["rosters.xlsx"] = lambda out: workbook(rosters, briefing, words, out)
    drawn = briefing.map_svg
    if "svg" in wanted and drawn:

        def map_svg(out: BinaryIO) -> None:
            out.write(drawn.encode())

        files["map.svg"] = map_svg
    if "json" in wanted:
        files["plan.json"] = lambda out: plan_json(plan, deployment, fingerprint, __version__, out)
    if ahead is not None:  # whichever document comes first starts the PDFs
        files = {name: ahead.starting(write) for name, write in files.items()}
    return files


def _pdf_writers(
    plan: Plan,
    rosters: Rosters,
    words: Words,
    typst_source: Callable[..., bytes],
    compile_parts: Compile,
) -> tuple[Writer, Writer]:
    """The briefing's and the rosters' PDF writers."""
    # A regency's back matter is compiled first and alone (its length gives every page
    # its total, and it is up to twice a part); the briefing waits for it rather than
    # hold it up, and meanwhile this process writes the other documents on the other
    # core. Compiled parts that share the two places (a larger plan's back matter,
    # counted in parts, or none at all) keep the briefing waiting for nothing.
    alone_done = threading.Event()

    def briefing_pdf(out: BinaryIO) -> None:
        source = typst_source("briefing.typ.j2", part=None)
        alone_done.wait()  # both PDFs are made together (`_Ahead`)
        [pdf] = compile_parts([source])
        out.write(pdf)

    def rosters_compile_parts(
        sources: Iterable[bytes], alone: bool = False, **options: Any
    ) -> Generator[bytes, None, None]:
        if not alone:
            alone_done.set()
        try:
            yield from compile_parts(sources, alone=alone, **options)
        finally:
            alone_done.set()

    def rosters_pdf(out: BinaryIO) -> None:
        try:
            _rosters_pdf(out)
        finally:
            alone_done.set()  # whatever happened, the briefing never waits for ever

    def _rosters_pdf(out: BinaryIO) -> None:
        groups = [
            (sheet.phase, index)
            for index, sheet in enumerate(rosters.sheets)
            if index == 0 or rosters.sheets[index - 1].phase != sheet.phase
        ]
        blocks, sections = back_matter(rosters, words)
        paged_document(
            lambda part: typst_source("rosters.typ.j2", part=part, back=blocks),
            rosters_compile_parts,
            len(rosters.sheets),
            groups,
            [pages for _, _, pages in blocks],
            sections,
            f"{words('rosters')}: {plan.info.label}",
            plan.info.authority,
            out,
        )

    return briefing_pdf, rosters_pdf


class _Ahead:
    """The PDFs, made while the other documents are written: typst works in child
    processes (on the other core) while this process writes HTML, CSV, the workbook.
    Started by whichever document is written first; each PDF's writer then waits for
    its bytes. Its children are killed if the build fails or is interrupted."""

    def __init__(self, jobs: dict[str, Writer]) -> None:
        self.jobs = jobs
        self.futures: dict[str, Future[BinaryIO]] = {}
        self.lock = threading.Lock()

    def start(self) -> None:
        with self.lock:
            if self.futures:
                return
            pool = ThreadPoolExecutor(len(self.jobs), thread_name_prefix="ttuplan-pdf")
            for name, job in self.jobs.items():
                self.futures[name] = pool.submit(_made, job)
            pool.shutdown(wait=False)

    def starting(self, write: Writer) -> Writer:
        def started(out: BinaryIO) -> None:
            self.start()
            try:
                write(out)
            except BaseException:
                self.discard()  # no typst child outlives a failed or interrupted build
                raise

        return started

    def discard(self) -> None:
        """After a failed or interrupted build: every typst child killed (again, should a
        PDF's job start another), each job waited for, a PDF made already closed."""
        for future in self.futures.values():
            while not future.done():
                stop_all()
                wait([future], timeout=0.05)
            if not future.cancelled() and future.exception() is None:
                future.result().close()

    def writer(self, name: str) -> Writer:
        def write(out: BinaryIO) -> None:
            self.start()
            with self.futures[name].result() as made:
                made.seek(0)
                shutil.copyfileobj(made, out)

        return write


def _made(job: Writer) -> BinaryIO:
    """The document written into a temporary file (a national plan's rosters PDF is
    hundreds of megabytes: on disk, not in memory, until it is copied into place)."""
    made = tempfile.TemporaryFile()  # noqa: SIM115 (returned open: the writer closes it)
    try:
        job(made)
    except BaseException:
        made.close()
        raise
    return made


def _document_time(plan: Plan) -> int:
    """The date a PDF claims: the plan's first phase, never the clock (reproducible)."""
    first = min((p.start for p in plan.phases), default=dt.datetime(2000, 1, 1))
    return int(first.replace(tzinfo=dt.UTC).timestamp())


def _template_problem(error: jinja2.TemplateError) -> str:
    where = ""
    if isinstance(error, jinja2.TemplateSyntaxError):
        where = f"{error.filename or error.name}:{error.lineno}: "
    return f"template problem: {where}{error.message or error}"
