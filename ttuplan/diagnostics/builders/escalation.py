"""Builders of the escalation family (TP5xx): the escalation graph of each phase. Phases
and chains come in as text (`phases`: names, quoted, as the check lists them)."""

from __future__ import annotations

from ttuplan.diagnostics import codes
from ttuplan.diagnostics.model import Diagnostic, Label
from ttuplan.source import Span


def escalation_cycle(
    phases: str, shown: str, hops: tuple[tuple[str, Span], ...], shown_hops: int
) -> Diagnostic:
    """Escalation runs in a loop (`shown`, the units joined by arrows) in `phases`; `hops`:
    each edge's target and place, the first `shown_hops` pointed at."""
    return Diagnostic(
        code=codes.ESCALATION_CYCLE,
        message=f"escalation runs in a loop in {phases}: {shown}",
        span=hops[0][1],
        label=f"escalates to `{hops[0][0]}`",
        related=tuple(
            Label(span=span, message=f"then to `{target}`") for target, span in hops[1:shown_hops]
        ),
        help="make one unit of the loop escalate upward to a `final` authority instead",
    )


def dead_end(span: Span, name: str, phases: str, qualified: list[str]) -> Diagnostic:
    """`name` escalates to nobody in `phases`; its edges are only for the `qualified`."""
    return Diagnostic(
        code=codes.DEAD_END,
        message=f"`{name}` escalates to nobody in {phases} and is not `final`",
        span=span,
        label="a report stops here",
        notes=(f"its only edges are for {', '.join(qualified)}",) if qualified else (),
        help="add `escalates to UNIT` (for every phase), or mark it `final` if it decides",
    )


def chain_too_long(
    span: Span, phases: str, hops: int, limit: int, shown: str, plan: Span
) -> Diagnostic:
    """A chain of `hops` (`shown`, joined by arrows) in `phases`, past the `limit` set in
    the plan block at `plan`."""
    return Diagnostic(
        code=codes.CHAIN_TOO_LONG,
        message=f"an escalation chain in {phases} has {hops} hops, more "
        f"than the limit {limit}: {shown}",
        span=span,
        label=f"the chain starts here ({hops} hops)",
        related=(Label(span=plan, message=f"escalation limit {limit}"),),
        help="shorten the chain, or raise `escalation limit` in the plan block deliberately",
    )


def unavailable_escalation(
    span: Span,
    name: str,
    unit: str,
    phases: str,
    when: list[str],
    there: list[str],
    defined: Span,
) -> Diagnostic:
    """`name` escalates to `unit` in `phases`, when it is not there (`when`: its window;
    `there`: the phases it is there)."""
    return Diagnostic(
        code=codes.UNAVAILABLE_ESCALATION,
        message=f"`{name}` escalates to `{unit}` in {phases}, but `{unit}` is not there then",
        span=span,
        label=f"`{unit}` is there only {' '.join(when)}",
        related=(Label(span=defined, message=f"`{unit}` is defined here"),),
        help=(
            f"qualify this edge with `during {', '.join(there)}` and give `{name}` "
            "another edge for the other phases"
        )
        if there
        else f"escalate `{name}` to a unit that is there",
    )
