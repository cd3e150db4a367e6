"""The progress bar: on a terminal for long runs only, never in CI logs or with --quiet."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import REPO
from ttuplan import progress
from ttuplan.api import check_plan
from ttuplan.cli import main

SAMPLE = REPO / "plans" / "ttu-pemilu-2024"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_bar_appears_after_its_delay_and_is_erased_at_the_end() -> None:
    stream, clock = Terminal(), Clock()
    bar = progress.Bar(stream, delay=1.0, clock=clock, columns=80)
    with progress.shown(bar):
        progress.stage("reading units.ttup", 0.5)
        assert stream.getvalue() == ""  # too early: a short run never shows a bar
        clock.now = 1.5
        progress.stage("reading sites.csv", 0.5)
    lines = stream.getvalue().split("\r")
    assert lines[1] == "[############------------]  50%    1.5 s  reading sites.csv\x1b[K"
    assert stream.getvalue().endswith("\r\x1b[K")  # erased before the report is printed


def test_parts_nest_and_the_bar_never_goes_back() -> None:
    stream, clock = Terminal(), Clock()
    bar = progress.Bar(stream, delay=0.0, clock=clock, columns=80)
    with progress.shown(bar), progress.part(0.5, 1.0):
        with progress.part(0.0, 0.5):
            progress.stage("a", 1.0)
        assert bar.done == 0.75
        progress.stage("b", 0.0)  # a later stage that starts lower keeps the bar where it is
        assert bar.done == 0.75


def test_the_line_fits_the_terminal() -> None:
    bar = progress.Bar(Terminal(), delay=0.0, clock=Clock(), columns=40)
    bar.stage("phase pemungutan: allocating a very long label indeed", 0.3)
    assert len(bar.line(0.0)) == 39


@pytest.mark.parametrize(
    ("tty", "quiet", "env", "shown"),
    [
        (True, False, {}, True),
        (False, False, {}, False),  # a pipe or a log file
        (True, True, {}, False),  # --quiet
        (True, False, {"CI": "true"}, False),  # CI runners that fake a terminal
        (True, False, {"TERM": "dumb"}, False),
    ],
)
def test_a_bar_only_where_it_belongs(
    monkeypatch: pytest.MonkeyPatch, tty: bool, quiet: bool, env: dict[str, str], shown: bool
) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    stream = Terminal() if tty else io.StringIO()
    assert (progress.Bar.for_stderr(stream, quiet) is not None) is shown


def recording_bar() -> tuple[progress.Bar, list[tuple[str, float]]]:
    """A bar that draws at once and records (label, fraction done) at every stage."""
    bar = progress.Bar(Terminal(), delay=0.0, clock=Clock(), columns=200)
    seen: list[tuple[str, float]] = []
    original = bar.stage

    def record(label: str | None, within: float = 0.0) -> None:
        original(label, within)
        seen.append((bar.label, bar.done))

    bar.stage = record  # type: ignore[method-assign]
    return bar, seen


def test_the_pipeline_reports_its_stages_in_order() -> None:
    bar, seen = recording_bar()
    with progress.shown(bar):
        check_plan(str(SAMPLE))
    labels = [label for label, _ in seen]
    assert labels[0] == "reading plan.ttup"
    assert "reading data/tps-2024.csv" in labels
    assert "phase pemungutan: allocating" in labels
    assert labels[-3:] == ["rostering", "escalation chains", "checking the rules"]
    fractions = [done for _, done in seen]
    assert fractions == sorted(fractions)
    assert 0.9 < fractions[-1] <= 1.0


def test_library_calls_and_captured_runs_print_no_bar() -> None:
    assert progress._shown.get() is None
    result = CliRunner().invoke(main, ["check", str(SAMPLE)])
    assert result.exit_code == 0
    assert result.stderr == ""


def test_quiet_check_prints_nothing_for_a_clean_plan_and_problems_still() -> None:
    clean = CliRunner().invoke(main, ["check", "--quiet", str(SAMPLE)])
    assert (clean.exit_code, clean.stdout, clean.stderr) == (0, "", "")
    bad = REPO / "tests" / "fixtures" / "diagnostics"
    fixture = next(p for p in sorted(bad.glob("*/plan.ttup")))
    result = CliRunner().invoke(main, ["check", "-q", str(fixture)])
    assert result.exit_code == 1
    assert "error" in result.stdout


def test_quiet_build_lists_no_files(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["build", "-q", str(SAMPLE), "-o", str(tmp_path), "--formats", "json"]
    )
    assert (result.exit_code, result.stdout) == (0, "")
    assert (tmp_path / "plan.json").is_file()


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_on_a_real_terminal_a_long_run_shows_the_bar_and_erases_it() -> None:
    """The installed program on a pseudo-terminal, with the delay at zero (ttuplan reads
    TTUPLAN_PROGRESS_DELAY for this test only, as the sample plan checks too fast)."""
    leader, follower = pty.openpty()
    env = {**os.environ, "TTUPLAN_PROGRESS_DELAY": "0", "TERM": "xterm"}
    env.pop("CI", None)
    done = subprocess.run(
        [sys.executable, "-m", "ttuplan", "check", str(SAMPLE)],
        stdout=subprocess.PIPE,
        stderr=follower,
        env=env,
        timeout=60,
        check=False,
    )
    os.close(follower)
    drawn = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        drawn += chunk
    os.close(leader)
    assert done.returncode == 0
    assert b"no problems" in done.stdout  # the report itself is untouched on stdout
    assert b"] " in drawn and b"%" in drawn
    assert drawn.endswith(b"\r\x1b[K")


def test_a_build_reports_every_document_and_never_goes_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bar, seen = recording_bar()
    monkeypatch.setattr(progress.Bar, "for_stderr", classmethod(lambda cls, s, q: bar))
    result = CliRunner().invoke(
        main, ["build", str(SAMPLE), "-o", str(tmp_path), "--formats", "md,csv,xlsx,json"]
    )
    assert result.exit_code == 0
    labels = [label for label, _ in seen]
    for name in ("briefing.md", "plan.json", "rosters.csv", "rosters.xlsx"):
        assert name in labels
    assert labels.index("escalation chains") < labels.index("rosters") < labels.index("plan.json")
    fractions = [done for _, done in seen]
    assert fractions == sorted(fractions)
    assert labels[-1] == "rosters.xlsx" and fractions[-1] > 0.2  # the last, in name order
