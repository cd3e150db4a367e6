"""Allocation you can trust: one model of time, the most severe posts first, shortfalls
explained by the real cut (README, "How a plan is checked").

Each plan under fixtures/allocation states its hand computation in its header comment;
its `# expect:` markers say exactly which diagnostics it gives (none where there are
none), and the tests below check the figures the comment works out.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import shutil
from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import REPO
from tests.plans import deploy
from tests.test_fixtures import expectations
from ttuplan import model as m
from ttuplan.api import CheckResult, check_plan
from ttuplan.deployment import Deployment
from ttuplan.diagnostics import codes
from ttuplan.summary import summary_data, summary_text

FIXTURES = Path(__file__).parent / "fixtures" / "allocation"


def checked(name: str) -> CheckResult:
    return check_plan(str(FIXTURES / name))


def folders() -> list[Path]:
    return sorted(p for p in FIXTURES.iterdir() if p.is_dir())


@pytest.mark.parametrize("folder", folders(), ids=lambda p: p.name)
def test_each_plan_reports_exactly_what_it_marks(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(folder)
    result = check_plan("plan.ttup")
    found = sorted((d.code.id, d.span.file, str(d.span.line)) for d in result.diagnostics if d.span)
    assert found == sorted(expectations(folder).elements())


def out_at_once(plan: m.Plan, deployment: Deployment) -> dict[tuple[str, dt.datetime], int]:
    """People each unit has out at each phase boundary and between: posts and holds of
    every phase in force, a duty or reserve shared by phases that overlap counted once.
    Worked out here from the deployment alone, independently of the allocator."""
    phases = {p.name: p for p in plan.phases if p.start < p.end}
    moments = sorted({t for p in phases.values() for t in (p.start, p.end)})
    found: dict[tuple[str, dt.datetime], int] = defaultdict(int)
    for start in moments[:-1]:
        live = [
            p for p in deployment.phases if phases[p.phase].start <= start < phases[p.phase].end
        ]
        duties: dict[tuple[str, str], int] = {}
        for phase in live:
            duty_of = {post.id: post.duty for post in phase.posts}
            per_duty: dict[tuple[str, str], int] = defaultdict(int)
            for a in phase.assignments:
                per_duty[(a.unit, duty_of[a.post])] += a.people
            for hold in phase.holds:
                per_duty[(hold.unit, "hold " + hold.duty)] += hold.people
            for key, people in per_duty.items():
                duties[key] = max(duties.get(key, 0), people)
        for (unit, _), people in duties.items():
            found[(unit, start)] += people
    return found


def test_overlapping_phases_are_counted_per_interval() -> None:
    result = checked("no-false-overcommit")
    assert result.diagnostics == () and result.plan and result.deployment
    out = out_at_once(result.plan, result.deployment)
    assert max(out.values()) == 6  # never 12, nor 18 with the operation-wide phase
    assert {load.peak for p in result.deployment.phases for load in p.loads} == {6}


def test_the_allocator_never_overcommits_a_unit_another_could_relieve() -> None:
    result = checked("shared-unit-over-time")
    assert result.diagnostics == () and result.plan and result.deployment
    strength = {u.name: u.strength or 0 for u in result.plan.units}
    out = out_at_once(result.plan, result.deployment)
    assert all(people <= strength[unit] for (unit, _), people in out.items())
    for phase in result.deployment.phases:
        staffed = sum(a.people for a in phase.assignments)
        assert staffed == 4  # every post of both phases
    given = defaultdict(int)
    for phase in result.deployment.phases:
        for a in phase.assignments:
            given[a.unit] += a.people
    assert given == {"polsek": 4, "polres": 4}  # the local unit first, within its 4


@pytest.mark.parametrize("covers", ["d1, d2", "d2, d1"])
def test_the_most_severe_posts_are_staffed_first_whatever_the_covers_order(
    covers: str, tmp_path: Path
) -> None:
    folder = tmp_path / "plan"
    shutil.copytree(FIXTURES / "severity-across-districts", folder)
    text = (folder / "plan.ttup").read_text(encoding="utf-8")
    (folder / "plan.ttup").write_text(text.replace("covers d1, d2", f"covers {covers}"))
    result = check_plan(str(folder))
    assert result.deployment
    [phase] = result.deployment.phases
    staffed = {a.post for a in phase.assignments}
    assert staffed == {"p/tps_d2_1"}  # the sangat rawan post, never d1's rawan ones
    [problem] = result.diagnostics
    assert problem.message == (
        "districts `d1` and `d2` together need 4 polri in phase `p`; the only unit that can "
        "staff them (`u` 2) gives all 2: short 2"
    )
    assert problem.notes == (
        "left short in `d1`: 2 Rawan posts (p/tps_d1_1, p/tps_d1_2), 2 polri missing",
    )


def test_remedies_name_the_window_of_an_absent_unit_and_a_unit_with_spare_people() -> None:
    [problem] = checked("absent-unit").diagnostics
    assert problem.code is codes.UNDERSTAFFED
    assert problem.message == (
        "district `d1` needs 3 polri in phase `p`; the only unit that can staff it "
        "(`polsek` 1) gives all 1: short 2"
    )
    help_text = problem.help or ""
    assert "raise the strength of `polsek` by 2" in help_text
    assert "make `bko` available for `p`" in help_text
    assert "add `d1` to the `covers` of `other` (5 polri spare at the same time)" in help_text
    assert "strength of `bko`" not in help_text
    assert any("`bko` may staff it but is not there" in label.message for label in problem.related)


def test_locality_counts_exactly_the_districts_a_unit_may_staff() -> None:
    result = checked("locality-counts-what-a-unit-staffs")
    assert result.diagnostics == () and result.deployment
    given = {(a.post, a.unit) for a in result.deployment.phases[0].assignments}
    assert given == {("p/tps_a", "polsek_a"), ("p/tps_b", "polsek_b"), ("p/tps_c", "polsek_b")}


def test_a_phase_guard_replaces_the_top_level_guard_of_its_kind() -> None:
    result = checked("phase-guard-replaces")
    assert result.diagnostics == () and result.plan and result.deployment
    kampanye, voting = result.deployment.phases
    assert [(p.sites, p.need) for p in kampanye.posts] == [
        (("gudang_d1",), (("polri", 4),)),
        (("kpu_d1",), (("polri", 4),)),
    ]
    assert [(p.sites, p.need) for p in voting.posts] == [
        (("gudang_d1",), (("polri", 4),)),
        (("kpu_d1",), (("polri", 4), ("linmas", 2))),
    ]
    summary = summary_data(result.plan, result.deployment)["phases"][1]
    polri, linmas = summary["forces"]
    assert polri["total"]["sites"] == 2 and polri["total"]["by_posts"] == 8
    assert linmas["total"]["sites"] == 1 and linmas["total"]["by_posts"] == 2


def test_the_readme_tour_checks_clean_with_one_post_per_guarded_site(tmp_path: Path) -> None:
    """The README's language tour, copied verbatim, in a folder that supplies what it
    includes and reads: no problem, and every guarded site on exactly one post."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    tour = next(
        b for b in re.findall(r"```[a-z]*\n(.*?)```", readme, flags=re.S) if b.startswith("plan ")
    )
    shutil.copytree(Path(__file__).parent / "fixtures" / "tour", tmp_path, dirs_exist_ok=True)
    (tmp_path / "plan.ttup").write_text(tour, encoding="utf-8")
    result = check_plan(str(tmp_path))
    assert result.diagnostics == (), [d.message for d in result.diagnostics]
    assert result.deployment
    for phase in result.deployment.phases:
        sites = [site for post in phase.posts for site in post.sites]
        assert len(sites) == len(set(sites)), phase.phase


def test_a_time_over_the_limit_is_never_rounded_down_to_it() -> None:
    [problem] = checked("reach-never-rounds-down").diagnostics
    assert problem.code is codes.RESERVE_OUT_OF_REACH
    assert problem.message.endswith("is 14.3 km away, 30.1 min")


def test_a_reserve_without_coordinates_makes_reach_unverifiable_and_is_named() -> None:
    [problem] = checked("reach-unlocated-rayon").diagnostics
    assert problem.code is codes.RESERVE_UNVERIFIABLE
    assert "these have none: Rayon Dua (Pos Dua)" in problem.message


def test_each_over_long_chain_is_reported_once_at_its_first_hop() -> None:
    found = checked("chains-each-once").diagnostics
    assert [d.message.rsplit(": ", 1)[1] for d in found] == [
        "a1 -> b -> c -> top",
        "a2 -> b -> c -> top",
    ]


def test_ids_are_in_natural_order() -> None:
    result = checked("natural-id-order")
    assert result.deployment
    assert [p.sites for p in result.deployment.phases[0].posts] == [
        ("tps_8", "tps_9"),
        ("tps_10", "tps_11"),
    ]


def test_the_summary_lists_districts_nobody_covers_and_counts_in_words() -> None:
    result = check_plan(
        str(REPO / "tests" / "fixtures" / "diagnostics" / "TP401-uncovered-district")
    )
    assert result.plan and result.deployment
    text = summary_text(summary_data(result.plan, result.deployment))
    assert "no polri unit covers it" in text
    assert re.search(r"\b1 posts\b", text) is None


# ── properties (Hypothesis, fixed seed) ──────────────────────────────────────

SETTINGS = settings(derandomize=True, deadline=None, database=None, max_examples=250)
BASE = dt.datetime(2024, 2, 14)
RISKS = (
    m.RiskClass(
        name="low", label="Low", rank=0, rules=(m.Rule(force="polri", amount=1, per=1, kind="tps"),)
    ),
    m.RiskClass(
        name="high",
        label="High",
        rank=1,
        rules=(m.Rule(force="polri", amount=2, per=1, kind="tps"),),
    ),
)


@st.composite
def small_plans(draw: st.DrawFn) -> m.Plan:
    """A few units, districts and phases that overlap or not; every TPS its own post."""
    districts = ("d1", "d2")[: draw(st.integers(1, 2))]
    sites = [
        m.Site(
            id=f"tps_{district}_{i}",
            label=f"TPS {i}",
            kind="tps",
            district=district,
            risk=draw(st.sampled_from(("low", "high"))),
            village=f"v{i}",
        )
        for district in districts
        for i in range(draw(st.integers(0, 2)))
    ]
    phases = []
    for number in range(draw(st.integers(1, 3))):
        start = BASE + dt.timedelta(hours=draw(st.sampled_from((0, 6, 12, 18, 24))))
        length = dt.timedelta(hours=draw(st.sampled_from((6, 12, 24))))
        phases.append(
            m.Phase(
                name=f"p{number}",
                label=f"P{number}",
                start=start,
                end=start + length,
                guards=(m.Guard(targets=("tps",), by_risk=True),),
            )
        )
    units = []
    for number in range(draw(st.integers(1, 2))):
        covers = draw(st.permutations(districts))[: draw(st.integers(1, len(districts)))]
        arrives = draw(st.sampled_from((None, 12)))
        units.append(
            m.Unit(
                name=f"u{number}",
                label=f"U{number}",
                force="polri",
                strength=draw(st.integers(0, 3)),
                covers=tuple(covers),
                final=True,
                available_from=None if arrives is None else BASE + dt.timedelta(hours=arrives),
            )
        )
    return m.Plan(
        info=m.PlanInfo(name="t", label="T"),
        forces=(m.Force(name="polri", label="Polri"),),
        kinds=(m.Kind(name="tps", label="TPS"),),
        risks=RISKS,
        districts=tuple(m.District(name=d, label=d) for d in districts),
        sites=tuple(sites),
        units=tuple(units),
        phases=tuple(phases),
    )


def objective(plan: m.Plan, deployment: Deployment) -> tuple[int, int, int]:
    """(people on high posts, people on low posts, minus the locality cost)."""
    from ttuplan.domain import locality_order

    order = locality_order(plan)
    high = low = cost = 0
    for phase in deployment.phases:
        rank = {post.id: post.rank for post in phase.posts}
        for a in phase.assignments:
            if rank[a.post] == 1:
                high += a.people
            else:
                low += a.people
            cost += order[a.unit] * a.people
    return high, low, -cost


def brute_force(plan: m.Plan) -> tuple[int, int, int]:
    """The best objective over every integer allocation (people per unit, phase, district
    and class), by exhaustive search with each unit's strength checked at every moment."""
    from ttuplan.domain import available, locality_order, staffing

    order = locality_order(plan)
    cells: dict[tuple[str, str, int], int] = defaultdict(int)
    for phase in plan.phases:
        for site in plan.sites:
            rank = 1 if site.risk == "high" else 0
            cells[(phase.name, site.district, rank)] += 2 if rank else 1
    phases = {p.name: p for p in plan.phases}
    moments = sorted({t for p in plan.phases for t in (p.start, p.end)})[:-1]
    variables = [
        (unit, cell)
        for unit in plan.units
        for cell in cells
        if cell[1] in staffing(plan)[unit.name] and available(unit, phases[cell[0]])
    ]
    best = (0, 0, 0)

    def fits(used: dict[tuple[str, str], int], unit: m.Unit) -> bool:
        for moment in moments:
            out = sum(
                people
                for (name, phase), people in used.items()
                if name == unit.name and phases[phase].start <= moment < phases[phase].end
            )
            if out > (unit.strength or 0):
                return False
        return True

    def search(
        index: int, given: dict[tuple[str, str, int], int], used: dict, score: list[int]
    ) -> None:
        nonlocal best
        if index == len(variables):
            best = max(best, (score[0], score[1], -score[2]))
            return
        unit, cell = variables[index]
        room = cells[cell] - given[cell]
        for people in range(min(room, unit.strength or 0) + 1):
            key = (unit.name, cell[0])
            used[key] = used.get(key, 0) + people
            if fits(used, unit):
                given[cell] += people
                score[1 - cell[2]] += people
                score[2] += order[unit.name] * people
                search(index + 1, given, used, score)
                given[cell] -= people
                score[1 - cell[2]] -= people
                score[2] -= order[unit.name] * people
            used[key] -= people

    search(0, defaultdict(int), {}, [0, 0, 0])
    return best


@SETTINGS
@given(p=small_plans())
def test_the_allocation_is_the_best_there_is(p: m.Plan) -> None:
    """Most severe first, then the most people, then the most local units: the same
    figures as an exhaustive search, on small plans with phases that overlap or not."""
    deployment, _ = deploy(p)
    assert objective(p, deployment) == brute_force(p)


@SETTINGS
@given(p=small_plans())
def test_no_unit_ever_has_more_out_than_its_strength(p: m.Plan) -> None:
    deployment, problems = deploy(p)
    strength = {u.name: u.strength or 0 for u in p.units}
    for (unit, _), people in out_at_once(p, deployment).items():
        assert people <= strength[unit]
    assert codes.OVERCOMMITTED_UNIT not in {d.code for d in problems}


def unstaffed(p: m.Plan) -> set[tuple[str, int]]:
    deployment, _ = deploy(p)
    found = set()
    for phase in deployment.phases:
        staffed: dict[str, int] = defaultdict(int)
        for a in phase.assignments:
            staffed[a.post] += a.people
        for post in phase.posts:
            missing = post.people_of("polri") - staffed[post.id]
            if missing:
                found.add((post.id, missing))
    return found


@SETTINGS
@given(p=small_plans(), data=st.data())
def test_the_order_of_names_never_changes_which_posts_go_unstaffed(
    p: m.Plan, data: st.DataObject
) -> None:
    """Permuting `covers` lists, or the declaration order of units that are equal but for
    their names, leaves the same posts unstaffed."""
    twin = dataclasses.replace(p.units[0], name="twin", label="Twin")
    with_twin = dataclasses.replace(p, units=(*p.units, twin))
    shuffled = [
        dataclasses.replace(u, covers=tuple(data.draw(st.permutations(u.covers))))
        for u in with_twin.units
    ]
    first = shuffled.index(next(u for u in shuffled if u.name == p.units[0].name))
    last = len(shuffled) - 1
    if data.draw(st.booleans()):
        shuffled[first], shuffled[last] = shuffled[last], shuffled[first]
    assert unstaffed(with_twin) == unstaffed(dataclasses.replace(with_twin, units=tuple(shuffled)))


def test_the_solver_prints_nothing_of_its_own(tmp_path: Path) -> None:
    """HiGHS writes a banner to standard output when used through its public class: the
    JSON report of a plan whose phases overlap must still be JSON, and nothing else."""
    import json
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "ttuplan", "check", "--format", "json", "shared-unit-over-time"],
        cwd=FIXTURES,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["plans"][0]["errors"] == 0
    assert done.stderr == ""
