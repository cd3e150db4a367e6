"""The command line as users and CI meet it: exit codes, formats, colour, explain."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from tests.conftest import REPO
from ttuplan import __version__
from ttuplan.cli import main
from ttuplan.diagnostics import codes

FIXTURES = REPO / "tests" / "fixtures"
MINIMAL = FIXTURES / "plans" / "minimal"
WARNING_ONLY = FIXTURES / "diagnostics" / "TP203-unused-definition"
BROKEN = FIXTURES / "diagnostics" / "TP201-undefined-name"
SCHEMA = json.loads((REPO / "ttuplan" / "schemas" / "check.schema.json").read_text())


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env=env)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("plan", "flags", "code"),
    [
        (MINIMAL, (), 0),
        (MINIMAL / "plan.ttup", (), 0),
        (WARNING_ONLY, (), 0),
        (WARNING_ONLY, ("--strict",), 1),
        (BROKEN, (), 1),
        (FIXTURES / "nowhere", (), 2),
        (REPO / "tests" / "schemas", (), 2),  # a folder with no plan.ttup anywhere below
    ],
)
def test_exit_codes(plan: Path, flags: tuple[str, ...], code: int) -> None:
    assert run("check", str(plan), *flags)[0] == code


def test_a_folder_whose_only_plan_file_has_another_name(tmp_path: Path) -> None:
    shutil.copy(MINIMAL / "plan.ttup", tmp_path / "rencana.ttup")
    status, out, _ = run("check", str(tmp_path))
    assert status == 0
    assert out.startswith(f"{tmp_path / 'rencana.ttup'}: no problems")


def test_a_file_outside_any_plan_folder_is_checked_as_a_plan_of_its_own(tmp_path: Path) -> None:
    """No plan.ttup in its folder or any folder above it (the search ends at the root)."""
    shutil.copy(MINIMAL / "plan.ttup", tmp_path / "alone.ttup")
    status, out, _ = run("check", str(tmp_path / "alone.ttup"))
    assert status == 0
    assert out.startswith(f"{tmp_path / 'alone.ttup'}: no problems")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_plan_path_that_is_neither_a_file_nor_a_folder(tmp_path: Path) -> None:
    """A named pipe is refused unread (it would wait for a writer): TP001, exit 1."""
    os.mkfifo(tmp_path / "pipe.ttup")
    status, out, _ = run("check", str(tmp_path / "pipe.ttup"))
    assert status == 1
    assert "error[TP001]: cannot read" in out and "a named pipe, not a file" in out


SAMPLE = REPO / "plans" / "ttu-pemilu-2024"


@pytest.mark.parametrize("name", ["districts.ttup", "units.ttup"])
def test_a_file_a_plan_includes_is_checked_through_that_plan(name: str) -> None:
    """An editor checks the file being edited; the file alone has no `plan` block."""
    status, out, _ = run("check", str(SAMPLE / name))
    assert status == 0
    assert out.startswith(f"{SAMPLE / 'plan.ttup'}: no problems")


def test_files_of_one_plan_check_it_once() -> None:
    status, out, _ = run(
        "check", str(SAMPLE / "units.ttup"), str(SAMPLE / "districts.ttup"), str(SAMPLE)
    )
    assert status == 0
    assert out.count("no problems") == 1


def test_a_file_the_plan_does_not_include_is_checked_alone(tmp_path: Path) -> None:
    shutil.copytree(MINIMAL, tmp_path, dirs_exist_ok=True)
    (tmp_path / "stray.ttup").write_text('force polri "Polri"\n')
    status, out, _ = run("check", str(tmp_path / "stray.ttup"))
    assert status == 1
    assert "error[TP206]: `" in out and "stray.ttup` has no `plan` block" in out
    assert "checked through that plan" in out


def test_usage_errors_exit_2_with_a_message() -> None:
    status, _, err = run("check", str(FIXTURES / "nowhere"))
    assert status == 2 and "no such file or folder" in err
    assert run("check")[0] == 2
    assert run("check", str(MINIMAL), "--format", "xml")[0] == 2


def test_several_plans_report_each_and_exit_with_the_worst() -> None:
    status, out, _ = run("check", str(MINIMAL), str(BROKEN))
    assert status == 1
    assert "no problems" in out and "1 error" in out


def test_clean_plan_says_what_it_checked() -> None:
    status, out, _ = run("check", str(MINIMAL))
    assert status == 0
    assert out.endswith("plan.ttup: no problems (1 site, 1 unit, 0 rayons, 0 phases)\n")


def test_json_follows_its_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BROKEN)
    status, out, _ = run("check", "plan.ttup", str(MINIMAL), "--format", "json")
    assert status == 1
    document = json.loads(out)
    jsonschema.validate(document, SCHEMA)
    assert document["version"] == __version__
    first = document["plans"][0]
    assert first["errors"] == 1 and first["warnings"] == 0
    diagnostic = first["diagnostics"][0]
    assert diagnostic["code"] == "TP201"
    assert diagnostic["location"] == {
        "file": "plan.ttup",
        "line": 18,
        "column": 14,
        "end_line": 18,
        "end_column": 16,
    }
    assert document["plans"][1]["diagnostics"] == []


def test_every_fixture_gives_schema_valid_json() -> None:
    for folder in sorted((FIXTURES / "diagnostics").iterdir()):
        _, out, _ = run("check", str(folder), "--format", "json")
        jsonschema.validate(json.loads(out), SCHEMA)


def test_colour_only_when_asked_or_on_a_terminal_and_never_with_no_color() -> None:
    plain = run("check", str(BROKEN))[1]
    assert "\x1b[" not in plain  # CliRunner is not a terminal
    coloured = run("check", str(BROKEN), "--color", "always", env={"NO_COLOR": ""})[1]
    assert "\x1b[1;31merror" in coloured
    assert "\x1b[" not in run("check", str(BROKEN), "--color", "always", env={"NO_COLOR": "1"})[1]


def test_long_diagnostic_lists_are_capped() -> None:
    folder = FIXTURES / "diagnostics" / "TP308-too-many-bad-rows"
    out = run("check", str(folder), "--max-diagnostics", "3")[1]
    assert out.count("error[TP302]") == 3
    assert "... and 38 more (show them with --max-diagnostics 41)" in out


def test_explain_prints_the_long_explanation() -> None:
    status, out, _ = run("explain", "TP104")
    assert status == 0
    assert out.startswith("TP104 unclosed-block (error, syntax)")
    assert codes.UNCLOSED_BLOCK.explanation in out
    assert run("explain", "undefined-name")[1].startswith("TP201")


def test_explain_lists_every_code_and_refuses_unknown_ones() -> None:
    out = run("explain")[1]
    assert all(code.id in out for code in codes.ALL_CODES)
    status, _, err = run("explain", "TP1090")
    assert status == 2 and "did you mean TP109?" in err


def test_version() -> None:
    assert run("--version")[1] == f"ttuplan, version {__version__}\n"


def test_python_dash_m_runs_the_same_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ttuplan", "check", str(BROKEN)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "error[TP201]" in done.stdout


def test_the_program_saves_coverage_data_although_it_exits_without_teardown(
    tmp_path: Path,
) -> None:
    """`entry` ends with os._exit, which skips the exit handler where coverage saves."""
    import coverage

    env = {k: v for k, v in os.environ.items() if not k.startswith("COVERAGE_")}
    data = tmp_path / "data"
    measure = [sys.executable, "-m", "coverage", "run", f"--data-file={data}", "--branch"]
    done = subprocess.run(
        [*measure, "-m", "ttuplan", "check", str(BROKEN)],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,  # no configuration file of ours: coverage's defaults
        env=env,
    )
    assert done.returncode == 1, done.stderr
    assert data.exists(), "no coverage data saved"
    measured = coverage.CoverageData(basename=str(data))
    measured.read()
    [resolve] = [f for f in measured.measured_files() if f.endswith("resolve/names.py")]
    assert measured.lines(resolve)  # code that only the check ran, after start-up


def test_the_program_freezes_what_the_pipeline_made_and_collects_after(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`entry` (the `ttuplan` program) sets FREEZE_AFTER: the collector is off while the
    plan is read and checked, then what that made is frozen and the collector is on again
    for rendering. A library call (FREEZE_AFTER unset) freezes nothing."""
    import gc

    from ttuplan import gcpause
    from ttuplan.api import check_plan

    assert gc.isenabled() and gcpause.FREEZE_AFTER is False
    check_plan(str(SAMPLE))
    assert gc.get_freeze_count() == 0
    monkeypatch.setattr(gcpause, "FREEZE_AFTER", True)
    try:
        check_plan(str(SAMPLE))
        assert gc.isenabled() and gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_checking_an_included_file_parses_each_file_of_its_plan_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`ttuplan check units.ttup` finds the plan that includes it (parsing it) and checks
    that plan: each file is parsed once, not once to find the plan and again to check it."""
    from ttuplan.resolve import files

    parsed: list[str] = []
    real_parse = files.parse

    def counting(text: str, path: str) -> object:
        parsed.append(os.path.basename(path))
        return real_parse(text, path)

    monkeypatch.setattr(files, "parse", counting)
    monkeypatch.chdir(REPO)
    result = CliRunner().invoke(main, ["check", "plans/ttu-pemilu-2024/units.ttup"])
    assert result.exit_code == 0, result.output
    assert sorted(parsed) == ["districts.ttup", "plan.ttup", "units.ttup"]
    assert files._PARSED_TO_FIND == {}  # all taken by the check
