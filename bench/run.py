"""Benchmark: `ttuplan check` and `ttuplan build` at several sizes, beside baselines.

For each size (the TTU sample plan, or a synthetic plan of N sites made by generate.py and
kept in a cache folder) every measurement runs in a fresh process, and its wall time and
peak resident memory are taken from that one child (os.wait4 returns the child's own
rusage, as GNU time does):

    floor     python reading the plan's site CSV table(s) with csv.DictReader, rows kept
    startup   python -c "import lark, networkx, jinja2, click"
    check     ttuplan check PLAN                 (must exit 0)
    build     ttuplan build PLAN -o DIR --formats md,html,csv,xlsx,json,svg   (no PDF)
    full      ttuplan build PLAN -o DIR   (every format, PDFs too; the TTU plan and sizes
              up to --pdf-up-to): its time, the peak memory of its whole process tree
              (typst compiles in child processes: their RSS is added to the build's,
              sampled from /proc every 20 ms), and the size of its PDFs

The four run in turn, N rounds (median time, maximum memory), so load from other processes
falls on all of them alike. Then, in this process: parse + build of .ttup texts with
ttuplan's own functions against a bare Lark LALR parser (same grammar and options) making
a tree from the same text, best of N. Targets are ratios within this one run:

    national check <= 5x the floor's time, <= 3x its peak memory
    TTU check <= 1.5x the start-up
    check time growth from the smallest to the largest synthetic size <= 9/8 x the growth
      in sites (100,000 -> 820,161 TPS: 8.2x the sites, at most 9.2x the time)
    TTU build (no PDF) <= 3x its check
    TTU full build <= 4x the build without PDF; its process tree's peak <= 300 MiB;
      its PDFs <= 3 MB together

    python bench/run.py [--sizes ttu,100000,820161] [--repeat N] [--markdown]
                        [--workdir DIR] [--national-build]

Progress goes to stderr, the report to stdout.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import hashlib
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GENERATOR = REPO / "bench" / "generate.py"
TTU_PLAN = REPO / "plans" / "ttu-pemilu-2024"
NATIONAL_SITES = 820_161
LARGE = 500_000  # sizes from here on are measured once by default, and not built
BUILD_FORMATS = "md,html,csv,xlsx,json,svg"
STARTUP_CODE = "import lark, networkx, jinja2, click"
# The floor: every row of every site table, as dicts, held at once. Comment lines come
# before the header (ttuplan skips them too). It ends as ttuplan does, with os._exit,
# so neither pays for freeing its rows.
FLOOR_CODE = """\
import csv, itertools, os, sys
rows = []
for path in sys.argv[1:]:
    with open(path, encoding="utf-8", newline="") as f:
        lines = itertools.dropwhile(lambda line: line.startswith("#"), f)
        rows.extend(csv.DictReader(lines))
print(len(rows))
sys.stdout.flush()
os._exit(0)
"""
CHECK_SITES = re.compile(r"\((\d+) sites")
KIB_PER_MAXRSS = 1 / 1024 if sys.platform == "darwin" else 1  # ru_maxrss: bytes on macOS


# ---------------------------------------------------------------------------------------
# Running one measured child


@dataclass(frozen=True)
class Run:
    """One child process: wall seconds, peak RSS in MiB, exit code and output."""

    seconds: float
    mib: float
    code: int
    stdout: str
    stderr: str
    timed_out: bool = False
    tree_mib: float = 0.0  # peak RSS of the process and its children at once, if sampled


def tree_rss_kib(pid: int) -> int:
    """RSS of a process and all its descendants (Linux /proc), in KiB; 0 elsewhere."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else ():
        if entry.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                stat = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                children.setdefault(int(stat[1]), []).append(int(entry))
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        with contextlib.suppress(OSError, ValueError):
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        stack.extend(children.get(current, ()))
    return total


def child_environment() -> dict[str, str]:
    """The measured processes' environment: no colour, and bytecode read and written as
    an installed ttuplan has it (pip compiles it at install time). Without this, a shell
    with PYTHONDONTWRITEBYTECODE=1 compiles every ttuplan module from source in every
    run (about 70 ms on the sample) while the start-up baseline's libraries load compiled."""
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def compile_ttuplan() -> None:
    """ttuplan's bytecode written before anything is measured (as `pip install` does)."""
    import ttuplan

    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(Path(ttuplan.__file__).parent)],
        env=child_environment(),
        check=True,
    )


def run_measured(argv: Sequence[str], timeout: float | None = None, tree: bool = False) -> Run:
    """Run argv in a fresh process; its own peak RSS comes from os.wait4 (the largest of
    it and each of its children, one at a time). With `tree`, the RSS of the process and
    its children together is sampled too: what the machine must hold at once."""
    env = child_environment()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env)
        killed, reaped, lock = threading.Event(), threading.Event(), threading.Lock()

        def kill() -> None:  # on timeout; never signals a child already reaped below
            with lock:
                if not reaped.is_set():
                    killed.set()
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(process.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill) if timeout else None
        if timer:
            timer.start()
        peak = [0]
        sampler = None
        if tree:

            def sample() -> None:
                while not reaped.is_set():
                    peak[0] = max(peak[0], tree_rss_kib(process.pid))
                    reaped.wait(0.02)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
        _, status, usage = os.wait4(process.pid, 0)  # this child's own rusage
        seconds = time.perf_counter() - started
        with lock:
            reaped.set()
            process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        if timer:
            timer.cancel()
        if sampler is not None:
            sampler.join()
        out.seek(0)
        err.seek(0)
        return Run(
            seconds=seconds,
            mib=usage.ru_maxrss * KIB_PER_MAXRSS / 1024,
            code=process.returncode,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
            timed_out=killed.is_set(),
            tree_mib=peak[0] / 1024,
        )


@dataclass
class Series:
    """Repeated runs of one measurement: median time, maximum memory."""

    runs: list[Run] = field(default_factory=list)
    skipped: str = ""  # why it was not run
    failed: str = ""  # why a run failed (exit code and error text)

    @property
    def ok(self) -> bool:
        return bool(self.runs) and not self.skipped and not self.failed

    @property
    def seconds(self) -> float | None:
        return statistics.median(r.seconds for r in self.runs) if self.ok else None

    @property
    def mib(self) -> float | None:
        return max(r.mib for r in self.runs) if self.ok else None

    @property
    def tree_mib(self) -> float | None:
        return max(r.tree_mib for r in self.runs) if self.ok else None


# ---------------------------------------------------------------------------------------
# Plans


@dataclass(frozen=True)
class PlanCase:
    label: str
    folder: Path
    synthetic_sites: int | None  # None for the TTU sample plan

    @property
    def site_tables(self) -> list[Path]:
        """Every `sites "..."` table the plan names, found as ttuplan finds them."""
        from ttuplan.api import find_entry
        from ttuplan.resolve.files import PlanFolder, load_modules
        from ttuplan.source import SourceMap
        from ttuplan.syntax import nodes

        entry = find_entry(str(self.folder))
        folder = PlanFolder.of(entry)
        tables: list[Path] = []
        for declaration in load_modules(entry, folder, SourceMap()).declarations:
            if isinstance(declaration, nodes.FileReference) and declaration.keyword == "sites":
                path, _ = folder.locate(declaration.path, declaration.span.file)
                if path is not None:
                    tables.append(Path(path).resolve())
        if not tables:
            raise SystemExit(f"bench: {self.folder} names no site table")
        return tables


def parse_size(word: str) -> int | None:
    """`ttu` (None), `national`, `100000`, `100_000` or `100k`."""
    word = word.strip().lower().replace("_", "")
    if word == "ttu":
        return None
    if word == "national":
        return NATIONAL_SITES
    multiplier = 1_000 if word.endswith("k") else 1
    try:
        sites = int(word.removesuffix("k")) * multiplier
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a size: {word!r} (ttu or a number)") from None
    if sites < 1:
        raise argparse.ArgumentTypeError(f"not a size: {word!r}")
    return sites


def prepare(size: int | None, workdir: Path, seed: int) -> PlanCase:
    """The plan for a size: the TTU sample, or a synthetic plan generated once and cached.

    A cached plan is reused only if generate.py is unchanged since it was made (its hash is
    kept in a marker file); a plan is generated into a temporary folder and renamed, so an
    interrupted generation is never reused.
    """
    if size is None:
        return PlanCase("ttu", TTU_PLAN, None)
    folder = workdir / f"sites-{size}-seed-{seed}"
    marker = folder / ".complete"
    stamp = hashlib.sha256(GENERATOR.read_bytes()).hexdigest()
    if marker.is_file() and marker.read_text() == stamp:
        return PlanCase(str(size), folder, size)
    progress(f"generating a plan of {size:,} sites (seed {seed}) in {folder}")
    workdir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".sites-{size}-", dir=workdir))
    try:
        subprocess.run(
            [sys.executable, str(GENERATOR), str(size), str(staging), "--seed", str(seed)],
            check=True,
        )
        (staging / ".complete").write_text(stamp)
        shutil.rmtree(folder, ignore_errors=True)
        staging.rename(folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return PlanCase(str(size), folder, size)


# ---------------------------------------------------------------------------------------
# Measuring one size


@dataclass
class SizeResult:
    case: PlanCase
    sites: int | None = None  # as `ttuplan check` counted them
    floor: Series = field(default_factory=Series)
    startup: Series = field(default_factory=Series)
    check: Series = field(default_factory=Series)
    build: Series = field(default_factory=Series)
    full: Series = field(default_factory=Series)  # every format, PDFs too
    pdf_bytes: int = 0  # the PDFs of the full build, together


def ttuplan_command() -> str:
    """The installed console script beside this Python (the venv's), else on PATH."""
    beside = Path(sys.executable).parent / "ttuplan"
    found = str(beside) if beside.is_file() else shutil.which("ttuplan")
    if not found:
        raise SystemExit("bench: no `ttuplan` command beside this python or on PATH")
    return found


def measure_size(
    case: PlanCase,
    repeat: int,
    build_skip: str,
    build_timeout: float | None,
    workdir: Path,
    full: bool = False,
) -> SizeResult:
    ttuplan = ttuplan_command()
    out = workdir / "build-out" / case.label
    tables = [str(t) for t in case.site_tables]
    result = SizeResult(case)
    result.build.skipped = build_skip
    result.full.skipped = "" if full else "not measured (see --pdf-up-to)"
    for round_ in range(1, repeat + 1):
        progress(f"{case.label}: round {round_}/{repeat}")
        floor = run_measured([sys.executable, "-c", FLOOR_CODE, *tables])
        require_clean(floor, "floor")
        result.floor.runs.append(floor)
        startup = run_measured([sys.executable, "-c", STARTUP_CODE])
        require_clean(startup, "start-up")
        result.startup.runs.append(startup)
        check = run_measured([ttuplan, "check", str(case.folder)])
        require_clean(check, f"ttuplan check {case.folder}")
        result.check.runs.append(check)
        found = CHECK_SITES.search(check.stdout)
        result.sites = int(found.group(1)) if found else None
        if full and not result.full.failed:
            measure_full(result, ttuplan, out, build_timeout)
        if result.build.skipped or result.build.failed:
            continue
        shutil.rmtree(out, ignore_errors=True)
        argv = [ttuplan, "build", str(case.folder), "-o", str(out), "--formats", BUILD_FORMATS]
        build = run_measured(argv, timeout=build_timeout)
        shutil.rmtree(out, ignore_errors=True)
        result.build.runs.append(build)
        if build.timed_out:
            result.build.failed = f"killed after {build.seconds:.0f} s (--build-timeout)"
        elif build.code != 0:
            result.build.failed = (
                f"exit {build.code} after {build.seconds:.1f} s, peak {build.mib:.0f} MiB:\n"
                + tail(build.stderr or build.stdout)
            )
    return result


def measure_full(result: SizeResult, ttuplan: str, out: Path, timeout: float | None) -> None:
    """A build of every format, PDFs too: time, the process tree's peak, the PDFs' size."""
    shutil.rmtree(out, ignore_errors=True)
    run = run_measured([ttuplan, "build", str(result.case.folder), "-o", str(out)], timeout, True)
    result.full.runs.append(run)
    if run.code != 0 or run.timed_out:
        result.full.failed = f"exit {run.code} after {run.seconds:.1f} s:\n" + tail(run.stderr)
    else:
        result.pdf_bytes = sum(path.stat().st_size for path in out.glob("*.pdf"))
    shutil.rmtree(out, ignore_errors=True)


def require_clean(run: Run, what: str) -> None:
    if run.code != 0:
        raise SystemExit(
            f"bench: {what} exited {run.code}:\n{tail(run.stdout)}\n{tail(run.stderr)}"
        )


def tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])


def build_skip_reason(case: PlanCase, force_national: bool, measured: Sequence[SizeResult]) -> str:
    """Why a large plan is not built by default, with an estimate from a smaller build."""
    if case.synthetic_sites is None or case.synthetic_sites < LARGE or force_national:
        return ""
    reason = "skipped (pass --national-build)"
    built = [r for r in measured if r.build.ok and r.case.synthetic_sites]
    if built:
        base = max(built, key=lambda r: r.case.synthetic_sites or 0)
        scale = case.synthetic_sites / (base.case.synthetic_sites or 1)
        seconds, mib = base.build.seconds or 0, base.build.mib or 0
        reason += (
            f": linear from {base.case.label} it would take ~{seconds * scale:.0f} s"
            f" and ~{mib * scale / 1024:.1f} GiB"
        )
    return reason


# ---------------------------------------------------------------------------------------
# Parser overhead, in this process


@dataclass(frozen=True)
class ParseTiming:
    name: str
    chars: int
    lines: int
    bare: float  # bare Lark LALR: text to tree
    parse: float  # ttuplan.parse.parse: text to tree (fast path, recovery if broken)
    parse_build: float  # ttuplan.parse.parse, then ttuplan.syntax.build: text to nodes

    @property
    def ratio(self) -> float:
        return self.parse_build / self.bare


def total(name: str, timings: Sequence[ParseTiming]) -> ParseTiming:
    return ParseTiming(
        name=name,
        chars=sum(t.chars for t in timings),
        lines=sum(t.lines for t in timings),
        bare=sum(t.bare for t in timings),
        parse=sum(t.parse for t in timings),
        parse_build=sum(t.parse_build for t in timings),
    )


def best_of(repeat: int, work: Callable[[], object]) -> float:
    """The best wall time of `repeat` calls, the collector paused as ttuplan pauses it."""
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        gc.disable()
        try:
            started = time.perf_counter()
            work()
            best = min(best, time.perf_counter() - started)
        finally:
            gc.enable()
    return best


def parser_overhead(texts: Sequence[tuple[str, Path]], repeat: int) -> list[ParseTiming]:
    from lark import Lark

    from ttuplan.parse import parse
    from ttuplan.parse.grammar import GRAMMAR_FILE, lark_parser
    from ttuplan.syntax import build

    ours = lark_parser()
    bare = Lark(
        GRAMMAR_FILE.read_text(encoding="utf-8"),
        parser="lalr",
        lexer="basic",
        propagate_positions=ours.options.propagate_positions,
        maybe_placeholders=ours.options.maybe_placeholders,
    )
    timings = []
    for name, path in texts:
        text = path.read_text(encoding="utf-8")
        file = str(path)
        parsed = parse(text, file)
        _, problems = build(parsed.tree, file)
        if parsed.diagnostics or problems:
            raise SystemExit(f"bench: {path} does not parse and build cleanly")
        timings.append(
            ParseTiming(
                name=name,
                chars=len(text),
                lines=text.count("\n"),
                bare=best_of(repeat, lambda text=text: bare.parse(text)),
                parse=best_of(repeat, lambda text=text, file=file: parse(text, file)),
                parse_build=best_of(
                    repeat, lambda text=text, file=file: build(parse(text, file).tree, file)
                ),
            )
        )
    return timings


# ---------------------------------------------------------------------------------------
# Targets and the report


@dataclass(frozen=True)
class Target:
    name: str
    value: float | None
    limit: float
    note: str = ""
    unit: str = "x"  # how value and limit are written: a ratio, " MiB", " MB"

    @property
    def verdict(self) -> str:
        if self.value is None:
            return "n/a"
        return "PASS" if self.value <= self.limit else "MISS"


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def targets(results: Sequence[SizeResult]) -> list[Target]:
    found: list[Target] = []
    synthetic = sorted((r for r in results if r.case.synthetic_sites), key=lambda r: r.sites or 0)
    for r in synthetic:
        national = r.case.synthetic_sites == NATIONAL_SITES
        note = "" if national else "target is for national size; shown for trend"
        found.append(
            Target(
                f"check / floor time @ {r.case.label}",
                ratio(r.check.seconds, r.floor.seconds),
                5.0,
                note,
            )
        )
        found.append(
            Target(
                f"check / floor peak memory @ {r.case.label}",
                ratio(r.check.mib, r.floor.mib),
                3.0,
                note,
            )
        )
    for r in results:
        if r.case.synthetic_sites is None:
            found.append(
                Target("TTU check / start-up time", ratio(r.check.seconds, r.startup.seconds), 1.5)
            )
            found.append(
                Target(
                    "TTU build (no PDF) / check time",
                    ratio(r.build.seconds, r.check.seconds),
                    3.0,
                    r.build.skipped or r.build.failed.split("\n")[0],
                )
            )
            note = r.full.skipped or r.full.failed.split("\n")[0]
            found += [
                Target(
                    "TTU full build (every format, PDFs too) / build without PDF time",
                    ratio(r.full.seconds, r.build.seconds),
                    4.0,
                    note,
                ),
                Target(
                    "TTU full build peak memory, process tree (typst children included)",
                    r.full.tree_mib,
                    300.0,
                    note,
                    " MiB",
                ),
                Target(
                    "TTU PDFs, together",
                    r.pdf_bytes / 1e6 if r.full.ok else None,
                    3.0,
                    note,
                    " MB",
                ),
            ]
    if len(synthetic) >= 2 and synthetic[0].sites and synthetic[-1].sites:
        small, large = synthetic[0], synthetic[-1]
        growth = large.sites / small.sites
        found.append(
            Target(
                f"check time growth {small.case.label} -> {large.case.label}",
                ratio(large.check.seconds, small.check.seconds),
                growth * 9 / 8,
                f"sites grew {growth:.2f}x; limit 9/8 of that",
            )
        )
    return found


def seconds(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.3f}" if value < 1 else f"{value:.2f}"


def build_cell(build: Series) -> str:
    if build.skipped:
        return "skipped"
    return seconds(build.seconds) if build.ok else "FAILED"


def mib(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def times(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def amount(value: float | None, unit: str) -> str:
    if unit == "x":
        return times(value)
    return "-" if value is None else f"{value:,.{0 if unit == ' MiB' else 2}f}{unit}"


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    markdown: bool,
    left: Sequence[int] = (0,),
) -> str:
    """Rows as a Markdown table or as aligned text; columns not in `left` are right-aligned."""
    if markdown:
        lines = ["| " + " | ".join(headers) + " |"]
        lines.append(
            "|" + "|".join("---" if i in left else "---:" for i in range(len(headers))) + "|"
        )
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines)
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        padded = [
            c.ljust(w) if i in left else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(padded).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), rule, *map(line, rows)])


def machine_info() -> list[tuple[str, str]]:
    import lark

    import ttuplan

    cpus = os.cpu_count()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cpus
    info = [
        ("python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("platform", platform.platform()),
        ("CPUs", f"{cpus} ({usable} usable)"),
    ]
    meminfo = Path("/proc/meminfo")
    if meminfo.is_file():
        total = meminfo.read_text().split("\n", 1)[0].split()[1]
        info.append(("memory", f"{int(total) / 1024**2:.1f} GiB"))
    info.append(("load at start", load_average()))
    revision = subprocess.run(
        ["git", "-C", str(REPO), "describe", "--always", "--dirty"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    info.append(("ttuplan", f"{ttuplan.__version__} ({revision or 'not a git checkout'})"))
    info.append(("lark", lark.__version__))
    return info


def load_average() -> str:
    if not hasattr(os, "getloadavg"):
        return "unknown"
    return " ".join(f"{x:.2f}" for x in os.getloadavg()) + " (1, 5, 15 min)"


def report(
    results: Sequence[SizeResult],
    parsing: Sequence[ParseTiming],
    parse_repeat: int,
    info_before: list[tuple[str, str]],
    markdown: bool,
) -> str:
    parts = []
    if markdown:
        parts.append("\n".join(f"- {key}: {value}" for key, value in info_before))
    else:
        parts.append("\n".join(f"{key + ':':16}{value}" for key, value in info_before))

    headers = [
        "size", "sites", "runs", "check s", "check MiB", "build s", "build MiB",
        "full s", "full MiB (tree)", "PDFs MB",
        "floor s", "floor MiB", "startup s", "check/floor s", "check/floor MiB",
    ]  # fmt: skip
    rows = [
        [
            r.case.label,
            f"{r.sites:,}" if r.sites else "?",
            str(len(r.check.runs)),
            seconds(r.check.seconds),
            mib(r.check.mib),
            build_cell(r.build),
            mib(r.build.mib),
            build_cell(r.full) if not r.full.skipped else "-",
            mib(r.full.tree_mib),
            f"{r.pdf_bytes / 1e6:.2f}" if r.full.ok else "-",
            seconds(r.floor.seconds),
            mib(r.floor.mib),
            seconds(r.startup.seconds),
            times(ratio(r.check.seconds, r.floor.seconds)),
            times(ratio(r.check.mib, r.floor.mib)),
        ]
        for r in results
    ]
    parts.append(table(headers, rows, markdown))
    notes = [
        f"{r.case.label} build: {r.build.skipped or r.build.failed}"
        for r in results
        if r.build.skipped or r.build.failed
    ]
    if notes:
        parts.append("\n".join(notes))

    found = targets(results)
    if found:
        rows = [
            [t.name, amount(t.value, t.unit), "<= " + amount(t.limit, t.unit), t.verdict, t.note]
            for t in found
        ]
        headers = ["target", "measured", "limit", "verdict", "note"]
        parts.append(table(headers, rows, markdown, left=(0, 3, 4)))

    if parsing:
        rows = [
            [
                t.name,
                f"{t.lines:,}",
                f"{t.chars:,}",
                f"{t.bare * 1000:.1f}",
                f"{t.parse * 1000:.1f}",
                f"{t.parse_build * 1000:.1f}",
                times(t.ratio),
            ]
            for t in parsing
        ]
        headers = [
            f"parse + build (best of {parse_repeat})", "lines", "chars", "bare Lark ms",
            "ttuplan parse ms", "parse+build ms", "(parse+build)/bare",
        ]  # fmt: skip
        parts.append(table(headers, rows, markdown))
    return "\n\n".join(parts) + "\n"


def progress(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------


def arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time and peak memory of ttuplan check and build, beside baselines.",
    )
    parser.add_argument(
        "--sizes",
        default=f"ttu,100000,{NATIONAL_SITES}",
        help="comma-separated: ttu (the sample plan) or a number of sites (default: %(default)s)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=None,
        help=f"runs of each measurement (default: 3, and 1 from {LARGE:,} sites)",
    )
    parser.add_argument(
        "--parse-repeat", type=int, default=5, help="best of N for the parser (default: 5)"
    )
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "ttuplan-bench",
        help="cache of generated plans and scratch build output (default: %(default)s)",
    )
    parser.add_argument("--seed", type=int, default=2024, help="generator seed (default: 2024)")
    parser.add_argument(
        "--pdf-up-to",
        type=int,
        default=0,
        help="also build with PDFs (every format) synthetic plans up to this many sites; "
        "the TTU plan always (default: %(default)s)",
    )
    parser.add_argument(
        "--national-build",
        action="store_true",
        help=f"also build plans of {LARGE:,} sites or more (slow; several GB of memory)",
    )
    parser.add_argument(
        "--build-timeout",
        type=float,
        default=3600,
        help="kill a build after this many seconds (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    try:
        args.sizes = [parse_size(word) for word in args.sizes.split(",") if word.strip()]
    except argparse.ArgumentTypeError as error:
        parser.error(str(error))
    if not args.sizes:
        parser.error("--sizes names no size")
    if args.repeat is not None and args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.parse_repeat < 1:
        parser.error("--parse-repeat must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> None:
    args = arguments(argv)
    if not hasattr(os, "wait4"):
        raise SystemExit("bench: needs os.wait4 (Linux, macOS or another POSIX system)")
    workdir: Path = args.workdir.resolve()
    cases = [prepare(size, workdir, args.seed) for size in args.sizes]
    compile_ttuplan()
    info = machine_info()

    # Warm up once, unmeasured: compiled bytecode and Lark's cached tables in place.
    progress("warming up")
    require_clean(run_measured([ttuplan_command(), "check", str(TTU_PLAN)]), "warm-up check")

    results: list[SizeResult] = []
    for case in sorted(cases, key=lambda c: c.synthetic_sites or 0):
        large = (case.synthetic_sites or 0) >= LARGE
        repeat = args.repeat or (1 if large else 3)
        skip = build_skip_reason(case, args.national_build, results)
        full = (case.synthetic_sites or 0) <= args.pdf_up_to
        results.append(measure_size(case, repeat, skip, args.build_timeout, workdir, full))

    progress("parser overhead")
    sample = [(f"ttu {p.name}", p) for p in sorted(TTU_PLAN.glob("*.ttup"))]
    parsing = parser_overhead(sample, args.parse_repeat)
    parsing.append(total("ttu, all files", parsing))
    generated = [c for c in cases if c.synthetic_sites]
    if generated:
        biggest = max(generated, key=lambda c: c.synthetic_sites or 0)
        units = [(f"{biggest.label} units.ttup", biggest.folder / "units.ttup")]
        parsing += parser_overhead(units, args.parse_repeat)
    info.append(("load at end", load_average()))

    sys.stdout.write(report(results, parsing, args.parse_repeat, info, args.markdown))


if __name__ == "__main__":
    main()
