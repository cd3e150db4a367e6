"""The duty rosters as a view: a sheet per post and per group on duty in reserve, lists
per unit and per rayon, an index by kecamatan and desa, with totals per phase."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from fractions import Fraction

from ttuplan import model as m
from ttuplan.check.reach import Reach, distance_km, nearest_reserves, travel_minutes
from ttuplan.deployment import Deployment, Member, PhaseDeployment, Post
from ttuplan.domain import available, line_of_command
from ttuplan.duties import arc, occurrences, shift_length, shifts_of
from ttuplan.records import dataclass
from ttuplan.render.common import (
    Hop,
    Labels,
    PostView,
    chain,
    deployment_phases,
    force_figures,
    guarding_units,
    phase_shifts,
    post_views,
    shift_hours,
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
    shift: str = ""  # the shift's name, "" without shifts
    hours: str = ""  # the shift's hours, `06.00-18.00`; the phase's when it has none
    leader: bool = False  # leads the crew (its most senior named member)


@dataclass(frozen=True, slots=True)
class ShiftLine:
    """A shift of a sheet: its crew relieves the others every day of the phase."""

    name: str
    hours: str  # `06.00-18.00 WITA`
    first: str  # when its crew first reports: `28 November 2023 06.00 WITA`
    days: int  # how many times it comes round in the phase
    people: int  # the crew's size


@dataclass(frozen=True, slots=True)
class PostSheet:
    post: PostView
    phase: str  # label
    period: str
    members: tuple[Place, ...]
    report: str  # date, time and place the (first) crew reports
    callsign: str
    contacts: tuple[Hop, ...]
    radio: str = ""
    shifts: tuple[ShiftLine, ...] = ()
    command: tuple[str, ...] = ()  # line of command of the post's unit: it, its parent, ...
    escalation: tuple[str, ...] = ()  # escalation path in the phase, from the post's unit
    nearest: str = ""  # nearest reserve and travel time
    instructions: tuple[str, ...] = ()  # the kind's and the class's standing instructions
    notes: tuple[str, ...] = ()  # the sites' own notes


@dataclass(frozen=True, slots=True)
class ReserveSheet:
    """A group on duty in reserve in one phase: a rayon's Power on Hand, a pool, or a
    `role reserve` unit standing by."""

    label: str
    what: str  # "rayon", "pool" or "unit": which catalogue word says the kind
    phase: str  # label
    period: str
    where: str  # post or base; "" for a pool (its people wait at their own units)
    coordinates: str
    report: str
    people: int
    members: tuple[Place, ...]
    commander: str
    callsign: str
    radio: str
    phone: str
    districts: tuple[str, ...]  # the kecamatan it answers for
    posts: int  # posts there in the phase
    sites: int
    farthest: str  # the farthest of those sites and the travel time to it; "" unknown
    escalation: tuple[str, ...]
    tasks: tuple[str, ...]


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
class PhaseTotal:
    """A phase in numbers: never added across phases (a guard that holds in every phase
    is the same people)."""

    label: str
    period: str
    shifts: str  # `pagi 06.00-18.00, malam 18.00-06.00`, or ""
    posts: int
    people: tuple[tuple[str, int, int, int], ...]  # (force label, at once, in all, assigned)
    reserve: int  # people held in reserves
    first_sheet: int  # index of its first sheet


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """A kecamatan, a desa in it, and its posts: (phase label, post number, sheet index)."""

    district: str
    village: str
    posts: tuple[tuple[str, int, int], ...]


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
    total_people: tuple[tuple[str, int], ...]  # kept for templates of before: see `phases`
    phases: tuple[PhaseTotal, ...] = ()
    reserves: tuple[ReserveSheet, ...] = ()
    index: tuple[IndexEntry, ...] = ()


Block = tuple[str, int, int]  # a block of the back matter: (what, its index, pages)


def back_matter(rosters: Rosters, words: Words) -> tuple[list[Block], list[tuple[str, int]]]:
    """The rosters' back matter as blocks, each one bookmark, with an estimate of its
    pages (for the parts it is compiled in): a sheet per reserve group, a list per unit,
    a list per rayon, the index; and the sections' titles at their first block."""
    blocks: list[Block] = []
    sections: list[tuple[str, int]] = []
    parts = (
        ("reserve", "roster_reserves", [1 + len(x.members) // 28 for x in rosters.reserves]),
        ("unit", "roster_units",
         [1 + sum(len(p[1]) + 2 for p in u.phases) // 30 for u in rosters.units]),
        ("rayon", "roster_rayons", [1 for _ in rosters.rayons]),
        ("index", "index_short", [1 + len(rosters.index) // 110] if rosters.index else []),
    )  # fmt: skip
    for what, word, pages in parts:
        if pages:
            sections.append((words(word), len(blocks)))
        blocks += [(what, index, n) for index, n in enumerate(pages)]
    return blocks, sections


def member_name(member: Member, labels: Labels, words: Words) -> str:
    if member.person is not None:
        return member.person.name
    if member.unnamed:
        return f"({words('unassigned')})"
    return f"{words('member_slot')} {member.number} {labels.command(member.unit)}"


def clock(words: Words, moment: dt.datetime | dt.time, zone: str) -> str:
    """`pukul 05.00 WITA` / `05:00 WITA`."""
    return words("at_time").format(time=words.time(moment), zone=zone)


def when(words: Words, moment: dt.datetime, zone: str) -> str:
    """`Rabu, 14 Februari 2024, pukul 05.00 WITA`."""
    day = words.table["weekdays"][moment.weekday()]
    return f"{day}, {words.date(moment)}, {clock(words, moment, zone)}"


def muster_moment(phase: m.Phase) -> dt.datetime | None:
    """When a phase's people report: its muster time on the day it starts, or the day
    before when that time is later than the start (a 20:00 muster for a 06:00 start)."""
    if phase.muster is None:
        return None
    moment = dt.datetime.combine(phase.start.date(), phase.muster.time)
    return moment if moment <= phase.start else moment - dt.timedelta(days=1)


def report_place(labels: Labels, phase: m.Phase, unit: str | None, words: Words) -> str:
    """Where a post's or reserve's people report: the muster place, each unit's own base
    (`muster ... at base`: its headquarters, by the unit's name), or the post itself."""
    if phase.muster is None:
        return words("at_post")
    if not phase.muster.at_base:
        return phase.muster.place
    if unit is None:
        return words("at_own_base")
    return words("base_of").format(unit=labels.command(unit))


def rosters_view(
    plan: m.Plan, deployment: Deployment, members: Members, words: Words, fingerprint: str
) -> Rosters:
    labels = Labels(plan)
    zone = zone_name(plan.info.timezone)
    reach = nearest_reserves(plan, deployment)
    contacts = dict(plan.site_contacts)
    sheets: list[PostSheet] = []
    unit_lines: dict[str, list[tuple[str, list[UnitLine]]]] = defaultdict(list)
    totals: dict[str, int] = defaultdict(int)
    phase_totals: list[PhaseTotal] = []
    reserve_sheets: list[ReserveSheet] = []
    index: dict[tuple[str, str], list[tuple[str, int, int]]] = defaultdict(list)
    for phase, phase_deployment in deployment_phases(labels, deployment):
        views = post_views(labels, phase_deployment)
        guards = guarding_units(phase_deployment)
        escalation = deployment.escalation.phase(phase.name)
        edges = dict(escalation.edges[::-1]) if escalation else {}  # first edge wins
        shifts = shifts_of(plan, phase)
        hours_of = _hours_of(words, shifts, phase)
        first_sheet = len(sheets)
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
            # The post's own unit: the first of the forces that take part in escalation
            # (the Polri unit, not the Linmas beside it); its chain is the sheet's.
            units = sorted(guards.get(post.id, []), key=lambda u: force_order(labels, u))
            first = labels.units.get(units[0]) if units else None
            own = contacts.get(post.sites[0])
            index[(view.district, view.village or view.sites[0][1])].append(
                (phase.label, view.number, len(sheets))
            )
            sheets.append(
                PostSheet(
                    post=view,
                    phase=phase.label,
                    period=words.period(phase.start, phase.end),
                    members=tuple(
                        _place(n, x, labels, words, hours_of) for n, x in enumerate(placed, start=1)
                    ),
                    report=_report(labels, phase, units[0] if units else None, words, zone),
                    callsign=(own.callsign if own else "")
                    or (first.contact.callsign if first else ""),
                    radio=(own.radio if own else "") or (first.contact.radio if first else ""),
                    contacts=tuple(chain(labels, units[0], edges)) if units else (),
                    shifts=_shift_lines(phase, shifts, post, words, zone),
                    command=tuple(labels.command(u) for u in line_of_command(plan, units[0]))
                    if units
                    else (),
                    escalation=_path(labels, edges, units[0]) if units else (),
                    nearest=_nearest(labels, reach, phase.name, post, words),
                    instructions=_instructions(labels, post),
                    notes=tuple(note for s in post.sites if (note := labels.sites[s].note)),
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
        phase_totals.append(_phase_total(labels, phase, phase_deployment, words, first_sheet))
        reserve_sheets += _reserve_sheets(
            labels, phase, phase_deployment, members, words, zone, edges, reach
        )
    by_district = {d.phase: _district_totals(d) for d in deployment.phases}
    return Rosters(
        title=plan.info.label,
        classification=plan.info.classification,
        number=plan.info.number,
        letterhead=plan.info.letterhead,
        authority=plan.info.authority,
        zone=zone,
        fingerprint=fingerprint,
        sheets=tuple(sheets),
        units=tuple(
            _unit_list(labels, u, unit_lines[u.name]) for u in plan.units if unit_lines.get(u.name)
        ),
        rayons=tuple(
            _rayon_list(labels, r, deployment, members, words, by_district) for r in plan.rayons
        ),
        total_people=tuple(totals.items()),
        phases=tuple(phase_totals),
        reserves=tuple(reserve_sheets),
        index=_index(labels, index),
    )


def _report(labels: Labels, phase: m.Phase, unit: str | None, words: Words, zone: str) -> str:
    moment = muster_moment(phase) or phase.start
    return f"{when(words, moment, zone)} · {report_place(labels, phase, unit, words)}"


def _shift_lines(
    phase: m.Phase, shifts: tuple[m.Shift, ...], post: Post, words: Words, zone: str
) -> tuple[ShiftLine, ...]:
    people = sum(n for _, n in post.need)
    found = []
    for shift in shifts:
        days, first = occurrences([arc(shift)], phase.start, phase.end)
        if first is None:
            continue
        length = shift_length(shift)
        span = f"{shift_hours(words, shift)} {zone}" if length < 24 * 60 else words("whole_day")
        found.append(ShiftLine(shift.name, span, when(words, first[0], zone), days, people))
    return tuple(found)


def _path(labels: Labels, edges: dict[str, str], start: str) -> tuple[str, ...]:
    """The escalation path from a command in a phase, as the checker's analysis has the
    phase's edges (the first edge at each step), to a final command or a dead end."""
    path: list[str] = []
    seen: set[str] = set()
    current = start
    while current and current not in seen and len(path) < 12:
        seen.add(current)
        path.append(labels.command(current))
        current = edges.get(current, "")
    return tuple(path)


def _nearest(
    labels: Labels, reach: dict[tuple[str, str], Reach], phase: str, post: Post, words: Words
) -> str:
    found = [r for s in post.sites if (r := reach.get((phase, s))) is not None]
    if not found:
        located = all(labels.sites[s].lat is not None for s in post.sites)
        return "" if located else words("reach_unknown")  # said, never left out silently
    best = max(found, key=lambda r: r.minutes)  # the post's farthest site, to be safe
    return words("reach_line").format(
        reserve=labels.command(best.holder),
        km=words.number(round(best.km, 1)),
        minutes=minutes_words(words, best.minutes),
    )


def minutes_words(words: Words, minutes: float) -> str:
    """Travel time as the check reports it, rounded up to a tenth: `25,3 menit`."""
    tenths = math.ceil(minutes * 10 - 1e-9)
    return f"{words.number(Fraction(tenths, 10))} {words('minutes')}"


def _instructions(labels: Labels, post: Post) -> tuple[str, ...]:
    kind = next((k for k in labels.plan.kinds if k.name == post.kind), None)
    found = list(kind.instructions if kind else ())
    if post.risk is not None:
        found += labels.risks[post.risk].instructions
    return tuple(found)


def _where(view: PostView) -> str:
    """Where a post is, for a unit's list: the village, or for a fixed guard its site."""
    place = view.village or (view.sites[0][1] if view.fixed else "")
    return f"{view.district} · {place}" if place else view.district


def force_order(labels: Labels, unit: str) -> int:
    """Escalating forces first, in the plan's order of forces."""
    return labels.force_ranks[labels.units[unit].force]


def _hours_of(words: Words, shifts: tuple[m.Shift, ...], phase: m.Phase) -> dict[str, str]:
    """Each shift's hours as a roster row prints them; "" (no shift): the whole phase."""
    found = {s.name: shift_hours(words, s) for s in shifts}
    found[""] = words.period(phase.start, phase.end)
    return found


def _place(
    number: int, member: Member, labels: Labels, words: Words, hours_of: dict[str, str]
) -> Place:
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
        shift=member.shift,
        hours=hours_of.get(member.shift, hours_of[""]),
        leader=member.leader,
    )


def _phase_total(
    labels: Labels, phase: m.Phase, deployment: PhaseDeployment, words: Words, first: int
) -> PhaseTotal:
    return PhaseTotal(
        label=phase.label,
        period=words.period(phase.start, phase.end),
        shifts=", ".join(phase_shifts(labels, words, phase)),
        posts=len(deployment.posts),
        people=force_figures(labels, deployment),
        reserve=sum(h.people for h in deployment.holds),
        first_sheet=first,
    )


def _reserve_sheets(
    labels: Labels,
    phase: m.Phase,
    deployment: PhaseDeployment,
    members: Members,
    words: Words,
    zone: str,
    edges: dict[str, str],
    reach: dict[tuple[str, str], Reach],
) -> list[ReserveSheet]:
    """Every group standing by in the phase: rayons and pools holding people, then the
    `role reserve` units that are there."""
    plan = labels.plan
    held: dict[str, int] = defaultdict(int)
    for hold in deployment.holds:
        held[hold.holder] += hold.people
    sites_in: dict[str, list[str]] = defaultdict(list)
    posts_in: dict[str, int] = defaultdict(int)
    posts_of: dict[str, list[str]] = defaultdict(list)  # site -> the posts guarding it
    for post in deployment.posts:
        posts_in[post.district] += 1
        sites_in[post.district].extend(post.sites)
        for site in post.sites:
            posts_of[site].append(post.id)
    nearest_to: dict[str, list[str]] = defaultdict(list)
    for (phase_name, site), reached in reach.items():
        if phase_name == phase.name:
            nearest_to[reached.holder].append(site)
    found: list[ReserveSheet] = []
    start = muster_moment(phase) or phase.start
    for rayon in plan.rayons:
        if not held.get(rayon.name):
            continue
        stand = rayon.post
        sites = [s for d in rayon.districts for s in sites_in.get(d, ())]
        farthest = ""
        if stand is not None and stand.lat is not None and stand.lon is not None:
            farthest = _farthest(labels, sites, stand.lat, stand.lon, words)
        found.append(
            _reserve_sheet(
                labels, rayon.name, rayon.label, "rayon", phase, words, zone, start,
                where=f"{stand.label} · {labels.district(stand.district)}" if stand else "",
                coordinates=_coordinates(stand.lat, stand.lon) if stand else "",
                people=held[rayon.name],
                members=members.in_reserve(phase.name, rayon.name),
                contact=rayon.contact,
                districts=tuple(labels.district(d) for d in rayon.districts),
                posts=sum(posts_in.get(d, 0) for d in rayon.districts),
                sites=len(sites),
                farthest=farthest,
                edges=edges,
                tasks=rayon.tasks,
            )
        )  # fmt: skip
    for pool in plan.pools:
        if not held.get(pool.name):
            continue
        sources = [u for r in pool.reserves for u in r.sources]
        areas = {d for u in sources for d in _staffs(labels, u)}
        found.append(
            _reserve_sheet(
                labels, pool.name, pool.label, "pool", phase, words, zone, start,
                where="",
                coordinates="",
                people=held[pool.name],
                members=members.in_reserve(phase.name, pool.name),
                contact=pool.contact,
                districts=tuple(d.label for d in plan.districts if d.name in areas),
                posts=sum(posts_in.get(d, 0) for d in areas),
                sites=sum(len(sites_in.get(d, ())) for d in areas),
                farthest="",
                edges=edges,
                tasks=pool.tasks,
            )
        )  # fmt: skip
    for unit in plan.units:
        if unit.role != "reserve" or not unit.strength or not available(unit, phase):
            continue
        base = labels.districts.get(unit.base or "")
        sites = nearest_to.get(unit.name, [])
        farthest = ""
        if base is not None and base.lat is not None and base.lon is not None:
            farthest = _farthest(labels, sites, base.lat, base.lon, words)
        people = [p for p in plan.personnel if p.unit == unit.name]
        standing = tuple(
            Member(
                unit=unit.name,
                number=n,
                shift="",
                person=people[n - 1] if n <= len(people) else None,
                unnamed=bool(people) and n > len(people),
            )
            for n in range(1, unit.strength + 1)
        )
        districts = sorted({labels.sites[s].district for s in sites})
        found.append(
            _reserve_sheet(
                labels, unit.name, unit.label, "unit", phase, words, zone, start,
                where=f"{words('base')} · {base.label}" if base else "",
                coordinates=_coordinates(base.lat, base.lon) if base else "",
                people=unit.strength,
                members=standing,
                contact=unit.contact,
                districts=tuple(labels.district(d) for d in districts),
                posts=len({post for s in sites for post in posts_of.get(s, ())}),
                sites=len(sites),
                farthest=farthest,
                edges=edges,
                tasks=unit.tasks,
            )
        )  # fmt: skip
    return found


def _reserve_sheet(
    labels: Labels,
    name: str,
    label: str,
    what: str,
    phase: m.Phase,
    words: Words,
    zone: str,
    start: dt.datetime,
    *,
    where: str,
    coordinates: str,
    people: int,
    members: tuple[Member, ...],
    contact: m.Contact,
    districts: tuple[str, ...],
    posts: int,
    sites: int,
    farthest: str,
    edges: dict[str, str],
    tasks: tuple[str, ...],
) -> ReserveSheet:
    whole_phase = _hours_of(words, (), phase)  # a reserve stands by for the whole phase
    return ReserveSheet(
        label=label,
        what=what,
        phase=phase.label,
        period=words.period(phase.start, phase.end),
        where=where,
        coordinates=coordinates,
        report=f"{when(words, start, zone)} · {where or words('at_own_unit')}",
        people=people,
        members=tuple(
            _place(n, x, labels, words, whole_phase) for n, x in enumerate(members, start=1)
        ),
        commander=contact.commander,
        callsign=contact.callsign,
        radio=contact.radio,
        phone=contact.phone,
        districts=districts,
        posts=posts,
        sites=sites,
        farthest=farthest,
        escalation=_path(labels, edges, name),
        tasks=tasks,
    )


def _farthest(labels: Labels, sites: list[str], lat: float, lon: float, words: Words) -> str:
    """The farthest of `sites` from a reserve at (lat, lon), with the travel time."""
    best: tuple[float, str] | None = None
    for site_id in sorted(set(sites)):
        site = labels.sites[site_id]
        if site.lat is None or site.lon is None:
            continue
        km = distance_km(lat, lon, site.lat, site.lon)
        if best is None or km > best[0]:
            best = (km, site_id)
    if best is None:
        return ""
    km, site_id = best
    site = labels.sites[site_id]
    return words("farthest_line").format(
        site=site.label,
        place=f"{labels.district(site.district)}" + (f" · {site.village}" if site.village else ""),
        km=words.number(round(km, 1)),
        minutes=minutes_words(words, travel_minutes(labels.plan, km)),
    )


def _staffs(labels: Labels, unit: str) -> tuple[str, ...]:
    from ttuplan.domain import staffing

    return staffing(labels.plan).get(unit, ())


def _coordinates(lat: float | None, lon: float | None) -> str:
    return "" if lat is None or lon is None else f"{lat:.5f}, {lon:.5f}"


def _index(
    labels: Labels, found: dict[tuple[str, str], list[tuple[str, int, int]]]
) -> tuple[IndexEntry, ...]:
    """Kecamatan in the plan's order, desa by name: where each one's sheets are."""
    order = {d.label: i for i, d in enumerate(labels.plan.districts)}
    return tuple(
        IndexEntry(district, village, tuple(posts))
        for (district, village), posts in sorted(
            found.items(), key=lambda kv: (order.get(kv[0][0], len(order)), kv[0][0], kv[0][1])
        )
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
