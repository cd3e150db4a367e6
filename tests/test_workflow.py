"""The version-control workflow: diff, graph, init, and the pre-commit hooks file."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.conftest import REPO, SAMPLE_PLAN, Golden
from ttuplan.cli import main

DIFF = REPO / "tests" / "fixtures" / "diff"
GOLDENS = REPO / "tests" / "goldens"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def test_diff_of_known_changes_text_golden(golden: Golden) -> None:
    result = run("diff", str(DIFF / "old"), str(DIFF / "new"))
    assert result.exit_code == 1
    assert "beta: polsek_beta -> polsek_alfa" in result.stdout  # the district moved
    assert "rayon_uji from polres: 3 -> 1 (-2)" in result.stdout  # the reserve cut
    assert "- polres -> brimob (pemungutan)" in result.stdout  # the edge removed
    assert result.stdout.endswith("1 escalation edge removed\n")
    golden(GOLDENS / "diff.txt", result.stdout)


def test_diff_of_known_changes_json_golden(golden: Golden) -> None:
    result = run("diff", str(DIFF / "old"), str(DIFF / "new"), "--format", "json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["changed"] is True
    assert document["coverage"] == [
        {"district": "beta", "before": ["polsek_beta"], "after": ["polsek_alfa"]}
    ]
    golden(GOLDENS / "diff.json", result.stdout)


@pytest.mark.parametrize(
    "plan", [SAMPLE_PLAN, DIFF / "old", REPO / "tests" / "contract"], ids=lambda p: p.name
)
def test_diff_of_a_plan_with_itself_reports_nothing(plan: Path) -> None:
    result = run("diff", str(plan), str(plan))
    assert result.exit_code == 0
    assert result.stdout == "no change to the deployment\n"


def test_diff_refuses_plans_with_errors_and_bad_arguments() -> None:
    broken = REPO / "tests" / "fixtures" / "diagnostics" / "TP201-undefined-name"
    assert run("diff", str(broken), str(DIFF / "old")).exit_code == 2
    assert run("diff", str(DIFF / "old")).exit_code == 2
    assert run("diff", str(DIFF / "old"), str(REPO / "nowhere")).exit_code == 2


def test_diff_against_a_git_revision(tmp_path: Path) -> None:
    shutil.copytree(DIFF / "old", tmp_path / "plan")

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    git("init", "-q")
    git("-c", "user.email=t@t", "-c", "user.name=t", "add", ".")
    git("-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "old")
    shutil.copy(DIFF / "new" / "plan.ttup", tmp_path / "plan" / "plan.ttup")
    result = run("diff", "--git", "HEAD", str(tmp_path / "plan"))
    assert result.exit_code == 1, result.output
    assert "beta: polsek_beta -> polsek_alfa" in result.stdout
    assert run("diff", "--git", "no-such-rev", str(tmp_path / "plan")).exit_code == 2


def test_diff_against_a_revision_before_the_plan_file_existed(tmp_path: Path) -> None:
    (tmp_path / "plan").mkdir()
    (tmp_path / "plan" / "README.md").write_text("The plan comes next.\n")

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    git("init", "-q")
    git("-c", "user.email=t@t", "-c", "user.name=t", "add", ".")
    git("-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "a folder, no plan yet")
    shutil.copy(DIFF / "new" / "plan.ttup", tmp_path / "plan" / "plan.ttup")
    result = run("diff", "--git", "HEAD", str(tmp_path / "plan"))
    assert result.exit_code == 2
    assert result.stderr == "ttuplan: error: plan/plan.ttup did not exist at HEAD\n"


def test_graph_goldens(golden: Golden) -> None:
    for name, args in {
        "graph.mmd": [],
        "graph.dot": ["--format", "dot"],
        "graph-focus.mmd": ["--focus", "polsek_insana"],
        "graph-hierarchy.dot": ["--hierarchy", "--format", "dot"],
    }.items():
        result = run("graph", str(SAMPLE_PLAN), *args)
        assert result.exit_code == 0, result.output
        golden(GOLDENS / name, result.stdout)


def test_graph_highlights_loops_and_dead_ends() -> None:
    fixtures = REPO / "tests" / "fixtures" / "diagnostics"
    looped = run("graph", str(fixtures / "TP501-escalation-cycle")).stdout
    assert looped.count(":::cycle") == 3
    dead = run("graph", str(fixtures / "TP502-dead-end"), "--format", "dot").stdout
    assert '"u2" [label="Unit Dua", style=filled, fillcolor="#fde7c8"' in dead


def test_graph_escapes_labels() -> None:
    from ttuplan.graph import Drawing, Edge, dot, mermaid

    drawing = Drawing(
        nodes=(("a", 'Pos "A" <b>#1</b>', ""), ("b", "B\\", "final")),
        edges=(Edge("a", "b", ("p",)),),
    )
    assert '["Pos #quot;A#quot; #lt;b#gt;#35;1#lt;/b#gt;"]' in mermaid(drawing, {"p": 'P"'})
    assert '-. "P#quot;" .->' in mermaid(drawing, {"p": 'P"'})
    assert '[label="Pos \\"A\\" <b>#1</b>"]' in dot(drawing, {}, "T")
    assert '[label="B\\\\", peripheries=2]' in dot(drawing, {}, "T")


def test_graph_focus_on_an_unknown_unit_suggests_one() -> None:
    result = run("graph", str(SAMPLE_PLAN), "--focus", "polsek_insan")
    assert result.exit_code == 2 and "did you mean `polsek_insana`?" in result.stderr


def test_graph_of_a_plan_that_is_not_there(tmp_path: Path) -> None:
    result = run("graph", str(tmp_path / "nowhere"))
    assert result.exit_code == 2
    assert result.stderr == f"ttuplan: error: no such file or folder: {tmp_path / 'nowhere'}\n"


def test_graph_of_a_plan_that_does_not_parse_says_why_and_draws_nothing() -> None:
    result = run(
        "graph", str(REPO / "tests" / "fixtures" / "diagnostics" / "TP101-unexpected-token")
    )
    assert result.exit_code == 1
    assert result.stdout.startswith("error[TP101]: unexpected label")
    assert "graph BT" not in result.stdout


def test_init_makes_a_plan_that_checks_clean_and_is_formatted(tmp_path: Path) -> None:
    folder = tmp_path / "polres_baru"
    result = run("init", str(folder), "--title", 'Renpam "Pemilu" 2029')
    assert result.exit_code == 0
    assert run("check", "--strict", str(folder)).exit_code == 0
    assert run("fmt", "--check", str(folder)).exit_code == 0
    assert 'plan rencana_baru "Renpam \\"Pemilu\\" 2029" {' in (folder / "plan.ttup").read_text()
    again = run("init", str(folder))
    assert again.exit_code == 2 and "already has a plan.ttup" in again.stderr


def test_check_of_a_folder_checks_every_plan_below_it() -> None:
    result = run("check", str(DIFF))
    assert result.exit_code == 0
    assert result.stdout.count("no problems") == 2


def test_pre_commit_hooks_run_ttuplan() -> None:
    hooks = (REPO / ".pre-commit-hooks.yaml").read_text()
    assert "- id: ttuplan-check\n" in hooks and "  entry: ttuplan check\n" in hooks
    assert "- id: ttuplan-fmt\n" in hooks and "  entry: ttuplan fmt --check\n" in hooks
    assert "  args: [plans]\n" in hooks
