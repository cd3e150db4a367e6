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
from ttuplan.constants import REQUIRED
from ttuplan.crews import numbered
from ttuplan.diagnostics.model import Diagnostic

Rule = Callable[[m.Plan, Allocation], Iterable[Diagnostic]]


def contingency_losses(plan: m.Plan, allocation: Allocation) -> Iterable[Diagnostic]:
    """`check.contingency.losses`, imported only when the N-1 analysis found losses
    (a plain check of a plan without `survive` never loads it)."""
    if not allocation.deployment.contingency:
        return ()
    from ttuplan.check.contingency import losses

    return losses(plan, allocation)


RULES: tuple[Rule, ...] = (
    # time
    timeline.reversed_periods,
    timeline.shift_gaps,
    timeline.shift_overlaps,
    timeline.double_booked,
    timeline.duties_too_long,
    timeline.rest_too_short,
    timeline.people_rest,
    roster.incomplete,
    # coverage
    coverage.uncovered,
    coverage.understaffed,
    coverage.outside_rayons,
    coverage.overdrawn,
    timeline.overcommitted,
    coverage.no_rules,
    reach.out_of_reach,
    contingency_losses,
    # escalation
    escalation.loops,
    escalation.dead_ends,
    escalation.long_chains,
    escalation.unavailable_targets,
)


ROSTER_ROUNDS = 4  # at most this many allocations when people turn out to be resting


def check(plan: m.Plan, contingency_scope: str = REQUIRED) -> tuple[Allocation, list[Diagnostic]]:
    """The plan's allocation and every problem the rules find in it.

    With a personnel table, the people are placed after the allocation; a unit whose
    table lists all its strength but whose people cannot all take their places, because
    they rest after an earlier duty or are on another at the time, gives fewer people in
    that phase, and the allocation is made again, so that another unit takes those
    places if one can (at most ROSTER_ROUNDS times).

    `contingency_scope`: which losses the N-1 analysis works out (always those the plan
    says it must survive; `reserves`: every reserve group too; `all`: every unit too)."""
    resting: dict[tuple[str, str], int] = {}
    for rounds in range(1, ROSTER_ROUNDS + 1):
        allocation = allocate(plan, resting)
        if not plan.personnel:
            break
        progress.stage("rostering", 0.85)
        placed, gaps = roster.place_people(plan, allocation.deployment)
        more = roster.resting_people(plan, gaps)
        if not more or rounds == ROSTER_ROUNDS:
            named = numbered(plan, allocation.deployment, placed)  # the last round's only
            allocation = replace(
                allocation,
                deployment=replace(allocation.deployment, roster=named),
                roster_gaps=gaps,
            )
            break
        for key, people in more.items():
            resting[key] = resting.get(key, 0) + people
    progress.stage("escalation chains", 0.88)
    guarding = {d.phase: {a.unit for a in d.assignments} for d in allocation.deployment.phases}
    analysed = escalation.analyse_escalation(plan, guarding)
    allocation = replace(allocation, deployment=replace(allocation.deployment, escalation=analysed))
    if plan.info.survive or contingency_scope != REQUIRED:
        from ttuplan.check import contingency  # only for a plan that asks (N-1)

        progress.stage("contingency (N-1)", 0.89)
        losses = contingency.analyse(plan, allocation, contingency_scope)
        allocation = replace(
            allocation,
            deployment=replace(allocation.deployment, contingency=losses),
            contingency_scope=contingency_scope,
        )
    progress.stage("checking the rules", 0.9)
    return allocation, [problem for rule in RULES for problem in rule(plan, allocation)]
