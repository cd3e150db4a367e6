"""What the briefing and the rosters share: numbered posts, labels, escalation chains."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Sequence

from ttuplan import model as m
from ttuplan.deployment import Deployment, PhaseDeployment, Post
from ttuplan.domain import commands, escalating_forces
from ttuplan.duties import shifts_of
from ttuplan.records import dataclass
from ttuplan.render.words import Words


@dataclass(frozen=True, slots=True)
class PostView:
    """A post as people read it: numbered within its phase, with labels, need and staff."""

    number: int
    id: str
    phase: str
    district: str  # label
    district_code: str
    village: str
    kind: str  # label
    risk: str  # label of the class: the posts' own, or a fixed site's own class
    fixed: bool  # a fixed guard (`guard ... with`), not staffed by its class's rules
    pattern: str
    pattern_heading: str  # what the pattern's numbers stand for: `Polri : TPS : Linmas`
    sites: tuple[tuple[str, str], ...]  # (id, label)
    need: tuple[tuple[str, int], ...]  # (force label, people in all: every shift's crew)
    shifts: int  # crews relieving each other (1: no shifts)
    assigned: tuple[tuple[str, str, int], ...]  # (unit label, force label, people)
    lat: float | None
    lon: float | None

    @property
    def short(self) -> int:
        return sum(n for _, n in self.need) - sum(n for _, _, n in self.assigned)


@dataclass(frozen=True, slots=True)
class Hop:
    """One command on an escalation chain, with how to reach it."""

    label: str
    commander: str
    phone: str
    radio: str
    callsign: str
    final: bool


class Labels:
    """Labels of every name a plan defines, and the lookups documents need."""

    def __init__(self, plan: m.Plan) -> None:
        self.plan = plan
        self.units = {u.name: u for u in plan.units}
        self.districts = {d.name: d for d in plan.districts}
        self.risks = {r.name: r for r in plan.risks}
        self.kinds = {k.name: k.label for k in plan.kinds}
        self.forces = {f.name: f.label for f in plan.forces}
        self.phases = {p.name: p for p in plan.phases}
        self.sites = {s.id: s for s in plan.sites}
        self.commands = {c.name: c for c in commands(plan)}
        names = {
            **{u.name: u.label for u in plan.units},
            **{r.name: r.label for r in plan.rayons},
            **{p.name: p.label for p in plan.pools},
        }
        self.command_labels = names

    def command(self, name: str) -> str:
        return self.command_labels.get(name, name)

    @functools.cached_property
    def force_ranks(self) -> defaultdict[str, int]:
        """Forces in roster order: those that escalate first, each in the plan's order."""
        forces = [f.name for f in self.plan.forces]
        escalating = escalating_forces(self.plan)
        ranks: defaultdict[str, int] = defaultdict(lambda: 2 * len(forces))
        for rank, force in enumerate(forces):
            ranks[force] = rank if force in escalating else rank + len(forces)
        return ranks

    def district(self, name: str) -> str:
        district = self.districts.get(name)
        return district.label if district else name

    def pattern(self, risk: str, forces: Sequence[str] | None = None) -> str:
        """A class's rules as Polres TTU writes them: `1 : 3 : 6` (Polri : TPS : Linmas) when
        every rule counts the same number of sites, else each rule: `1 per 3 tps; ...`.
        The numbers follow `forces` (default: the class's own), in roster order, never
        the order the rules were written in: a table's rows and heading must agree."""
        rules = self._rules(risk)
        if not rules:
            return ""
        if len({(r.per, r.kind) for r in rules}) == 1:
            amounts: dict[str, int] = {}
            for rule in rules:
                amounts.setdefault(rule.force, rule.amount)
            first, *others = forces or list(amounts)
            return " : ".join(
                [str(amounts.get(first, 0)), str(rules[0].per)]
                + [str(amounts.get(force, 0)) for force in others]
            )
        return "; ".join(f"{r.amount}/{r.per} {r.kind}" for r in rules)

    def heading_forces(self, risk_names: list[str]) -> list[str]:
        """The forces a pattern column stands for: those of every class whose rules all
        count the same sites, in roster order."""
        found = {r.force for name in risk_names if self._uniform(name) for r in self._rules(name)}
        return sorted(found, key=lambda force: self.force_ranks[force])

    def pattern_heading(self, risk_names: list[str]) -> str:
        """What the numbers of `pattern` stand for: `Polri : TPS : Linmas`."""
        forces = self.heading_forces(risk_names)
        kind = next((self._rules(n)[0].kind for n in risk_names if self._uniform(n)), None)
        if not forces or kind is None:
            return ""
        first, *others = forces
        # The kind's name, as Polres TTU writes it: `Polri : TPS : Linmas`.
        return " : ".join([self.forces[first], kind.upper(), *(self.forces[f] for f in others)])

    def _rules(self, risk: str) -> list[m.Rule]:
        """A class's rules, forces in roster order (stable: a force's rules keep theirs)."""
        return sorted(self.risks[risk].rules, key=lambda rule: self.force_ranks[rule.force])

    def _uniform(self, risk: str) -> bool:
        rules = self.risks[risk].rules
        return bool(rules) and len({(r.per, r.kind) for r in rules}) == 1


def post_views(labels: Labels, phase: PhaseDeployment) -> list[PostView]:
    staffed: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    for assignment in phase.assignments:
        staffed[assignment.post].append(
            (labels.command(assignment.unit), labels.forces[assignment.force], assignment.people)
        )
    return [
        _post_view(labels, number, post, staffed[post.id])
        for number, post in enumerate(phase.posts, start=1)
    ]


def _post_view(
    labels: Labels, number: int, post: Post, assigned: list[tuple[str, str, int]]
) -> PostView:
    district = labels.districts.get(post.district)
    first = labels.sites.get(post.sites[0])
    return PostView(
        number=number,
        id=post.id,
        phase=post.phase,
        district=labels.district(post.district),
        district_code=district.code if district else "",
        village=post.village,
        kind=labels.kinds.get(post.kind, post.kind),
        risk=_class_label(labels, post),
        fixed=post.risk is None,
        pattern=labels.pattern(post.risk) if post.risk else "",
        pattern_heading=labels.pattern_heading([post.risk]) if post.risk else "",
        sites=tuple((s, labels.sites[s].label) for s in post.sites),
        need=tuple((labels.forces[f], n * post.shifts) for f, n in post.need),
        shifts=post.shifts,
        assigned=tuple(assigned),
        lat=first.lat if first else None,
        lon=first.lon if first else None,
    )


def _class_label(labels: Labels, post: Post) -> str:
    """The post's class: its own, or for a fixed guard its site's (a KPU office is
    `sangat_rawan` although its guard is fixed, not its class's ratio)."""
    if post.risk:
        return labels.risks[post.risk].label
    site = labels.sites.get(post.sites[0])
    risk = labels.risks.get(site.risk) if site else None
    return risk.label if risk else ""


def chain(labels: Labels, start: str, edges: dict[str, str], limit: int = 12) -> list[Hop]:
    """The escalation chain from a command in a phase, with how to reach each hop: the
    phase's edges as the checker's analysis has them (`Deployment.escalation`; the first
    edge at each step), to a final command or a dead end."""
    hops: list[Hop] = []
    seen: set[str] = set()
    current: str | None = start
    while current is not None and current not in seen and len(hops) < limit:
        seen.add(current)
        command = labels.commands.get(current)
        if command is None:
            break
        unit = command.unit
        contact = unit.contact if unit else _contact_of(labels.plan, current)
        hops.append(
            Hop(
                label=labels.command(current),
                commander=contact.commander,
                phone=contact.phone,
                radio=contact.radio,
                callsign=contact.callsign,
                final=command.final,
            )
        )
        current = None if command.final else edges.get(current)
    return hops


def _contact_of(plan: m.Plan, name: str) -> m.Contact:
    holders: list[m.Rayon | m.Pool] = [*plan.rayons, *plan.pools]
    for holder in holders:
        if holder.name == name:
            return holder.contact
    return m.Contact()


def guarding_units(phase: PhaseDeployment) -> dict[str, list[str]]:
    """Each post's units, in the order they staff it."""
    units: dict[str, list[str]] = defaultdict(list)
    for assignment in phase.assignments:
        if assignment.unit not in units[assignment.post]:
            units[assignment.post].append(assignment.unit)
    return units


def deployment_phases(
    labels: Labels, deployment: Deployment
) -> list[tuple[m.Phase, PhaseDeployment]]:
    return [(labels.phases[d.phase], d) for d in deployment.phases]


def shift_hours(words: Words, shift: m.Shift) -> str:
    """A shift's hours as every document writes them (`06.00` to `18.00`, an en dash)."""
    return f"{words.time(shift.start)}–{words.time(shift.end)}"


def phase_shifts(labels: Labels, words: Words, phase: m.Phase) -> tuple[str, ...]:
    """The phase's shifts as every document lists them: a name, then `shift_hours`."""
    return tuple(f"{s.name} {shift_hours(words, s)}" for s in shifts_of(labels.plan, phase))


def force_figures(
    labels: Labels, deployment: PhaseDeployment
) -> tuple[tuple[str, int, int, int], ...]:
    """A phase's people per force, escalating forces first: (force label, on duty at
    once, in all over its shifts, given by units). The briefing's and the rosters' per
    phase figures, never summed across phases."""
    at_once: dict[str, int] = defaultdict(int)
    in_all: dict[str, int] = defaultdict(int)
    given: dict[str, int] = defaultdict(int)
    for post in deployment.posts:
        for force, people in post.need:
            at_once[force] += people
            in_all[force] += people * post.shifts
    for assignment in deployment.assignments:
        given[assignment.force] += assignment.people
    return tuple(
        (labels.forces[f], at_once[f], in_all[f], given[f])
        for f in sorted(in_all, key=lambda f: labels.force_ranks[f])
    )
