"""Properties of the checks on generated plans (Hypothesis, fixed seed)."""

from __future__ import annotations

import dataclasses
from collections import defaultdict

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.plans import deploy, plan, tps, unit
from ttuplan import model as m
from ttuplan.diagnostics import codes

SETTINGS = settings(derandomize=True, deadline=None, database=None, max_examples=300)
DISTRICTS = ("d1", "d2", "d3", "d4")


@st.composite
def plans(draw: st.DrawFn) -> m.Plan:
    districts = DISTRICTS[: draw(st.integers(1, len(DISTRICTS)))]
    sites: list[m.Site] = []
    for district in districts:
        for village in ("a", "b"):
            sites += tps(draw(st.integers(0, 7)), district, village, start=len(sites) + 1)
    units = []
    for number in range(draw(st.integers(1, 5))):
        every = draw(st.booleans())
        covers = (
            []
            if every
            else draw(st.lists(st.sampled_from(districts), min_size=1, max_size=3, unique=True))
        )
        units.append(unit(f"u{number}", draw(st.integers(0, 12)), covers, covers_all=every))
    rayons = []
    if draw(st.booleans()):
        source = draw(st.sampled_from(units)).name
        rayons.append(
            m.Rayon(
                name="r",
                label="R",
                districts=districts,
                reserves=(m.Reserve(amount=draw(st.integers(0, 10)), sources=(source,)),),
                escalations=(m.Escalation(target=units[0].name),),
            )
        )
    rule = m.Rule(
        force="polri", amount=draw(st.integers(1, 3)), per=draw(st.integers(1, 4)), kind="tps"
    )
    return plan(units=units, sites=sites, districts=districts, rules=(rule,), rayons=rayons)


def shortfalls(p: m.Plan) -> dict[str, int]:
    deployment, _ = deploy(p)
    short: dict[str, int] = defaultdict(int)
    for phase in deployment.phases:
        for s in phase.shortfalls:
            short[s.district] += s.short
    return dict(short)


@SETTINGS
@given(p=plans())
def test_no_unit_is_ever_given_more_than_its_strength(p: m.Plan) -> None:
    deployment, _ = deploy(p)
    strength = {u.name: u.strength or 0 for u in p.units}
    for phase in deployment.phases:
        used: dict[str, int] = defaultdict(int)
        for assignment in phase.assignments:
            used[assignment.unit] += assignment.people
        for hold in phase.holds:
            used[hold.unit] += hold.people
        assert all(used[name] <= strength[name] for name in used)
        posts = {post.id: post for post in phase.posts}
        staffed: dict[str, int] = defaultdict(int)
        for assignment in phase.assignments:
            staffed[assignment.post] += assignment.people
        assert all(staffed[pid] <= posts[pid].need_of("polri") for pid in staffed)


@SETTINGS
@given(p=plans(), data=st.data())
def test_adding_strength_never_creates_a_shortfall(p: m.Plan, data: st.DataObject) -> None:
    index = data.draw(st.integers(0, len(p.units) - 1))
    extra = data.draw(st.integers(1, 20))
    stronger = list(p.units)
    stronger[index] = dataclasses.replace(
        stronger[index], strength=(stronger[index].strength or 0) + extra
    )
    before, after = shortfalls(p), shortfalls(dataclasses.replace(p, units=tuple(stronger)))
    assert sum(after.values()) <= sum(before.values())
    if not before:
        assert not after


@SETTINGS
@given(size=st.integers(1, 7), data=st.data())
def test_removing_an_edge_of_a_cycle_removes_the_cycle(size: int, data: st.DataObject) -> None:
    names = [f"u{i}" for i in range(size)]
    units = [
        unit(name, 1, final=False, escalations=(m.Escalation(target=names[(i + 1) % size]),))
        for i, name in enumerate(names)
    ]
    looped = plan(units=[*units, unit("polda", None)], sites=[])
    assert [d.code for d in deploy(looped)[1]].count(codes.ESCALATION_CYCLE) == 1
    cut = data.draw(st.integers(0, size - 1))
    units[cut] = dataclasses.replace(units[cut], escalations=())
    found = [d.code for d in deploy(plan(units=[*units, unit("polda", None)], sites=[]))[1]]
    assert codes.ESCALATION_CYCLE not in found
    assert found == [codes.DEAD_END]  # the unit whose edge was cut now escalates to nobody


@SETTINGS
@given(p=plans())
def test_diff_of_a_plan_with_itself_reports_nothing(p: m.Plan) -> None:
    from ttuplan.diff import diff_deployments

    deployment, _ = deploy(p)
    again, _ = deploy(p)
    change = diff_deployments(p, deployment, p, again)
    assert change.empty and change.summary() == "no change to the deployment"
