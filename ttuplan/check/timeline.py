"""Time checks: periods that do not run forward, shifts that leave gaps or overlap, people
on two shifts at once, people on shifts no phase has, units committed beyond their
strength at some moment.

Shifts repeat daily (`18:00 .. 06:00` runs past midnight; a shift that ends when it
starts lasts 24 hours), so what they cover is a pattern of arcs on the 24-hour clock;
gaps and clashes are counted from that pattern with whole-minute arithmetic, never by
walking a phase day by day (a phase may run for years).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from ttuplan import model as m
from ttuplan.check.allocate import Allocation
from ttuplan.diagnostics import codes
from ttuplan.diagnostics.model import Diagnostic, Label
from ttuplan.domain import moment, phases_overlap, stretch
from ttuplan.source import Span

DAY = 24 * 60
Arc = tuple[int, int]  # (start minute of the day, length in minutes), may run past midnight


def shift_length(shift: m.Shift) -> int:
    """Minutes a shift lasts: to its end, past midnight if need be; 24 hours if it ends
    when it starts."""
    start = shift.start.hour * 60 + shift.start.minute
    end = shift.end.hour * 60 + shift.end.minute
    return (end - start) % DAY or DAY


def arc(shift: m.Shift) -> Arc:
    return (shift.start.hour * 60 + shift.start.minute, shift_length(shift))


def _pieces(arcs: Iterable[Arc]) -> list[tuple[int, int]]:
    """Arcs as intervals of one day [0, 1440), split at midnight."""
    found = []
    for start, length in arcs:
        end = start + length
        if end <= DAY:
            found.append((start, end))
        else:
            found += [(start, DAY), (0, end - DAY)]
    return sorted(found)


def uncovered_arcs(arcs: Sequence[Arc]) -> list[Arc]:
    """The parts of the day no arc covers, as arcs (one that runs past midnight is one)."""
    gaps, reach = [], 0
    for start, end in _pieces(arcs):
        if start > reach:
            gaps.append((reach, start - reach))
        reach = max(reach, end)
    if reach < DAY:
        gaps.append((reach, DAY - reach))
    if len(gaps) > 1 and gaps[0][0] == 0 and gaps[-1][0] + gaps[-1][1] == DAY:
        last = gaps.pop()
        gaps[0] = (last[0], last[1] + gaps[0][1])  # the gap across midnight is one
    return gaps


def common_arcs(first: Arc, second: Arc) -> list[Arc]:
    """The parts of the day both arcs cover."""
    found = []
    for a1, b1 in _pieces([first]):
        for a2, b2 in _pieces([second]):
            if max(a1, a2) < min(b1, b2):
                found.append((max(a1, a2), min(b1, b2) - max(a1, a2)))
    return found


def occurrences(
    arcs: Sequence[Arc], start: dt.datetime, end: dt.datetime
) -> tuple[int, tuple[dt.datetime, dt.datetime] | None]:
    """How many times the daily arcs occur (in part) between `start` and `end`, and the
    first occurrence, clipped to them."""
    midnight = dt.datetime.combine(start.date(), dt.time())
    s = (start - midnight) // dt.timedelta(minutes=1)
    e = (end - midnight) // dt.timedelta(minutes=1)
    count, first = 0, None
    for a, length in arcs:
        k_min = (s - a - length) // DAY + 1  # occurrence k runs [k*DAY + a, ... + length)
        k_max = -((a - e) // DAY) - 1
        if k_max < k_min:
            continue
        count += k_max - k_min + 1
        lo = max(s, k_min * DAY + a)
        hi = min(e, k_min * DAY + a + length)
        if first is None or lo < first[0]:
            first = (lo, hi)
    if first is None:
        return 0, None
    return count, (
        midnight + dt.timedelta(minutes=first[0]),
        midnight + dt.timedelta(minutes=first[1]),
    )


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
    if end == start:
        return Diagnostic(
            code=codes.REVERSED_PERIOD,
            message=f"{what} ends when it starts ({moment(start)}): it lasts no time",
            span=span,
            label="lasts no time",
            help="give it an end after its start; a date alone means the whole day",
        )
    return Diagnostic(
        code=codes.REVERSED_PERIOD,
        message=f"{what} ends ({moment(end)}) before it starts ({moment(start)})",
        span=span,
        label="ends before it starts",
        help="swap the dates, or correct the end; a date alone means the whole day",
    )


def shift_gaps(plan: m.Plan, allocation: Allocation) -> Iterable[Diagnostic]:
    """TP603: a phase with shifts that leave part of it uncovered."""
    for phase in plan.phases:
        if not phase.shifts or phase.end <= phase.start:
            continue
        gaps = uncovered_arcs([arc(s) for s in phase.shifts])
        count, first = occurrences(gaps, phase.start, phase.end)
        if first is None:
            continue
        start, end = first
        yield Diagnostic(
            code=codes.SHIFT_GAP,
            message=f"no shift of phase `{phase.name}` covers {stretch(start, end)}"
            + (f" ({count:,} such gaps in all)" if count > 1 else ""),
            span=phase.span,
            label="the shifts leave a gap",
            related=tuple(
                Label(span=s.span, message=f"{s.start:%H:%M} .. {s.end:%H:%M}")
                for s in phase.shifts
            ),
            help=f"extend a shift or add one covering {start:%H:%M} .. {end:%H:%M}",
        )


def shift_overlaps(plan: m.Plan, allocation: Allocation) -> Iterable[Diagnostic]:
    """TP604: two shifts of one phase on duty at the same time of day."""
    for phase in plan.phases:
        for index, first in enumerate(phase.shifts):
            for second in phase.shifts[index + 1 :]:
                if common_arcs(arc(first), arc(second)):
                    yield Diagnostic(
                        code=codes.SHIFT_OVERLAP,
                        message=f"shifts `{first.name}` and `{second.name}` of phase "
                        f"`{phase.name}` overlap",
                        span=second.span,
                        label="overlaps the shift above",
                        related=(Label(span=first.span, message=f"`{first.name}`"),),
                        help="make one shift end where the next begins",
                    )


def double_booked(plan: m.Plan, allocation: Allocation) -> Iterable[Diagnostic]:
    """TP605: a person on two shifts that are on duty at the same moment; TP606: a person
    on a shift no phase has."""
    worked: dict[str, list[tuple[m.Phase, m.Shift]]] = {}
    for phase in plan.phases:
        if phase.start < phase.end:
            for shift in phase.shifts:
                worked.setdefault(shift.name, []).append((phase, shift))
    names = {s.name for p in plan.phases for s in p.shifts}
    for person in plan.personnel:
        for name in person.shifts:
            if name not in names:
                known = ", ".join(f"`{n}`" for n in sorted(names)) or "none"
                yield Diagnostic(
                    code=codes.UNKNOWN_SHIFT,
                    span=person.span,
                    message=f"{person.name} ({person.nrp}) is put on shift `{name}`, which no "
                    "phase has",
                    label="unknown shift",
                    help=f"shifts of the plan: {known}",
                )
        duties = [o for name in dict.fromkeys(person.shifts) for o in worked.get(name, ())]
        clash = _first_clash(duties)
        if clash is not None:
            (p1, s1), (p2, s2) = clash
            yield Diagnostic(
                code=codes.DOUBLE_BOOKED,
                span=person.span,
                message=f"{person.name} ({person.nrp}) is on `{s1.name}` of `{p1.name}` and "
                f"`{s2.name}` of `{p2.name}` at the same time",
                label="double-booked",
                related=(
                    Label(span=s1.span, message=s1.name),
                    Label(span=s2.span, message=s2.name),
                ),
                help="take the person off one of the two shifts",
            )


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
        yield Diagnostic(
            code=codes.OVERCOMMITTED_UNIT,
            message=f"`{unit.name}` has {_people(unit.strength or 0)} but {found.committed} are "
            f"committed at once, {stretch(interval.start, interval.end)} "
            f"(phases {', '.join(f'`{p}`' for p in interval.phases)} in force): {parts}",
            span=unit.span,
            label=f"strength {unit.strength}",
            related=(
                *(
                    Label(span=part.span, message=f"holds {part.people} in `{part.phase}`")
                    for part in found.parts
                    if part.holder
                ),
                *(Label(span=phases[p].span, message=f"`{p}`") for p in interval.phases),
            ),
            help="hold fewer people from this unit in one of the reserves, draw them from "
            "another unit, or separate the phases in time",
        )


def _people(count: int) -> str:
    return "1 person" if count == 1 else f"{count} people"
