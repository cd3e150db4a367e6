"""Duties in time: when the people of a shift, a phase or a reserve are on duty, and
whether two duties of one person clash or leave too little rest between them.

A shift repeats daily within its phase (`18:00 .. 06:00` runs past midnight; one that
ends when it starts lasts 24 hours): what it covers is a pattern of arcs on the 24-hour
clock, and counts over a phase of any length are worked out from that pattern with
whole-minute arithmetic. A duty without a shift lasts its whole phase. Only the few days
where a phase starts or ends are looked at occurrence by occurrence. Standard library only.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Iterator, Sequence

from ttuplan import model as m
from ttuplan.records import dataclass

DAY = 24 * 60
Arc = tuple[int, int]  # (start minute of the day, length in minutes), may run past midnight
_MINUTE = dt.timedelta(minutes=1)


def shifts_of(plan: m.Plan, phase: m.Phase) -> tuple[m.Shift, ...]:
    """A phase's shifts: its own, or else the plan's top-level ones (none: one shift)."""
    return phase.shifts or plan.shifts


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
    if end <= start:
        return 0, None
    midnight = dt.datetime.combine(start.date(), dt.time())
    s = (start - midnight) // _MINUTE
    e = (end - midnight) // _MINUTE
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
    return count, (midnight + first[0] * _MINUTE, midnight + first[1] * _MINUTE)


@dataclass(frozen=True, slots=True)
class Duty:
    """When someone is on duty: a shift, every day of a phase; or the whole phase."""

    phase: str
    start: dt.datetime
    end: dt.datetime
    shift: m.Shift | None = None

    @classmethod
    def of(cls, phase: m.Phase, shift: m.Shift | None = None) -> Duty:
        return cls(phase.name, phase.start, phase.end, shift)

    @property
    def name(self) -> str:
        return f"`{self.shift.name}` of `{self.phase}`" if self.shift else f"`{self.phase}`"

    def longest(self) -> int:
        """Minutes of its longest stretch on duty."""
        whole = (self.end - self.start) // _MINUTE
        return whole if self.shift is None else min(shift_length(self.shift), whole)

    def times(self, lo: dt.datetime, hi: dt.datetime) -> Iterator[tuple[dt.datetime, dt.datetime]]:
        """Its stretches on duty (clipped to the phase) that meet [lo, hi), in order."""
        lo, hi = max(lo, self.start), min(hi, self.end)
        if lo >= hi:
            return
        if self.shift is None:
            yield (self.start, self.end)
            return
        start, length = arc(self.shift)
        day = lo.date()
        with contextlib.suppress(OverflowError):  # the first day of the calendar
            day -= dt.timedelta(days=1)
        while True:
            try:
                begins = dt.datetime.combine(day, dt.time()) + start * _MINUTE
                ends = begins + length * _MINUTE
            except OverflowError:
                return
            if begins >= hi:
                return
            piece = (max(begins, self.start), min(ends, self.end))
            if piece[0] < piece[1] and piece[1] > lo:
                yield piece
            try:
                day += dt.timedelta(days=1)
            except OverflowError:
                return


Clash = tuple[tuple[dt.datetime, dt.datetime], tuple[dt.datetime, dt.datetime]]


def first_clash(a: Duty, b: Duty, rest: int) -> Clash | None:
    """The first pair of stretches of two duties that overlap, or that leave less than
    `rest` minutes between them; None if they never do."""
    if a.shift is not None and b.shift is None:  # the whole-phase duty listed, the other lazily
        found = first_clash(b, a, rest)
        return None if found is None else (found[1], found[0])
    gap = rest * _MINUTE
    lo, hi = max(a.start, b.start) - gap, min(a.end, b.end) + gap
    if lo >= hi:
        return None
    days = dt.timedelta(days=3)
    if hi - lo <= 3 * days or a.shift is None or b.shift is None:
        return _clash_in(a, b, gap, lo, hi)
    found = _clash_in(a, b, gap, lo, lo + days)
    if found is not None:
        return found
    # The middle repeats daily: a clash there is a clash every day, found in one day.
    if _clash_each_day(a.shift, b.shift, rest):
        return _clash_in(a, b, gap, lo + days, lo + 2 * days)
    return _clash_in(a, b, gap, hi - days, hi)


def _clash_in(
    a: Duty, b: Duty, gap: dt.timedelta, lo: dt.datetime, hi: dt.datetime
) -> Clash | None:
    first = list(a.times(lo - gap, hi + gap))
    for x in b.times(lo - gap, hi + gap):
        for y in first:
            if y[0] < x[1] + gap and x[0] < y[1] + gap and max(x[0], y[0]) < hi:
                return (y, x)
    return None


def _clash_each_day(first: m.Shift, second: m.Shift, rest: int) -> bool:
    start, length = arc(first)
    widened = ((start - rest) % DAY, min(length + 2 * rest, DAY))
    return bool(common_arcs(widened, arc(second)))
