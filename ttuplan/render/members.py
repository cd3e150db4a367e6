"""Who fills each place on a roster: the named roster of the check (`Deployment.roster`,
when the plan has a personnel table), or else numbered places per unit and phase, crews
in shift order (`ttuplan.crews`)."""

from __future__ import annotations

from ttuplan import model as m
from ttuplan.crews import numbered
from ttuplan.deployment import Deployment, Member
from ttuplan.records import dataclass


@dataclass(frozen=True, slots=True)
class Members:
    """Every phase's places: on posts (by post id) and in reserves (by holder)."""

    posts: dict[tuple[str, str], tuple[Member, ...]]  # (phase, post id) -> members
    holds: dict[tuple[str, str], tuple[Member, ...]]  # (phase, holder) -> members

    def on_post(self, phase: str, post: str) -> tuple[Member, ...]:
        return self.posts.get((phase, post), ())

    def in_reserve(self, phase: str, holder: str) -> tuple[Member, ...]:
        return self.holds.get((phase, holder), ())


def assign_members(plan: m.Plan, deployment: Deployment) -> Members:
    roster = deployment.roster or numbered(plan, deployment)
    return Members(posts=roster.posts, holds=roster.holds)
