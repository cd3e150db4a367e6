"""The duty rosters as a view: a sheet per post, lists per unit and per rayon, with totals."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ttuplan import model as m
from ttuplan.deployment import Deployment, Member, PhaseDeployment
from ttuplan.render.common import (
    Hop,
    Labels,
    PostView,
    chain,
    deployment_phases,
    guarding_units,
    post_views,
)
from ttuplan.render.members import Members
from ttuplan.render.words import Words, zone_name


@dataclass(frozen=True, slots=True)
class Place:
    """A line of a members table."""

    number: int  # within the post
    name: str
    rank: str
    nrp: str
    phone: str
    unit: str  # label
    force: str  # label
    named: bool  # a person from the personnel table (else a numbered or unnamed place)


@dataclass(frozen=True, slots=True)
class PostSheet:
    post: PostView
    phase: str  # label
    period: str
    members: tuple[Place, ...]
    report: str
    callsign: str
    contacts: tuple[Hop, ...]


@dataclass(frozen=True, slots=True)
class UnitLine:
    """One task of a unit in a phase: a post, or a place in a reserve."""

    post: int | None  # post number, or None for a reserve
    what: str  # district and village, or the reserve's holder
    sites: int
    people: int
    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class UnitList:
    label: str
    strength: int
    callsign: str
    commander: str
    phases: tuple[tuple[str, tuple[UnitLine, ...], int], ...]  # (phase label, lines, total)


@dataclass(frozen=True, slots=True)
class RayonList:
    label: str
    post: str
    districts: tuple[str, ...]
    phases: tuple[tuple[str, int, tuple[str, ...], int, int], ...]
    # (phase label, reserve people, reserve names, posts in its districts, people on them)


@dataclass(frozen=True, slots=True)
class Rosters:
    title: str
    authority: str
    classification: str
    number: str
    letterhead: tuple[str, ...]
    zone: str
    fingerprint: str
    sheets: tuple[PostSheet, ...]
    units: tuple[UnitList, ...]
    rayons: tuple[RayonList, ...]
    total_people: tuple[tuple[str, int], ...]  # (force label, people on posts), all phases


def member_name(member: Member, labels: Labels, words: Words) -> str:
    if member.person is not None:
        return member.person.name
    if member.unnamed:
        return f"({words('unassigned')})"
    return f"{words('member_slot')} {member.number} {labels.command(member.unit)}"


def rosters_view(
    plan: m.Plan, deployment: Deployment, members: Members, words: Words, fingerprint: str
) -> Rosters:
    labels = Labels(plan)
    sheets: list[PostSheet] = []
    unit_lines: dict[str, list[tuple[str, list[UnitLine]]]] = defaultdict(list)
    totals: dict[str, int] = defaultdict(int)
    for phase, phase_deployment in deployment_phases(labels, deployment):
        views = post_views(labels, phase_deployment)
        guards = guarding_units(phase_deployment)
        report = (
            f"{words.time(phase.muster.time)} {phase.muster.place}"
            if phase.muster
            else f"{words.moment(phase.start)} {words('at_post')}"
        )
        lines: dict[str, list[UnitLine]] = defaultdict(list)
        for hold in phase_deployment.holds:
            held = members.in_reserve(phase.name, hold.holder)
            names = tuple(member_name(x, labels, words) for x in held if x.unit == hold.unit)
            lines[hold.unit].append(
                UnitLine(
                    post=None,
                    what=labels.command(hold.holder),
                    sites=0,
                    people=hold.people,
                    names=names,
                )
            )
        for view, post in zip(views, phase_deployment.posts, strict=True):
            placed = members.on_post(phase.name, post.id)
            places = tuple(_place(n, x, labels, words) for n, x in enumerate(placed, start=1))
            # The chain starts from the post's police unit: the first force of the plan
            # that takes part in escalation (not the Linmas beside it).
            units = sorted(guards.get(post.id, []), key=lambda u: force_order(labels, u))
            first = labels.units.get(units[0]) if units else None
            sheets.append(
                PostSheet(
                    post=view,
                    phase=phase.label,
                    period=words.period(phase.start, phase.end),
                    members=places,
                    report=report,
                    callsign=first.contact.callsign if first else "",
                    contacts=tuple(chain(labels, units[0], phase.name)) if units else (),
                )
            )
            for unit in units:
                mine = [x for x in placed if x.unit == unit]
                force = labels.units[unit].force
                totals[labels.forces[force]] += len(mine)
                lines[unit].append(
                    UnitLine(
                        post=view.number,
                        what=_where(view),
                        sites=len(post.sites),
                        people=len(mine),
                        names=tuple(member_name(x, labels, words) for x in mine),
                    )
                )
        for unit, entries in lines.items():
            unit_lines[unit].append((phase.label, entries))
    by_district = {d.phase: _district_totals(d) for d in deployment.phases}
    return Rosters(
        title=plan.info.label,
        classification=plan.info.classification,
        number=plan.info.number,
        letterhead=plan.info.letterhead,
        authority=plan.info.authority,
        zone=zone_name(plan.info.timezone),
        fingerprint=fingerprint,
        sheets=tuple(sheets),
        units=tuple(
            _unit_list(labels, u, unit_lines[u.name]) for u in plan.units if unit_lines.get(u.name)
        ),
        rayons=tuple(
            _rayon_list(labels, r, deployment, members, words, by_district) for r in plan.rayons
        ),
        total_people=tuple(totals.items()),
    )


def _where(view: PostView) -> str:
    """Where a post is, for a unit's list: the village, or for a fixed guard its site."""
    place = view.village or (view.sites[0][1] if not view.risk else "")
    return f"{view.district} · {place}" if place else view.district


def force_order(labels: Labels, unit: str) -> int:
    """Escalating forces first, in the plan's order of forces."""
    return labels.force_ranks[labels.units[unit].force]


def _place(number: int, member: Member, labels: Labels, words: Words) -> Place:
    unit = labels.units[member.unit]
    person = member.person
    return Place(
        number=number,
        name=member_name(member, labels, words),
        rank=person.rank if person else "",
        nrp=person.nrp if person else "",
        phone=person.phone if person else "",
        unit=unit.label,
        force=labels.forces.get(unit.force, unit.force),
        named=person is not None,
    )


def _unit_list(labels: Labels, unit: m.Unit, phases: list[tuple[str, list[UnitLine]]]) -> UnitList:
    return UnitList(
        label=unit.label,
        strength=unit.strength or 0,
        callsign=unit.contact.callsign,
        commander=unit.contact.commander,
        phases=tuple(
            (label, tuple(lines), sum(x.people for x in lines)) for label, lines in phases
        ),
    )


def _district_totals(deployment: PhaseDeployment) -> tuple[dict[str, int], dict[str, int]]:
    """Posts and people posted per district in a phase (once, not once per rayon)."""
    district_of = {p.id: p.district for p in deployment.posts}
    posts: dict[str, int] = defaultdict(int)
    people: dict[str, int] = defaultdict(int)
    for post in deployment.posts:
        posts[post.district] += 1
    for assignment in deployment.assignments:
        people[district_of[assignment.post]] += assignment.people
    return posts, people


def _rayon_list(
    labels: Labels,
    rayon: m.Rayon,
    deployment: Deployment,
    members: Members,
    words: Words,
    by_district: dict[str, tuple[dict[str, int], dict[str, int]]],
) -> RayonList:
    rows = []
    for phase, _ in deployment_phases(labels, deployment):
        held = members.in_reserve(phase.name, rayon.name)
        posts, people = by_district[phase.name]
        rows.append(
            (
                phase.label,
                len(held),
                tuple(member_name(x, labels, words) for x in held),
                sum(posts.get(d, 0) for d in set(rayon.districts)),
                sum(people.get(d, 0) for d in set(rayon.districts)),
            )
        )
    return RayonList(
        label=rayon.label,
        post=rayon.post.label if rayon.post else "",
        districts=tuple(labels.district(d) for d in rayon.districts),
        phases=tuple(rows),
    )
