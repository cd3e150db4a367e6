"""Stage 4: allocate a resolved plan and check it as graphs (networkx and HiGHS live here).

`allocate` gives the Allocation (the deployment, and what the rules read besides it);
the escalation analysis is added to its deployment; then every rule, in the order of
RULES, reports what it finds. A rule is a function `(plan, allocation) -> diagnostics`:
a new check is one function here and one fixture (ARCHITECTURE.md, "How to add a check").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

from ttuplan import model as m
from ttuplan import progress
from ttuplan.check import coverage, escalation, reach, roster, timeline
from ttuplan.check.allocate import Allocation, allocate
from ttuplan.diagnostics.model import Diagnostic

Rule = Callable[[m.Plan, Allocation], Iterable[Diagnostic]]

RULES: tuple[Rule, ...] = (
    # time
    timeline.reversed_periods,
    timeline.shift_gaps,
    timeline.shift_overlaps,
    timeline.double_booked,
    timeline.duties_too_long,
    timeline.rest_too_short,
    roster.incomplete,
    # coverage
    coverage.uncovered,
    coverage.understaffed,
    coverage.outside_rayons,
    coverage.overdrawn,
    timeline.overcommitted,
    coverage.no_rules,
    reach.out_of_reach,
    # escalation
    escalation.loops,
    escalation.dead_ends,
    escalation.long_chains,
    escalation.unavailable_targets,
)


ROSTER_ROUNDS = 4  # at most this many allocations when people turn out to be resting


def check(plan: m.Plan) -> tuple[Allocation, list[Diagnostic]]:
    """The plan's allocation and every problem the rules find in it.

    With a personnel table, the people are placed after the allocation; a unit whose
    table lists all its strength but whose people cannot all take their places, because
    they rest after an earlier duty or are on another at the time, gives fewer people in
    that phase, and the allocation is made again, so that another unit takes those
    places if one can (at most ROSTER_ROUNDS times)."""
    resting: dict[tuple[str, str], int] = {}
    for _ in range(ROSTER_ROUNDS):
        allocation = allocate(plan, resting)
        progress.stage("escalation chains", 0.85)
        guarding = {d.phase: {a.unit for a in d.assignments} for d in allocation.deployment.phases}
        analysed = escalation.analyse_escalation(plan, guarding)
        deployment = replace(allocation.deployment, escalation=analysed)
        gaps: tuple[roster.Gap, ...] = ()
        if plan.personnel:
            progress.stage("rostering", 0.88)
            named, gaps = roster.assign_people(plan, deployment)
            deployment = replace(deployment, roster=named)
        allocation = replace(allocation, deployment=deployment, roster_gaps=gaps)
        more = roster.resting_people(plan, gaps)
        if not more:
            break
        for key, people in more.items():
            resting[key] = resting.get(key, 0) + people
    progress.stage("checking the rules", 0.9)
    return allocation, [problem for rule in RULES for problem in rule(plan, allocation)]
