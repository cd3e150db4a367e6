"""Builders of the coverage family (TP4xx): posts staffed, reserves held and in reach, the
N-1 contingency. Where a check explains a finding at length (the cut behind a shortfall,
what a loss breaks), it words that detail from its own values and passes it in."""

from __future__ import annotations

from ttuplan.diagnostics import codes
from ttuplan.diagnostics.model import Diagnostic, Label
from ttuplan.source import Span


def uncovered_district(
    span: Span, force: str, district: str, phases: str, post: Span
) -> Diagnostic:
    """No `force` unit may staff `district`, which has sites to guard in `phases` (names,
    quoted); `post`: one of its posts."""
    return Diagnostic(
        code=codes.UNCOVERED_DISTRICT,
        message=f"no {force} unit covers district `{district}`, which has sites "
        f"to guard in {phases}",
        span=span,
        label=f"no {force} unit covers this district",
        related=(Label(span=post, message=f"guards sites in `{district}`"),),
        help=f"add `{district}` to the `covers` of the {force} unit responsible for it",
    )


def understaffed(
    span: Span,
    where: str,
    need: int,
    force: str,
    phase: str,
    gives: str,
    short: int,
    *,
    related: tuple[Label, ...],
    notes: tuple[str, ...],
    remedies: str,
) -> Diagnostic:
    """`where` ("district `x` needs") `need` `force` in `phase`; `gives`: what the only
    units that can staff it give; `short` people missing; the cut's units, absent units
    and districts as `related`, the posts left short as `notes`; `remedies` that work."""
    return Diagnostic(
        code=codes.UNDERSTAFFED,
        message=f"{where} {need} {force} in phase `{phase}`; {gives}: short {short}",
        span=span,
        label=f"short by {short} {force}",
        related=related,
        notes=notes,
        help=remedies,
    )


def outside_rayon(span: Span, district: str, sites: int) -> Diagnostic:
    """`district`, with `sites` guarded sites, is in no rayon."""
    guarded = "1 guarded site" if sites == 1 else f"{sites} guarded sites"
    return Diagnostic(
        code=codes.OUTSIDE_RAYON,
        message=f"district `{district}` ({guarded}) is in no rayon",
        span=span,
        label="in no rayon's `districts`",
        help="add it to the `districts` of the rayon that should back it up",
    )


def reserve_overdrawn(
    span: Span, holder: str, amount: int, got: int, phases: str, phase: str, left: str
) -> Diagnostic:
    """`holder`'s reserve of `amount` got only `got` in `phases` (names, quoted); `left`:
    what its units had left in `phase` before it."""
    return Diagnostic(
        code=codes.RESERVE_OVERDRAWN,
        message=f"`{holder}` holds back {amount} but its units have only {got} left in {phases}",
        span=span,
        label=f"{amount - got} more than there is",
        notes=(f"left in `{phase}` before this reserve: {left}",),
        help=f"lower the reserve to {got}, draw from another unit as well, or raise "
        "the strength of its units",
    )


def overcommitted_unit(
    span: Span,
    unit: str,
    people: str,
    strength: int | None,
    committed: int,
    stretch: str,
    phases: tuple[str, ...],
    parts: str,
    related: tuple[Label, ...],
) -> Diagnostic:
    """`unit` has `people` (its `strength`, in words) but `committed` are held at once in
    `stretch` while `phases` are in force; `parts`: by whom; `related`: the holders."""
    return Diagnostic(
        code=codes.OVERCOMMITTED_UNIT,
        message=f"`{unit}` has {people} but {committed} are committed at once, {stretch} "
        f"(phases {', '.join(f'`{p}`' for p in phases)} in force): {parts}",
        span=span,
        label=f"strength {strength}",
        related=related,
        help="hold fewer people from this unit in one of the reserves, draw them from "
        "another unit, or separate the phases in time",
    )


def reserve_out_of_reach(
    span: Span,
    site: str,
    label: str,
    phases: str,
    detail: str,
    within: int | None,
    detour: float,
    speed: float,
    related: tuple[Label, ...],
) -> Diagnostic:
    """Site `site` (`label`) is more than `within` minutes from every reserve in `phases`;
    `detail`: the nearest one, or none; the estimate's `detour` factor and `speed`."""
    return Diagnostic(
        code=codes.RESERVE_OUT_OF_REACH,
        message=f"site `{site}` ({label}) is out of reach of every reserve in {phases}: {detail}",
        span=span,
        label=f"more than {within} min from a reserve",
        related=related,
        notes=(f"estimate: great-circle distance x {detour:g} at {speed:g} km/h",),
        help="place a rayon post or a `role reserve` unit nearer, or review the site's class",
    )


def reserve_unverifiable(
    span: Span,
    site: str,
    within: int | None,
    phases: str,
    rule: Span,
    unlocated: tuple[tuple[str, Span], ...],
    listed: str | None,
) -> Diagnostic:
    """`reserve within` of site `site` in `phases` cannot be verified: the site has no
    coordinates (`listed` None), or the reserves `listed`, which might be near, have
    none; `rule`: the rule; `unlocated`: each such reserve's label and place."""
    if listed is None:
        missing = "the site has no coordinates"
        fix = "give the site coordinates (`at LAT, LON`, or lat/lon cells)"
    else:
        missing = (
            f"no reserve with coordinates is within {within} min, and these have none: {listed}"
        )
        fix = "give the rayon posts (`post ... at LAT, LON`) and reserve bases coordinates"
    return Diagnostic(
        code=codes.RESERVE_UNVERIFIABLE,
        message=f"cannot verify `reserve within {within}m` for site `{site}` in {phases}: "
        f"{missing}",
        span=span,
        label="could not be verified",
        related=(
            Label(span=rule, message="the rule"),
            *(Label(span=at, message=f"{label}: no coordinates") for label, at in unlocated),
        ),
        help=fix,
    )


def no_staffing_rule(span: Span, sites: int, kind: str, risk: str) -> Diagnostic:
    """`sites` sites of `kind` in class `risk`, guarded by risk, and no rule for them."""
    one = sites == 1
    return Diagnostic(
        code=codes.NO_STAFFING_RULE,
        message=f"{sites} `{kind}` {'site' if one else 'sites'} of class `{risk}` "
        f"{'is' if one else 'are'} guarded by risk, but `{risk}` has no rule for `{kind}`",
        span=span,
        label="these sites get nobody",
        help=f"add a rule such as `polri 1 per {kind}` to risk class `{risk}`, "
        f"or guard them `with N force`",
    )


_LOSS_LABEL = "if this is committed elsewhere, the plan breaks"


def _loss_message(headline: str, parts: tuple[str, ...], shown: int) -> str:
    more = f"; and {len(parts) - shown} more" if len(parts) > shown else ""
    return f"{headline}: " + "; ".join(parts[:shown]) + more


def _loss_help(stranded: bool, short: bool) -> str | None:
    fixes = []
    if stranded:
        fixes.append(
            "put another rayon post or a `role reserve` unit within reach of those sites, or "
            "hold the reserve from more than one unit"
        )
    if short:
        fixes.append(
            "give the units that may staff those districts more people, or let a "
            "unit with people to spare cover them"
        )
    return "; or ".join(fixes) or None


def loss_not_survived(
    span: Span | None,
    headline: str,
    parts: tuple[str, ...],
    shown: int,
    related: tuple[Label, ...],
    *,
    stranded: bool,
    short: bool,
) -> Diagnostic:
    """A loss the plan must survive (`headline`) breaks it: `parts`, the first `shown` in
    the message; `stranded` sites, `short` districts decide the help."""
    return Diagnostic(
        code=codes.LOSS_NOT_SURVIVED,
        message=_loss_message(headline, parts, shown),
        span=span,
        label=_LOSS_LABEL,
        related=related,
        notes=parts[shown:],
        help=_loss_help(stranded, short),
    )


def contingency_loss(
    span: Span | None,
    headline: str,
    parts: tuple[str, ...],
    shown: int,
    related: tuple[Label, ...],
    *,
    stranded: bool,
    short: bool,
) -> Diagnostic:
    """A loss the plan need not survive breaks it (reported when every loss is worked
    out); the same words as `loss_not_survived`."""
    return Diagnostic(
        code=codes.CONTINGENCY_LOSS,
        message=_loss_message(headline, parts, shown),
        span=span,
        label=_LOSS_LABEL,
        related=related,
        notes=parts[shown:],
        help=_loss_help(stranded, short),
    )
