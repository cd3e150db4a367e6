"""Time checks: periods that end before they start, shifts that leave gaps or overlap,
people on two shifts at once. Also when a unit is there (availability) and which phases
overlap, which allocation and escalation use.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from ttuplan import model as m
from ttuplan.diagnostics import codes
from ttuplan.diagnostics.model import Diagnostic, Label
from ttuplan.source import Span

DAY = 24 * 60


def available(unit: m.Unit, phase: m.Phase) -> bool:
    """Is the unit there for the whole phase?"""
    if unit.available_from is not None and unit.available_from > phase.start:
        return False
    return unit.available_until is None or unit.available_until >= phase.end


def phases_overlap(a: m.Phase, b: m.Phase) -> bool:
    return a.start < b.end and b.start < a.end


def check_time(plan: m.Plan) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    for phase in plan.phases:
        if phase.end <= phase.start:
            problems.append(_reversed(f"phase `{phase.name}`", phase.start, phase.end, phase.span))
        else:
            problems.extend(_check_shifts(phase))
    for unit in plan.units:
        start, end = unit.available_from, unit.available_until
        if start is not None and end is not None and end <= start:
            problems.append(_reversed(f"the availability of `{unit.name}`", start, end, unit.span))
    problems.extend(_double_booked(plan))
    return problems


def _reversed(what: str, start: dt.datetime, end: dt.datetime, span: Span) -> Diagnostic:
    return Diagnostic(
        code=codes.REVERSED_PERIOD,
        message=f"{what} ends ({_when(end)}) before it starts ({_when(start)})",
        span=span,
        label="ends before it starts",
        help="swap the dates, or correct the end; a date alone means the whole day",
    )


def _when(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def windows(shift: m.Shift) -> list[tuple[int, int]]:
    """The shift's daily minutes as intervals in [0, 1440), split at midnight."""
    start = shift.start.hour * 60 + shift.start.minute
    end = shift.end.hour * 60 + shift.end.minute
    if start < end:
        return [(start, end)]
    return [(start, DAY), (0, end)] if end else [(start, DAY)]


def shift_intervals(shift: m.Shift, phase: m.Phase) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """Every occurrence of the shift that touches the phase, clipped to it."""
    day = phase.start.date() - dt.timedelta(days=1)
    while dt.datetime.combine(day, dt.time()) < phase.end:
        base = dt.datetime.combine(day, dt.time())
        start = base + dt.timedelta(minutes=shift.start.hour * 60 + shift.start.minute)
        length = _length(shift)
        end = start + dt.timedelta(minutes=length)
        lo, hi = max(start, phase.start), min(end, phase.end)
        if lo < hi:
            yield lo, hi
        day += dt.timedelta(days=1)


def _length(shift: m.Shift) -> int:
    return sum(end - start for start, end in windows(shift))


def _check_shifts(phase: m.Phase) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    shifts = [s for s in phase.shifts if s.start != s.end]
    for shift in phase.shifts:
        if shift.start == shift.end:
            problems.append(
                Diagnostic(
                    code=codes.EMPTY_SHIFT,
                    message=f"shift `{shift.name}` starts and ends at {shift.start:%H:%M}",
                    span=shift.span,
                    label="an empty shift",
                    help="give it an end; an end before the start runs past midnight",
                )
            )
    for index, first in enumerate(shifts):
        for second in shifts[index + 1 :]:
            if _windows_meet(first, second):
                problems.append(
                    Diagnostic(
                        code=codes.SHIFT_OVERLAP,
                        message=f"shifts `{first.name}` and `{second.name}` of phase "
                        f"`{phase.name}` overlap",
                        span=second.span,
                        label="overlaps the shift above",
                        related=(Label(span=first.span, message=f"`{first.name}`"),),
                        help="make one shift end where the next begins",
                    )
                )
    if shifts:
        gap = _first_gap(shifts, phase)
        if gap is not None:
            problems.append(
                Diagnostic(
                    code=codes.SHIFT_GAP,
                    message=f"no shift of phase `{phase.name}` covers {_when(gap[0])} to "
                    f"{_when(gap[1]) if gap[1].date() != gap[0].date() else f'{gap[1]:%H:%M}'}"
                    + (f" ({gap[2]} such gaps in all)" if gap[2] > 1 else ""),
                    span=phase.span,
                    label="the shifts leave a gap",
                    related=tuple(
                        Label(span=s.span, message=f"{s.start:%H:%M} .. {s.end:%H:%M}")
                        for s in shifts
                    ),
                    help=f"extend a shift or add one covering {gap[0]:%H:%M} .. {gap[1]:%H:%M}",
                )
            )
    return problems


def _windows_meet(a: m.Shift, b: m.Shift) -> bool:
    return any(s1 < e2 and s2 < e1 for s1, e1 in windows(a) for s2, e2 in windows(b))


def _first_gap(
    shifts: list[m.Shift], phase: m.Phase
) -> tuple[dt.datetime, dt.datetime, int] | None:
    covered = sorted(i for s in shifts for i in shift_intervals(s, phase))
    gaps: list[tuple[dt.datetime, dt.datetime]] = []
    reach = phase.start
    for start, end in covered:
        if start > reach:
            gaps.append((reach, start))
        reach = max(reach, end)
    if reach < phase.end:
        gaps.append((reach, phase.end))
    return (gaps[0][0], gaps[0][1], len(gaps)) if gaps else None


def _double_booked(plan: m.Plan) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    occurrences: dict[str, list[tuple[m.Phase, m.Shift]]] = {}
    for phase in plan.phases:
        for shift in phase.shifts:
            occurrences.setdefault(shift.name, []).append((phase, shift))
    for person in plan.personnel:
        for name in person.shifts:
            if name not in occurrences:
                known = ", ".join(sorted(occurrences)) or "none"
                problems.append(
                    Diagnostic(
                        code=codes.UNKNOWN_NAME_IN_TABLE,
                        span=person.span,
                        message=f"{person.name} ({person.nrp}) is put on shift `{name}`, which no "
                        "phase has",
                        label="unknown shift",
                        help=f"shifts of the plan: {known}",
                    )
                )
        worked = [o for name in dict.fromkeys(person.shifts) for o in occurrences.get(name, ())]
        clash = _first_clash(worked)
        if clash is not None:
            (p1, s1), (p2, s2) = clash
            problems.append(
                Diagnostic(
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
            )
    return problems


def _first_clash(
    worked: list[tuple[m.Phase, m.Shift]],
) -> tuple[tuple[m.Phase, m.Shift], tuple[m.Phase, m.Shift]] | None:
    for index, (p1, s1) in enumerate(worked):
        for p2, s2 in worked[index + 1 :]:
            if (p1, s1) == (p2, s2) or not phases_overlap(p1, p2):
                continue
            first = list(shift_intervals(s1, p1))
            if any(a < d and c < b for a, b in first for c, d in shift_intervals(s2, p2)):
                return (p1, s1), (p2, s2)
    return None
