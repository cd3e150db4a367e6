"""The README stays true: its commands are what CI runs, its language tour parses, its Python
example runs."""

from __future__ import annotations

import re

import pytest

from tests.conftest import REPO
from ttuplan.parse import parse
from ttuplan.syntax import build

README = (REPO / "README.md").read_text(encoding="utf-8")


def code_blocks() -> list[str]:
    return re.findall(r"```[a-z]*\n(.*?)```", README, flags=re.S)


def test_readme_starts_with_exactly_two_setup_commands() -> None:
    first = README.split("\n\n")[1]
    commands = code_blocks()[0].strip().splitlines()
    assert first.startswith("```sh")
    assert len(commands) == 2
    assert commands[0].endswith("ttuplan check plans/ttu-pemilu-2024")
    assert commands[1].endswith("python -m pytest")


def test_ci_runs_the_readme_test_command() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    test_command = code_blocks()[0].strip().splitlines()[1]
    assert re.search(
        r"grep -m1 -E '\^python3 -m venv \.venv && \.venv/bin/pip install -e' README.md", ci
    )
    assert test_command.startswith("python3 -m venv .venv && .venv/bin/pip install -e")


def test_the_language_tour_parses_and_builds() -> None:
    tour = next(block for block in code_blocks() if block.startswith("plan pemilu_2024"))
    result = parse(tour, "README.md")
    assert result.diagnostics == ()
    _, problems = build(result.tree, "README.md")
    assert problems == ()


def test_the_python_api_example_runs(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    example = next(block for block in code_blocks() if block.startswith("from ttuplan import"))
    monkeypatch.chdir(REPO)
    exec(compile(example, "README.md", "exec"), {})
    assert capsys.readouterr().out == "0 0\n"  # the sample plan: no errors, no warnings
