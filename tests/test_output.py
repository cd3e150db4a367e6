"""A build's output: all or nothing, never over a file the plan reads, never where it was
not asked to go; interrupted or killed builds leave nothing behind for long.

The swap is proved by failing each rename of it in turn (`os.replace`, the only call
that moves a document): after every failure the output folder is byte for byte what it
was. Signals are sent to a real child process whose build a slow template holds up.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.conftest import REPO
from ttuplan.cli import main

STAGING_PREFIX = ".ttuplan-build-"

DOCUMENTS = REPO / "tests" / "fixtures" / "plans" / "documents"
FORMATS = "md,html,csv,json"  # five documents, quick to write
BUILD = (sys.executable, "-m", "ttuplan", "build", str(DOCUMENTS), "-o")  # then the folder
NAMES = ("briefing.html", "briefing.md", "plan.json", "rosters.csv", "rosters.html")

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX: signals, flock")


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every file and folder under `folder` (a folder as None), staging folders included."""
    return {
        path.relative_to(folder).as_posix(): None if path.is_dir() else path.read_bytes()
        for path in sorted(folder.rglob("*"))
    }


@pytest.fixture
def previous(tmp_path: Path) -> Path:
    """An output folder holding a previous build (of another plan title), some of its
    documents only, and a file of the user's."""
    plan = tmp_path / "old-plan"
    shutil.copytree(DOCUMENTS, plan)
    text = (plan / "plan.ttup").read_text(encoding="utf-8")
    (plan / "plan.ttup").write_text(text.replace('"', '"OLD ', 1), encoding="utf-8")
    out = tmp_path / "out"
    assert cli("build", str(plan), "-o", str(out), "--formats", FORMATS)[0] == 0
    (out / "rosters.html").unlink()  # so one document is new: undoing it removes it
    (out / "notes.txt").write_text("mine\n")
    return out


# ── the swap: all or nothing ────────────────────────────────────────────────


def _failing_replace(monkeypatch: pytest.MonkeyPatch, at: int) -> list[int]:
    """os.replace fails on its `at`-th call (from 1); returns the count of calls."""
    real = os.replace
    calls = [0]

    def replace(source: Any, destination: Any) -> None:
        calls[0] += 1
        if calls[0] == at:
            raise OSError(5, "Input/output error (injected)", os.fspath(destination))
        real(source, destination)

    monkeypatch.setattr(os, "replace", replace)
    return calls


def test_a_build_moves_every_document_by_rename(previous: Path) -> None:
    """The count of renames the failure test below steps through: 2 per document that
    replaces one (the old aside, the new in), 1 per new document."""
    with pytest.MonkeyPatch.context() as patch:
        calls = _failing_replace(patch, at=0)
        assert cli("build", str(DOCUMENTS), "-o", str(previous), "--formats", FORMATS)[0] == 0
    assert calls[0] == 2 * len(NAMES) - 1
    assert "OLD" not in (previous / "briefing.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("step", range(1, 2 * len(NAMES)))
def test_a_failure_at_any_step_of_the_swap_leaves_the_previous_documents(
    previous: Path, monkeypatch: pytest.MonkeyPatch, step: int
) -> None:
    before = snapshot(previous)
    _failing_replace(monkeypatch, at=step)
    status, output = cli("build", str(DOCUMENTS), "-o", str(previous), "--formats", FORMATS)
    assert status == 2, output
    assert "Input/output error (injected)" in output
    assert snapshot(previous) == before  # every document as it was; no staging left


def test_ctrl_c_during_the_swap_leaves_the_previous_documents(
    previous: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(previous)
    real = os.replace
    calls = [0]

    def replace(source: Any, destination: Any) -> None:
        calls[0] += 1
        if calls[0] == 4:
            raise KeyboardInterrupt
        real(source, destination)

    monkeypatch.setattr(os, "replace", replace)
    status, _ = cli("build", str(DOCUMENTS), "-o", str(previous), "--formats", FORMATS)
    assert status == 1  # click's "Aborted!"
    assert snapshot(previous) == before


def test_a_swap_that_cannot_be_undone_says_where_the_previous_documents_are(
    previous: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = os.replace
    calls = [0]

    def replace(source: Any, destination: Any) -> None:
        calls[0] += 1
        if calls[0] in (3, 4):  # the third move fails, and so does the first undo
            raise OSError(5, "Input/output error (injected)", os.fspath(destination))
        real(source, destination)

    monkeypatch.setattr(os, "replace", replace)
    status, output = cli("build", str(DOCUMENTS), "-o", str(previous), "--formats", FORMATS)
    assert status == 2
    assert "could not be put back: the previous documents are in" in output
    (staging,) = previous.glob(f"{STAGING_PREFIX}*")
    assert (staging / ".previous").is_dir()


def test_a_folder_in_the_way_stops_the_build_before_anything_moves(previous: Path) -> None:
    """The issue's case: a folder named rosters.xlsx; 6 of 7 documents were replaced."""
    (previous / "rosters.csv").unlink()
    (previous / "rosters.csv").mkdir()
    before = snapshot(previous)
    status, output = cli("build", str(DOCUMENTS), "-o", str(previous), "--formats", FORMATS)
    assert status == 2
    assert "rosters.csv" in output and "a folder of that name is in the way" in output
    assert snapshot(previous) == before


# ── never over what the plan reads, never where it was not asked ────────────


@pytest.mark.parametrize(
    ("statement", "table"),
    [
        ('personnel "rosters.csv"', "nrp,name,rank,unit\n1,A,Bripda,u1\n"),
        ('sites "rosters.csv"', "id,name,kind,district,risk\nt2,T 2,tps,d1,biasa\n"),
    ],
)
def test_a_build_never_writes_over_a_file_its_plan_reads(
    tmp_path: Path, statement: str, table: str
) -> None:
    """`build . -o .` with `personnel "rosters.csv"` replaced the table by the roster."""
    plan = tmp_path / "plan"
    shutil.copytree(REPO / "tests" / "fixtures" / "plans" / "minimal", plan)
    with (plan / "plan.ttup").open("a", encoding="utf-8") as text:
        text.write(statement + "\n")
    (plan / "rosters.csv").write_text(table, encoding="utf-8")
    before = snapshot(plan)
    assert cli("check", str(plan))[0] == 0
    status, output = cli("build", str(plan), "-o", str(plan))
    assert status == 2, output
    assert f"{plan / 'rosters.csv'} is a file the plan reads" in output
    assert snapshot(plan) == before


def test_a_build_never_writes_over_a_file_its_plan_reads_through_a_link(tmp_path: Path) -> None:
    plan = tmp_path / "plan"
    shutil.copytree(REPO / "tests" / "fixtures" / "plans" / "minimal", plan)
    out = tmp_path / "out"
    out.mkdir()
    (out / "briefing.md").symlink_to(plan / "plan.ttup")
    status, output = cli("build", str(plan), "-o", str(out), "--formats", "md")
    assert status == 2 and "is a file the plan reads" in output


def test_an_empty_output_folder_name_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`-o ''` wrote into the current folder."""
    monkeypatch.chdir(tmp_path)
    status, output = cli("build", str(DOCUMENTS), "-o", "", "--formats", "md")
    assert status == 2
    assert "give a folder" in output
    assert list(tmp_path.iterdir()) == []


# ── interrupted and killed builds ───────────────────────────────────────────


def _slow_build(tmp_path: Path, out: Path) -> subprocess.Popen[bytes]:
    """A build whose Markdown template loops for minutes; returns once it is staging."""
    templates = tmp_path / "slow"
    templates.mkdir(exist_ok=True)
    (templates / "briefing.md.j2").write_text("{% for i in range(10**9) %}{% endfor %}\n")
    process = subprocess.Popen(
        [*BUILD, str(out), "--formats", "md", "--templates", str(templates)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    _wait_for(lambda: any(out.glob(f"{STAGING_PREFIX}*")), process)
    return process


def _wait_for(condition: Callable[[], bool], process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while not condition():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the build never started staging"
        time.sleep(0.05)


@pytest.mark.parametrize("sent", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_an_interrupted_build_leaves_no_staging_folder(
    previous: Path, tmp_path: Path, sent: signal.Signals
) -> None:
    before = snapshot(previous)
    process = _slow_build(tmp_path, previous)
    process.send_signal(sent)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 1, err  # as click ends on Ctrl-C: "Aborted!"
    assert b"Traceback" not in err
    assert snapshot(previous) == before


def test_a_signal_just_after_the_staging_folder_is_made_still_removes_it(
    previous: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The interrupted-build test above left a staging folder now and then on a busy
    machine: SIGTERM came after the folder was made but before the code that removes it
    on failure had begun. Signals are now held back until then."""
    import tempfile

    from ttuplan.render import output

    made = tempfile.mkdtemp

    def made_then_signalled(*args: Any, **kwargs: Any) -> str:
        folder = made(*args, **kwargs)
        os.kill(os.getpid(), signal.SIGTERM)  # as `kill` at the worst moment
        return folder

    def interrupt(number: int, frame: object) -> None:
        raise KeyboardInterrupt

    before = snapshot(previous)
    monkeypatch.setattr(output.tempfile, "mkdtemp", made_then_signalled)
    handler = signal.signal(signal.SIGTERM, interrupt)
    try:
        with pytest.raises(KeyboardInterrupt):
            output.write_outputs(previous, {"briefing.md": lambda out: out.write(b"new")})
    finally:
        signal.signal(signal.SIGTERM, handler)
    assert snapshot(previous) == before


def test_a_killed_build_leaves_a_staging_folder_that_the_next_build_removes(
    previous: Path, tmp_path: Path
) -> None:
    process = _slow_build(tmp_path, previous)
    process.kill()
    process.communicate()
    assert list(previous.glob(f"{STAGING_PREFIX}*"))  # SIGKILL cannot be handled
    assert cli("build", str(DOCUMENTS), "-o", str(previous), "--formats", "md")[0] == 0
    assert not list(previous.glob(f"{STAGING_PREFIX}*"))


def test_a_running_build_keeps_its_staging_folder(previous: Path) -> None:
    """Another build running in the folder holds its lock: its staging is not stale."""
    import fcntl

    running = previous / f"{STAGING_PREFIX}running"
    running.mkdir()
    (running / "briefing.md").write_text("half written")
    descriptor = os.open(previous, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_SH)
        assert cli("build", str(DOCUMENTS), "-o", str(previous), "--formats", "md")[0] == 0
        assert (running / "briefing.md").read_text() == "half written"
    finally:
        os.close(descriptor)
    assert cli("build", str(DOCUMENTS), "-o", str(previous), "--formats", "md")[0] == 0
    assert not running.exists()


def test_ctrl_c_while_typst_compiles_ends_the_build_at_once(previous: Path, tmp_path: Path) -> None:
    """typst's compile is one call into Rust that Python's signal handling waited for:
    this template keeps it busy for minutes."""
    templates = tmp_path / "slow-typst"
    templates.mkdir()
    (templates / "briefing.typ.j2").write_text(
        "#let x = 0\n#for i in range(1000000000) { x = x + 1 }\n#x\n"
    )
    before = snapshot(previous)
    process = subprocess.Popen(
        [*BUILD, str(previous), "--formats", "pdf", "--templates", str(templates)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for(lambda: any(previous.glob(f"{STAGING_PREFIX}*")), process)
        time.sleep(2)  # into the compile (the plan's views take a fraction of that)
        assert process.poll() is None
        signalled = time.monotonic()
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=20)
        assert time.monotonic() - signalled < 10
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 1 and b"Traceback" not in err, err
    assert snapshot(previous) == before
