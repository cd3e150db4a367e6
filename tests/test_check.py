"""The graph checks and the allocation, on the semantics DESIGN.md states."""

from __future__ import annotations

import datetime as dt

from tests.conftest import REPO, SAMPLE_PLAN, Golden
from tests.plans import VOTING, deploy, plan, tps, unit
from ttuplan import model as m
from ttuplan.api import check_plan
from ttuplan.diagnostics import codes
from ttuplan.summary import summary_data, summary_text


def codes_of(found: list[object]) -> list[str]:
    return [d.code.id for d in found]  # type: ignore[attr-defined]


def test_seven_tps_at_1_per_3_make_posts_of_3_3_1_needing_3() -> None:
    rules = (
        m.Rule(force="polri", amount=1, per=3, kind="tps"),
        m.Rule(force="linmas", amount=6, per=3, kind="tps"),
    )
    deployment, problems = deploy(
        plan(
            units=[unit("p", 10, ["d1"]), unit("l", 20, ["d1"], force="linmas")],
            sites=tps(7),
            rules=rules,
            forces=("polri", "linmas"),
        )
    )
    assert problems == []
    [phase] = deployment.phases
    assert [len(post.sites) for post in phase.posts] == [3, 3, 1]
    assert [post.need for post in phase.posts] == [
        (("polri", 1), ("linmas", 6)),
        (("polri", 1), ("linmas", 6)),
        (("polri", 1), ("linmas", 2)),
    ]
    polri = next(line for line in phase.classes if line.force == "polri")
    assert (float(polri.by_ratio), polri.by_posts, polri.allocated) == (7 / 3, 3, 3)


def test_posts_group_by_village_in_id_order() -> None:
    sites = [*tps(2, village="b"), *tps(2, village="a", start=3)]
    deployment, _ = deploy(plan(units=[unit("p", 10, ["d1"])], sites=sites))
    assert [post.sites for post in deployment.phases[0].posts] == [
        ("tps_d1_a_003", "tps_d1_a_004"),
        ("tps_d1_b_001", "tps_d1_b_002"),
    ]


def test_the_most_local_unit_gives_people_first() -> None:
    deployment, problems = deploy(
        plan(
            districts=("d1", "d2"),
            sites=tps(6, "d1"),
            units=[unit("polres", 100, covers_all=True), unit("polsek", 1, ["d1"])],
        )
    )
    assert problems == []
    assigned = {(a.unit, a.people) for a in deployment.phases[0].assignments}
    assert assigned == {("polsek", 1), ("polres", 1)}


def test_locality_counts_districts_and_a_tie_goes_to_the_unit_declared_first() -> None:
    """`covers all` over two districts and a list of the same two are equally local."""
    deployment, problems = deploy(
        plan(
            districts=("d1", "d2"),
            sites=[*tps(3, "d1"), *tps(3, "d2")],
            units=[unit("polres", 5, covers_all=True), unit("polsek", 2, ["d1", "d2"])],
        )
    )
    assert problems == []
    assert {a.unit for a in deployment.phases[0].assignments} == {"polres"}


def test_a_unit_covers_its_base_and_reserve_units_are_never_posted() -> None:
    deployment, problems = deploy(
        plan(
            sites=tps(3),
            units=[unit("brimob", 50, ["d1"], role="reserve"), unit("polres", 5, base="d1")],
        )
    )
    assert problems == []
    assert {a.unit for a in deployment.phases[0].assignments} == {"polres"}


def test_a_shortfall_states_the_numbers_of_the_cut_and_a_unit_with_spare_people() -> None:
    _, problems = deploy(
        plan(
            sites=tps(12),
            districts=("d1", "d2"),
            units=[unit("polsek", 1, ["d1"]), unit("polres", 7, ["d2"])],
        )
    )
    [problem] = problems
    assert problem.code is codes.UNDERSTAFFED
    assert problem.message == (
        "district `d1` needs 4 polri in phase `p`; the only unit that can staff it "
        "(`polsek` 1) gives all 1: short 3"
    )
    assert problem.notes == (
        "left short in `d1`: 3 Biasa posts (p/tps_d1_v_004, p/tps_d1_v_007, p/tps_d1_v_010), "
        "3 polri missing",
    )
    assert "add `d1` to the `covers` of `polres` (7 polri spare" in (problem.help or "")


def test_reserves_are_taken_before_posts() -> None:
    rayon = m.Rayon(
        name="r",
        label="R",
        districts=("d1",),
        reserves=(m.Reserve(amount=4, sources=("polres",)),),
        escalations=(m.Escalation(target="polres"),),
    )
    _, problems = deploy(plan(sites=tps(6), units=[unit("polres", 5, ["d1"])], rayons=[rayon]))
    assert codes_of(problems) == ["TP402"]  # 5 - 4 held leaves 1 for 2 posts


def test_a_during_edge_replaces_the_unqualified_one_in_its_phase() -> None:
    early = m.Phase(
        name="k", label="K", start=dt.datetime(2024, 1, 1), end=dt.datetime(2024, 2, 11)
    )
    units = [
        unit(
            "polres",
            5,
            ["d1"],
            final=False,
            escalations=(
                m.Escalation(target="polda"),
                m.Escalation(target="brimob", during=("p",)),
            ),
        ),
        unit(
            "brimob",
            25,
            role="reserve",
            final=False,
            available_from=dt.datetime(2024, 2, 11),
            escalations=(m.Escalation(target="polda"),),
        ),
        unit("polda", None),
    ]
    assert deploy(plan(sites=tps(3), units=units, phases=(early, VOTING)))[1] == []
    # Without `during`, polres would escalate to brimob before it arrives as well.
    units[0] = unit("polres", 5, ["d1"], final=False, escalations=(m.Escalation(target="brimob"),))
    assert codes_of(deploy(plan(sites=tps(3), units=units, phases=(early, VOTING)))[1]) == ["TP504"]


def test_allocation_is_deterministic() -> None:
    first = check_plan(str(SAMPLE_PLAN)).deployment
    second = check_plan(str(SAMPLE_PLAN)).deployment
    assert first == second and first is not second


def test_sample_plan_voting_phase_numbers() -> None:
    result = check_plan(str(SAMPLE_PLAN))
    assert result.diagnostics == () and result.plan and result.deployment
    voting = summary_data(result.plan, result.deployment)["phases"][2]
    assert voting["phase"] == "pemungutan"
    polri, linmas = voting["forces"]
    assert [
        (c["label"], c["sites"], c["by_ratio"], c["by_posts"], c["allocated"])
        for c in polri["classes"]
    ] == [
        ("Kurang Rawan", 750, 250, 253, 253),
        ("Rawan", 19, 19, 19, 19),
        ("Sangat Rawan", 5, 10, 10, 10),
        ("fixed guards", 3, None, 12, 12),
    ]
    assert polri["risk_total"] == {
        "sites": 774,
        "by_ratio": 279,
        "by_posts": 282,
        "in_all": 282,
        "allocated": 282,
    }
    assert linmas["total"]["by_ratio"] == linmas["total"]["by_posts"] == 1548
    loads = {u["unit"]: u for u in voting["units"]}
    assert loads["polres"]["held"] == 50  # the three rayons' 16 + 17 + 17
    assert loads["brimob"]["posted"] == 0
    assert (
        sum(u["held"] + u["posted"] for u in voting["units"] if u["unit"] not in {"linmas_ttu"})
        == 50 + 294
    )


def test_sample_plan_summary_golden(golden: Golden) -> None:
    result = check_plan(str(SAMPLE_PLAN))
    assert result.plan and result.deployment
    text = summary_text(summary_data(result.plan, result.deployment))
    golden(REPO / "tests" / "goldens" / "ttu-summary.txt", text)


def test_contract_example_checks_with_only_the_duty_limit_it_predates() -> None:
    """DESIGN.md's example, as written: its quiet period (three days) and voting phase
    (06:00 .. 12:00 the next day), guarded without shifts, are duties of 72 and 30 hours,
    which issue 12 made errors unless shifts relieve them or the phase allows it (`duty
    limit 30h`); nothing else is wrong with it."""
    result = check_plan(str(REPO / "tests" / "contract"))
    assert [d.code.id for d in result.diagnostics if d.is_error] == ["TP607", "TP607"]
    assert {d.code.id for d in result.diagnostics} == {"TP203", "TP403", "TP607"}


def test_the_bottleneck_is_the_min_cut_not_only_the_covering_units() -> None:
    """d1 is short. `a` covers it but sends its people to d2, which `b` covers too: one more
    person in `b` would free one of `a`'s for d1, so `b` limits d1 as well. `c` (busy in d3,
    unconnected) does not."""
    from ttuplan.check.allocate import _deficient_side

    covering = {"d1": ["a"], "d2": ["a", "b"], "d3": ["c"]}
    sends = {"a": {"d2"}, "b": {"d2"}, "c": {"d3"}}
    assert _deficient_side("d1", covering, sends) == ({"d1", "d2"}, {"a", "b"})
    assert _deficient_side("d3", covering, sends) == ({"d3"}, {"c"})
    # A unit that gives d2 nothing opens no path from d1 to d2's other units.
    assert _deficient_side("d1", covering, {"b": {"d2"}, "c": {"d3"}}) == ({"d1"}, {"a"})


def test_the_fast_paths_build_the_same_tuples_as_the_keyword_factories() -> None:
    """Posts and assignments are built as bare tuples in hot loops, in `_fields` order:
    they must equal the values the keyword constructors make, field by field."""
    from ttuplan.deployment import Assignment, Post, make_post

    assert Post._fields == (
        "id", "phase", "district", "village", "kind", "risk", "rank", "sites", "need",
        "shifts", "duty", "span",
    )  # fmt: skip
    assert Assignment._fields == ("post", "unit", "force", "people")
    deployment, _ = deploy(plan(sites=tps(7), units=[unit("p", 2, ["d1"])]))
    [phase] = deployment.phases
    for post in phase.posts:
        rebuilt = make_post(**post._asdict())
        assert rebuilt == post and tuple(rebuilt) == tuple(post)
    for assignment in phase.assignments:
        assert Assignment(**assignment._asdict()) == assignment
