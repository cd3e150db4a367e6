"""The version-control workflow: diff, graph, init, and the pre-commit hooks file."""

from __future__ import annotations

import json
import re
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
    assert again.exit_code == 2 and "already has data/tps.csv, districts.ttup" in again.stderr


@pytest.mark.parametrize("existing", ["districts.ttup", "units.ttup", "data/tps.csv"])
def test_init_writes_over_no_file(tmp_path: Path, existing: str) -> None:
    """Once only plan.ttup was looked for: the others were overwritten."""
    folder = tmp_path / "plan"
    (folder / existing).parent.mkdir(parents=True)
    (folder / existing).write_text("MINE\n")
    result = run("init", str(folder))
    assert result.exit_code == 2
    assert f"{folder} already has {existing}; init writes only into" in result.stderr
    assert (folder / existing).read_text() == "MINE\n"
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) == [
        existing
    ]


def test_check_of_a_folder_checks_every_plan_below_it() -> None:
    result = run("check", str(DIFF))
    assert result.exit_code == 0  # (the partial personnel table gives warnings only)
    summaries = re.findall(r"^\S+/(old|new)/plan\.ttup: ", result.stdout, flags=re.M)
    assert sorted(summaries) == ["new", "old"]


def test_pre_commit_hooks_run_ttuplan() -> None:
    hooks = (REPO / ".pre-commit-hooks.yaml").read_text()
    assert "- id: ttuplan-check\n" in hooks and "  entry: ttuplan check\n" in hooks
    assert "- id: ttuplan-fmt\n" in hooks and "  entry: ttuplan fmt --check\n" in hooks
    assert "  args: [plans]\n" in hooks


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            '"Pemungutan Suara" 2024-02-14 06:00 .. 2024-02-15 06:00',
            '"Pemungutan Suara" 2024-03-20 06:00 .. 2024-03-21 06:00',
            "period  2024-02-14 06:00 .. 2024-02-15 06:00 -> 2024-03-20 06:00 .. 2024-03-21 06:00",
        ),
        (
            'muster 05:00 "Mapolsek masing-masing"',
            'muster 04:30 "Mapolsek masing-masing"',
            "muster  05:00 Mapolsek masing-masing -> 04:30 Mapolsek masing-masing",
        ),
        (
            "  guard tps by risk\n  shift pagi 06:00 .. 18:00\n  shift malam 18:00 .. 06:00\n",
            "  guard tps by risk\n  shift pagi 06:00 .. 14:00\n  shift malam 14:00 .. 06:00\n",
            "shifts  pagi 06:00..18:00, malam 18:00..06:00 -> pagi 06:00..14:00, "
            "malam 14:00..06:00",
        ),
        (
            "  guard tps by risk\n  shift pagi 06:00 .. 18:00\n",
            "  guard tps by risk\n  shift pagi 06:00 .. 12:00\n  shift siang 12:00 .. 18:00\n",
            "shifts  pagi 06:00..18:00, malam 18:00..06:00 -> pagi 06:00..12:00, "
            "siang 12:00..18:00, malam 18:00..06:00",
        ),
    ],
    ids=["a phase moves", "the muster time changes", "a shift moves", "a shift is split"],
)
def test_diff_sees_a_change_of_time(tmp_path: Path, old: str, new: str, expected: str) -> None:
    """Each said "no change to the deployment" (a split shift needs more people per post
    now, so its staffing changes too; the others move people in time only)."""
    before = tmp_path / "before"
    shutil.copytree(REPO / "tests" / "fixtures" / "plans" / "documents", before)
    after = tmp_path / "after"
    shutil.copytree(before, after)
    text = (before / "plan.ttup").read_text(encoding="utf-8")
    text = text.replace("strength 40", "strength 90").replace("strength 14", "strength 30")
    assert old in text
    (before / "plan.ttup").write_text(text, encoding="utf-8")
    (after / "plan.ttup").write_text(text.replace(old, new), encoding="utf-8")
    result = run("diff", str(before), str(after))
    assert result.exit_code == 1, result.output
    assert f"pemungutan     {expected}\n" in result.stdout
    assert result.stdout.rstrip().endswith("1 phase retimed")
    data = json.loads(run("diff", "--format", "json", str(before), str(after)).stdout)
    assert data["changed"] and data["phases"][0]["phase"] == "pemungutan"
