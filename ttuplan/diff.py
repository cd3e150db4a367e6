"""What a change to a plan does to the deployment (`ttuplan diff OLD NEW`), not to the text.

Compares two checked plans: people on posts per phase, district and force; people each
unit commits per phase; posts added and removed; sites added, removed or reclassed, and
sites left on posts short of people; districts that changed hands; reserves, rayon posts
and reserve reach; unit strengths; escalation edges (per phase); when each phase runs,
its muster and its shifts; who on the rosters moved, was added or was dropped, per post
and shift; and the diagnostics the change brings or fixes.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import field
from typing import Any, NamedTuple

from ttuplan import model as m
from ttuplan.crews import crews, staff_of
from ttuplan.deployment import Deployment, Member
from ttuplan.diagnostics.model import Diagnostic, Severity
from ttuplan.domain import commands, edges_in
from ttuplan.records import dataclass

Count = tuple[int, int]  # (before, after)


class Moved(NamedTuple):
    """One person on the rosters of a phase whose places changed: `before` empty, added;
    `after` empty, dropped; both, moved. A place is `post (shift)` or `reserve holder`."""

    phase: str
    nrp: str
    person: str  # rank, name and NRP, as the rosters print them
    unit: str
    before: tuple[str, ...]
    after: tuple[str, ...]

    @property
    def sign(self) -> str:
        return "+" if not self.before else "-" if not self.after else "~"


class Problem(NamedTuple):
    """A diagnostic as a diff compares it: by code and message (its line moves with edits)."""

    code: str
    slug: str
    severity: str
    message: str
    where: str  # file:line:column, the file relative to the plan's folder; "" if nowhere


@dataclass
class PlanDiff:
    # (phase, district, force) -> people on posts before and after, in all
    staffing: dict[tuple[str, str, str], Count] = field(default_factory=dict)
    # the same in phases with shifts (before or after): the fewest on duty at once
    on_duty: dict[tuple[str, str, str], Count] = field(default_factory=dict)
    units: dict[tuple[str, str], Count] = field(default_factory=dict)  # phase, unit: committed
    posts_added: list[tuple[str, str]] = field(default_factory=list)  # phase, post id
    posts_removed: list[tuple[str, str]] = field(default_factory=list)
    sites_added: list[str] = field(default_factory=list)
    sites_removed: list[str] = field(default_factory=list)
    reclassed: dict[str, tuple[str, str]] = field(default_factory=dict)  # site: risk before, after
    coverage: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=dict)
    reserves: dict[tuple[str, str, str], Count] = field(default_factory=dict)  # phase, holder, unit
    strengths: dict[str, tuple[int | None, int | None]] = field(default_factory=dict)
    edges_added: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)  # -> phases
    edges_removed: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    # (phase, "period" | "muster" | "shifts") -> as written before and after ("" if none)
    timing: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    # rayon -> its post as written before and after ("" if none), when it moved
    rayon_posts: dict[str, tuple[str, str]] = field(default_factory=dict)
    # (phase, site) on a post short of people: now, and no longer
    short_added: list[tuple[str, str]] = field(default_factory=list)
    short_removed: list[tuple[str, str]] = field(default_factory=list)
    # (phase, site) -> minutes to the nearest reserve before and after (inf: none at all)
    reach: dict[tuple[str, str], tuple[float, float]] = field(default_factory=dict)
    # the longest way from a site to its nearest reserve, over the plan, before and after
    reach_worst: tuple[float | None, float | None] | None = None
    people: list[Moved] = field(default_factory=list)
    personnel: tuple[int, int] | None = None  # people in the table before and after, if changed
    problems_new: list[Problem] = field(default_factory=list)
    problems_fixed: list[Problem] = field(default_factory=list)
    # what the tables need to place a change (a post's or a site's district, its kind);
    # not a change itself
    where: dict[str, str] = field(default_factory=dict, compare=False)
    kinds: dict[str, str] = field(default_factory=dict, compare=False)
    forces: dict[str, str] = field(default_factory=dict, compare=False)  # unit -> its force

    @property
    def empty(self) -> bool:
        return not any(
            getattr(self, name) for name, spec in self.__dataclass_fields__.items() if spec.compare
        )

    def short_by_kind(self) -> dict[str, tuple[int, int]]:
        """Sites on posts short of people, per kind: (now short, no longer short)."""
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for _, site in self.short_added:
            counts[self.kinds.get(site, "site")][0] += 1
        for _, site in self.short_removed:
            counts[self.kinds.get(site, "site")][1] += 1
        return {kind: (a, b) for kind, (a, b) in sorted(counts.items())}

    def force_change(self) -> dict[str, int]:
        """People on posts gained or lost per force, over every phase."""
        change: dict[str, int] = defaultdict(int)
        for (_, _, force), (before, after) in self.staffing.items():
            change[force] += after - before
        return dict(change)

    def strength_change(self) -> dict[str, int]:
        """Strength gained or lost per force, over the units whose strength changed."""
        change: dict[str, int] = defaultdict(int)
        for unit, (before, after) in self.strengths.items():
            change[self.forces.get(unit, "?")] += (after or 0) - (before or 0)
        return dict(change)

    def districts_changed(self) -> set[str]:
        return {district for (_, district, _) in self.staffing} | set(self.coverage)

    def summary(self) -> str:
        if self.empty:
            return "no change to the deployment"
        parts = []
        if self.districts_changed():
            count = len(self.districts_changed())
            parts.append(f"{count} district{'s' if count != 1 else ''} changed")
        for force, delta in sorted(self.force_change().items()):
            if delta:
                parts.append(f"{delta:+d} {force} on posts")
        for count, what in (
            (len(self.posts_added), "post added"),
            (len(self.posts_removed), "post removed"),
            (len(self.reclassed), "site reclassed"),
            (len(self.sites_added), "site added"),
            (len(self.sites_removed), "site removed"),
            (len({(h, u) for _, h, u in self.reserves}), "reserve changed"),
            (len(self.strengths), "strength changed"),
            (len(self.edges_added), "escalation edge added"),
            (len(self.edges_removed), "escalation edge removed"),
            (len({phase for phase, _ in self.timing}), "phase retimed"),
            (len(self.rayon_posts), "rayon post moved"),
        ):
            if count:
                word = what.replace(" ", "s ", 1) if count != 1 else what
                parts.append(f"{count} {word}")
        for kind, (now, no_longer) in self.short_by_kind().items():
            if now:
                parts.append(f"{now} {kind} now under-staffed")
            if no_longer:
                parts.append(f"{no_longer} {kind} no longer under-staffed")
        if self.reach_worst is not None:
            slowest = self.reach_worst
            parts.append(
                f"reserve reach worst {reach_text(slowest[0])} -> {reach_text(slowest[1])}"
            )
        if self.personnel is not None:
            before, after = self.personnel
            parts.append(
                "personnel table added"
                if not before
                else "personnel table removed"
                if not after
                else "personnel table changed"
            )
        if self.people:
            count = len({p.nrp for p in self.people})
            parts.append(f"{count} {'person' if count == 1 else 'people'} reassigned")
        for count, what in (
            (len(self.problems_new), "new diagnostic"),
            (len(self.problems_fixed), "diagnostic fixed"),
        ):
            if count:
                parts.append(
                    f"{count} {what.replace('diagnostic', 'diagnostics') if count != 1 else what}"
                )
        return ", ".join(parts)


def reach_text(minutes: float | None) -> str:
    """Minutes to the nearest reserve as a diff shows them ("none": no reserve at all)."""
    if minutes is None:
        return "-"
    if math.isinf(minutes):
        return "none"
    return f"{math.ceil(minutes * 10 - 1e-9) / 10:.1f} min"


def diff_deployments(
    old: m.Plan,
    old_deployment: Deployment,
    new: m.Plan,
    new_deployment: Deployment,
    *,
    old_problems: Sequence[Problem] = (),
    new_problems: Sequence[Problem] = (),
) -> PlanDiff:
    result = PlanDiff()
    _compare_counts(_staffing(old_deployment), _staffing(new_deployment), result.staffing)
    shifted = _shifted(old_deployment) | _shifted(new_deployment)
    _compare_counts(
        _on_duty(old_deployment, shifted), _on_duty(new_deployment, shifted), result.on_duty
    )
    _compare_counts(_committed(old_deployment), _committed(new_deployment), result.units)
    _compare_counts(_held(old_deployment), _held(new_deployment), result.reserves)
    before_posts, after_posts = _posts(old_deployment), _posts(new_deployment)
    result.posts_added.extend(sorted(after_posts - before_posts))
    result.posts_removed.extend(sorted(before_posts - after_posts))
    before_sites = {s.id: s for s in old.sites}
    after_sites = {s.id: s for s in new.sites}
    result.sites_added.extend(sorted(after_sites.keys() - before_sites.keys()))
    result.sites_removed.extend(sorted(before_sites.keys() - after_sites.keys()))
    for site_id in sorted(before_sites.keys() & after_sites.keys()):
        if before_sites[site_id].risk != after_sites[site_id].risk:
            result.reclassed[site_id] = (before_sites[site_id].risk, after_sites[site_id].risk)
    before_cover, after_cover = _coverers(old), _coverers(new)
    for district in sorted(before_cover.keys() | after_cover.keys()):
        if before_cover.get(district, ()) != after_cover.get(district, ()):
            result.coverage[district] = (
                before_cover.get(district, ()),
                after_cover.get(district, ()),
            )
    result.forces.update({u.name: u.force for u in (*old.units, *new.units)})
    before_units = {u.name: u.strength for u in old.units}
    after_units = {u.name: u.strength for u in new.units}
    for unit in sorted(before_units.keys() | after_units.keys()):
        if before_units.get(unit) != after_units.get(unit):
            result.strengths[unit] = (before_units.get(unit), after_units.get(unit))
    before_edges, after_edges = _edges(old), _edges(new)
    for edge in sorted(before_edges.keys() | after_edges.keys()):
        gone = tuple(p for p in before_edges.get(edge, ()) if p not in after_edges.get(edge, ()))
        came = tuple(p for p in after_edges.get(edge, ()) if p not in before_edges.get(edge, ()))
        if gone:
            result.edges_removed[edge] = gone
        if came:
            result.edges_added[edge] = came
    _compare_timing(old, new, result.timing)
    _compare_rayons(old, new, result.rayon_posts)
    _compare_short(old_deployment, new_deployment, result)
    _compare_reach(old, old_deployment, new, new_deployment, result)
    _compare_people(old, old_deployment, new, new_deployment, result)
    for post_id, district in {
        **{p.id: p.district for d in old_deployment.phases for p in d.posts},
        **{p.id: p.district for d in new_deployment.phases for p in d.posts},
    }.items():
        if any(post_id == post for _, post in (*result.posts_added, *result.posts_removed)):
            result.where[post_id] = district
    sites = {s.id: s for s in (*old.sites, *new.sites)}
    for _, site_id in (*result.short_added, *result.short_removed, *result.reach):
        if site_id in sites:
            result.where[site_id] = sites[site_id].district
            result.kinds[site_id] = sites[site_id].kind
    result.problems_new.extend(_unmatched(new_problems, old_problems))
    result.problems_fixed.extend(_unmatched(old_problems, new_problems))
    return result


def _unmatched(mine: Sequence[Problem], theirs: Sequence[Problem]) -> list[Problem]:
    """The problems of `mine` the other side does not have, matched by code and message
    (each copy once: a second identical problem is new even if the first is not)."""
    left = Counter(p._replace(where="") for p in theirs)
    found = []
    for problem in mine:
        key = problem._replace(where="")
        if left[key] > 0:
            left[key] -= 1
        else:
            found.append(problem)
    return found


def problems_of(diagnostics: Sequence[Diagnostic], folder: str) -> list[Problem]:
    """Diagnostics as a diff compares them, each file named relative to the plan's folder."""
    import contextlib
    import os

    found = []
    for d in diagnostics:
        where = ""
        if d.span is not None:
            file = d.span.file
            with contextlib.suppress(ValueError):  # another drive (Windows): kept as it is
                file = os.path.relpath(file, folder)
            where = f"{file}:{d.span.line}:{d.span.column}"
        found.append(
            Problem(
                code=d.code.id,
                slug=d.code.slug,
                severity="error" if d.severity is Severity.ERROR else "warning",
                message=d.message,
                where=where,
            )
        )
    return found


def _compare_rayons(old: m.Plan, new: m.Plan, into: dict[str, tuple[str, str]]) -> None:
    before = {r.name: _post_text(r) for r in old.rayons}
    after = {r.name: _post_text(r) for r in new.rayons}
    for name in [*before, *(n for n in after if n not in before)]:
        if before.get(name, "") != after.get(name, ""):
            into[name] = (before.get(name, ""), after.get(name, ""))


def _post_text(rayon: m.Rayon) -> str:
    post = rayon.post
    if post is None:
        return ""
    place = (
        f" at {post.lat:.6f}, {post.lon:.6f}"
        if post.lat is not None and post.lon is not None
        else ""
    )
    return f"{post.label} in {post.district}{place}"


def _short_sites(deployment: Deployment) -> set[tuple[str, str]]:
    """(phase, site) on posts given fewer people than they need."""
    found: set[tuple[str, str]] = set()
    for phase in deployment.phases:
        if not phase.shortfalls:
            continue  # the usual case: every post staffed
        given: dict[tuple[str, str], int] = defaultdict(int)
        for a in phase.assignments:
            given[(a.post, a.force)] += a.people
        for post in phase.posts:
            if any(given[(post.id, force)] < post.people_of(force) for force, _ in post.need):
                found.update((phase.phase, site) for site in post.sites)
    return found


def _compare_short(old: Deployment, new: Deployment, result: PlanDiff) -> None:
    before, after = _short_sites(old), _short_sites(new)
    order = {d.phase: i for i, d in enumerate((*new.phases, *old.phases))}
    result.short_added.extend(sorted(after - before, key=lambda k: (order[k[0]], k[1])))
    result.short_removed.extend(sorted(before - after, key=lambda k: (order[k[0]], k[1])))


def _compare_reach(
    old: m.Plan,
    old_deployment: Deployment,
    new: m.Plan,
    new_deployment: Deployment,
    result: PlanDiff,
) -> None:
    from ttuplan.check.reach import nearest_minutes

    before = nearest_minutes(old, old_deployment.phases)
    after = nearest_minutes(new, new_deployment.phases)
    for key in sorted(before.keys() & after.keys()):  # a site added or removed is said so
        was, now = before[key], after[key]
        if was != now and not math.isclose(was, now, abs_tol=1e-9):
            result.reach[key] = (was, now)
    worst = (max(before.values(), default=None), max(after.values(), default=None))
    if reach_text(worst[0]) != reach_text(worst[1]):
        result.reach_worst = worst


def _places(plan: m.Plan, deployment: Deployment) -> dict[tuple[str, str], list[str]]:
    """(phase, nrp) -> the person's places in the phase, in roster order."""
    found: dict[tuple[str, str], list[str]] = defaultdict(list)
    roster = deployment.roster
    if roster is None:
        return found

    def add(phase: str, place: str, members: tuple[Member, ...]) -> None:
        for member in members:
            if member.person is not None:
                shift = f" ({member.shift})" if member.shift else ""
                found[(phase, member.person.nrp)].append(place + shift)

    for (phase, holder), members in roster.holds.items():
        add(phase, f"reserve {holder}", members)
    for (phase, post), members in roster.posts.items():
        add(phase, post.removeprefix(f"{phase}/"), members)  # the phase is said apart
    return found


def _compare_people(
    old: m.Plan,
    old_deployment: Deployment,
    new: m.Plan,
    new_deployment: Deployment,
    result: PlanDiff,
) -> None:
    """Who moved, who was added and who was dropped, per phase, post and shift."""
    if old.personnel != new.personnel:
        result.personnel = (len(old.personnel), len(new.personnel))
    before, after = _places(old, old_deployment), _places(new, new_deployment)
    people = {p.nrp: p for p in (*old.personnel, *new.personnel)}
    order = {p.name: i for i, p in enumerate((*new.phases, *old.phases))}
    for key in sorted(
        before.keys() | after.keys(),
        key=lambda k: (order.get(k[0], 0), (after.get(k) or before.get(k) or [""])[0], k[1]),
    ):
        was, now = tuple(before.get(key, ())), tuple(after.get(key, ()))
        if sorted(was) == sorted(now):
            continue
        person = people[key[1]]
        result.people.append(
            Moved(
                phase=key[0],
                nrp=person.nrp,
                person=f"{person.rank} {person.name} ({person.nrp})",
                unit=person.unit,
                before=was,
                after=now,
            )
        )


def _compare_timing(old: m.Plan, new: m.Plan, into: dict[tuple[str, str], tuple[str, str]]) -> None:
    """When each phase runs, when and where it musters, its shifts: a change to any moves
    people in time though no count changes (a phase moved by five weeks said "no change")."""
    before, after = _timing(old), _timing(new)
    for phase in [*before, *(name for name in after if name not in before)]:
        was, now = before.get(phase, {}), after.get(phase, {})
        for what in ("period", "muster", "shifts"):
            if was.get(what, "") != now.get(what, ""):
                into[(phase, what)] = (was.get(what, ""), now.get(what, ""))


def _timing(plan: m.Plan) -> dict[str, dict[str, str]]:
    return {
        phase.name: {
            "period": f"{_moment(phase.start)} .. {_moment(phase.end)}",
            "muster": f"{phase.muster.time:%H:%M} {phase.muster.place or 'at base'}"
            if phase.muster
            else "",
            "shifts": ", ".join(f"{s.name} {s.start:%H:%M}..{s.end:%H:%M}" for s in phase.shifts),
        }
        for phase in plan.phases
    }


def _moment(moment: dt.datetime) -> str:
    return moment.isoformat(sep=" ", timespec="minutes")


def _compare_counts(before: dict[Any, int], after: dict[Any, int], into: dict[Any, Count]) -> None:
    for key in sorted(before.keys() | after.keys()):
        if before.get(key, 0) != after.get(key, 0):
            into[key] = (before.get(key, 0), after.get(key, 0))


def _staffing(deployment: Deployment) -> dict[tuple[str, str, str], int]:
    counts: dict[tuple[str, str, str], int] = defaultdict(int)
    for phase in deployment.phases:
        district = {post.id: post.district for post in phase.posts}
        for a in phase.assignments:
            counts[(phase.phase, district[a.post], a.force)] += a.people
    return counts


def _shifted(deployment: Deployment) -> set[str]:
    """The phases with a post staffed in more than one shift."""
    return {p.phase for p in deployment.phases if any(post.shifts > 1 for post in p.posts)}


def _on_duty(deployment: Deployment, phases: set[str]) -> dict[tuple[str, str, str], int]:
    """In those phases: per district and force, the people on duty at once in each post's
    weakest shift (its crews as the rosters make them; a post without shifts, all its
    people), summed over the posts."""
    counts: dict[tuple[str, str, str], int] = defaultdict(int)
    for phase in deployment.phases:
        if phase.phase not in phases:
            continue
        by_post = staff_of(phase)
        for post in phase.posts:
            teams = crews(post.need, by_post.get(post.id, []), post.shifts)
            forces = {force for force, _ in post.need}
            for force in sorted(forces):
                units = {unit for f, unit, _ in by_post.get(post.id, []) if f == force}
                fewest = min(sum(crew[unit] for unit in units) for crew in teams)
                counts[(phase.phase, post.district, force)] += fewest
    return counts


def _committed(deployment: Deployment) -> dict[tuple[str, str], int]:
    return {
        (phase.phase, load.unit): load.held + load.posted
        for phase in deployment.phases
        for load in phase.loads
        if load.held + load.posted
    }


def _held(deployment: Deployment) -> dict[tuple[str, str, str], int]:
    counts: dict[tuple[str, str, str], int] = defaultdict(int)
    for phase in deployment.phases:
        for hold in phase.holds:
            counts[(phase.phase, hold.holder, hold.unit)] += hold.people
    return counts


def _posts(deployment: Deployment) -> set[tuple[str, str]]:
    return {(phase.phase, post.id) for phase in deployment.phases for post in phase.posts}


def _coverers(plan: m.Plan) -> dict[str, tuple[str, ...]]:
    """Each district's units that list it in `covers` (`covers all` is not a hand-over)."""
    found: dict[str, list[str]] = defaultdict(list)
    for unit in plan.units:
        for district in unit.covers:
            found[district].append(unit.name)
    return {d: tuple(sorted(units)) for d, units in found.items()}


def _edges(plan: m.Plan) -> dict[tuple[str, str], tuple[str, ...]]:
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    for command in commands(plan):
        for phase in plan.phases:
            for edge in edges_in(command, phase.name):
                edges[(command.name, edge.target)].append(phase.name)
    return {k: tuple(v) for k, v in edges.items()}


def diff_text(d: PlanDiff, limit: int = 40) -> str:
    lines: list[str] = []

    def section(title: str, rows: list[str]) -> None:
        if rows:
            lines.append(f"{title}:")
            lines.extend(f"  {row}" for row in rows[:limit])
            if len(rows) > limit:
                lines.append(f"  ... and {len(rows) - limit} more")

    section("people on posts (phase, district, force: in all, and per shift)", _staffing_rows(d))
    section(
        "people committed by unit (reserves and posts)",
        [
            f"{phase:<14} {unit:<32} {b:>6} -> {a:<6} ({a - b:+d})"
            for (phase, unit), (b, a) in d.units.items()
        ],
    )
    section(
        "districts that changed hands (covers)",
        [
            f"{district}: {', '.join(b) or '(nobody)'} -> {', '.join(a) or '(nobody)'}"
            for district, (b, a) in d.coverage.items()
        ],
    )
    section(
        "reserves (phase, holder, from unit)",
        [
            f"{phase:<14} {holder} from {unit}: {b} -> {a} ({a - b:+d})"
            for (phase, holder, unit), (b, a) in d.reserves.items()
        ],
    )
    section("unit strengths", [f"{unit}: {b} -> {a}" for unit, (b, a) in d.strengths.items()])
    section("posts added", [f"+ {phase} {post}" for phase, post in d.posts_added])
    section("posts removed", [f"- {phase} {post}" for phase, post in d.posts_removed])
    section("sites reclassed", [f"{site}: {b} -> {a}" for site, (b, a) in d.reclassed.items()])
    section("sites added", [f"+ {site}" for site in d.sites_added])
    section("sites removed", [f"- {site}" for site in d.sites_removed])
    section(
        "escalation edges added",
        [f"+ {s} -> {t} ({', '.join(p)})" for (s, t), p in d.edges_added.items()],
    )
    section(
        "escalation edges removed",
        [f"- {s} -> {t} ({', '.join(p)})" for (s, t), p in d.edges_removed.items()],
    )
    section(
        "phases retimed (period, muster, shifts)",
        [
            f"{phase:<14} {what:<7} {b or '(none)'} -> {a or '(none)'}"
            for (phase, what), (b, a) in d.timing.items()
        ],
    )
    section(
        "rayon posts moved",
        [f"{rayon}: {b or '(none)'} -> {a or '(none)'}" for rayon, (b, a) in d.rayon_posts.items()],
    )
    section(
        "sites on posts short of people (phase, site)",
        [f"+ {phase:<14} {site} ({d.where.get(site, '')})" for phase, site in d.short_added]
        + [f"- {phase:<14} {site} ({d.where.get(site, '')})" for phase, site in d.short_removed],
    )
    section(
        "reserve reach (phase, site: minutes to the nearest reserve)",
        [
            f"{phase:<14} {site}: {reach_text(b)} -> {reach_text(a)}"
            for (phase, site), (b, a) in d.reach.items()
        ],
    )
    if d.personnel is not None:
        before, after = d.personnel
        lines.append(f"personnel table: {before} -> {after} people" + _named_note(d))
    section(
        "people on the rosters (phase, person: places before -> after)",
        [
            f"{p.sign} {p.phase:<14} {p.person} [{p.unit}]: "
            f"{', '.join(p.before) or '(none)'} -> {', '.join(p.after) or '(none)'}"
            for p in d.people
        ],
    )
    section("new diagnostics", [f"+ {_problem_text(p)}" for p in d.problems_new])
    section("diagnostics fixed", [f"- {_problem_text(p)}" for p in d.problems_fixed])
    lines.append(d.summary())
    return "\n".join(lines) + "\n"


def _staffing_rows(d: PlanDiff) -> list[str]:
    rows = []
    for key in sorted(d.staffing.keys() | d.on_duty.keys()):
        phase, district, force = key
        row = f"{phase:<14} {district:<24} {force:<8} "
        if key in d.staffing:
            b, a = d.staffing[key]
            row += f"{b:>6} -> {a:<6} ({a - b:+d})"
        else:
            row += "in all unchanged"
        if key in d.on_duty:
            b, a = d.on_duty[key]
            row += f", on duty at once {b} -> {a} ({a - b:+d})"
        rows.append(row)
    return rows


def _named_note(d: PlanDiff) -> str:
    assert d.personnel is not None
    before, after = d.personnel
    if not before:
        return " (added: every place on the rosters is now named, where it was numbered)"
    if not after:
        return " (removed: every place on the rosters is now numbered, no longer named)"
    return ""


def _problem_text(problem: Problem) -> str:
    where = f"{problem.where}: " if problem.where else ""
    return f"{problem.severity}[{problem.code}] {where}{problem.message}"


def diff_json(d: PlanDiff) -> dict[str, Any]:
    return {
        "schema_version": 1,
        "changed": not d.empty,
        "summary": d.summary(),
        "staffing": [
            {"phase": p, "district": di, "force": f, "before": b, "after": a}
            for (p, di, f), (b, a) in d.staffing.items()
        ],
        "on_duty": [
            {"phase": p, "district": di, "force": f, "before": b, "after": a}
            for (p, di, f), (b, a) in d.on_duty.items()
        ],
        "units": [
            {"phase": p, "unit": u, "before": b, "after": a} for (p, u), (b, a) in d.units.items()
        ],
        "coverage": [
            {"district": di, "before": list(b), "after": list(a)}
            for di, (b, a) in d.coverage.items()
        ],
        "reserves": [
            {"phase": p, "holder": h, "unit": u, "before": b, "after": a}
            for (p, h, u), (b, a) in d.reserves.items()
        ],
        "strengths": [{"unit": u, "before": b, "after": a} for u, (b, a) in d.strengths.items()],
        "posts_added": [{"phase": p, "post": i} for p, i in d.posts_added],
        "posts_removed": [{"phase": p, "post": i} for p, i in d.posts_removed],
        "sites_reclassed": [
            {"site": s, "before": b, "after": a} for s, (b, a) in d.reclassed.items()
        ],
        "sites_added": d.sites_added,
        "sites_removed": d.sites_removed,
        "edges_added": [
            {"from": s, "to": t, "phases": list(p)} for (s, t), p in d.edges_added.items()
        ],
        "edges_removed": [
            {"from": s, "to": t, "phases": list(p)} for (s, t), p in d.edges_removed.items()
        ],
        "phases": [
            {"phase": p, "what": w, "before": b, "after": a} for (p, w), (b, a) in d.timing.items()
        ],
        "rayon_posts": [
            {"rayon": r, "before": b, "after": a} for r, (b, a) in d.rayon_posts.items()
        ],
        "short_sites": [
            {"phase": p, "site": site, "district": d.where.get(site, ""), "change": "+"}
            for p, site in d.short_added
        ]
        + [
            {"phase": p, "site": site, "district": d.where.get(site, ""), "change": "-"}
            for p, site in d.short_removed
        ],
        "reach": [
            {"phase": p, "site": site, "before": _minutes_json(b), "after": _minutes_json(a)}
            for (p, site), (b, a) in d.reach.items()
        ],
        "reach_worst": None
        if d.reach_worst is None
        else {"before": _minutes_json(d.reach_worst[0]), "after": _minutes_json(d.reach_worst[1])},
        "personnel": None
        if d.personnel is None
        else {"before": d.personnel[0], "after": d.personnel[1]},
        "people": [
            {
                "phase": p.phase,
                "nrp": p.nrp,
                "person": p.person,
                "unit": p.unit,
                "change": {"+": "added", "-": "dropped", "~": "moved"}[p.sign],
                "before": list(p.before),
                "after": list(p.after),
            }
            for p in d.people
        ],
        "diagnostics_new": [p._asdict() for p in d.problems_new],
        "diagnostics_fixed": [p._asdict() for p in d.problems_fixed],
        "force_change": d.force_change(),
    }


def _minutes_json(minutes: float | None) -> float | None:
    """Minutes rounded up to a tenth, as the text shows them; None for no reserve at all."""
    if minutes is None or math.isinf(minutes):
        return None
    return math.ceil(minutes * 10 - 1e-9) / 10
