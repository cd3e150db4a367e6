"""The briefing (Renpam) as a view: every section a template lays out, computed here once."""

from __future__ import annotations

import datetime as dt
import math
import os
from collections import defaultdict
from dataclasses import field
from fractions import Fraction

from ttuplan import model as m
from ttuplan.deployment import Deployment, PhaseDeployment
from ttuplan.diagnostics.model import Diagnostic, Severity
from ttuplan.domain import children, guards_in_force
from ttuplan.records import dataclass
from ttuplan.render.common import (
    Labels,
    PostView,
    deployment_phases,
    force_figures,
    phase_shifts,
    post_views,
)
from ttuplan.render.escape import Svg, Trusted
from ttuplan.render.words import Words, zone_name
from ttuplan.source import Span
from ttuplan.terminal import visible

# The briefing's annex lists posts per kecamatan up to this many; a larger plan's posts
# are in the rosters (sheets and index), and the briefing says so: a commander's order of
# a few dozen pages, not thousands (its PDF's memory grows with its pages).
ANNEX_MAX_POSTS = 1_000


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
    present: tuple[bool, ...] = ()  # per phase: there (a unit available, a reserve held)


@dataclass(frozen=True, slots=True)
class Contact:
    label: str
    commander: str
    phone: str
    radio: str
    callsign: str


@dataclass(frozen=True, slots=True)
class Strength:
    """A force's strength: its own units' (the `parent` trees of the plan's commands),
    with units under operational control (`role reserve`, BKO) apart: 425 + 25 BKO."""

    force: str  # label
    own: int
    attached: tuple[tuple[str, int], ...]  # (unit label, strength)


@dataclass(frozen=True, slots=True)
class PhaseFigures:
    """What a phase takes, per force: on duty at once (per shift) and in all (a crew per
    shift), never added across phases."""

    label: str
    period: str
    shifts: str
    posts: int
    forces: tuple[tuple[str, int, int, int], ...]  # (force, at once, in all, allocated)
    held: int  # in reserves


@dataclass(frozen=True, slots=True)
class Comms:
    """A line of the communications annex (ICS-205's shape)."""

    label: str
    role: str  # what it is: a unit, a rayon, a pool, a post
    commander: str
    callsign: str
    radio: str
    phone: str


@dataclass(frozen=True, slots=True)
class Tasks:
    """A command's tasks: what the plan says, then what the deployment gives it."""

    label: str
    said: tuple[str, ...]
    given: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ClassAction:
    """Cara Bertindak of a risk class: its rule and its instructions."""

    label: str
    pattern: str
    reserve_within: str
    instructions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DistrictAnnex:
    label: str
    code: str
    sites: int
    phases: tuple[tuple[str, tuple[PostView, ...]], ...]  # (phase label, its posts here)


@dataclass(frozen=True, slots=True)
class ContingencyRow:
    """One reserve of the table "if a reserve is committed": what breaks without it."""

    reserve: str
    people: str
    effect: str


@dataclass(frozen=True, slots=True)
class Briefing:
    title: str
    authority: str
    operation: str
    basis: tuple[str, ...]
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
    contingency: tuple[ContingencyRow, ...] = field(default=())  # worst first
    concept: tuple[str, ...] = ()
    logistics: tuple[str, ...] = ()
    signature: tuple[str, str, str, str] = ("", "", "", "")  # title, name, rank, NRP
    issued_at: str = ""
    issued_on: str = ""
    distribution: tuple[str, ...] = ()
    copies: int | None = None
    strengths: tuple[Strength, ...] = ()
    figures: tuple[PhaseFigures, ...] = ()
    comms: tuple[Comms, ...] = ()
    tasks: tuple[Tasks, ...] = ()
    actions: tuple[ClassAction, ...] = ()
    kind_instructions: tuple[tuple[str, tuple[str, ...]], ...] = ()
    command_tree: tuple[tuple[int, str, str], ...] = ()  # (depth, unit label, its strength)
    map_svg: Svg | None = None  # the map (ttuplan.render.map), its texts escaped for XML
    annex_left_out: int = 0  # posts not listed in the annex (past ANNEX_MAX_POSTS)


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
    annex = _annex(labels, pairs)
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
        escalation=_escalation(labels, deployment),
        escalation_rows=_escalation_rows(labels, deployment),
        mermaid=_mermaid(plan, deployment),
        contacts=_contacts(plan),
        warnings=tuple(  # as the terminal shows them: a file name may not be UTF-8
            visible(f"{d.code.id} {d.message}" + (f" ({_where(plan, d.span)})" if d.span else ""))
            for d in diagnostics
            if d.severity is Severity.WARNING
        ),
        annex=annex,
        contingency=_contingency(plan, deployment, words),
        concept=info.concept,
        logistics=info.logistics,
        signature=(*info.signature[:4], *("",) * (4 - len(info.signature[:4]))),  # type: ignore[arg-type]
        issued_at=info.issued_at,
        issued_on=words.date(info.issued_on) if info.issued_on else "",
        distribution=info.distribution,
        copies=info.copies,
        strengths=_strengths(labels),
        figures=tuple(_figures(labels, p, d, words) for p, d in pairs),
        comms=_comms(labels, words),
        tasks=_tasks(labels, pairs, words),
        actions=_actions(labels, words),
        kind_instructions=tuple((k.label, k.instructions) for k in plan.kinds if k.instructions),
        command_tree=_command_tree(labels, words),
        map_svg=Svg(_map(plan, deployment, words)),
        annex_left_out=_posts_guarded_by_risk(pairs) if not annex else 0,
    )


def _contingency(plan: m.Plan, deployment: Deployment, words: Words) -> tuple[ContingencyRow, ...]:
    """Each rayon, pool and `role reserve` unit, worst first, with what breaks if it is
    committed elsewhere (check.contingency)."""
    reserves = {u.name for u in plan.units if u.role == "reserve"}
    phases = {p.name: p.label for p in plan.phases}
    risks = {r.name: r.label for r in plan.risks}
    kinds = {k.name: k.label for k in plan.kinds}
    districts = {d.name: d.label for d in plan.districts}
    forces = {f.name: f.label for f in plan.forces}
    rows = []
    for loss in deployment.contingency:
        if loss.kind == "unit" and loss.resource not in reserves:
            continue
        effects = []
        for s in loss.stranded:
            key = (
                "contingency_stranded_none" if s.nearest == float("inf") else "contingency_stranded"
            )
            nearest = math.ceil(s.nearest * 10 - 1e-9) / 10 if s.nearest != float("inf") else 0
            effects.append(
                words(key).format(
                    count=words.number(len(s.sites)),
                    kind=kinds.get(s.kind, s.kind),
                    risk=risks.get(s.risk, s.risk),
                    within=words.number(s.within),
                    phase=phases.get(s.phase, s.phase),
                    nearest=words.number(Fraction(str(nearest))),
                )
            )
        for short in loss.short:
            effects.append(
                words("contingency_short").format(
                    district=districts.get(short.district, short.district),
                    people=words.number(short.people),
                    force=forces.get(short.force, short.force),
                    phase=phases.get(short.phase, short.phase),
                )
            )
        if not effects:
            effects.append(words("contingency_skipped" if loss.skipped else "contingency_none"))
        rows.append(
            ContingencyRow(
                reserve=loss.label, people=words.number(loss.people), effect="; ".join(effects)
            )
        )
    return tuple(rows)


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


def _map(plan: m.Plan, deployment: Deployment, words: Words) -> str:
    from ttuplan.render.map import MapWords, draw_map

    phase = _risk_phase(deployment)
    within = [r.reserve_within for r in plan.risks if r.reserve_within is not None]
    ring = (
        words("map_ring").format(
            minutes=min(within),
            speed=words.number(Fraction(plan.info.speed_kmh).limit_denominator(10)),
            detour=words.number(Fraction(plan.info.detour).limit_denominator(100)),
        )
        if within
        else ""
    )
    title = words("map_title")
    if phase is not None:
        title += f" · {next(p.label for p in plan.phases if p.name == phase.phase)}"
    return draw_map(
        plan,
        deployment,
        phase,
        MapWords(
            title=title,
            posts=words("map_posts"),
            fixed=words("fixed_guards"),
            rayon=words("rayon_post"),
            reserve=words("map_reserve"),
            ring=ring,
            kecamatan=words("district"),
            note=words("map_note"),
            north=words("north"),
            too_many=words("map_too_many"),
            unlocated=words("map_unlocated"),
        ),
    )


def _command_tree(labels: Labels, words: Words) -> tuple[tuple[int, str, str], ...]:
    """The line of command (`parent`): each unit under its parent, walked with a stack
    (a chain may be thousands deep), with the strength it commands in all."""
    below = children(labels.plan)
    order: list[tuple[m.Unit, int]] = []
    stack = [(root, 0) for root in reversed(below.get(None, []))]
    while stack:
        unit, depth = stack.pop()
        order.append((unit, depth))
        stack.extend((child, depth + 1) for child in reversed(below.get(unit.name, [])))
    totals: dict[str, int] = {}
    for unit, _ in reversed(order):
        totals[unit.name] = (unit.strength or 0) + sum(
            totals[c.name] for c in below.get(unit.name, [])
        )
    return tuple(
        (depth, unit.label, words.number(totals[unit.name]) if totals[unit.name] else "")
        for unit, depth in order
        if unit.role != "reserve" and (totals[unit.name] or below.get(unit.name))
    )


def _strengths(labels: Labels) -> tuple[Strength, ...]:
    """Per force, the strength of its own units and, apart, of units under its control
    (`role reserve`: the BKO) — never one figure that hides them."""
    own: dict[str, int] = defaultdict(int)
    attached: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for unit in labels.plan.units:
        if not unit.strength:
            continue
        force = labels.forces.get(unit.force, unit.force)
        if unit.role == "reserve":
            attached[force].append((unit.label, unit.strength))
        else:
            own[force] += unit.strength
    forces = list(dict.fromkeys([*own, *attached]))
    return tuple(Strength(f, own.get(f, 0), tuple(attached.get(f, ()))) for f in forces)


def _figures(
    labels: Labels, phase: m.Phase, deployment: PhaseDeployment, words: Words
) -> PhaseFigures:
    return PhaseFigures(
        label=phase.label,
        period=words.period(phase.start, phase.end),
        shifts=", ".join(phase_shifts(labels, words, phase)),
        posts=len(deployment.posts),
        forces=force_figures(labels, deployment),
        held=sum(h.people for h in deployment.holds),
    )


def _comms(labels: Labels, words: Words) -> tuple[Comms, ...]:
    """Every command, then every site with a call sign of its own: one line each, blanks
    where the plan says nothing (to be filled in by hand, never invented)."""
    plan = labels.plan
    found = [
        Comms(u.label, words("unit"), u.contact.commander, u.contact.callsign,
              u.contact.radio, u.contact.phone)
        for u in plan.units
        if u.strength or u.final or u.contact != m.Contact()
    ]  # fmt: skip
    found += [
        Comms(r.label, words("rayon"), r.contact.commander, r.contact.callsign,
              r.contact.radio, r.contact.phone)
        for r in plan.rayons
    ]  # fmt: skip
    found += [
        Comms(p.label, words("pools"), p.contact.commander, p.contact.callsign,
              p.contact.radio, p.contact.phone)
        for p in plan.pools
    ]  # fmt: skip
    found += [
        Comms(labels.sites[site].label, words("post"), "", c.callsign, c.radio, "")
        for site, c in plan.site_contacts
    ]
    return tuple(found)


def _tasks(
    labels: Labels, pairs: list[tuple[m.Phase, PhaseDeployment]], words: Words
) -> tuple[Tasks, ...]:
    """Each command's tasks: its own words in the plan, then per phase what the
    deployment gives it (posts and people; reserves held)."""
    posted: dict[str, dict[str, tuple[set[str], int]]] = defaultdict(dict)
    held: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for phase, deployment in pairs:
        for assignment in deployment.assignments:
            posts, people = posted[assignment.unit].get(phase.label, (set(), 0))
            posts.add(assignment.post)
            posted[assignment.unit][phase.label] = (posts, people + assignment.people)
        for hold in deployment.holds:
            held[hold.unit][f"{phase.label}: {labels.command(hold.holder)}"] += hold.people
    found = []
    holders: list[m.Unit | m.Rayon | m.Pool] = [
        *labels.plan.units, *labels.plan.rayons, *labels.plan.pools,
    ]  # fmt: skip
    for holder in holders:
        given = [
            words("task_posts").format(
                phase=phase, posts=words.number(len(posts)), people=words.number(people)
            )
            for phase, (posts, people) in posted.get(holder.name, {}).items()
        ]
        given += [
            words("task_reserve").format(where=where, people=words.number(people))
            for where, people in held.get(holder.name, {}).items()
        ]
        if holder.tasks or given:
            found.append(Tasks(holder.label, holder.tasks, tuple(given)))
    return tuple(found)


def _actions(labels: Labels, words: Words) -> tuple[ClassAction, ...]:
    return tuple(
        ClassAction(
            label=r.label,
            pattern=labels.pattern(r.name),
            reserve_within=words("reserve_within_line").format(minutes=r.reserve_within)
            if r.reserve_within is not None
            else "",
            instructions=r.instructions,
        )
        for r in labels.plan.risks
    )


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
    zone = zone_name(labels.plan.info.timezone)
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
        place = words("at_own_base") if phase.muster.at_base else phase.muster.place
        time = words("at_time").format(time=words.time(phase.muster.time), zone=zone)
        muster = f"{time} · {place}"
    return PhaseView(
        name=phase.name,
        start=phase.start,
        end=phase.end,
        label=phase.label,
        period=words.period(phase.start, phase.end),
        guards=tuple(guards),
        muster=muster,
        shifts=phase_shifts(labels, words, phase),
        posts=len(deployment.posts),
        people=tuple(people.items()),
    )


def _phase_edges(labels: Labels, deployment: Deployment) -> list[dict[str, list[str]] | None]:
    """Per phase of the plan, each command's targets as the checker's analysis has them
    (`Deployment.escalation`): None for a command not there in the phase (a unit not
    available, a rayon or pool that holds nobody then)."""
    holding = {d.phase: {h.holder for h in d.holds if h.people} for d in deployment.phases}
    holders = {*(r.name for r in labels.plan.rayons), *(p.name for p in labels.plan.pools)}
    found: list[dict[str, list[str]] | None] = []
    for phase in labels.plan.phases:
        analysis = deployment.escalation.phase(phase.name)
        if analysis is None:
            found.append(None)
            continue
        targets: dict[str, list[str]] = {
            c: []
            for c in analysis.present
            if c not in holders or c in holding.get(phase.name, set())
        }
        for source, target in analysis.edges:
            if source in targets:
                targets[source].append(target)
        found.append(targets)
    return found


def _escalation(labels: Labels, deployment: Deployment) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """A row per command: whom it escalates to in each phase ("■": it is final; "": not
    there in the phase), from the checker's analysis."""
    per_phase = _phase_edges(labels, deployment)
    rows = []
    for command in labels.commands.values():
        cells = []
        for targets in per_phase:
            if targets is None or command.name not in targets:
                cells.append("")
            elif command.final:
                cells.append("■")
            else:
                cells.append(", ".join(labels.command(t) for t in targets[command.name]) or "–")
        if any(cells):
            rows.append((labels.command(command.name), tuple(cells)))
    return tuple(rows)


def _escalation_rows(labels: Labels, deployment: Deployment) -> tuple[EscalationRow, ...]:
    per_phase = _phase_edges(labels, deployment)
    shown = [
        c for c in labels.commands.values()
        if any(t is not None and c.name in t for t in per_phase)
    ]  # fmt: skip
    index = {command.name: number for number, command in enumerate(shown)}
    return tuple(
        EscalationRow(
            label=labels.command(command.name),
            final=command.final,
            targets=tuple(
                tuple(index[t] for t in (phase or {}).get(command.name, []) if t in index)
                for phase in per_phase
            ),
            present=tuple(phase is not None and command.name in phase for phase in per_phase),
        )
        for command in shown
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


def _posts_guarded_by_risk(pairs: list[tuple[m.Phase, PhaseDeployment]]) -> int:
    return sum(len(d.posts) for _, d in pairs if any(post.risk for post in d.posts))


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
    posts = sum(len(views) for found in per_district.values() for _, views in found)
    if posts > ANNEX_MAX_POSTS:
        return ()  # the rosters list them, by kecamatan and desa (`annex_posts`)
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
