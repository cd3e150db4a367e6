"""Time checks: periods that do not run forward, shifts that leave gaps or overlap, duties
longer than the plan allows or with too little rest between them, people on two shifts
at once or on shifts no phase has, units committed beyond their strength at some moment.

The time arithmetic (shifts as daily arcs, duties, clashes) is `ttuplan.duties`: counts
over a phase of any length never walk it day by day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from ttuplan import model as m
from ttuplan.check.allocate import Allocation
from ttuplan.diagnostics.builders.coverage import overcommitted_unit
from ttuplan.diagnostics.builders.time import (
    double_booked as double_booked_diagnostic,
)
from ttuplan.diagnostics.builders.time import (
    duty_too_long,
    person_rest_too_short,
    reversed_period,
    shift_gap,
    shift_overlap,
    unknown_shift,
)
from ttuplan.diagnostics.builders.time import (
    rest_too_short as rest_too_short_diagnostic,
)
from ttuplan.diagnostics.model import Diagnostic, Label
from ttuplan.domain import moment, phases_overlap, stretch
from ttuplan.duties import (
    DAY,
    Duty,
    arc,
    common_arcs,
    first_clash,
    occurrences,
    shift_length,
    shifts_of,
    uncovered_arcs,
)
from ttuplan.source import Span

# ── the rules ──


def reversed_periods(plan: m.Plan, allocation: Allocation) -> Iterable[Diagnostic]:
    """TP601: a phase or an availability that ends when or before it starts."""
    for phase in plan.phases:
        if phase.end <= phase.start:
            yield _reversed(f"phase `{phase.name}`", phase.start, phase.end, phase.span)
    for unit in plan.units:
        start, end = unit.available_from, unit.available_until
        if start is not None and end is not None and end <= start:
            yield _reversed(f"the availability of `{unit.name}`", start, end, unit.span)


def _reversed(what: str, start: dt.datetime, end: dt.datetime, span: Span) -> Diagnostic:
    return reversed_period(span, what, moment(start), None if end == start else moment(end))


def shift_gaps(plan: m.Plan, allocation: Allocation) -> Iterable[Diagnostic]:
    """TP603: a phase with shifts that leave part of it uncovered."""
    for phase in plan.phases:
        shifts = shifts_of(plan, phase)
        if not shifts or phase.end <= phase.start:
            continue
        gaps = uncovered_arcs([arc(s) for s in shifts])
        count, first = occurrences(gaps, phase.start, phase.end)
        if first is None:
            continue
        start, end = first
        yield shift_gap(
            phase.span,
            phase.name,
            stretch(start, end),
            count,
            f"{start:%H:%M}",
            f"{end:%H:%M}",
            tuple(Label(span=s.span, message=f"{s.start:%H:%M} .. {s.end:%H:%M}") for s in shifts),
        )


def shift_overlaps(plan: m.Plan, allocation: Allocation) -> Iterable[Diagnostic]:
    """TP604: two shifts of one phase on duty at the same time of day."""
    for shifts in _shift_sets(plan):
        for index, first in enumerate(shifts):
            for second in shifts[index + 1 :]:
                if common_arcs(arc(first), arc(second)):
                    yield shift_overlap(second.span, first.name, second.name, first.span)


def double_booked(plan: m.Plan, allocation: Allocation) -> Iterable[Diagnostic]:
    """TP605: a person on two shifts that are on duty at the same moment; TP606: a person
    on a shift no phase has."""
    worked = _worked(plan)
    names = {s.name for p in plan.phases for s in shifts_of(plan, p)}
    for person in plan.personnel:
        for name in person.shifts:
            if name not in names:
                known = ", ".join(f"`{n}`" for n in sorted(names)) or "none"
                yield unknown_shift(person.span, _who(person), name, known)
        duties = [o for name in dict.fromkeys(person.shifts) for o in worked.get(name, ())]
        clash = _first_clash(duties)
        if clash is not None:
            (p1, s1), (p2, s2) = clash
            yield double_booked_diagnostic(
                person.span,
                _who(person),
                (s1.name, p1.name, s1.span),
                (s2.name, p2.name, s2.span),
            )


def _who(person: m.Person) -> str:
    """A person as the time rules name them: `Ani (80010001)`."""
    return f"{person.name} ({person.nrp})"


def _worked(plan: m.Plan) -> dict[str, list[tuple[m.Phase, m.Shift]]]:
    """Each shift name and the (phase, shift) it is worked in, phases that last only."""
    worked: dict[str, list[tuple[m.Phase, m.Shift]]] = {}
    for phase in plan.phases:
        if phase.start < phase.end:
            for shift in shifts_of(plan, phase):
                worked.setdefault(shift.name, []).append((phase, shift))
    return worked


def _first_clash(
    duties: list[tuple[m.Phase, m.Shift]],
) -> tuple[tuple[m.Phase, m.Shift], tuple[m.Phase, m.Shift]] | None:
    """Two of a person's shifts on duty at the same moment: phases that overlap, and
    daily arcs that meet inside that overlap."""
    duties = sorted(duties, key=lambda duty: duty[0].start)
    for index, (p1, s1) in enumerate(duties):
        for p2, s2 in duties[index + 1 :]:
            if p2.start >= p1.end:
                break  # sorted by start: no later duty overlaps this one
            if (p1, s1) == (p2, s2) or not phases_overlap(p1, p2):
                continue
            both = common_arcs(arc(s1), arc(s2))
            count, _ = occurrences(both, max(p1.start, p2.start), min(p1.end, p2.end))
            if count:
                return (p1, s1), (p2, s2)
    return None


def _shift_sets(plan: m.Plan) -> list[tuple[m.Shift, ...]]:
    """Each phase's own shifts, and the plan's top-level ones: each set checked once."""
    return [p.shifts for p in plan.phases if p.shifts] + ([plan.shifts] if plan.shifts else [])


def duties_too_long(plan: m.Plan, allocation: Allocation) -> Iterable[Diagnostic]:
    """TP607: a shift, or a phase without shifts, longer than the duty limit, where the
    phase has posts (a reserve stands by; it is not a duty at a post)."""
    staffed = {d.phase for d in allocation.deployment.phases if d.posts}
    reported: set[tuple[int, int]] = set()
    for phase in plan.phases:
        if phase.name not in staffed:
            continue
        limit = phase.duty_limit_minutes or plan.info.duty_limit_minutes
        where = phase.duty_limit_span or plan.info.duty_limit_span
        for shift in shifts_of(plan, phase) or (None,):
            duty = Duty.of(phase, shift)
            longest = duty.longest()
            key = (id(shift) if shift else id(phase), limit)
            if longest <= limit or key in reported:
                continue
            reported.add(key)
            what = (
                f"shift `{shift.name}`" if shift else f"phase `{phase.name}`, which has no shifts,"
            )
            yield duty_too_long(
                shift.span if shift else phase.span, what, _hours(longest), _hours(limit), where
            )


def rest_too_short(plan: m.Plan, allocation: Allocation) -> Iterable[Diagnostic]:
    """TP608: a shift whose crew, working it every day of the phase, rests less than the
    plan's `rest` (as TP607, only where the phase has posts: in a phase without, nobody
    is on duty in its shifts)."""
    rest = plan.info.rest_minutes
    staffed = {d.phase for d in allocation.deployment.phases if d.posts}
    reported: set[int] = set()
    for phase in plan.phases:
        if phase.name not in staffed:
            continue
        for shift in shifts_of(plan, phase):
            length = shift_length(shift)
            if DAY - length >= rest or id(shift) in reported:
                continue
            count, _ = occurrences([arc(shift)], phase.start, phase.end)
            if count < 2:
                continue  # on duty once: no next day to rest for
            reported.add(id(shift))
            yield rest_too_short_diagnostic(
                shift.span, shift.name, _hours(length), _hours(DAY - length), _hours(rest)
            )


def people_rest(plan: m.Plan, allocation: Allocation) -> Iterable[Diagnostic]:
    """TP610: a person whose listed shifts leave less than the plan's `rest` between them,
    in every phase that has them: what the table says of a person holds whether or not
    the phase has posts."""
    rest = plan.info.rest_minutes
    worked = {
        name: [Duty.of(phase, shift) for phase, shift in held]
        for name, held in _worked(plan).items()
    }
    for person in plan.personnel:
        duties = [d for name in dict.fromkeys(person.shifts) for d in worked.get(name, ())]
        found = _too_close(duties, rest)
        if found is None:
            continue
        first, second, (ends, starts) = found
        yield person_rest_too_short(
            person.span,
            _who(person),
            _hours((starts - ends) // _MIN),
            _hours(rest),
            (first.name, moment(ends), second.name, moment(starts)),
            tuple(
                Label(span=d.shift.span, message=d.shift.name) for d in (first, second) if d.shift
            ),
        )


def _too_close(
    duties: list[Duty], rest: int
) -> tuple[Duty, Duty, tuple[dt.datetime, dt.datetime]] | None:
    """Two duties with less rest between them (but not on duty at once: that is TP605)."""
    duties = sorted(duties, key=lambda d: d.start)
    gap = dt.timedelta(minutes=rest)
    for index, a in enumerate(duties):
        for b in duties[index + 1 :]:
            if b.start >= a.end + gap:
                break
            if first_clash(a, b, 0) is not None:
                continue  # on duty at once: double-booked, reported as such
            found = first_clash(a, b, rest)
            if found is not None:
                x, y = found
                earlier, later = (x, y) if x[0] <= y[0] else (y, x)
                pair = (a, b) if earlier is x else (b, a)
                return pair[0], pair[1], (earlier[1], later[0])
    return None


_MIN = dt.timedelta(minutes=1)


def _hours(minutes: int) -> str:
    """`8h`, `30h`, `7h30m`: a length as the plan writes durations."""
    hours, rest = divmod(minutes, 60)
    if not rest:
        return f"{hours}h"
    return f"{hours}h{rest}m" if hours else f"{rest}m"


def overcommitted(plan: m.Plan, allocation: Allocation) -> Iterable[Diagnostic]:
    """TP405: a unit with more people out at some moment than its strength (reserves of
    phases that overlap, holding the same unit's people at once)."""
    units = {u.name: u for u in plan.units}
    phases = {p.name: p for p in plan.phases}
    for found in allocation.overcommits:
        unit = units[found.unit]
        interval = found.interval
        parts = ", ".join(
            f"{part.people} held by `{part.holder}` in `{part.phase}`"
            if part.holder
            else f"{part.people} on posts of `{part.phase}`"
            for part in found.parts
        )
        yield overcommitted_unit(
            unit.span,
            unit.name,
            _people(unit.strength or 0),
            unit.strength,
            found.committed,
            stretch(interval.start, interval.end),
            interval.phases,
            parts,
            (
                *(
                    Label(span=part.span, message=f"holds {part.people} in `{part.phase}`")
                    for part in found.parts
                    if part.holder
                ),
                *(Label(span=phases[p].span, message=f"`{p}`") for p in interval.phases),
            ),
        )


def _people(count: int) -> str:
    return "1 person" if count == 1 else f"{count} people"
