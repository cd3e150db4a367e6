"""Who fills each place on a roster: named people from the personnel table, or numbered slots.

Per phase, in plan order, each unit's people (in the order of the table) fill first its
places in reserves, then its places on posts in staffing order. A person on duty in a
phase is not available to any phase overlapping it, so nobody is in two places at once.
A unit without people in the table gets numbered slots; a unit with too few gets its
people, then places still to be named.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ttuplan import model as m
from ttuplan.deployment import Deployment
from ttuplan.domain import phases_overlap


@dataclass(frozen=True, slots=True)
class Member:
    """One place on a roster: a named person, a numbered slot, or a place to be named."""

    unit: str
    number: int  # the place's number within its unit in this phase, from 1
    person: m.Person | None = None
    unnamed: bool = False  # the unit has people in the table, but too few for this place


@dataclass(frozen=True, slots=True)
class Members:
    """Every phase's places: on posts (by post id) and in reserves (by holder and unit)."""

    posts: dict[tuple[str, str], tuple[Member, ...]]  # (phase, post id) -> members
    holds: dict[tuple[str, str], tuple[Member, ...]]  # (phase, holder) -> members

    def on_post(self, phase: str, post: str) -> tuple[Member, ...]:
        return self.posts.get((phase, post), ())

    def in_reserve(self, phase: str, holder: str) -> tuple[Member, ...]:
        return self.holds.get((phase, holder), ())


class _Places:
    """Hands out one phase's places, unit by unit, from the people free in that phase."""

    def __init__(
        self,
        phase: m.Phase,
        free: dict[str, list[m.Person]],
        listed: set[str],
        on_duty: dict[str, list[str]],
    ) -> None:
        self.phase, self.free, self.listed, self.on_duty = phase, free, listed, on_duty
        self.counters: dict[str, int] = defaultdict(int)

    def take(self, unit: str, count: int) -> list[Member]:
        found = []
        for _ in range(count):
            self.counters[unit] += 1
            queue = self.free.get(unit, [])
            person = queue.pop(0) if queue else None
            if person is not None:
                self.on_duty[person.nrp].append(self.phase.name)
            found.append(
                Member(
                    unit=unit,
                    number=self.counters[unit],
                    person=person,
                    unnamed=person is None and unit in self.listed,
                )
            )
        return found


def assign_members(plan: m.Plan, deployment: Deployment) -> Members:
    people: dict[str, list[m.Person]] = defaultdict(list)
    for person in plan.personnel:
        people[person.unit].append(person)
    phases = {p.name: p for p in plan.phases}
    on_duty: dict[str, list[str]] = defaultdict(list)  # nrp -> phases worked
    posts: dict[tuple[str, str], list[Member]] = defaultdict(list)
    holds: dict[tuple[str, str], list[Member]] = defaultdict(list)
    for phase_deployment in deployment.phases:
        phase = phases[phase_deployment.phase]
        free = {
            unit: [
                p
                for p in roster
                if not any(phases_overlap(phases[w], phase) for w in on_duty[p.nrp])
            ]
            for unit, roster in people.items()
        }
        places = _Places(phase, free, set(people), on_duty)
        for hold in phase_deployment.holds:
            holds[(phase.name, hold.holder)].extend(places.take(hold.unit, hold.people))
        for assignment in phase_deployment.assignments:
            posts[(phase.name, assignment.post)].extend(
                places.take(assignment.unit, assignment.people)
            )
    return Members(
        posts={k: tuple(v) for k, v in posts.items()}, holds={k: tuple(v) for k, v in holds.items()}
    )
