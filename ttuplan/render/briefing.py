"""The briefing (Renpam) as a view: every section a template lays out, computed here once."""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

from ttuplan import model as m
from ttuplan.deployment import Deployment, PhaseDeployment
from ttuplan.diagnostics.model import Diagnostic, Severity
from ttuplan.domain import guards_in_force
from ttuplan.render.common import Labels, PostView, deployment_phases, post_views
from ttuplan.render.escape import Trusted
from ttuplan.render.words import Words, zone_name
from ttuplan.source import Span
from ttuplan.terminal import visible


@dataclass(frozen=True, slots=True)
class RiskRow:
    label: str
    sites: int
    pattern: str
    by_ratio: tuple[Fraction, ...]  # one per force of the table
    by_posts: tuple[int, ...]
    allocated: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class RiskTable:
    phase: str  # label
    forces: tuple[str, ...]  # labels
    pattern_heading: str
    rows: tuple[RiskRow, ...]
    risk_total: RiskRow
    fixed: RiskRow | None
    total: RiskRow


@dataclass(frozen=True, slots=True)
class UnitRow:
    label: str
    force: str
    strength: int | None
    rolled_up: int | None  # with subordinate units, when it has any
    depth: int  # in the parent tree
    base: str
    covers: str
    role: str
    available: str
    committed: tuple[tuple[int, int, int] | None, ...]  # per phase: held, posted, spare


@dataclass(frozen=True, slots=True)
class Reserve:
    amount: int
    sources: str
    during: str


@dataclass(frozen=True, slots=True)
class RayonView:
    label: str
    post: str
    post_district: str
    lat: float | None
    lon: float | None
    districts: tuple[str, ...]
    reserves: tuple[Reserve, ...]
    escalates: tuple[str, ...]
    commander: str


@dataclass(frozen=True, slots=True)
class PhaseView:
    name: str
    label: str
    start: dt.datetime
    end: dt.datetime  # exclusive
    period: str
    guards: tuple[str, ...]
    muster: str
    shifts: tuple[str, ...]
    posts: int
    people: tuple[tuple[str, int], ...]  # (force label, people posted)


@dataclass(frozen=True, slots=True)
class EscalationRow:
    """A command of the escalation graph: whom it reports to in each phase, as the indexes
    of other rows (never by label, which two commands may share)."""

    label: str
    final: bool
    targets: tuple[tuple[int, ...], ...]  # per phase, in plan order


@dataclass(frozen=True, slots=True)
class Contact:
    label: str
    commander: str
    phone: str
    radio: str
    callsign: str


@dataclass(frozen=True, slots=True)
class DistrictAnnex:
    label: str
    code: str
    sites: int
    phases: tuple[tuple[str, tuple[PostView, ...]], ...]  # (phase label, its posts here)


@dataclass(frozen=True, slots=True)
class Briefing:
    title: str
    authority: str
    operation: str
    basis: str
    classification: str
    number: str
    letterhead: tuple[str, ...]
    situation: tuple[str, ...]
    mission: tuple[str, ...]
    zone: str
    fingerprint: str
    risk_table: RiskTable | None
    phase_labels: tuple[str, ...]
    units: tuple[UnitRow, ...]
    force_totals: tuple[tuple[str, int], ...]
    rayons: tuple[RayonView, ...]
    pools: tuple[RayonView, ...]
    phases: tuple[PhaseView, ...]
    escalation: tuple[tuple[str, tuple[str, ...]], ...]  # (command, target per phase): a table
    escalation_rows: tuple[EscalationRow, ...]  # the same as structure: for drawing it
    mermaid: Trusted
    contacts: tuple[Contact, ...]
    warnings: tuple[str, ...]
    annex: tuple[DistrictAnnex, ...] = field(default=())


def briefing_view(
    plan: m.Plan,
    deployment: Deployment,
    diagnostics: tuple[Diagnostic, ...],
    words: Words,
    fingerprint: str,
) -> Briefing:
    labels = Labels(plan)
    pairs = deployment_phases(labels, deployment)
    info = plan.info
    return Briefing(
        title=info.label,
        authority=info.authority,
        operation=info.operation,
        basis=info.basis,
        classification=info.classification,
        number=info.number,
        letterhead=info.letterhead,
        situation=info.situation,
        mission=info.mission,
        zone=zone_name(info.timezone),
        fingerprint=fingerprint,
        risk_table=_risk_table(labels, deployment),
        phase_labels=tuple(p.label for p, _ in pairs),
        units=_units(labels, pairs, words),
        force_totals=_force_totals(labels),
        rayons=tuple(_rayon(labels, r, words) for r in plan.rayons),
        pools=tuple(_pool(labels, p, words) for p in plan.pools),
        phases=tuple(_phase(labels, p, d, words) for p, d in pairs),
        escalation=_escalation(labels),
        escalation_rows=_escalation_rows(labels),
        mermaid=_mermaid(plan, deployment),
        contacts=_contacts(plan),
        warnings=tuple(  # as the terminal shows them: a file name may not be UTF-8
            visible(f"{d.code.id} {d.message}" + (f" ({_where(plan, d.span)})" if d.span else ""))
            for d in diagnostics
            if d.severity is Severity.WARNING
        ),
        annex=_annex(labels, pairs),
    )


def _risk_phase(deployment: Deployment) -> PhaseDeployment | None:
    """The phase most sites are guarded by risk in (the voting day, in an election)."""
    best, best_sites = None, 0
    for phase in deployment.phases:
        sites = sum(line.sites for line in phase.classes if line.risk is not None) // max(
            1, len({line.force for line in phase.classes})
        )
        if sites > best_sites:
            best, best_sites = phase, sites
    return best


def _risk_table(labels: Labels, deployment: Deployment) -> RiskTable | None:
    phase = _risk_phase(deployment)
    if phase is None:
        return None
    forces = list(dict.fromkeys(line.force for line in phase.classes))
    by_key = {(line.risk, line.force): line for line in phase.classes}
    risks = [r.name for r in labels.plan.risks if any((r.name, f) in by_key for f in forces)]

    def row(label: str, keys: list[str | None], pattern: str = "") -> RiskRow:
        lines = [[by_key[(k, f)] for k in keys if (k, f) in by_key] for f in forces]
        sites = max((sum(x.sites for x in per_force) for per_force in lines), default=0)
        return RiskRow(
            label=label,
            sites=sites,
            pattern=pattern,
            by_ratio=tuple(sum((x.by_ratio for x in ls), Fraction(0)) for ls in lines),
            by_posts=tuple(sum(x.by_posts for x in ls) for ls in lines),
            allocated=tuple(sum(x.allocated for x in ls) for ls in lines),
        )

    has_fixed = any(key[0] is None for key in by_key)
    keys: list[str | None] = [*risks, *([None] if has_fixed else [])]
    return RiskTable(
        phase=labels.phases[phase.phase].label,
        forces=tuple(labels.forces[f] for f in forces),
        pattern_heading=labels.pattern_heading(risks),
        rows=tuple(
            row(labels.risks[r].label, [r], labels.pattern(r, labels.heading_forces(risks)))
            for r in risks
        ),
        risk_total=row("", list(risks)),
        fixed=row("", [None]) if has_fixed else None,
        total=row("", keys),
    )


def _units(
    labels: Labels, pairs: list[tuple[m.Phase, PhaseDeployment]], words: Words
) -> tuple[UnitRow, ...]:
    children: dict[str | None, list[m.Unit]] = defaultdict(list)
    for unit in labels.plan.units:
        parent = unit.parent if unit.parent in labels.units else None
        children[parent].append(unit)
    loads = [{load.unit: load for load in d.loads} for _, d in pairs]
    # The tree walked with a stack, not recursion: a `parent` chain may be thousands deep.
    order: list[tuple[m.Unit, int]] = []  # depth first, children in plan order
    stack = [(root, 0) for root in reversed(children[None])]
    while stack:
        unit, depth = stack.pop()
        order.append((unit, depth))
        stack.extend((child, depth + 1) for child in reversed(children[unit.name]))
    totals: dict[str, int] = {}
    for unit, _ in reversed(order):  # every child before its parent
        totals[unit.name] = (unit.strength or 0) + sum(
            totals[child.name] for child in children[unit.name]
        )
    rows: list[UnitRow] = []
    for unit, depth in order:
        committed = tuple(
            (load.held, load.posted, load.spare) if load.available else None
            for load in (phase_loads[unit.name] for phase_loads in loads)
        )
        rows.append(
            UnitRow(
                label=unit.label,
                force=labels.forces.get(unit.force, unit.force),
                strength=unit.strength,
                rolled_up=totals[unit.name] if children[unit.name] else None,
                depth=depth,
                base=labels.district(unit.base) if unit.base else "",
                covers=words("covers_all")
                if unit.covers_all
                else ", ".join(labels.district(d) for d in unit.covers),
                role=words("role_reserve") if unit.role == "reserve" else "",
                available=_availability(unit, words),
                committed=committed,
            )
        )
    return tuple(rows)


def _availability(unit: m.Unit, words: Words) -> str:
    parts = []
    if unit.available_from:
        parts.append(f"{words('from')} {words.moment(unit.available_from)}")
    if unit.available_until:
        parts.append(f"{words('until')} {words.moment(unit.available_until)}")
    return " ".join(parts)


def _force_totals(labels: Labels) -> tuple[tuple[str, int], ...]:
    totals: dict[str, int] = defaultdict(int)
    for unit in labels.plan.units:
        totals[labels.forces.get(unit.force, unit.force)] += unit.strength or 0
    return tuple(totals.items())


def _reserves(labels: Labels, reserves: tuple[m.Reserve, ...], words: Words) -> tuple[Reserve, ...]:
    return tuple(
        Reserve(
            amount=r.amount,
            sources=", ".join(labels.command(s) for s in r.sources),
            during=", ".join(labels.phases[p].label for p in r.during) or words("all_phases"),
        )
        for r in reserves
    )


def _escalates(labels: Labels, escalations: tuple[m.Escalation, ...]) -> tuple[str, ...]:
    return tuple(
        labels.command(e.target)
        + (f" ({', '.join(labels.phases[p].label for p in e.during)})" if e.during else "")
        for e in escalations
    )


def _rayon(labels: Labels, rayon: m.Rayon, words: Words) -> RayonView:
    post = rayon.post
    return RayonView(
        label=rayon.label,
        post=post.label if post else "",
        post_district=labels.district(post.district) if post else "",
        lat=post.lat if post else None,
        lon=post.lon if post else None,
        districts=tuple(labels.district(d) for d in rayon.districts),
        reserves=_reserves(labels, rayon.reserves, words),
        escalates=_escalates(labels, rayon.escalations),
        commander=rayon.contact.commander,
    )


def _pool(labels: Labels, pool: m.Pool, words: Words) -> RayonView:
    return RayonView(
        label=pool.label,
        post="",
        post_district="",
        lat=None,
        lon=None,
        districts=(),
        reserves=_reserves(labels, pool.reserves, words),
        escalates=_escalates(labels, pool.escalations),
        commander=pool.contact.commander,
    )


def _phase(labels: Labels, phase: m.Phase, deployment: PhaseDeployment, words: Words) -> PhaseView:
    guards = []
    for held in guards_in_force(labels.plan, phase):
        guard = held.guard
        targets = ", ".join(labels.kinds.get(t) or labels.sites[t].label for t in guard.targets)
        if guard.by_risk:
            guards.append(f"{targets}: {words('guard_by_risk')}")
        else:
            amounts = ", ".join(f"{n} {labels.forces[f]}" for f, n in guard.amounts)
            guards.append(f"{targets}: {amounts} {words('each')}")
    people: dict[str, int] = defaultdict(int)
    for assignment in deployment.assignments:
        people[labels.forces[assignment.force]] += assignment.people
    muster = ""
    if phase.muster:
        muster = f"{words.time(phase.muster.time)} {phase.muster.place}"
    return PhaseView(
        name=phase.name,
        start=phase.start,
        end=phase.end,
        label=phase.label,
        period=words.period(phase.start, phase.end),
        guards=tuple(guards),
        muster=muster,
        shifts=tuple(f"{s.name} {words.time(s.start)}–{words.time(s.end)}" for s in phase.shifts),
        posts=len(deployment.posts),
        people=tuple(people.items()),
    )


def _escalation(labels: Labels) -> tuple[tuple[str, tuple[str, ...]], ...]:
    from ttuplan.domain import edges_in

    rows = []
    for command in labels.commands.values():
        targets = tuple(
            ", ".join(labels.command(e.target) for e in edges_in(command, p.name))
            or ("■" if command.final else "")
            for p in labels.plan.phases
        )
        rows.append((labels.command(command.name), targets))
    return tuple(rows)


def _escalation_rows(labels: Labels) -> tuple[EscalationRow, ...]:
    from ttuplan.domain import edges_in

    index = {name: number for number, name in enumerate(labels.commands)}
    return tuple(
        EscalationRow(
            label=labels.command(command.name),
            final=command.final,
            targets=tuple(
                tuple(index[e.target] for e in edges_in(command, p.name) if e.target in index)
                for p in labels.plan.phases
            ),
        )
        for command in labels.commands.values()
    )


def _mermaid(plan: m.Plan, deployment: Deployment) -> Trusted:
    """The escalation graph as `ttuplan graph` draws it, from the checker's analysis."""
    from ttuplan.graph import escalation_drawing, mermaid, phase_labels

    drawing = escalation_drawing(plan, deployment.escalation)
    return Trusted(mermaid(drawing, phase_labels(plan)).rstrip("\n"))


def _contacts(plan: m.Plan) -> tuple[Contact, ...]:
    found = []
    holders: list[m.Unit | m.Rayon | m.Pool] = [*plan.units, *plan.rayons, *plan.pools]
    for holder in holders:
        c = holder.contact
        if c.commander or c.phone or c.radio or c.callsign:
            found.append(
                Contact(
                    label=holder.label,
                    commander=c.commander,
                    phone=c.phone,
                    radio=c.radio,
                    callsign=c.callsign,
                )
            )
    return tuple(found)


def _annex(
    labels: Labels, pairs: list[tuple[m.Phase, PhaseDeployment]]
) -> tuple[DistrictAnnex, ...]:
    per_district: dict[str, list[tuple[str, list[PostView]]]] = defaultdict(list)
    for phase, deployment in pairs:
        if not any(post.risk for post in deployment.posts):
            continue  # the annex lists the posts of the phases guarded by risk (voting)
        grouped: dict[str, list[PostView]] = defaultdict(list)
        for view, post in zip(post_views(labels, deployment), deployment.posts, strict=True):
            grouped[post.district].append(view)
        for district, views in grouped.items():
            per_district[district].append((phase.label, views))
    sites: dict[str, int] = defaultdict(int)
    for site in labels.plan.sites:
        sites[site.district] += 1
    return tuple(
        DistrictAnnex(
            label=d.label,
            code=d.code,
            sites=sites[d.name],
            phases=tuple((label, tuple(views)) for label, views in per_district[d.name]),
        )
        for d in labels.plan.districts
        if per_district.get(d.name)
    )


def _where(plan: m.Plan, span: Span) -> str:
    """A place in the plan as the documents show it: the file relative to the plan's own
    folder, so that the same plan gives the same documents on every machine."""
    folder = os.path.dirname(plan.files[0]) if plan.files else ""
    return f"{os.path.relpath(span.file, folder or '.')}:{span.line}:{span.column}"
