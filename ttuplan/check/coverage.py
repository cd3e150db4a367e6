"""Coverage diagnostics: districts nobody covers, shortfalls and their bottleneck, rayons,
reserves overdrawn, units committed twice over, reserves out of reach, sites without rules.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from itertools import chain

from ttuplan import model as m
from ttuplan.check.allocate import Overdraw
from ttuplan.check.posts import Unruled
from ttuplan.check.timeline import phases_overlap
from ttuplan.deployment import Assignment, PhaseDeployment, Post, Shortfall
from ttuplan.diagnostics import codes
from ttuplan.diagnostics.model import Diagnostic, Label


def people(count: int) -> str:
    return "1 person" if count == 1 else f"{count} people"


def _phases(names: Sequence[str]) -> str:
    quoted = [f"`{n}`" for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def uncovered(
    plan: m.Plan, found: dict[tuple[str, str], list[str]], guard_spans: dict[tuple[str, str], Post]
) -> list[Diagnostic]:
    districts = {d.name: d for d in plan.districts}
    problems = []
    for (district, force), phases in found.items():
        post = guard_spans[(district, force)]
        problems.append(
            Diagnostic(
                code=codes.UNCOVERED_DISTRICT,
                message=f"no {force} unit covers district `{district}`, which has sites to guard "
                f"in {_phases(phases)}",
                span=districts[district].span,
                label=f"no {force} unit covers this district",
                related=(Label(span=post.span, message=f"guards sites in `{district}`"),),
                help=f"add `{district}` to the `covers` of the {force} unit responsible for it",
            )
        )
    return problems


def understaffed(plan: m.Plan, phase: PhaseDeployment) -> list[Diagnostic]:
    """A diagnostic for every shortfall of a phase."""
    if not phase.shortfalls:
        return []
    posted = _posted_by_district(phase)
    return [_understaffed(plan, shortfall, phase, posted) for shortfall in phase.shortfalls]


def _understaffed(
    plan: m.Plan, shortfall: Shortfall, phase: PhaseDeployment, posted: dict[str, dict[str, int]]
) -> Diagnostic:
    units = {u.name: u for u in plan.units}
    districts = {d.name: d for d in plan.districts}
    loads = {load.unit: load for load in phase.loads}
    related = []
    for name in shortfall.bottleneck:
        load = loads[name]
        if not load.available:
            related.append(
                Label(
                    span=units[name].span,
                    message=f"`{name}` covers it but is not there in this phase",
                )
            )
            continue
        where = ", ".join(
            f"{people} to {district}"
            for district, people in sorted(posted[name].items(), key=lambda kv: (-kv[1], kv[0]))
        )
        held = f"{load.held} held by reserves, " if load.held else ""
        related.append(
            Label(
                span=units[name].span,
                message=f"`{name}`: strength {load.strength}, {held}"
                f"{load.posted} on posts ({where or 'none'}); none spare",
            )
        )
    spare = _spare_helper(plan, shortfall, phase)
    ways = []
    if shortfall.bottleneck:
        ways.append(f"raise the strength of `{shortfall.bottleneck[0]}` by {shortfall.short}")
    if spare:
        ways.append(
            f"add `{shortfall.district}` to the `covers` of `{spare[0][1]}` "
            f"({spare[0][0]} {shortfall.force} spare in this phase)"
        )
    ways.append("or lower the demand (risk-class rules, fixed guards)")
    return Diagnostic(
        code=codes.UNDERSTAFFED,
        message=f"district `{shortfall.district}` is short of {shortfall.short} "
        f"{shortfall.force} in phase `{shortfall.phase}`: its posts need {shortfall.need}, "
        f"the units covering it can give {shortfall.have}",
        span=districts[shortfall.district].span,
        label=f"short by {shortfall.short} {shortfall.force}",
        related=tuple(related),
        notes=(f"bottleneck: {', '.join(f'`{u}`' for u in shortfall.bottleneck) or 'none'}",),
        help=", ".join(ways[:-1]) + (", " if len(ways) > 1 else "") + ways[-1],
    )


def _spare_helper(
    plan: m.Plan, shortfall: Shortfall, phase: PhaseDeployment
) -> list[tuple[int, str]]:
    """Units that could close a shortfall by covering the district: same force, not a
    reserve, with spare people; those near the bottleneck (sharing a district) first."""
    units = {u.name: u for u in plan.units}
    near = {d for name in shortfall.bottleneck for d in units[name].covers}
    candidates = [
        (load.spare, load.unit)
        for load in phase.loads
        if load.spare > 0
        and units[load.unit].force == shortfall.force
        and units[load.unit].role != "reserve"
    ]
    close = [c for c in candidates if units[c[1]].covers_all or near & set(units[c[1]].covers)]
    return sorted(close or candidates, key=lambda pair: (-pair[0], pair[1]))


def _posted_by_district(phase: PhaseDeployment) -> dict[str, dict[str, int]]:
    district_of = {post.id: post.district for post in phase.posts}
    posted: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for assignment in phase.assignments:
        posted[assignment.unit][district_of[assignment.post]] += assignment.people
    return posted


def outside_rayons(plan: m.Plan, phases: Sequence[PhaseDeployment]) -> list[Diagnostic]:
    """Districts with guarded sites that no rayon backs up."""
    if not plan.rayons:
        return []
    in_rayon = {d for rayon in plan.rayons for d in rayon.districts}
    if not {d.name for d in plan.districts} - in_rayon:
        return []  # the usual case, found without looking at the sites
    guarded = set(chain.from_iterable(post.sites for d in phases for post in d.posts))
    counts: dict[str, int] = defaultdict(int)
    for site in plan.sites:
        if site.district not in in_rayon and site.id in guarded:
            counts[site.district] += 1
    return [
        Diagnostic(
            code=codes.OUTSIDE_RAYON,
            message=f"district `{d.name}` ({counts[d.name]} guarded sites) is in no rayon",
            span=d.span,
            label="in no rayon's `districts`",
            help="add it to the `districts` of the rayon that should back it up",
        )
        for d in plan.districts
        if counts.get(d.name)
    ]


def overdrawn(draws: list[Overdraw]) -> list[Diagnostic]:
    by_reserve: dict[int, list[Overdraw]] = defaultdict(list)
    for draw in draws:
        by_reserve[id(draw.reserve)].append(draw)
    problems = []
    for group in by_reserve.values():
        first = group[0]
        left = ", ".join(f"`{unit}` {people}" for unit, people in first.left)
        problems.append(
            Diagnostic(
                code=codes.RESERVE_OVERDRAWN,
                message=f"`{first.holder}` holds back {first.reserve.amount} but its units have "
                f"only {first.got} left in {_phases([d.phase for d in group])}",
                span=first.reserve.span,
                label=f"{first.reserve.amount - first.got} more than there is",
                notes=(f"left in `{first.phase}` before this reserve: {left}",),
                help=f"lower the reserve to {first.got}, draw from another unit as well, or raise "
                "the strength of its units",
            )
        )
    return problems


def overcommitted(plan: m.Plan, phases: Sequence[PhaseDeployment]) -> list[Diagnostic]:
    """Units whose commitments in phases that overlap in time exceed their strength."""
    by_name = {p.name: p for p in plan.phases}
    committed = {d.phase: {load.unit: load.held + load.posted for load in d.loads} for d in phases}
    overlapping = {
        d.phase: tuple(
            p.name
            for p in plan.phases
            if p is by_name[d.phase] or phases_overlap(p, by_name[d.phase])
        )
        for d in phases
    }
    problems = []
    for unit in plan.units:
        if not unit.strength:
            continue
        used = {phase: loads.get(unit.name, 0) for phase, loads in committed.items()}
        worst: tuple[int, tuple[str, ...]] = (0, ())
        for deployment in phases:
            together = overlapping[deployment.phase]
            total = sum(used.get(name, 0) for name in together)
            if len(together) > 1 and total > unit.strength and total > worst[0]:
                worst = (total, together)
        if worst[0]:
            problems.append(
                Diagnostic(
                    code=codes.OVERCOMMITTED_UNIT,
                    message=f"`{unit.name}` has {people(unit.strength)} but {worst[0]} are "
                    f"committed at once: phases {_phases(worst[1])} overlap",
                    span=unit.span,
                    label=f"strength {unit.strength}",
                    related=tuple(
                        Label(span=by_name[n].span, message=f"{used.get(n, 0)} committed in `{n}`")
                        for n in worst[1]
                    ),
                    help="separate the phases in time, or take fewer people from this unit",
                )
            )
    return problems


def no_rules(found: list[Unruled]) -> list[Diagnostic]:
    seen: set[tuple[int, str, str]] = set()
    problems = []
    for item in found:
        key = (id(item.guard), item.risk, item.kind)
        if key in seen:
            continue
        seen.add(key)
        problems.append(
            Diagnostic(
                code=codes.NO_STAFFING_RULE,
                message=f"{item.sites} `{item.kind}` sites of class `{item.risk}` are guarded by "
                f"risk, but `{item.risk}` has no rule for `{item.kind}`",
                span=item.guard.span,
                label="these sites get nobody",
                help=f"add a rule such as `polri 1 per {item.kind}` to risk class `{item.risk}`, "
                f"or guard them `with N force`",
            )
        )
    return problems


def allocated_by_post(assignments: Sequence[Assignment]) -> dict[tuple[str, str], int]:
    totals: dict[tuple[str, str], int] = defaultdict(int)
    for assignment in assignments:
        totals[(assignment.post, assignment.force)] += assignment.people
    return totals
