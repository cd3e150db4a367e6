"""Odd files and a hostile file system end in a message and exit 1 or 2, never a traceback.

A plan file that is a named pipe, a folder or a link to a device; a folder nobody may
read; a read-only folder or a full disk under `fmt` and `init`; names that are not UTF-8;
a working folder deleted under the run. Tests run as root here, and root ignores file
modes, so an unreadable or read-only folder is simulated by making the operating system
calls on it fail as they would for another user (`locked`, `read_only`, `full_disk`).
"""

from __future__ import annotations

import builtins
import errno
import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.conftest import REPO
from ttuplan.cli import main

MINIMAL = REPO / "tests" / "fixtures" / "plans" / "minimal" / "plan.ttup"
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX: pipes, links, modes")


def cli(*args: str) -> tuple[int, str]:
    """The command in this process; a traceback fails the test."""
    result = CliRunner().invoke(main, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def program(*args: str, cwd: Path | None = None, timeout: float = 60) -> tuple[int, str]:
    """`python -m ttuplan ARGS` in a child process (for what could hang the test)."""
    done = subprocess.run(
        [sys.executable, "-m", "ttuplan", *args],
        capture_output=True,
        cwd=cwd,
        timeout=timeout,
        check=False,
    )
    output = done.stdout.decode("utf-8", "replace") + done.stderr.decode("utf-8", "replace")
    assert "Traceback" not in output, output
    return done.returncode, output


def plan_folder(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "plan.ttup").write_bytes(MINIMAL.read_bytes())
    return folder


# ── the plan file is not a file ──────────────────────────────────────────────


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _folder(path: Path) -> None:
    path.mkdir()


def _device_link(path: Path) -> None:
    path.symlink_to("/dev/zero")


NOT_FILES: dict[str, Callable[[Path], None]] = {
    "a named pipe": _fifo,
    "a folder": _folder,
    "a link to /dev/zero": _device_link,
}


@pytest.mark.parametrize("command", ["check", "build", "graph"])
@pytest.mark.parametrize("what", NOT_FILES)
def test_a_plan_file_that_is_not_a_file(tmp_path: Path, command: str, what: str) -> None:
    folder = tmp_path / "plan"
    folder.mkdir()
    NOT_FILES[what](folder / "plan.ttup")
    args = [command, str(folder)] + (["-o", str(tmp_path / "out")] if command == "build" else [])
    status, output = program(*args)
    assert status in (1, 2), output
    expected = {
        "a named pipe": "a named pipe, not a file",
        "a folder": "is a folder, not a plan file",
        "a link to /dev/zero": "a device, not a file",
    }[what]
    assert expected in output
    assert not (tmp_path / "out").exists()


# ── a folder nobody may read (mode 000) ──────────────────────────────────────


def _inside(path: Any, folder: str) -> bool:
    if isinstance(path, int):
        return False
    text = os.path.abspath(os.fsdecode(path))
    return text == folder or text.startswith(folder + os.sep)


@pytest.fixture
def locked(monkeypatch: pytest.MonkeyPatch) -> Callable[[Path], None]:
    """Make a folder behave as mode 000 does for a user other than root: it can be
    named (its own stat works), but not listed, nor anything in it reached."""

    def lock(folder: Path) -> None:
        root = os.path.abspath(folder)

        def denied(path: Any) -> PermissionError:
            return PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fsdecode(path))

        def guard(real: Callable[..., Any], *, itself: bool) -> Callable[..., Any]:
            def call(path: Any, *args: Any, **kwargs: Any) -> Any:
                if _inside(path, root) and (itself or os.path.abspath(os.fsdecode(path)) != root):
                    raise denied(path)
                return real(path, *args, **kwargs)

            return call

        for name in ("stat", "lstat"):
            monkeypatch.setattr(os, name, guard(getattr(os, name), itself=False))
        for name in ("listdir", "scandir", "open"):
            monkeypatch.setattr(os, name, guard(getattr(os, name), itself=True))
        monkeypatch.setattr(builtins, "open", guard(builtins.open, itself=True))

    return lock


@pytest.mark.parametrize("command", ["check", "build", "graph"])
@pytest.mark.parametrize("where", ["plan folder", "parent folder"])
def test_a_folder_nobody_may_read(
    tmp_path: Path, locked: Callable[[Path], None], command: str, where: str
) -> None:
    folder = plan_folder(tmp_path / "parent" / "plan")
    locked(folder if where == "plan folder" else folder.parent)
    target = folder if where == "plan folder" else folder.parent
    args = [command, str(target)] + (["-o", str(tmp_path / "out")] if command == "build" else [])
    status, output = cli(*args)
    assert status == 2, output
    # (build once said "cannot write" the output folder: it was the plan it could not read)
    assert f"cannot read the folder {target}: Permission denied" in output, output


def test_a_build_into_a_folder_nobody_may_write(
    tmp_path: Path, locked: Callable[[Path], None]
) -> None:
    folder = plan_folder(tmp_path / "plan")
    (tmp_path / "out").mkdir()
    locked(tmp_path / "out")
    status, output = cli("build", str(folder), "-o", str(tmp_path / "out"), "--formats", "md")
    assert status == 2, output
    assert "cannot write" in output and "Permission denied" in output


def test_locked_folders_are_simulated_faithfully(
    tmp_path: Path, locked: Callable[[Path], None]
) -> None:
    """The simulation fails where the system does for another user, and only there."""
    folder = plan_folder(tmp_path / "plan")
    locked(folder)
    assert os.path.isdir(folder)
    for call in (
        lambda: os.listdir(folder),
        lambda: os.stat(folder / "plan.ttup"),
        lambda: open(folder / "plan.ttup", "rb"),  # noqa: SIM115
    ):
        with pytest.raises(PermissionError):
            call()
    assert not os.path.isfile(folder / "plan.ttup")


# ── fmt and init in a read-only folder, on a full disk ──────────────────────


@pytest.fixture
def read_only(monkeypatch: pytest.MonkeyPatch) -> Callable[[Path], None]:
    """Creating a file in the folder fails as in a read-only folder (EACCES)."""

    def make(folder: Path) -> None:
        root = os.path.abspath(folder)
        real_open, real_mkdir = os.open, os.mkdir

        def open_(path: Any, flags: int, *args: Any, **kwargs: Any) -> Any:
            if flags & os.O_CREAT and os.path.dirname(os.path.abspath(os.fsdecode(path))) == root:
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fsdecode(path))
            return real_open(path, flags, *args, **kwargs)

        def mkdir(path: Any, *args: Any, **kwargs: Any) -> Any:
            if os.path.dirname(os.path.abspath(os.fsdecode(path))) == root:
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fsdecode(path))
            return real_mkdir(path, *args, **kwargs)

        monkeypatch.setattr(os, "open", open_)
        monkeypatch.setattr(os, "mkdir", mkdir)

    return make


class _FullFile:
    """A file opened for writing on a full disk: every write fails (ENOSPC)."""

    def __init__(self, file: Any) -> None:
        self._file = file

    def write(self, data: Any) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._file, name)

    def __enter__(self) -> _FullFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self._file.close()


@pytest.fixture
def full_disk(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """From its call on, every file opened for writing fails to take a byte, as on a
    full disk (ENOSPC)."""

    def opener(real: Callable[..., Any], mode_at: int) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            file = real(*args, **kwargs)
            mode = kwargs.get("mode", args[mode_at] if len(args) > mode_at else "r")
            return _FullFile(file) if set(mode) & set("wxa+") else file

        return call

    def fill() -> None:
        monkeypatch.setattr(builtins, "open", opener(builtins.open, 1))
        monkeypatch.setattr(io, "open", opener(io.open, 1))
        monkeypatch.setattr(os, "fdopen", opener(os.fdopen, 1))

    return fill


def _messy(folder: Path) -> Path:
    folder.mkdir()
    path = folder / "plan.ttup"
    path.write_text('force   polri "Polri"\n', encoding="utf-8")
    return path


def test_fmt_in_a_read_only_folder(tmp_path: Path, read_only: Callable[[Path], None]) -> None:
    path = _messy(tmp_path / "plan")
    read_only(path.parent)
    status, output = cli("fmt", str(path.parent))
    assert status == 2, output
    assert f"cannot write {path}: Permission denied" in output
    assert path.read_text(encoding="utf-8") == 'force   polri "Polri"\n'
    assert os.listdir(path.parent) == ["plan.ttup"]


def test_fmt_on_a_full_disk(tmp_path: Path, full_disk: Callable[[], None]) -> None:
    path = _messy(tmp_path / "plan")
    full_disk()
    status, output = cli("fmt", str(path.parent))
    assert status == 2, output
    assert f"cannot write {path}: No space left on device" in output
    assert path.read_text(encoding="utf-8") == 'force   polri "Polri"\n'
    assert os.listdir(path.parent) == ["plan.ttup"]  # the temporary file is gone


def test_init_in_a_read_only_folder(tmp_path: Path, read_only: Callable[[Path], None]) -> None:
    folder = tmp_path / "new"
    folder.mkdir()
    read_only(folder)
    status, output = cli("init", str(folder))
    assert status == 2, output
    assert "cannot write" in output and "Permission denied" in output
    assert os.listdir(folder) == []


def test_init_on_a_full_disk_leaves_nothing_half_written(
    tmp_path: Path, full_disk: Callable[[], None]
) -> None:
    folder = tmp_path / "new"
    full_disk()
    status, output = cli("init", str(folder))
    assert status == 2, output
    assert "No space left on device" in output
    assert not folder.exists() or not any(p.is_file() for p in folder.rglob("*"))


# ── diff --git with a link at the revision ──────────────────────────────────


def _git(folder: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=t@t", "-c", "user.name=t", *args],
        cwd=folder,
        check=True,
        capture_output=True,
    )


@pytest.mark.parametrize("link", ["/etc/passwd", "../../../outside.ttup"])
def test_diff_git_with_a_link_out_of_the_plan_at_the_revision(tmp_path: Path, link: str) -> None:
    """tarfile's `data` filter refused the link and raised: a traceback. The link is left
    out of the export, as the plan's own confinement would refuse it anyway."""
    plan = plan_folder(tmp_path / "plan")
    (plan / "outside.ttup").symlink_to(link)
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "plan")
    status, output = cli("diff", "--git", "HEAD", str(plan))
    assert status == 0, output
    assert "no change to the deployment" in output


# ── a Polres template that raises ───────────────────────────────────────────


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("A\n{{ 1 // 0 }}\n", "briefing.md.j2:2: ZeroDivisionError: integer division"),
        ("{{ briefing.title|int }}\n", "briefing.md.j2:1: ValueError: invalid literal for int()"),
    ],
)
def test_a_template_raising_a_python_error(tmp_path: Path, template: str, expected: str) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "briefing.md.j2").write_text(template)
    out = tmp_path / "out"
    out.mkdir()
    (out / "briefing.md").write_text("previous\n")
    status, output = cli(
        "build", str(MINIMAL.parent), "-o", str(out), "--templates", str(templates)
    )
    assert status == 2, output
    assert f"ttuplan: error: template problem: {templates}/{expected}" in output
    assert [p.name for p in out.iterdir()] == ["briefing.md"]
    assert (out / "briefing.md").read_text() == "previous\n"


# ── labels Excel cannot hold as they are ────────────────────────────────────

DOCUMENTS = REPO / "tests" / "fixtures" / "plans" / "documents"


def _documents_with(tmp_path: Path, old: str, new: str) -> Path:
    plan = tmp_path / "plan"
    shutil.copytree(DOCUMENTS, plan)
    text = (plan / "plan.ttup").read_text(encoding="utf-8")
    assert old in text
    (plan / "plan.ttup").write_text(text.replace(old, new), encoding="utf-8")
    return plan


def test_a_unit_label_past_31_utf16_units_names_a_valid_sheet(tmp_path: Path) -> None:
    """Cut at 31 characters, 20 emoji and more were 40+ UTF-16 units: XlsxWriter refused
    the sheet name (a traceback) though check was clean."""
    label = "\U0001f46e" * 20 + " Polsek Alfa"
    plan = _documents_with(tmp_path, '"Polsek Alfa"', f'"{label}"')
    assert cli("check", str(plan))[0] == 0
    status, output = cli("build", str(plan), "-o", str(tmp_path / "out"), "--formats", "xlsx")
    assert status == 0, output
    with zipfile.ZipFile(tmp_path / "out" / "rosters.xlsx") as book:
        names = re.findall(r'<sheet name="([^"]*)"', book.read("xl/workbook.xml").decode())
    assert "\U0001f46e" * 15 in names  # 30 units; the 16th emoji would make 32
    assert all(len(name.encode("utf-16-le")) // 2 <= 31 for name in names)


def test_a_cell_past_32767_characters_stops_the_workbook(tmp_path: Path) -> None:
    """XlsxWriter cut such text and went on: the roster said less than the plan."""
    plan = _documents_with(tmp_path, '"Polsek Alfa"', '"' + "A" * 40_000 + '"')
    out = tmp_path / "out"
    status, output = cli("build", str(plan), "-o", str(out), "--formats", "xlsx,md")
    assert status == 2, output[-500:]
    assert "longer than the 32,767 characters an Excel cell holds" in output
    assert not out.exists() or not list(out.iterdir())


def test_a_parent_chain_600_deep_builds(tmp_path: Path) -> None:
    """The briefing's strength table walked the `parent` tree by recursion: a chain ~500
    deep ended in a RecursionError."""
    units = "".join(
        f'unit u{i} "Unit {i}" {{\n  force polri\n  strength 1\n  covers d1\n'
        + (f"  parent u{i - 1}\n" if i else "")
        + "  final\n}\n"
        for i in range(600)
    )
    plan = tmp_path / "plan"
    plan.mkdir()
    text = MINIMAL.read_text(encoding="utf-8").split("unit u1")[0]
    (plan / "plan.ttup").write_text(
        text + units + 'phase p "P" 2024-02-14 .. 2024-02-14 {\n  guard tps by risk\n}\n',
        encoding="utf-8",
    )
    status, output = cli("build", str(plan), "-o", str(tmp_path / "out"), "--formats", "md")
    assert status == 0, output[-2000:]
    briefing = (tmp_path / "out" / "briefing.md").read_text(encoding="utf-8")
    assert "↳ " * 599 + "Unit 599" in briefing
    assert "| Unit 0 | 1 (600) |" in briefing


# ── names that are not UTF-8 ────────────────────────────────────────────────

NOT_UTF8 = b"\xff\xfe"  # undecodable: Python holds them as lone surrogates


def _plan_named_badly(tmp_path: Path, where: str) -> bytes:
    """A plan (with one warning, so a file name is printed) under a folder, or in a
    file, whose name is not UTF-8; returns the path to give ttuplan, as bytes."""
    text = MINIMAL.read_bytes() + b'kind extra "E"\n'
    if where == "folder":
        folder = os.fsencode(tmp_path) + b"/plan" + NOT_UTF8
        os.mkdir(folder)
        with open(folder + b"/plan.ttup", "wb") as out:
            out.write(text)
        return folder
    folder = os.fsencode(tmp_path) + b"/plan"
    os.mkdir(folder)
    with open(folder + b"/plan" + NOT_UTF8 + b".ttup", "wb") as out:
        out.write(text)
    return folder


def _run_strict(args: list[bytes | str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    """The program with a strict UTF-8 stdout (as a CI log or a UTF-8 terminal has)."""
    done = subprocess.run(
        [sys.executable, "-m", "ttuplan", *args],
        capture_output=True,
        cwd=cwd,
        env={**os.environ, "PYTHONIOENCODING": "utf-8:strict", "PYTHONPATH": str(REPO)},
        timeout=120,
        check=False,
    )
    assert b"Traceback" not in done.stderr, done.stderr.decode("utf-8", "replace")
    done.stdout.decode("utf-8")  # valid UTF-8: no raw 0xFF byte either
    return done


@pytest.mark.parametrize("where", ["folder", "file"])
@pytest.mark.parametrize("output", ["text", "json", "sarif", "github"])
def test_a_plan_whose_name_is_not_utf8_in_every_report_format(
    tmp_path: Path, where: str, output: str
) -> None:
    plan = _plan_named_badly(tmp_path, where)
    done = _run_strict(["check", "--format", output, plan], cwd=tmp_path)  # paths under it
    assert done.returncode == 0, done.stderr
    if output == "sarif":
        assert b"%FF%FE" in done.stdout  # the URI names the bytes as they are
    if output in ("json", "sarif"):
        json.loads(done.stdout)


def test_json_of_a_name_that_is_not_utf8_is_utf8_in_the_c_locale(tmp_path: Path) -> None:
    """Under LC_ALL=C Python writes undecodable bytes back raw: JSON with a 0xFF byte."""
    plan = _plan_named_badly(tmp_path, "folder")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONIOENCODING"}
    done = subprocess.run(
        [sys.executable, "-m", "ttuplan", "check", "--format", "json", plan],
        capture_output=True,
        env={**env, "LC_ALL": "C"},
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.decode("utf-8"))
    assert report["plans"][0]["plan"].endswith("plan\ufffd\ufffd/plan.ttup")


@pytest.mark.parametrize("where", ["folder", "file"])
@pytest.mark.parametrize(
    "command",
    [
        ["build", "{plan}", "-o", "{out}"],
        ["graph", "{plan}"],
        ["fmt", "--check", "{plan}"],
        ["diff", "{plan}", "{plan}"],
    ],
    ids=["build", "graph", "fmt", "diff"],
)
def test_every_command_on_a_plan_whose_name_is_not_utf8(
    tmp_path: Path, where: str, command: list[str]
) -> None:
    plan = _plan_named_badly(tmp_path, where)
    out = os.fsencode(tmp_path) + b"/out" + NOT_UTF8
    args = [{"{plan}": plan, "{out}": out}.get(arg, arg) for arg in command]
    done = _run_strict(args, cwd=tmp_path)
    assert done.returncode == 0, done.stderr


# ── the working folder deleted under the run ────────────────────────────────


@pytest.mark.parametrize("output", ["sarif", "github", "json", "text"])
def test_a_report_when_the_working_folder_was_deleted(tmp_path: Path, output: str) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    plan = plan_folder(tmp_path / "plan")
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, sys, runpy; os.rmdir(os.getcwd()); sys.argv = ['ttuplan', *sys.argv[1:]]; "
            "runpy.run_module('ttuplan', run_name='__main__')",
            "check",
            "--format",
            output,
            str(plan),
        ],
        capture_output=True,
        cwd=gone,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=120,
        check=False,
    )
    assert b"Traceback" not in done.stderr, done.stderr.decode()
    assert done.returncode == 0, done.stderr.decode()


def test_a_folder_nobody_may_read_among_plans_is_named_not_skipped(
    tmp_path: Path, locked: Callable[[Path], None]
) -> None:
    """`check plans/`: a plan under a folder that cannot be searched was passed over in
    silence, and the run said it was clean."""
    plan_folder(tmp_path / "plans" / "open")
    plan_folder(tmp_path / "plans" / "closed")
    locked(tmp_path / "plans" / "closed")
    status, output = cli("check", str(tmp_path / "plans"))
    assert status == 2, output
    assert "plans/open/plan.ttup: no problems" in output
    assert f"ttuplan: error: cannot search {tmp_path / 'plans' / 'closed'}: Permission denied" in (
        output
    )


def test_fmt_names_a_folder_it_cannot_search(
    tmp_path: Path, locked: Callable[[Path], None]
) -> None:
    _messy(tmp_path / "closed")
    locked(tmp_path / "closed")
    status, output = cli("fmt", "--check", str(tmp_path))
    assert status == 2, output
    assert f"ttuplan: error: cannot search {tmp_path / 'closed'}: Permission denied" in output
