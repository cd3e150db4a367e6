"""Reviewing a change: `diff` as a pull-request comment (Markdown, split under GitHub's
limit), GitHub annotations of the new diagnostics, and who moved on the rosters."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.conftest import REPO, SAMPLE_PLAN, Golden
from ttuplan.cli import main

GOLDENS = REPO / "tests" / "goldens" / "review"
DIFF = REPO / "tests" / "fixtures" / "diff"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def sample_change(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    """The sample plan before and after a realistic change: Polsek Insana loses 5 people
    and the Insana rayon post moves north-east into Insana Barat. Paths relative to the
    working folder, as a CI step gives them."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(SAMPLE_PLAN, tmp_path / "base")
    new = tmp_path / "plans" / "ttu-pemilu-2024"
    shutil.copytree(SAMPLE_PLAN, new)
    units = (new / "units.ttup").read_text(encoding="utf-8")
    moved = units.replace("  strength 54\n", "  strength 49\n").replace(
        'post "Pos Rayon Insana" in insana at -9.468612, 124.699616',
        'post "Pos Rayon Insana" in insana_barat at -9.38, 124.78',
    )
    assert moved.count("\n") == units.count("\n") and moved != units
    (new / "units.ttup").write_text(moved, encoding="utf-8")
    return "base", "plans/ttu-pemilu-2024"


def test_markdown_comment_of_a_realistic_change(
    sample_change: tuple[str, str], golden: Golden
) -> None:
    result = run("diff", "--format", "markdown", *sample_change)
    assert result.exit_code == 1, result.output
    comment = result.stdout
    assert comment.startswith("<!-- ttuplan-diff plans/ttu-pemilu-2024 part 1/1 -->\n")
    # the headline: signed totals
    assert (
        "**polri strength -5 · reserve reach worst 26.0 min → 36.1 min · 26 people reassigned · "
        "2 new errors**" in comment
    )
    # the new problems the move brings, with their place
    assert "| + | error | TP406 reserve-out-of-reach | data/tps-2024.csv:334:1 |" in comment
    # per phase: Polres fills what the Polsek lost; the reach of a sangat rawan TPS
    assert "| ~ | unit `polres` | people committed | 73 | 78 | +5 |" in comment
    assert (
        "| ~ | district `insana` | `tps_5303082006_01`: nearest reserve | 8.6 min | 36.1 min |"
        in comment
    )
    assert "| ~ | rayon `rayon_2` | post | Pos Rayon Insana in insana at" in comment
    assert len(comment) < 65_536
    golden(GOLDENS / "ttu-change.md", comment)


def test_a_long_comment_is_split_into_parts_under_the_limit(
    sample_change: tuple[str, str], golden: Golden
) -> None:
    result = run("diff", "--format", "markdown", "--comment-limit", "2000", *sample_change)
    assert result.exit_code == 1, result.output
    parts = result.stdout.split("<!-- ttuplan-diff ")[1:]
    assert len(parts) >= 2
    for number, part in enumerate(parts, start=1):
        assert part.startswith(f"plans/ttu-pemilu-2024 part {number}/{len(parts)} -->\n")
        assert len("<!-- ttuplan-diff " + part) <= 2000
    # a table cut in two repeats its header in the next part
    assert "(continued)\n\n|  | where | what | before | after | change |" in result.stdout
    golden(GOLDENS / "ttu-change-split.md", result.stdout)


def test_split_parts_are_written_as_files_and_old_ones_removed(
    sample_change: tuple[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "comment"
    out.mkdir()
    (out / "part-9.md").write_text("stale", encoding="utf-8")
    result = run(
        "diff",
        "--format",
        "markdown",
        "--comment-limit",
        "2000",
        "--split",
        str(out),
        *sample_change,
    )
    assert result.exit_code == 1 and result.stdout == ""
    written = sorted(p.name for p in out.iterdir())
    assert written == [f"part-{n}.md" for n in range(1, len(written) + 1)]
    printed = run("diff", "--format", "markdown", "--comment-limit", "2000", *sample_change).stdout
    assert "\n".join((out / name).read_text(encoding="utf-8") for name in written) == printed


def test_no_change_is_a_one_line_comment_or_none() -> None:
    same = str(SAMPLE_PLAN)
    result = run("diff", "--format", "markdown", same, same)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1:] == [
        f"**ttuplan diff** `{same}`: no change to the deployment."
    ]
    skipped = run("diff", "--format", "markdown", "--skip-unchanged", same, same)
    assert skipped.exit_code == 0 and skipped.stdout == ""


def test_split_goes_with_markdown_only(tmp_path: Path) -> None:
    result = run("diff", "--split", str(tmp_path), str(SAMPLE_PLAN), str(SAMPLE_PLAN))
    assert result.exit_code == 2 and "--split goes with --format markdown" in result.output


def test_github_format_annotates_the_new_problems(sample_change: tuple[str, str]) -> None:
    result = run("diff", "--format", "github", *sample_change)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert [line.split(" ", 1)[0] for line in lines] == ["::error", "::error", "::notice"]
    assert "title=TP406 reserve-out-of-reach::site `tps_5303082006_01`" in lines[0]
    assert lines[-1].startswith("::notice title=ttuplan diff::2 reserves changed, ")


def test_diff_text_and_json_show_new_and_fixed_diagnostics(sample_change: tuple[str, str]) -> None:
    text = run("diff", *sample_change).stdout
    assert (
        "new diagnostics:\n  + error[TP406] data/tps-2024.csv:334:1: site `tps_5303082006_01`"
        in text
    )
    assert text.endswith("the new plan has 2 error(s); `ttuplan check` lists them\n")
    back = run("diff", *reversed(sample_change)).stdout
    assert "diagnostics fixed:\n  - error[TP406] data/tps-2024.csv:334:1:" in back
    data = json.loads(run("diff", "--format", "json", *sample_change).stdout)
    assert [p["code"] for p in data["diagnostics_new"]] == ["TP406", "TP406"]
    assert data["errors"] == 2 and data["diagnostics_fixed"] == []
    assert data["reach_worst"] == {"before": 26.0, "after": 36.1}


# ── diff knows people ────────────────────────────────────────────────────────


def test_diff_says_who_moved_per_post_and_shift() -> None:
    data = json.loads(run("diff", "--format", "json", str(DIFF / "old"), str(DIFF / "new")).stdout)
    moved = [p for p in data["people"] if p["nrp"] == "80010001"]
    assert moved == [
        {
            "phase": "pemungutan",
            "nrp": "80010001",
            "person": "BRIPDA Yohanes Contoh (80010001)",
            "unit": "polsek_alfa",
            "change": "moved",
            "before": ["kpu_uji/guard (pagi)"],
            "after": ["tps_a01 (pagi)"],
        }
    ]


def test_adding_a_personnel_table_is_said_and_every_name_is_added(tmp_path: Path) -> None:
    """Once "No change to the deployment": now the table and each person placed."""
    before = tmp_path / "before"
    shutil.copytree(DIFF / "old", before)
    text = (before / "plan.ttup").read_text(encoding="utf-8")
    (before / "plan.ttup").write_text(text.replace('personnel "data/personel.csv"\n', ""))
    result = run("diff", str(before), str(DIFF / "old"))
    assert result.exit_code == 1
    assert (
        "personnel table: 0 -> 4 people (added: every place on the rosters is now named, "
        "where it was numbered)\n" in result.stdout
    )
    added = "BRIPDA Yohanes Contoh (80010001) [polsek_alfa]: (none) -> kpu_uji/guard (pagi)"
    assert f"  + pemungutan     {added}\n" in result.stdout
    assert result.stdout.splitlines()[-1].startswith("personnel table added, 4 people reassigned")
    comment = run("diff", "--format", "markdown", str(before), str(DIFF / "old")).stdout
    assert "personnel table added: every roster place now named" in comment
    row = "BRIPDA Yohanes Contoh (80010001) | `polsek_alfa` | — | `kpu_uji/guard` (pagi) |"
    assert f"| + | `pemungutan` | {row}" in comment
    removed = run("diff", "--format", "json", str(DIFF / "old"), str(before))
    data = json.loads(removed.stdout)
    assert data["personnel"] == {"before": 4, "after": 0}
    assert {p["change"] for p in data["people"]} == {"dropped"}


def test_markdown_takes_no_markup_from_a_plan(tmp_path: Path) -> None:
    """A unit label and a person's name with Markdown, HTML and a table's pipe stay text."""
    before = tmp_path / "before"
    shutil.copytree(DIFF / "old", before)
    after = tmp_path / "after"
    shutil.copytree(DIFF / "new", after)
    table = after / "data" / "personel.csv"
    table.write_text(
        table.read_text(encoding="utf-8").replace(
            "Yohanes Contoh", "<img src=x onerror=alert(1)> | **Yo** [x](javascript:1)"
        ),
        encoding="utf-8",
    )
    comment = run("diff", "--format", "markdown", str(before), str(after)).stdout
    assert "<img" not in comment and "**Yo**" not in comment
    assert "](javascript" not in comment.replace("\\](javascript", "")
    assert "&lt;img src=x onerror=alert(1)&gt; \\| \\*\\*Yo\\*\\* \\[x\\](javascript:1)" in comment
    unescaped = re.compile(r"(?<!\\)\|")
    rows = [line for line in comment.splitlines() if "\\*\\*Yo" in line]
    assert any("| `pemungutan` |" in row for row in rows)  # the move (and any diagnostic)
    for row in rows:  # no pipe of the plan's cut a cell: 5 and 6 cells
        assert len(unescaped.findall(row)) == (6 if "TP609" in row else 7)


def test_a_comment_with_every_kind_of_change(tmp_path: Path) -> None:
    """Posts short (Polres cut to 1), a site reclassed, one added and one removed, the
    voting phase's muster moved, a long title cut: each in its table, with its sign."""
    after = tmp_path / "after"
    shutil.copytree(DIFF / "old", after)
    plan = (after / "plan.ttup").read_text(encoding="utf-8")
    plan = plan.replace("  strength 14\n", "  strength 1\n").replace("muster 05:00", "muster 04:30")
    plan = plan.replace('"Rencana Pengamanan Uji"', '"' + "Rencana " * 80 + '"')
    (after / "plan.ttup").write_text(plan, encoding="utf-8")
    table = after / "data" / "tps.csv"
    rows = table.read_text(encoding="utf-8").replace(
        "tps_a01,TPS 01 Desa Satu,tps,alfa,Desa Satu,kurang_rawan",
        "tps_a01,TPS 01 Desa Satu,tps,alfa,Desa Satu,rawan",
    )
    rows = rows.replace(
        "tps_b02,TPS 02 Desa Tiga,tps,beta,Desa Tiga,kurang_rawan,270,-9.501,124.521\n", ""
    )
    rows += "tps_b05,TPS 05 Desa Empat,tps,beta,Desa Empat,rawan,200,-9.505,124.525\n"
    table.write_text(rows, encoding="utf-8")
    result = run("diff", "--format", "markdown", str(DIFF / "old"), str(after))
    assert result.exit_code == 1, result.output
    comment = result.stdout
    assert "Rencana " * 40 in comment and "…" in comment  # the title, cut at 400 characters
    assert "tps now under-staffed" in comment.splitlines()[5]  # in the headline
    assert "| + | district `alfa` | tps under-staffed |  |" in comment
    assert "| ~ | site `tps_a01` | risk class | `kurang_rawan` | `rawan` |  |" in comment
    assert (
        "| + | site `tps_b05` | added |" in comment
        and "| - | site `tps_b02` | removed |" in comment
    )
    assert "| + | district `beta` | post `pemungutan/tps_b05` |  |  |  |" in comment
    assert "| - | district `alfa` | post `pemungutan/tps_a04` |  |  |  |" in comment
    assert (
        "| ~ | phase | muster | 05:00 Mapolsek masing-masing | 04:30 Mapolsek masing-masing |"
        in comment
    )
    text = run("diff", str(DIFF / "old"), str(after)).stdout
    assert (
        "sites on posts short of people (phase, site):\n  + kampanye       kpu_uji (alfa)\n" in text
    )
    back = run("diff", "--format", "markdown", str(after), str(DIFF / "old")).stdout
    assert "tps no longer under-staffed" in back


def test_no_change_in_a_plan_with_errors_says_it_still_has_them() -> None:
    contract = str(REPO / "tests" / "contract")
    result = run("diff", "--format", "markdown", contract, contract)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[1] == (
        f"**ttuplan diff** `{contract}`: no change to the deployment; the plan still has "
        "2 errors and 15 warnings."
    )


def test_a_table_past_a_thousand_rows_is_cut_and_counted() -> None:
    from ttuplan.comment import render_comment
    from ttuplan.diff import PlanDiff

    change = PlanDiff(staffing={("p", f"d{i:04d}", "polri"): (1, 2) for i in range(1_205)})
    (comment,) = render_comment(change, plan="plans/x", title="X")
    assert "| ~ | district `d0999` | polri on posts | 1 | 2 | +1 |" in comment
    assert "d1000" not in comment
    assert "| … | and 205 more rows (see `--format json`) |" in comment


def test_diff_gives_people_on_posts_in_all_and_on_duty_at_once() -> None:
    """6 TPS (2 posts of 3, 1 Polri each) in a phase of 24 hours. Adding shifts pagi and
    malam doubles the people on posts in all (2 -> 4) and leaves 2 on duty at once; a unit
    of 3 then staffs one post in both shifts and the other in one only: 3 in all, 1 on duty
    at once in the weakest shift."""
    import dataclasses
    import datetime as dt

    from tests.plans import VOTING, deploy, plan, tps, unit
    from ttuplan import model as m
    from ttuplan.diff import diff_deployments, diff_json, diff_text

    shifts = (
        m.Shift(name="pagi", start=dt.time(6), end=dt.time(18)),
        m.Shift(name="malam", start=dt.time(18), end=dt.time(6)),
    )
    before = plan(sites=tps(6), units=[unit("u", 10, ["d1"])])
    after = dataclasses.replace(before, phases=(dataclasses.replace(VOTING, shifts=shifts),))
    short = dataclasses.replace(after, units=(unit("u", 3, ["d1"]),))
    deployments = [deploy(p)[0] for p in (before, after, short)]

    change = diff_deployments(before, deployments[0], after, deployments[1])
    assert change.staffing == {("p", "d1", "polri"): (2, 4)}
    assert change.on_duty == {}  # 2 on duty at once before (one shift) and after
    change = diff_deployments(after, deployments[1], short, deployments[2])
    assert change.staffing == {("p", "d1", "polri"): (4, 3)}
    assert change.on_duty == {("p", "d1", "polri"): (2, 1)}
    assert (
        "d1                       polri         4 -> 3      (-1), on duty at once 2 -> 1 (-1)"
        in (diff_text(change))
    )
    assert diff_json(change)["on_duty"] == [
        {"phase": "p", "district": "d1", "force": "polri", "before": 2, "after": 1}
    ]
