"""What a change to a plan does to the deployment (`ttuplan diff OLD NEW`), not to the text.

Compares two checked plans: people on posts per phase, district and force; people each
unit commits per phase; posts added and removed; sites added, removed or reclassed;
districts that changed hands; reserves; unit strengths; escalation edges (per phase);
when each phase runs, its muster and its shifts.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ttuplan import model as m
from ttuplan.deployment import Deployment
from ttuplan.domain import commands, edges_in

Count = tuple[int, int]  # (before, after)


@dataclass(frozen=True)
class PlanDiff:
    # (phase, district, force) -> people on posts before and after
    staffing: dict[tuple[str, str, str], Count] = field(default_factory=dict)
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

    @property
    def empty(self) -> bool:
        return not any(getattr(self, name) for name in self.__dataclass_fields__)

    def force_change(self) -> dict[str, int]:
        """People on posts gained or lost per force, over every phase."""
        change: dict[str, int] = defaultdict(int)
        for (_, _, force), (before, after) in self.staffing.items():
            change[force] += after - before
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
        ):
            if count:
                word = what.replace(" ", "s ", 1) if count != 1 else what
                parts.append(f"{count} {word}")
        return ", ".join(parts)


def diff_deployments(
    old: m.Plan, old_deployment: Deployment, new: m.Plan, new_deployment: Deployment
) -> PlanDiff:
    result = PlanDiff()
    _compare_counts(_staffing(old_deployment), _staffing(new_deployment), result.staffing)
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
    return result


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

    section(
        "people on posts (phase, district, force)",
        [
            f"{phase:<14} {district:<24} {force:<8} {b:>6} -> {a:<6} ({a - b:+d})"
            for (phase, district, force), (b, a) in d.staffing.items()
        ],
    )
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
    lines.append(d.summary())
    return "\n".join(lines) + "\n"


def diff_json(d: PlanDiff) -> dict[str, Any]:
    return {
        "schema_version": 1,
        "changed": not d.empty,
        "summary": d.summary(),
        "staffing": [
            {"phase": p, "district": di, "force": f, "before": b, "after": a}
            for (p, di, f), (b, a) in d.staffing.items()
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
        "force_change": d.force_change(),
    }
