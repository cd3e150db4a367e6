"""Coverage rules: districts nobody may staff, posts left unstaffed (explained by the cut),
districts in no rayon, reserves overdrawn, sites without staffing rules.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from itertools import chain

from ttuplan import model as m
from ttuplan.check.allocate import Allocation, Cut, Overdraw
from ttuplan.deployment import Load
from ttuplan.diagnostics.builders.coverage import (
    no_staffing_rule,
    outside_rayon,
    reserve_overdrawn,
    uncovered_district,
)
from ttuplan.diagnostics.builders.coverage import understaffed as understaffed_diagnostic
from ttuplan.diagnostics.model import Diagnostic, Label
from ttuplan.domain import available, staffing

EMPTY_SHOWN = 3  # post ids listed per group of empty posts


def names(items: Iterable[str]) -> str:
    """`a`, `a` and `b`, `a`, `b` and `c`: names quoted, as messages list them."""
    quoted = [f"`{item}`" for item in items]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


def uncovered(plan: m.Plan, allocation: Allocation) -> Iterable[Diagnostic]:
    """TP401: posts need a force in a district that no unit of the force may staff."""
    districts = {d.name: d for d in plan.districts}
    for found in allocation.uncovered:
        yield uncovered_district(
            districts[found.district].span,
            found.force,
            found.district,
            names(found.phases),
            found.post.span,
        )


def understaffed(plan: m.Plan, allocation: Allocation) -> Iterable[Diagnostic]:
    """TP402: posts left unstaffed, once per cut: the districts that together need more
    than the only units that may staff them can give."""
    loads = {d.phase: {load.unit: load for load in d.loads} for d in allocation.deployment.phases}
    for cut in allocation.cuts:
        yield _understaffed(plan, cut, loads[cut.phase])


def _understaffed(plan: m.Plan, cut: Cut, loads: dict[str, Load]) -> Diagnostic:
    units = {u.name: u for u in plan.units}
    districts = {d.name: d for d in plan.districts}
    risks = {r.name: r.label for r in plan.risks}
    phase = next(p for p in plan.phases if p.name == cut.phase)
    short = cut.need - cut.given
    where = (
        f"district `{cut.districts[0]}` needs"
        if len(cut.districts) == 1
        else f"districts {names(cut.districts)} together need"
    )
    it = "it" if len(cut.districts) == 1 else "them"
    if cut.units:
        who = ", ".join(f"`{u.unit}` {u.gives}" for u in cut.units)
        one = len(cut.units) == 1
        busy = sum(u.elsewhere for u in cut.units)
        all_of = (
            f"all {'it has' if one else 'they have'} left, {cut.given} ({busy} on posts of "
            f"phases overlapping `{cut.phase}` at the same time)"
            if busy
            else f"all {cut.given}"
        )
        gives = (
            f"the only {'unit' if one else 'units'} that can staff {it} ({who}) "
            f"{'gives' if one else 'give'} {all_of}"
        )
    else:
        gives = f"no unit that may staff {it} is there in this phase"
    related = []
    for member in cut.units:
        parts = [f"strength {member.strength}"]
        if member.held:
            parts.append(f"{member.held} held by reserves")
        if member.elsewhere:
            parts.append(f"{member.elsewhere} on posts of phases overlapping `{cut.phase}`")
        parts.append(f"{member.gives} on these posts")
        related.append(
            Label(span=units[member.unit].span, message=f"`{member.unit}`: " + ", ".join(parts))
        )
    for name in cut.absent:
        related.append(
            Label(
                span=units[name].span,
                message=f"`{name}` may staff {it} but is not there in `{cut.phase}`"
                f"{_window(units[name])}",
            )
        )
    first = cut.short[0]
    for district in cut.districts:
        if district != first:
            state = "also short" if district in cut.short else "staffed from the same units"
            related.append(Label(span=districts[district].span, message=f"`{district}`: {state}"))
    notes = []
    for group in cut.empty:
        kind = risks.get(group.risk or "", "fixed guard")
        listed = ", ".join(group.posts[:EMPTY_SHOWN])
        more = (
            f" and {len(group.posts) - EMPTY_SHOWN} more" if len(group.posts) > EMPTY_SHOWN else ""
        )
        notes.append(
            f"left short in `{group.district}`: {len(group.posts)} {kind} "
            f"{'post' if len(group.posts) == 1 else 'posts'} ({listed}{more}), "
            f"{group.people} {cut.force} missing"
        )
    return understaffed_diagnostic(
        districts[first].span,
        where,
        cut.need,
        cut.force,
        cut.phase,
        gives,
        short,
        related=tuple(related),
        notes=tuple(notes),
        remedies=_remedies(plan, cut, short, loads, phase),
    )


def _window(unit: m.Unit) -> str:
    parts = []
    if unit.available_from:
        parts.append(f"from {unit.available_from:%Y-%m-%d %H:%M}")
    if unit.available_until:
        parts.append(f"until {unit.available_until:%Y-%m-%d %H:%M}")
    return f" (there {' '.join(parts)})" if parts else ""


def _remedies(plan: m.Plan, cut: Cut, short: int, loads: dict[str, Load], phase: m.Phase) -> str:
    """Fixes that would work: more people in a unit of the cut, the window of a unit that
    is away, a unit with spare people at the same time given the district, less demand."""
    ways = []
    if cut.units:
        # one that may staff the short district itself, if there is one
        staff = staffing(plan)
        staffs = [u.unit for u in cut.units if cut.short[0] in staff[u.unit]]
        ways.append(f"raise the strength of `{(staffs or [cut.units[0].unit])[0]}` by {short}")
    if any(u.elsewhere for u in cut.units):
        ways.append(f"move `{cut.phase}` or the phases overlapping it apart in time")
    for name in cut.absent[:1]:
        ways.append(
            f"make `{name}` available for `{cut.phase}` (its `available` window, not "
            "its strength, keeps it away)"
        )
    helper = _spare_unit(plan, cut, loads, phase)
    if helper is not None:
        spare, name = helper
        ways.append(
            f"add `{cut.short[0]}` to the `covers` of `{name}` ({spare} {cut.force} spare "
            "at the same time)"
        )
    ways.append("or lower the demand (risk-class rules, fixed guards)")
    return ", ".join(ways[:-1]) + (", " if len(ways) > 1 else "") + ways[-1]


def _spare_unit(
    plan: m.Plan, cut: Cut, loads: dict[str, Load], phase: m.Phase
) -> tuple[int, str] | None:
    """A unit of the force with people spare throughout the phase that may not yet staff
    the cut's districts; one that shares a district with the cut's units first."""
    inside = {u.unit for u in cut.units} | set(cut.absent)
    staff = staffing(plan)
    near = {d for name in inside for d in staff[name]}
    candidates = []
    for unit in plan.units:
        load = loads.get(unit.name)
        if (
            load is None
            or unit.name in inside
            or unit.force != cut.force
            or unit.role == "reserve"
            or not available(unit, phase)
            or load.spare <= 0
        ):
            continue
        close = bool(near & set(staff[unit.name]))
        candidates.append((not close, -load.spare, unit.name, load.spare))
    if not candidates:
        return None
    _, _, name, spare = min(candidates)
    return spare, name


def outside_rayons(plan: m.Plan, allocation: Allocation) -> Iterable[Diagnostic]:
    """TP403: districts with guarded sites that no rayon backs up."""
    if not plan.rayons:
        return
    in_rayon = {d for rayon in plan.rayons for d in rayon.districts}
    if not {d.name for d in plan.districts} - in_rayon:
        return  # the usual case, found without looking at the sites
    phases = allocation.deployment.phases
    guarded = set(chain.from_iterable(post.sites for d in phases for post in d.posts))
    counts: dict[str, int] = defaultdict(int)
    for site in plan.sites:
        if site.district not in in_rayon and site.id in guarded:
            counts[site.district] += 1
    for district in plan.districts:
        if counts.get(district.name):
            yield outside_rayon(district.span, district.name, counts[district.name])


def overdrawn(plan: m.Plan, allocation: Allocation) -> Iterable[Diagnostic]:
    """TP404: a reserve that wants more than its units have left in a phase."""
    by_reserve: dict[int, list[Overdraw]] = defaultdict(list)
    for draw in allocation.overdraws:
        by_reserve[id(draw.reserve)].append(draw)
    for group in by_reserve.values():
        first = group[0]
        yield reserve_overdrawn(
            first.reserve.span,
            first.holder,
            first.reserve.amount,
            first.got,
            names(d.phase for d in group),
            first.phase,
            ", ".join(f"`{unit}` {people}" for unit, people in first.left),
        )


def no_rules(plan: m.Plan, allocation: Allocation) -> Iterable[Diagnostic]:
    """TP408: sites guarded by risk whose class has no rule for their kind."""
    seen: set[tuple[object, ...]] = set()
    for item in allocation.unruled:
        # one per guard statement, class and kind (a top-level guard is a copy per phase)
        key = (item.guard.span, item.guard.targets, item.risk, item.kind)
        if key in seen:
            continue
        seen.add(key)
        yield no_staffing_rule(item.guard.span, item.sites, item.kind, item.risk)
