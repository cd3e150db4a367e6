"""Stage 4: check a resolved plan as graphs and allocate it (networkx lives here).

The passes, in order: time (periods, shifts, people), posts and allocation per phase
(max flow), coverage (shortfalls, reserves, rayons), reach (`reserve within`),
escalation (one graph per phase).
"""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction

from ttuplan import model as m
from ttuplan import progress
from ttuplan.check import coverage
from ttuplan.check.allocate import Coverage, Overdraw, allocate_phase
from ttuplan.check.escalation import check_escalation
from ttuplan.check.posts import SiteIndex, Unruled, form_posts
from ttuplan.check.reach import check_reach
from ttuplan.check.timeline import available, check_time
from ttuplan.deployment import (
    Assignment,
    ClassLine,
    Deployment,
    Hold,
    Load,
    PhaseDeployment,
    Post,
)
from ttuplan.diagnostics.model import Diagnostic


def check(plan: m.Plan) -> tuple[Deployment, list[Diagnostic]]:
    """The plan's deployment and every problem the graph checks find in it."""
    problems = check_time(plan)
    index = SiteIndex(plan.sites)
    who_covers = Coverage.of(plan)
    phases: list[PhaseDeployment] = []
    overdraws: list[Overdraw] = []
    unruled: list[Unruled] = []
    uncovered: dict[tuple[str, str], list[str]] = defaultdict(list)
    first_post: dict[tuple[str, str], Post] = {}
    share = 0.85 / max(len(plan.phases), 1)
    for number, phase in enumerate(plan.phases):
        if phase.end <= phase.start:
            continue  # reported by the time checks; nothing sensible to allocate
        progress.stage(f"phase {phase.name}: forming posts", number * share)
        posts, missing = form_posts(plan, phase, index)
        unruled.extend(missing)
        progress.stage(f"phase {phase.name}: allocating", (number + 0.4) * share)
        allocation = allocate_phase(plan, phase, posts, who_covers)
        overdraws.extend(allocation.overdraws)
        for district, force in allocation.uncovered:
            uncovered[(district, force)].append(phase.name)
            first_post.setdefault(
                (district, force),
                next(p for p in posts if p.district == district and p.need_of(force)),
            )
        deployment = PhaseDeployment(
            phase=phase.name,
            posts=tuple(posts),
            assignments=tuple(allocation.assignments),
            holds=tuple(allocation.holds),
            loads=_loads(plan, phase, allocation.holds, allocation.assignments),
            shortfalls=tuple(allocation.shortfalls),
            classes=_class_lines(plan, posts, allocation.given),
        )
        phases.append(deployment)
        problems.extend(coverage.understaffed(plan, deployment))
    problems += coverage.uncovered(plan, uncovered, first_post)
    problems += coverage.outside_rayons(plan, phases)
    problems += coverage.overdrawn(overdraws)
    problems += coverage.overcommitted(plan, phases)
    problems += coverage.no_rules(unruled)
    progress.stage("reserve reach", 0.88)
    problems += check_reach(plan, phases)
    progress.stage("escalation chains", 0.95)
    problems += check_escalation(plan, phases)
    return Deployment(phases=tuple(phases)), problems


def _loads(
    plan: m.Plan, phase: m.Phase, holds: list[Hold], assignments: list[Assignment]
) -> tuple[Load, ...]:
    held: dict[str, int] = defaultdict(int)
    posted: dict[str, int] = defaultdict(int)
    for hold in holds:
        held[hold.unit] += hold.people
    for assignment in assignments:
        posted[assignment.unit] += assignment.people
    return tuple(
        Load(
            unit=u.name,
            strength=u.strength or 0,
            available=available(u, phase),
            held=held[u.name],
            posted=posted[u.name],
        )
        for u in plan.units
    )


def _class_lines(
    plan: m.Plan, posts: list[Post], given: dict[tuple[str | None, str], int]
) -> tuple[ClassLine, ...]:
    """The risk-class table of a phase: sites, need by ratio and by posts, allocated."""
    sites: dict[str | None, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_posts: dict[tuple[str | None, str], int] = defaultdict(int)
    for post in posts:
        sites[post.risk][post.kind] += len(post.sites)
        for force, people in post.need:
            by_posts[(post.risk, force)] += people
    lines = []
    for risk in (*plan.risks, None):
        name = risk.name if risk else None
        if name not in sites:
            continue
        for force in (f.name for f in plan.forces):
            if not by_posts.get((name, force)):
                continue
            ratio = Fraction(0)
            if risk is not None:
                ratio = sum(
                    (
                        Fraction(r.amount * sites[name][r.kind], r.per)
                        for r in risk.rules
                        if r.force == force
                    ),
                    Fraction(0),
                )
            lines.append(
                ClassLine(
                    risk=name,
                    force=force,
                    sites=sum(sites[name].values()),
                    by_ratio=ratio,
                    by_posts=by_posts[(name, force)],
                    allocated=given.get((name, force), 0),
                )
            )
    return tuple(lines)
