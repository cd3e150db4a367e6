"""Named rostering: who fills each place, per shift, from the personnel table.

Each post's people are split into crews, one per shift (units in the order they staff
the post); each reserve's people stand by for the whole phase (`ttuplan.crews`). A
unit's places are then given to the unit's people in time order, each place to the
person who (1) is free: not on another duty at the same time; between two duties at
posts, rested at least the plan's `rest`; and on one of the shifts the table's `shift`
column gives, if it gives any; (2) may lead, while the crew has nobody who may (the
table's `leader` column), the least senior of those first, so that seniors stay free;
(3) lives in the post's district; (4) has been on duty the fewest hours so far; (5)
is the least senior (posts are filled from the bottom up: officers stay free to lead);
(6) comes first in the table. The crew's leader is its most senior member. When this order
leaves places of a unit empty, all of the unit's places are solved again at once as an
integer program (`ttuplan.check.roster_solve`), whose roster is kept if it fills more.
The same plan and table give the same roster. A place nobody can take stays to be
named, and TP609 says why, person by person.

Places of a duty that spans phases that overlap (a top-level guard, a reserve) are given
to the same people in every one of those phases.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import field
from itertools import chain

from ttuplan import model as m
from ttuplan.check import roster_solve
from ttuplan.crews import Placed, crews, seniority, staff_of
from ttuplan.deployment import Deployment
from ttuplan.diagnostics.builders.time import roster_incomplete
from ttuplan.diagnostics.model import Diagnostic, Label
from ttuplan.domain import overlapping_groups
from ttuplan.duties import Duty, arc, first_clash, occurrences, shifts_of
from ttuplan.records import dataclass

Clashes = Callable[[Duty, Duty, int], bool]  # do two duties clash, with this rest between


@dataclass(frozen=True, slots=True)
class Slot:
    """Places of one unit in one crew: a post's shift, or a reserve, in one or more phases
    that overlap (the same people throughout)."""

    unit: str
    count: int
    duties: tuple[Duty, ...]  # one per phase the places are in
    places: tuple[tuple[str, str, str], ...]  # (phase, post id or holder, shift name)
    district: str  # of the post; "" for a reserve
    at_post: bool  # a post (rest applies), else a reserve standing by
    first: tuple[object, ...]  # sort key: when it starts


@dataclass(frozen=True, slots=True)
class Gap:
    """Places of a unit that no person of the table could take, and why each could not."""

    unit: str
    slot: Slot
    missing: int
    reasons: tuple[tuple[m.Person, str], ...]  # each person of the unit, and what keeps them
    proven: bool = False  # the solver showed that no roster of the unit fills more places


@dataclass(eq=False)  # compared by identity: a person is in a crew or not
class _Person:
    person: m.Person
    order: int
    duties: list[tuple[Duty, bool, str]] = field(default_factory=list)  # (duty, at post, what)
    minutes: int = 0


def place_people(plan: m.Plan, deployment: Deployment) -> tuple[Placed, tuple[Gap, ...]]:
    """The people of the table on their places (unit by unit, in crew order; None where
    nobody could be placed), and the gaps: what `numbered` makes the roster of."""
    listed: dict[str, list[_Person]] = defaultdict(list)
    for order, person in enumerate(plan.personnel):
        listed[person.unit].append(_Person(person, order))
    rest = plan.info.rest_minutes
    memo: dict[tuple[int, int, int], bool] = {}  # people share few kinds of duty

    def clashes(a: Duty, b: Duty, gap: int) -> bool:
        key = (id(a), id(b), gap)  # duties are interned by `_slots`: equal ones are one
        if key not in memo:
            memo[key] = first_clash(a, b, gap) is not None
        return memo[key]

    leaders = {  # who may lead, the least senior first, so that seniors stay free
        unit: sorted(
            (p for p in people if p.person.leader), key=lambda p: (seniority(p.person), p.order)
        )
        for unit, people in listed.items()
    }
    slots = _slots(plan, deployment)
    slot_keys = {id(s): (tuple(map(id, s.duties)), s.at_post, s.places[0][2]) for s in slots}
    known: dict[tuple[int, int, tuple[tuple[int, ...], bool, str]], bool] = {}

    def free(candidate: _Person, slot: Slot) -> bool:
        """`_free`, remembered: many slots have the same duties (a phase's posts, shift
        by shift), and a person's answer changes only when they take another duty."""
        key = (id(candidate), len(candidate.duties), slot_keys[id(slot)])
        found = known.get(key)
        if found is None:
            found = known[key] = _free(candidate, slot, clashes, rest)[0]
        return found

    ranks = {unit: _Ranks(people) for unit, people in listed.items()}
    chosen = [
        _crew(slot, ranks[slot.unit], leaders[slot.unit], free) if slot.unit in listed else []
        for slot in slots
    ]
    short = {
        slot.unit
        for slot, crew in zip(slots, chosen, strict=True)
        if listed.get(slot.unit) and len(crew) < slot.count
    }
    proven = {
        unit: _solve_unit(unit, slots, chosen, listed[unit], clashes, rest)
        for unit in sorted(short)
    }

    placed: Placed = defaultdict(list)
    gaps: list[Gap] = []
    for slot, crew in zip(slots, chosen, strict=True):
        people = listed.get(slot.unit)
        if not people:
            continue  # the unit is not in the table: numbered places
        for phase, where, shift in slot.places:
            names = placed[(phase, where, shift, slot.unit)]
            names.extend(p.person for p in crew)
            names.extend([None] * (slot.count - len(crew)))
        if len(crew) < slot.count:
            gaps.append(
                Gap(
                    unit=slot.unit,
                    slot=slot,
                    missing=slot.count - len(crew),
                    reasons=tuple(_reasons(slot, people, crew, clashes, rest)),
                    proven=proven.get(slot.unit, False),
                )
            )
    return placed, tuple(gaps)


def _take(person: _Person, slot: Slot) -> None:
    for duty in slot.duties:
        person.duties.append((duty, slot.at_post, _what(slot, duty)))
    if slot.at_post:  # standing by in a reserve is not counted as hours on duty
        person.minutes += _on_duty(slot.duties[0])


def _solve_unit(
    unit: str,
    slots: list[Slot],
    chosen: list[list[_Person]],
    people: list[_Person],
    clashes: Clashes,
    rest: int,
) -> bool:
    """Solve the unit's places again as an integer program (`roster_solve`), and keep its
    answer in `chosen` if it fills more places than the greedy order did. True if no
    roster of these people fills more places (the solver proved it)."""
    mine = [n for n, slot in enumerate(slots) if slot.unit == unit]
    before = sum(len(chosen[n]) for n in mine)
    for person in people:
        person.duties.clear()
        person.minutes = 0
    eligible = [[i for i, p in enumerate(people) if _on_shift(p, slots[n])] for n in mine]
    pairs = []
    for a, first in enumerate(mine):
        for b in range(a + 1, len(mine)):
            if _slots_clash(slots[first], slots[mine[b]], clashes, rest):
                pairs.append((a, b))
    problem = roster_solve.Problem(
        counts=[slots[n].count for n in mine],
        eligible=eligible,
        clashes=pairs,
        leaders=frozenset(i for i, p in enumerate(people) if p.person.leader),
        local=frozenset(
            (i, k)
            for k, n in enumerate(mine)
            for i in eligible[k]
            if slots[n].district and people[i].person.district == slots[n].district
        ),
        minutes=[_on_duty(slots[n].duties[0]) if slots[n].at_post else 0 for n in mine],
    )
    answer = roster_solve.solve(problem, to_beat=before)
    if answer is not None and answer.crews is not None:
        for k, n in enumerate(mine):
            chosen[n] = [people[i] for i in answer.crews[k]]
    for n in mine:  # what each person holds now, for the reasons of the places left
        for person in chosen[n]:
            _take(person, slots[n])
    return answer is not None and answer.proven


def _on_shift(candidate: _Person, slot: Slot) -> bool:
    listed = candidate.person.shifts
    shift = slot.places[0][2]
    return not (listed and shift and shift not in listed)


def _slots_clash(a: Slot, b: Slot, clashes: Clashes, rest: int) -> bool:
    """Can nobody take both? Duties at the same time, or two posts within the rest."""
    gap = rest if a.at_post and b.at_post else 0
    return any(clashes(x, y, gap) for x in a.duties for y in b.duties)


def resting_people(plan: m.Plan, gaps: Iterable[Gap]) -> dict[tuple[str, str], int]:
    """(unit, phase) -> places a unit could not fill although its table lists all its
    strength: its people are on another duty or resting then. (Gaps of a unit the table
    lists only in part are names missing from the table, not people busy.)"""
    listed: dict[str, int] = defaultdict(int)
    for person in plan.personnel:
        listed[person.unit] += 1
    strength = {u.name: u.strength or 0 for u in plan.units}
    found: dict[tuple[str, str], int] = defaultdict(int)
    for gap in gaps:
        if listed[gap.unit] < strength.get(gap.unit, 0):
            continue
        for phase in dict.fromkeys(place[0] for place in gap.slot.places):
            found[(gap.unit, phase)] += gap.missing
    return dict(found)


def _on_duty(duty: Duty) -> int:
    """Minutes on duty over the phase: a shift's stretches, every day (about)."""
    if duty.shift is None:
        return duty.longest()
    count, _ = occurrences([arc(duty.shift)], duty.start, duty.end)
    return count * duty.longest()


def _what(slot: Slot, duty: Duty) -> str:
    phase, where, shift = next(p for p in slot.places if p[0] == duty.phase)
    return f"`{shift}` of `{phase}` ({where})" if shift else f"`{phase}` ({where})"


def _free(candidate: _Person, slot: Slot, clashes: Clashes, rest: int) -> tuple[bool, str]:
    """Can the person take the slot's places? If not, what keeps them."""
    if not _on_shift(candidate, slot):
        shifts = ", ".join(f"`{s}`" for s in candidate.person.shifts)
        return False, f"on shift {shifts} only (the table)"
    for duty in slot.duties:
        for held, at_post, what in candidate.duties:
            if clashes(held, duty, 0):
                return False, f"on {what} at the same time"
            if slot.at_post and at_post and clashes(held, duty, rest):
                return False, f"within the rest of {what}"
    return True, ""


class _Ranks:
    """A unit's people in the order crews take them: by hours on duty so far, then the
    least senior (posts are filled from the bottom up, so officers stay free to lead),
    then table order; each home district's people apart too. Kept sorted as people take
    duties (instead of sorting the unit again for each crew)."""

    def __init__(self, people: list[_Person]) -> None:
        self.everyone = sorted(self._entry(p, p.minutes) for p in people)
        self.home: dict[str, list[tuple[int, int, int, _Person]]] = defaultdict(list)
        for entry in self.everyone:
            if entry[3].person.district:
                self.home[entry[3].person.district].append(entry)
        self.queued = {id(p): p.minutes for p in people}  # the minutes each is sorted by

    @staticmethod
    def _entry(person: _Person, minutes: int) -> tuple[int, int, int, _Person]:
        return (minutes, seniority(person.person), person.order, person)

    def order(self, district: str) -> Iterator[_Person]:
        """Home district first, then everyone else; each in the order above."""
        if not district:
            return (e[3] for e in self.everyone)
        home = self.home.get(district, ())
        return chain(
            (e[3] for e in home),
            (e[3] for e in self.everyone if e[3].person.district != district),
        )

    def moved(self, person: _Person) -> None:
        """`person` has more hours now: sorted again where they are."""
        if self.queued[id(person)] == person.minutes:
            return
        before = self._entry(person, self.queued[id(person)])[:3]
        after = self._entry(person, person.minutes)
        self.queued[id(person)] = person.minutes
        lists = [self.everyone]
        if person.person.district:
            lists.append(self.home[person.person.district])
        for entries in lists:
            del entries[bisect_left(entries, before, key=lambda e: e[:3])]
            insort(entries, after, key=lambda e: e[:3])


def _crew(
    slot: Slot,
    ranks: _Ranks,
    leaders: list[_Person],
    free: Callable[[_Person, Slot], bool],
) -> list[_Person]:
    """The slot's crew, place by place: while it has nobody who may lead, the first free
    of `leaders`; then the first free by home district, hours so far, the least senior
    and table order.
    (Within one slot nobody's duties change but the chosen one's: the order is taken as
    it stands when the slot starts, and a person who is not free stays not free.)"""
    crew: list[_Person] = []
    passed: set[int] = set()  # taken or not free

    def first_free(order: Iterator[_Person]) -> _Person | None:
        for candidate in order:
            if id(candidate) in passed:
                continue
            passed.add(id(candidate))
            if free(candidate, slot):
                return candidate
        return None

    led = False
    by_leader, by_rank = iter(leaders), ranks.order(slot.district)
    while len(crew) < slot.count:
        found = None if led else first_free(by_leader)
        if found is None:
            found = first_free(by_rank)
            if found is None:
                break
        led = led or found.person.leader
        crew.append(found)
    for person in crew:  # after the crew is chosen: the order stood still while it was
        _take(person, slot)
        ranks.moved(person)
    return crew


def _reasons(
    slot: Slot, people: list[_Person], crew: list[_Person], clashes: Clashes, rest: int
) -> Iterable[tuple[m.Person, str]]:
    for candidate in people:
        if candidate in crew:
            continue
        ok, why = _free(candidate, slot, clashes, rest)
        yield candidate.person, why if not ok else "free"


def _slots(plan: m.Plan, deployment: Deployment) -> list[Slot]:
    """Every unit's places, per crew: a post's shift, or a reserve; one slot for places
    of the same duty in phases that overlap."""
    phases = {p.name: p for p in plan.phases}
    order = {p.name: i for i, p in enumerate(plan.phases)}
    cluster = _clusters(plan, deployment)
    duties: dict[Duty, Duty] = {}

    def intern(duty: Duty) -> Duty:
        return duties.setdefault(duty, duty)

    grouped: dict[tuple[str, ...], list[tuple[str, str, str, Duty, str, bool, int]]] = {}
    counts: dict[tuple[str, ...], int] = {}
    units: dict[tuple[str, ...], str] = {}
    key: tuple[str, ...]
    for phase_deployment in deployment.phases:
        phase = phases[phase_deployment.phase]
        shifts = shifts_of(plan, phase) or (None,)
        for hold in phase_deployment.holds:
            key = ("hold", hold.duty, hold.unit, cluster[(hold.duty, phase.name)])
            grouped.setdefault(key, []).append(
                (phase.name, hold.holder, "", intern(Duty.of(phase)), "", False, -1)
            )
            counts[key], units[key] = max(counts.get(key, 0), hold.people), hold.unit
        by_post = staff_of(phase_deployment)
        for index, post in enumerate(phase_deployment.posts):
            teams = crews(post.need, by_post.get(post.id, []), len(shifts))
            for shift, crew in zip(shifts, teams, strict=True):
                name = shift.name if shift else ""
                for unit, people in crew.items():
                    key = ("post", post.duty, name, unit, cluster[(post.duty, phase.name)])
                    duty = intern(Duty.of(phase, shift))
                    grouped.setdefault(key, []).append(
                        (phase.name, post.id, name, duty, post.district, True, index)
                    )
                    counts[key], units[key] = max(counts.get(key, 0), people), unit
    slots = []
    for key, places in grouped.items():
        phase_name, _, _, duty, district, at_post, index = places[0]
        shift = duty.shift
        slots.append(
            Slot(
                unit=units[key],
                count=counts[key],
                duties=tuple(place[3] for place in places),
                places=tuple((place[0], place[1], place[2]) for place in places),
                district=district,
                at_post=at_post,
                first=(
                    min(place[3].start for place in places),
                    order[phase_name],
                    int(at_post),
                    (shift.start.hour * 60 + shift.start.minute) if shift else -1,
                    index,
                ),
            )
        )
    return sorted(slots, key=lambda slot: slot.first)


def _clusters(plan: m.Plan, deployment: Deployment) -> dict[tuple[str, str], str]:
    """(duty, phase) -> the first of the phases that overlap it (transitively) and hold
    the same duty: a duty held in them is one set of people."""
    phases = {p.name: p for p in plan.phases}
    holding: dict[str, list[m.Phase]] = defaultdict(list)
    for d in deployment.phases:
        for duty in {*(post.duty for post in d.posts), *(hold.duty for hold in d.holds)}:
            holding[duty].append(phases[d.phase])
    found: dict[tuple[str, str], str] = {}
    for duty, where in holding.items():
        if len(where) == 1:
            found[(duty, where[0].name)] = where[0].name
            continue
        for group in overlapping_groups(where):
            for phase in group:
                found[(duty, phase.name)] = group[0].name
    return found


# ── the rule ──


def incomplete(plan: m.Plan, allocation: object) -> Iterable[Diagnostic]:
    """TP609: places of a unit that no person of the personnel table could take, once per
    unit: where they are, and for each of them what keeps the people listed."""
    units = {u.name: u for u in plan.units}
    gaps: tuple[Gap, ...] = getattr(allocation, "roster_gaps", ())
    by_unit: dict[str, list[Gap]] = defaultdict(list)
    for gap in gaps:
        by_unit[gap.unit].append(gap)
    for unit, found in by_unit.items():
        groups: dict[str, list[Gap]] = defaultdict(list)
        for gap in found:
            phase, _, shift = gap.slot.places[0]
            groups[f"`{phase}`" + (f" shift `{shift}`" if shift else "")].append(gap)
        missing = sum(gap.missing for gap in found)
        listed = sum(1 for p in plan.personnel if p.unit == unit)
        strength = units[unit].strength or 0
        where = ", ".join(
            f"{name}: {sum(g.missing for g in group)}" for name, group in groups.items()
        )
        notes = []
        people: dict[str, tuple[m.Person, str]] = {}
        for name, group in list(groups.items())[:SHOWN]:
            reasons = {p.nrp: (p, why) for gap in group for p, why in gap.reasons if why != "free"}
            people.update({k: v for k, v in reasons.items() if k not in people})
            shown = "; ".join(f"{p.name} ({p.nrp}) {why}" for p, why in list(reasons.values())[:3])
            more = f"; and {len(reasons) - 3} more" if len(reasons) > 3 else ""
            count = sum(g.missing for g in group)
            notes.append(
                f"{name}, {count} {'place' if count == 1 else 'places'}: {shown}{more}"
                if reasons
                else f"{name}, {count} {'place' if count == 1 else 'places'}: nobody else listed"
            )
        if all(gap.proven for gap in found):
            notes.append(
                f"no roster of the {listed} listed fills more places: every way of placing "
                "them was weighed at once (an integer program), not only the order above"
            )
        yield roster_incomplete(
            units[unit].span,
            unit,
            missing,
            where,
            listed,
            strength,
            tuple(Label(span=p.span, message=why) for p, why in list(people.values())[:SHOWN]),
            tuple(notes),
        )


SHOWN = 5  # people named in a TP609 message
