"""Crews and places: a post's people split into crews, one per shift, and every place of
a deployment numbered per unit in its phase, with the person placed on it if any.

The roster (ttuplan.check.roster) and the documents, when a plan has no personnel
table, number places the same way. Standard library only.
"""

from __future__ import annotations

from collections import defaultdict

from ttuplan import model as m
from ttuplan.deployment import Deployment, Member, PhaseDeployment, Roster
from ttuplan.duties import shifts_of

Placed = dict[tuple[str, str, str, str], list[m.Person | None]]  # (phase, where, shift, unit)

# Polri ranks, junior to senior (Perkap; domain notes): the leader of a crew is its most
# senior member. A rank not in the list counts below every listed one.
RANKS = (
    "bharada", "bharatu", "bharaka", "abripda", "abriptu", "abrip",
    "bripda", "briptu", "brigpol", "bripka", "aipda", "aiptu",
    "ipda", "iptu", "akp", "kompol", "akbp", "kombes",
    "brigjen", "irjen", "komjen", "jenderal",
)  # fmt: skip
_RANK = {rank: index for index, rank in enumerate(RANKS)}


def seniority(person: m.Person) -> int:
    """The person's rank in the order of RANKS; -1 for a rank not in it."""
    return _RANK.get(person.rank.strip().lower().replace(".", ""), -1)


def staff_of(phase: PhaseDeployment) -> dict[str, list[tuple[str, str, int]]]:
    """Each post's (force, unit, people), in the order they staff it."""
    found: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    for assignment in phase.assignments:
        found[assignment.post].append((assignment.force, assignment.unit, assignment.people))
    return found


def crews(
    need: tuple[tuple[str, int], ...], staff: list[tuple[str, str, int]], shifts: int
) -> list[dict[str, int]]:
    """A post's people in crews, one per shift: each crew gets its complement of each
    force, the units of the force in the order they staff the post."""
    crews: list[dict[str, int]] = [defaultdict(int) for _ in range(shifts)]
    for force, per_shift in need:
        units = [unit for f, unit, _ in staff if f == force]
        left = [people for f, _, people in staff if f == force]
        cursor = 0
        for crew in crews:
            wanted = per_shift
            while wanted and cursor < len(units):
                take = min(wanted, left[cursor])
                crew[units[cursor]] += take
                wanted -= take
                left[cursor] -= take
                if not left[cursor]:
                    cursor += 1
    return crews


def numbered(plan: m.Plan, deployment: Deployment, placed: Placed | None = None) -> Roster:
    """Every place of the deployment, numbered per unit in its phase, crews in shift order,
    with the person `placed` on it (none: numbered places only)."""
    placed = placed or {}
    listed = {p.unit for p in plan.personnel}
    phases = {p.name: p for p in plan.phases}
    posts: dict[tuple[str, str], list[Member]] = defaultdict(list)
    holds: dict[tuple[str, str], list[Member]] = defaultdict(list)
    for phase_deployment in deployment.phases:
        phase = phases[phase_deployment.phase]
        numbers = _Numbers(phase.name, placed, listed)
        shifts = shifts_of(plan, phase) or (None,)
        for hold in phase_deployment.holds:
            holds[(phase.name, hold.holder)].extend(
                numbers.take(hold.holder, "", hold.unit, hold.people)
            )
        by_post = staff_of(phase_deployment)
        for post in phase_deployment.posts:
            teams = crews(post.need, by_post.get(post.id, []), len(shifts))
            for shift, crew in zip(shifts, teams, strict=True):
                name = shift.name if shift else ""
                team = [x for unit, n in crew.items() for x in numbers.take(post.id, name, unit, n)]
                posts[(phase.name, post.id)].extend(_lead(team))
    return Roster(
        posts={k: tuple(v) for k, v in posts.items()},
        holds={k: tuple(v) for k, v in holds.items()},
    )


class _Numbers:
    """Hands out one phase's places, numbered per unit, with the people placed on them."""

    def __init__(self, phase: str, placed: Placed, listed: set[str]) -> None:
        self.phase, self.placed, self.listed = phase, placed, listed
        self.counters: dict[str, int] = defaultdict(int)

    def take(self, where: str, shift: str, unit: str, count: int) -> list[Member]:
        people = self.placed.get((self.phase, where, shift, unit), [])
        found = []
        for index in range(count):
            self.counters[unit] += 1
            person = people[index] if index < len(people) else None
            found.append(
                Member(
                    unit=unit,
                    number=self.counters[unit],
                    shift=shift,
                    person=person,
                    unnamed=person is None and unit in self.listed,
                )
            )
        return found


def _lead(team: list[Member]) -> list[Member]:
    """The crew with its leader marked: the most senior named member (a `leader` of the
    table first among equals, then the first listed); none when nobody is named."""
    ranked = [
        (seniority(x.person), x.person.leader, -index, index)
        for index, x in enumerate(team)
        if x.person is not None
    ]
    if not ranked:
        return team
    best = max(ranked)[3]
    return [x._replace(leader=index == best) for index, x in enumerate(team)]
