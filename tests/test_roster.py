"""Duty rosters in time: posts staffed per shift, rest and duty length, named people placed
without clashes (README, "How a plan is checked")."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import SAMPLE_PLAN
from tests.plans import deploy
from ttuplan import model as m
from ttuplan.api import check_plan
from ttuplan.check import roster_solve
from ttuplan.crews import seniority
from ttuplan.deployment import Deployment
from ttuplan.diagnostics import codes
from ttuplan.duties import Duty, first_clash, shifts_of

DAY = dt.datetime(2024, 2, 1)


def shift(name: str, start: int, end: int) -> m.Shift:
    return m.Shift(name=name, start=dt.time(start), end=dt.time(end % 24))


def guard_plan(
    *,
    people: list[m.Person],
    strength: int = 20,
    shifts: tuple[m.Shift, ...] = (),
    phases: tuple[m.Phase, ...] | None = None,
    rest: int = 8 * 60,
) -> m.Plan:
    """One KPU office guarded by 2 Polri in every phase, one unit."""
    phases = phases or (
        m.Phase(name="p", label="P", start=DAY, end=DAY + dt.timedelta(days=3), shifts=shifts),
    )
    return m.Plan(
        info=m.PlanInfo(name="t", label="T", rest_minutes=rest),
        forces=(m.Force(name="polri", label="Polri"),),
        kinds=(m.Kind(name="kpu", label="KPU"),),
        risks=(m.RiskClass(name="r", label="R", rank=0),),
        districts=(m.District(name="d1", label="D1"),),
        sites=(m.Site(id="kpu", label="KPU", kind="kpu", district="d1", risk="r"),),
        units=(
            m.Unit(
                name="u", label="U", force="polri", strength=strength, covers=("d1",), final=True
            ),
        ),
        phases=phases,
        guards=(m.Guard(targets=("kpu",), by_risk=False, amounts=(("polri", 2),)),),
        personnel=tuple(people),
    )


def person(number: int, rank: str = "BRIPDA", **extra: object) -> m.Person:
    return m.Person(nrp=f"8001{number:04d}", name=f"P{number}", rank=rank, unit="u", **extra)  # type: ignore[arg-type]


def test_two_shifts_double_a_guards_people() -> None:
    one, _ = deploy(guard_plan(people=[], shifts=()))
    two, problems = deploy(
        guard_plan(people=[], shifts=(shift("pagi", 6, 18), shift("malam", 18, 6)))
    )
    assert problems == []
    assert sum(a.people for a in one.phases[0].assignments) == 2
    assert sum(a.people for a in two.phases[0].assignments) == 4  # 2 on each shift


def test_a_24_hour_guard_without_relief_is_refused() -> None:
    """The same crew on a 24-hour shift every day: it never rests."""
    _, problems = deploy(guard_plan(people=[], shifts=(shift("jaga", 6, 6),)))
    assert [d.code for d in problems] == [codes.REST_TOO_SHORT]
    _, problems = deploy(guard_plan(people=[]))  # no shifts: one duty of 72 hours
    assert [d.code for d in problems] == [codes.DUTY_TOO_LONG]


def test_rest_makes_a_roster_impossible_and_the_message_names_people_and_shifts() -> None:
    """Three people for two crews of two (pagi 06-18, malam 18-06): the third malam place
    would be taken by someone who left pagi at 18:00, with no rest."""
    people = [person(1), person(2), person(3)]
    _, problems = deploy(
        guard_plan(people=people, shifts=(shift("pagi", 6, 18), shift("malam", 18, 6)))
    )
    [problem] = problems
    assert problem.code is codes.ROSTER_INCOMPLETE
    assert problem.message.startswith("1 place of `u` has nobody in the personnel table")
    assert "`p` shift `malam`" in problem.message
    note, proof = problem.notes
    assert "P1 (80010001) within the rest of `pagi` of `p`" in note
    assert "P2 (80010002) within the rest of `pagi` of `p`" in note
    assert proof.startswith("no roster of the 3 listed fills more places")


def test_the_sample_plan_is_rostered_in_full_and_checks_clean() -> None:
    result = check_plan(str(SAMPLE_PLAN))
    assert result.diagnostics == () and result.deployment and result.deployment.roster
    places = [x for members in result.deployment.roster.posts.values() for x in members]
    assert places and all(x.person is not None for x in places if x.unit != "linmas_ttu")


# ── properties ──────────────────────────────────────────────────────────────

SETTINGS = settings(derandomize=True, deadline=None, database=None, max_examples=150)
RANKS = ("BRIPDA", "BRIPTU", "BRIGPOL", "BRIPKA", "AIPDA", "IPDA", "AKP")


@st.composite
def rostered_plans(draw: st.DrawFn) -> m.Plan:
    """One unit guarding a site in one to three phases that follow or overlap each other,
    with shift patterns or none, and a personnel table of a few people."""
    phases = []
    patterns = [
        (),
        (shift("pagi", 6, 18), shift("malam", 18, 6)),
        (shift("a", 6, 14), shift("b", 14, 22), shift("c", 22, 6)),
    ]
    for number in range(draw(st.integers(1, 3))):
        start = DAY + dt.timedelta(hours=draw(st.sampled_from((0, 6, 12, 24, 30))))
        hours = draw(st.sampled_from((12, 20, 48)))
        phases.append(
            m.Phase(
                name=f"p{number}",
                label=f"P{number}",
                start=start,
                end=start + dt.timedelta(hours=hours),
                shifts=draw(st.sampled_from(patterns)),
                duty_limit_minutes=48 * 60,
            )
        )
    people = [
        person(n, draw(st.sampled_from(RANKS)), leader=draw(st.booleans()))
        for n in range(draw(st.integers(1, 10)))
    ]
    return guard_plan(people=people, strength=draw(st.integers(2, 12)), phases=tuple(phases))


def duties_of(plan: m.Plan, deployment: Deployment) -> dict[str, list[tuple[Duty, str]]]:
    """Each person's duties from the roster, worked out here from the phases and shifts,
    with what the post does (its `duty` and shift: one guard in phases that overlap is
    one duty, done by the same people in each)."""
    phases = {p.name: p for p in plan.phases}
    what = {(d.phase, post.id): post.duty for d in deployment.phases for post in d.posts}
    found: dict[str, list[tuple[Duty, str]]] = defaultdict(list)
    assert deployment.roster is not None
    for (phase, post), members in deployment.roster.posts.items():
        by_name = {s.name: s for s in shifts_of(plan, phases[phase])}
        for member in members:
            if member.person is not None:
                duty = Duty.of(phases[phase], by_name.get(member.shift))
                found[member.person.nrp].append((duty, f"{what[(phase, post)]} {member.shift}"))
    return found


@SETTINGS
@given(p=rostered_plans())
def test_nobody_is_in_two_places_at_once_or_inside_their_rest(p: m.Plan) -> None:
    deployment, _ = deploy(p)
    for duties in duties_of(p, deployment).values():
        for index, (a, post_a) in enumerate(duties):
            for b, post_b in duties[index + 1 :]:
                if post_a == post_b:
                    continue  # the same guard in phases that overlap: one duty
                assert first_clash(a, b, p.info.rest_minutes) is None, (a, b)


@SETTINGS
@given(p=rostered_plans())
def test_a_leader_is_never_junior_to_a_member_of_the_same_crew(p: m.Plan) -> None:
    deployment, _ = deploy(p)
    assert deployment.roster is not None
    for members in deployment.roster.posts.values():
        crews: dict[str, list[object]] = defaultdict(list)
        for member in members:
            crews[member.shift].append(member)
        for crew in crews.values():
            named = [x for x in crew if x.person is not None]  # type: ignore[attr-defined]
            leaders = [x for x in named if x.leader]  # type: ignore[attr-defined]
            assert len(leaders) == (1 if named else 0)
            if leaders:
                top = seniority(leaders[0].person)  # type: ignore[attr-defined]
                assert all(seniority(x.person) <= top for x in named)  # type: ignore[attr-defined]


@SETTINGS
@given(p=rostered_plans())
def test_the_same_plan_and_table_give_the_same_roster(p: m.Plan) -> None:
    first, _ = deploy(p)
    second, _ = deploy(dataclasses.replace(p))
    assert first.roster == second.roster


def test_a_unit_resting_after_one_phase_gives_the_next_to_another_unit() -> None:
    """Unit `u` (2 people, all listed) guards the KPU through phase p1, which ends at 06:00
    when p2 begins: with 8 hours' rest nobody of `u` can take p2's two places, so the
    allocation is made again without them and the Polres-wide unit `r` takes them. Nothing
    is left unnamed, and the summary counts `u` as resting in p2, not as spare."""
    p1 = m.Phase(name="p1", label="P1", start=DAY, end=DAY + dt.timedelta(hours=12))
    p2 = m.Phase(name="p2", label="P2", start=p1.end, end=p1.end + dt.timedelta(hours=12))
    base = guard_plan(people=[person(1), person(2)], strength=2, phases=(p1, p2))
    local = dataclasses.replace(
        base.units[0], base="d1", final=False, parent="r", escalations=(m.Escalation(target="r"),)
    )
    wide = m.Unit(name="r", label="R", force="polri", strength=10, covers_all=True, final=True)
    plan = dataclasses.replace(base, units=(local, wide))  # `u` first: as local as `r`
    deployment, problems = deploy(plan)
    assert problems == []
    by_phase = {
        d.phase: sorted((a.unit, a.people) for a in d.assignments) for d in deployment.phases
    }
    assert by_phase == {"p1": [("u", 2)], "p2": [("r", 2)]}
    loads = {d.phase: {load.unit: load for load in d.loads} for d in deployment.phases}
    assert (loads["p2"]["u"].resting, loads["p2"]["u"].spare) == (2, 0)
    assert (loads["p1"]["u"].resting, loads["p2"]["r"].spare) == (0, 8)


def test_where_the_greedy_order_leaves_a_place_the_solver_fills_it() -> None:
    """Two crews of two (pagi 06-18, malam 18-06); P1 and P2 may take any shift, P3 and P4
    only `pagi` (the table's `shift` column), all of one rank. In table order P1 and P2
    would take pagi and leave malam to nobody (P1 and P2 within their rest, P3 and P4 pagi
    only); solved as a whole, P3 and P4 take pagi and P1 and P2 malam."""
    people = [person(1), person(2), person(3, shifts=("pagi",)), person(4, shifts=("pagi",))]
    plan = guard_plan(people=people, shifts=(shift("pagi", 6, 18), shift("malam", 18, 6)))
    deployment, problems = deploy(plan)
    assert problems == []
    assert deployment.roster is not None
    [members] = deployment.roster.posts.values()
    on = defaultdict(set)
    for member in members:
        assert member.person is not None
        on[member.shift].add(member.person.name)
    assert dict(on) == {"pagi": {"P3", "P4"}, "malam": {"P1", "P2"}}


@st.composite
def roster_problems(draw: st.DrawFn) -> roster_solve.Problem:
    slots = draw(st.integers(1, 4))
    people = draw(st.integers(1, 3))
    pairs = [(a, b) for a in range(slots) for b in range(a + 1, slots)]
    return roster_solve.Problem(
        counts=[draw(st.integers(0, 3)) for _ in range(slots)],
        eligible=[
            sorted(draw(st.sets(st.integers(0, people - 1), max_size=people))) for _ in range(slots)
        ],
        clashes=[pair for pair in pairs if draw(st.booleans())],
        leaders=frozenset(draw(st.sets(st.integers(0, people - 1)))),
        local=frozenset(),
        minutes=[draw(st.sampled_from((0, 720))) for _ in range(slots)],
    )


@SETTINGS
@given(problem=roster_problems())
def test_the_solver_fills_as_many_places_as_an_exhaustive_search(
    problem: roster_solve.Problem,
) -> None:
    """Against every way of giving each person a set of slots: the solver's roster keeps
    every rule and fills the most places any roster can; `least_unfilled` is a true bound."""
    slots, people = (
        len(problem.counts),
        1 + max((p for e in problem.eligible for p in e), default=0),
    )
    clash = set(problem.clashes)

    def valid(taken: tuple[frozenset[int], ...]) -> bool:
        for p, mine in enumerate(taken):
            if any(p not in problem.eligible[s] for s in mine):
                return False
            if any((a, b) in clash for a in mine for b in mine if a < b):
                return False
        return all(sum(s in mine for mine in taken) <= problem.counts[s] for s in range(slots))

    subsets = [frozenset(s for s in range(slots) if bits >> s & 1) for bits in range(1 << slots)]
    best = max(
        sum(len(mine) for mine in taken)
        for taken in itertools.product(subsets, repeat=people)
        if valid(taken)
    )
    answer = roster_solve.solve(problem)
    assert answer is not None and answer.proven and answer.crews is not None
    crews = answer.crews
    taken = tuple(frozenset(s for s in range(slots) if p in crews[s]) for p in range(people))
    assert valid(taken)
    assert sum(len(crew) for crew in crews) == best
    # the bound that spares the solver never claims more empty places than there must be
    assert roster_solve.least_unfilled(problem) <= sum(problem.counts) - best


def test_a_shortfall_the_clash_bound_explains_needs_no_solver(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two slots of 2 places that clash (a night shift and the voting day after it) and
    3 people: one place must stay empty. A roster that fills 3 is proven the best without
    asking HiGHS; one that fills 2 is not, and the solver is asked."""
    problem = roster_solve.Problem(
        counts=[2, 2],
        eligible=[[0, 1, 2], [0, 1, 2]],
        clashes=[(0, 1)],
        leaders=frozenset(),
        local=frozenset(),
        minutes=[720, 720],
    )
    assert roster_solve.least_unfilled(problem) == 1
    asked: list[int] = []
    real = roster_solve.integer_program

    def counting(*args: object, **kwargs: object) -> object:
        asked.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(roster_solve, "integer_program", counting)
    assert roster_solve.solve(problem, to_beat=3) == roster_solve.Answer(None, proven=True)
    assert asked == []
    answer = roster_solve.solve(problem, to_beat=2)
    assert asked == [1] and answer is not None and answer.crews is not None
    assert sum(map(len, answer.crews)) == 3
