"""Builders of the time family (TP6xx): periods, shifts, duties and rest, the roster.
Moments and lengths come in as text, written as the plan writes them."""

from __future__ import annotations

from ttuplan.diagnostics import codes
from ttuplan.diagnostics.model import Diagnostic, Label
from ttuplan.source import Span


def reversed_period(span: Span, what: str, start: str, end: str | None) -> Diagnostic:
    """`what` ("phase `x`") ends at `end`, before its `start`; or (`end` None) when it
    starts."""
    if end is None:
        return Diagnostic(
            code=codes.REVERSED_PERIOD,
            message=f"{what} ends when it starts ({start}): it lasts no time",
            span=span,
            label="lasts no time",
            help="give it an end after its start; a date alone means the whole day",
        )
    return Diagnostic(
        code=codes.REVERSED_PERIOD,
        message=f"{what} ends ({end}) before it starts ({start})",
        span=span,
        label="ends before it starts",
        help="swap the dates, or correct the end; a date alone means the whole day",
    )


def shift_gap(
    span: Span,
    phase: str,
    stretch: str,
    count: int,
    start: str,
    end: str,
    shifts: tuple[Label, ...],
) -> Diagnostic:
    """No shift of `phase` covers `stretch` (from `start` to `end`, times of day), the
    first of `count` such gaps; `shifts`: the phase's shifts."""
    return Diagnostic(
        code=codes.SHIFT_GAP,
        message=f"no shift of phase `{phase}` covers {stretch}"
        + (f" ({count:,} such gaps in all)" if count > 1 else ""),
        span=span,
        label="the shifts leave a gap",
        related=shifts,
        help=f"extend a shift or add one covering {start} .. {end}",
    )


def shift_overlap(span: Span, first: str, second: str, above: Span) -> Diagnostic:
    return Diagnostic(
        code=codes.SHIFT_OVERLAP,
        message=f"shifts `{first}` and `{second}` overlap",
        span=span,
        label="overlaps the shift above",
        related=(Label(span=above, message=f"`{first}`"),),
        help="make one shift end where the next begins",
    )


def double_booked(
    span: Span, person: str, one: tuple[str, str, Span], other: tuple[str, str, Span]
) -> Diagnostic:
    """`person` ("name (nrp)") is on two shifts at once: each (shift, phase, its place)."""
    return Diagnostic(
        code=codes.DOUBLE_BOOKED,
        span=span,
        message=f"{person} is on `{one[0]}` of `{one[1]}` and `{other[0]}` of `{other[1]}` at "
        "the same time",
        label="double-booked",
        related=(Label(span=one[2], message=one[0]), Label(span=other[2], message=other[0])),
        help="take the person off one of the two shifts",
    )


def unknown_shift(span: Span, person: str, shift: str, known: str) -> Diagnostic:
    """`person` ("name (nrp)") is put on `shift`; `known`: the plan's shifts, quoted."""
    return Diagnostic(
        code=codes.UNKNOWN_SHIFT,
        span=span,
        message=f"{person} is put on shift `{shift}`, which no phase has",
        label="unknown shift",
        help=f"shifts of the plan: {known}",
    )


def duty_too_long(
    span: Span, what: str, longest: str, limit: str, where: Span | None
) -> Diagnostic:
    """`what` is one duty of `longest`, past the duty `limit` (set at `where`, if set)."""
    return Diagnostic(
        code=codes.DUTY_TOO_LONG,
        message=f"{what} is one duty of {longest}, longer than the duty limit of {limit}",
        span=span,
        label=f"{longest} on duty at a stretch",
        related=(Label(span=where, message=f"duty limit {limit}"),) if where else (),
        help="split the duty into shifts (`shift pagi 06:00 .. 18:00`, `shift malam "
        f"18:00 .. 06:00`), or allow it in this phase: `duty limit {longest}`",
    )


def rest_too_short(span: Span, shift: str, length: str, left: str, rest: str) -> Diagnostic:
    """The crew of `shift` (`length` every day) rests only `left`, less than `rest`."""
    return Diagnostic(
        code=codes.REST_TOO_SHORT,
        message=f"the crew of shift `{shift}` ({length} every day) rests only {left} before its "
        f"next duty; the plan's rest is {rest}",
        span=span,
        label=f"{left} of rest",
        help="add a shift so that each is shorter, or lower `rest` deliberately",
    )


def person_rest_too_short(
    span: Span,
    person: str,
    left: str,
    rest: str,
    between: tuple[str, str, str, str],
    shifts: tuple[Label, ...],
) -> Diagnostic:
    """`person` ("name (nrp)") rests only `left`, less than `rest`, between two shifts
    (`between`: the first, its end, the second, its start; `shifts`: where defined)."""
    first, ends, second, starts = between
    return Diagnostic(
        code=codes.PERSON_REST_TOO_SHORT,
        span=span,
        message=f"{person} rests only {left} between {first} (until {ends}) and {second} "
        f"(from {starts}); the plan's rest is {rest}",
        label="too little rest",
        related=shifts,
        help="take the person off one of the two shifts",
    )


def roster_incomplete(
    span: Span,
    unit: str,
    missing: int,
    where: str,
    listed: int,
    strength: int,
    people: tuple[Label, ...],
    notes: tuple[str, ...],
) -> Diagnostic:
    """`missing` places of `unit` (by shift: `where`) have nobody; the table lists `listed`
    of its `strength`; `people`: who is kept from them, and why; `notes`: by shift."""
    one = missing == 1
    return Diagnostic(
        code=codes.ROSTER_INCOMPLETE,
        message=f"{missing} {'place' if one else 'places'} of `{unit}` "
        f"{'has' if one else 'have'} nobody in the personnel table ({where}): "
        + (
            f"the table lists {listed} of its strength of {strength}"
            if listed < strength
            else f"of its {listed} {'person' if listed == 1 else 'people'} listed, "
            "none is free then"
        ),
        span=span,
        label=f"{missing} {'place' if one else 'places'} to be named",
        related=people,
        notes=notes,
        help="add people of this unit to the personnel table, take one of them off the "
        "duty that keeps them, or lower the demand",
    )
