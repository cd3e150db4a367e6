"""What hovering over a name shows, in Markdown, from the plan and its deployment: a unit's
strength and where its people are in each phase; a district's posts and who staffs it; a
site's class, post, guards and nearest reserve; a risk class's rules; a code's meaning."""

from __future__ import annotations

from collections import defaultdict

from ttuplan import model as m
from ttuplan.api import CheckResult
from ttuplan.check.reach import _closest, minutes_text, reserves_in
from ttuplan.deployment import Deployment, PhaseDeployment
from ttuplan.diagnostics.codes import lookup
from ttuplan.domain import children, staffing, stretch
from ttuplan.resolve.names import Key
from ttuplan.summary import counted


def code_text(code_id: str) -> str | None:
    code = lookup(code_id)
    if code is None:
        return None
    state = " (retired)" if code.retired else ""
    return (
        f"**{code.id} {code.slug}**{state} — {code.severity.value}: {code.summary}\n\n"
        f"{code.explanation}\n\n`ttuplan explain {code.id}`"
    )


def hover_text(result: CheckResult, key: Key) -> str | None:
    """The hover for a name of the plan (None when the plan has no such thing)."""
    plan = result.plan
    if plan is None:
        return None
    namespace, name = key
    deployment = result.deployment
    if namespace == "command":
        unit = next((u for u in plan.units if u.name == name), None)
        if unit is not None:
            return _unit(plan, unit, deployment)
        return _command(plan, name)
    if namespace == "district":
        district = next((d for d in plan.districts if d.name == name), None)
        return _district(plan, district, deployment) if district else None
    if namespace == "target":
        site = next((s for s in plan.sites if s.id == name), None)
        if site is not None:
            return _site(plan, site, deployment)
        kind = next((k for k in plan.kinds if k.name == name), None)
        if kind is not None:
            count = sum(1 for s in plan.sites if s.kind == name)
            return f"**kind `{name}`** — {kind.label}\n\n{counted(count, 'site')}"
        return None
    if namespace == "risk":
        risk = next((r for r in plan.risks if r.name == name), None)
        return _risk(plan, risk) if risk else None
    if namespace == "force":
        force = next((f for f in plan.forces if f.name == name), None)
        if force is None:
            return None
        units = [u for u in plan.units if u.force == name]
        strength = sum(u.strength or 0 for u in units)
        people = f"{counted(len(units), 'unit')}, strength {strength:,}"
        return f"**force `{name}`** — {force.label}\n\n{people}"
    if namespace == "phase":
        phase = next((p for p in plan.phases if p.name == name), None)
        return _phase(phase, deployment) if phase else None
    return None


def _unit(plan: m.Plan, unit: m.Unit, deployment: Deployment | None) -> str:
    lines = [f"**unit `{unit.name}`** — {unit.label} ({unit.force})", ""]
    facts = [f"strength {unit.strength:,}" if unit.strength is not None else "no strength"]
    below = _rolled_up(plan, unit.name) - (unit.strength or 0)
    if below:
        facts[0] += f" (with the units under it: {below + (unit.strength or 0):,})"
    if unit.role:
        facts.append(f"role {unit.role}")
    if unit.final:
        facts.append("final")
    staffs = staffing(plan).get(unit.name, ())
    if staffs:
        facts.append(f"may staff {len(staffs)} district{'s' if len(staffs) != 1 else ''}")
    lines.append(", ".join(facts))
    if deployment is None:
        return "\n".join(lines)
    lines += [
        "",
        "| phase | held | posted | peak | spare | where |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for phase in deployment.phases:
        load = next((x for x in phase.loads if x.unit == unit.name), None)
        if load is None:
            continue
        if not load.available:
            lines.append(f"| {phase.phase} | – | – | – | – | not there |")
            continue
        lines.append(
            f"| {phase.phase} | {load.held:,} | {load.posted:,} | {load.peak:,} | "
            f"{load.spare:,} | {_where(phase, unit.name)} |"
        )
    return "\n".join(lines)


def _rolled_up(plan: m.Plan, name: str) -> int:
    """A unit's strength with every unit below it in the `parent` tree."""
    below = children(plan)
    strengths = {u.name: u.strength or 0 for u in plan.units}
    total, stack, seen = 0, [name], set()
    while stack:
        current = stack.pop()
        if current in seen:  # a `parent` loop is reported elsewhere; count each unit once
            continue
        seen.add(current)
        total += strengths.get(current, 0)
        stack.extend(u.name for u in below.get(current, ()))
    return total


def _where(phase: PhaseDeployment, unit: str) -> str:
    """Where a unit's people are in a phase: reserves by holder, posts by district."""
    places: dict[str, int] = defaultdict(int)
    for hold in phase.holds:
        if hold.unit == unit and hold.people:
            places[f"reserve {hold.holder}"] += hold.people
    mine = {a.post: a.people for a in phase.assignments if a.unit == unit}
    if mine:
        for post in phase.posts:
            people = mine.get(post.id)
            if people:
                places[post.district] += people
    return ", ".join(f"{place} {people:,}" for place, people in places.items()) or "–"


def _command(plan: m.Plan, name: str) -> str | None:
    rayon = next((r for r in plan.rayons if r.name == name), None)
    holder: m.Rayon | m.Pool | None = rayon or next((p for p in plan.pools if p.name == name), None)
    if holder is None:
        return None
    what = "rayon" if rayon else "pool"
    lines = [f"**{what} `{name}`** — {holder.label}", ""]
    if rayon is not None:
        if rayon.post is not None:
            lines.append(f"post {rayon.post.label} in {rayon.post.district}")
        lines.append(f"districts: {', '.join(rayon.districts) or '–'}")
    for reserve in holder.reserves:
        during = f" during {', '.join(reserve.during)}" if reserve.during else ""
        lines.append(f"- reserve {reserve.amount} from {', '.join(reserve.sources)}{during}")
    return "\n".join(lines)


def _district(plan: m.Plan, district: m.District, deployment: Deployment | None) -> str:
    lines = [f"**district `{district.name}`** — {district.label}", ""]
    if district.code:
        lines.append(f"code {district.code}")
    staffs = staffing(plan)
    units = [u for u, districts in staffs.items() if district.name in districts]
    lines.append(f"staffed by: {', '.join(units) or 'no unit'}")
    rayons = [r.name for r in plan.rayons if district.name in r.districts]
    if rayons:
        lines.append(f"rayon: {', '.join(rayons)}")
    if deployment is None:
        return "\n".join(lines)
    lines += [
        "",
        "| phase | posts | sites | need | given | short |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for phase in deployment.phases:
        posts = [p for p in phase.posts if p.district == district.name]
        if not posts:
            continue
        ids = {p.id for p in posts}
        need = sum(people for p in posts for force, _ in p.need for people in [p.people_of(force)])
        given = sum(a.people for a in phase.assignments if a.post in ids)
        short = sum(s.short for s in phase.shortfalls if s.district == district.name)
        sites = sum(len(p.sites) for p in posts)
        lines.append(
            f"| {phase.phase} | {len(posts):,} | {sites:,} | {need:,} | {given:,} | {short:,} |"
        )
    return "\n".join(lines)


def _site(plan: m.Plan, site: m.Site, deployment: Deployment | None) -> str:
    risks = {r.name: r for r in plan.risks}
    risk = risks.get(site.risk)
    lines = [
        f"**site `{site.id}`** — {site.label}",
        "",
        f"{site.kind} in {site.district}" + (f", {site.village}" if site.village else ""),
        f"class {risk.label if risk else site.risk}",
    ]
    if deployment is None:
        return "\n".join(lines)
    phases = {p.name: p for p in plan.phases}
    for phase in deployment.phases:
        post = next((p for p in phase.posts if site.id in p.sites), None)
        if post is None:
            continue
        guards: dict[str, int] = defaultdict(int)
        for assignment in phase.assignments:
            if assignment.post == post.id:
                guards[assignment.unit] += assignment.people
        by = ", ".join(f"{unit} {people}" for unit, people in guards.items()) or "nobody"
        size = counted(len(post.sites), "site")
        line = f"- {phase.phase}: post `{post.id}` ({size}), guarded by {by}"
        line += _nearest(plan, phases[phase.phase], phase, site)
        lines.append(line)
    return "\n".join(lines)


def _nearest(plan: m.Plan, phase: m.Phase, deployment: PhaseDeployment, site: m.Site) -> str:
    if site.lat is None or site.lon is None:
        return "; no coordinates, so no nearest reserve"
    reserves = [r for r in reserves_in(plan, phase, deployment) if r.lat is not None]
    best = _closest(site.lat, site.lon, reserves)
    if best is None:
        return "; no reserve with coordinates"
    km, reserve = best
    minutes = km * plan.info.detour / plan.info.speed_kmh * 60
    return f"; nearest reserve {reserve.label}, {minutes_text(minutes)}"


def _risk(plan: m.Plan, risk: m.RiskClass) -> str:
    lines = [f"**risk class `{risk.name}`** — {risk.label} (rank {risk.rank + 1})", ""]
    lines += [f"- {rule.force} {_written(rule)}" for rule in risk.rules]
    if risk.reserve_within is not None:
        lines.append(f"- reserve within {risk.reserve_within} min")
    count = sum(1 for s in plan.sites if s.risk == risk.name)
    lines += ["", counted(count, "site")]
    return "\n".join(lines)


def _written(rule: m.Rule) -> str:
    per = f"{rule.per} " if rule.per != 1 else ""
    return f"{rule.amount} per {per}{rule.kind}"


def _phase(phase: m.Phase, deployment: Deployment | None) -> str:
    lines = [f"**phase `{phase.name}`** — {phase.label}", "", stretch(phase.start, phase.end)]
    found = deployment.phase(phase.name) if deployment else None
    if found is not None:
        given = sum(a.people for a in found.assignments)
        lines.append(f"{counted(len(found.posts), 'post')}, {given:,} people on them")
    return "\n".join(lines)
