"""The deployment a plan makes: posts, who staffs them, reserves held, load per unit.

Computed by ttuplan.check (allocation) from a Plan; read by the summary, the documents
and `diff`. Standard library only, immutable, deterministic for a given plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import NamedTuple

from ttuplan.source import NOWHERE, Span


class Post(NamedTuple):
    """Sites guarded together by the same people in one phase.

    A risk post groups up to B sites of one class and kind in one village (B from the
    class's first rule); a fixed post is one site guarded `with N force`. A NamedTuple,
    like Assignment, because a national plan makes hundreds of thousands (ARCHITECTURE.md);
    its span (the guard statement) is left out of equality.
    """

    id: str
    phase: str
    district: str
    village: str
    kind: str
    risk: str | None  # None: a fixed guard
    rank: int  # the risk class's rank (fixed guards rank above every class)
    sites: tuple[str, ...]
    need: tuple[tuple[str, int], ...]  # (force, people)
    span: Span = NOWHERE

    def need_of(self, force: str) -> int:
        return sum(n for f, n in self.need if f == force)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Post):
            return NotImplemented
        return self[:9] == other[:9]

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash(self[:9])


class Assignment(NamedTuple):
    """`people` of `unit` (of `force`) on `post`."""

    post: str
    unit: str
    force: str
    people: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Hold:
    """People held back from `unit` by a reserve of `holder` (a rayon or pool)."""

    holder: str
    unit: str
    people: int
    span: Span = field(default=NOWHERE, compare=False, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Shortfall:
    """A district short of people of one force in one phase, and the units that limit it."""

    phase: str
    district: str
    force: str
    need: int
    have: int
    bottleneck: tuple[str, ...]  # covering units, all fully committed

    @property
    def short(self) -> int:
        return self.need - self.have


@dataclass(frozen=True, slots=True, kw_only=True)
class Load:
    """A unit's commitments in one phase against its own strength."""

    unit: str
    strength: int
    available: bool
    held: int  # by reserves
    posted: int  # on posts

    @property
    def spare(self) -> int:
        return self.strength - self.held - self.posted if self.available else 0


@dataclass(frozen=True, slots=True, kw_only=True)
class ClassLine:
    """One row of a phase's risk-class table, for one force."""

    risk: str | None  # None: fixed guards
    force: str
    sites: int
    by_ratio: Fraction  # what the class's ratio asks for (0 for fixed guards)
    by_posts: int  # what the posts need (the ratio rounded up per post)
    allocated: int


@dataclass(frozen=True, slots=True, kw_only=True)
class PhaseDeployment:
    phase: str
    posts: tuple[Post, ...]
    assignments: tuple[Assignment, ...]
    holds: tuple[Hold, ...]
    loads: tuple[Load, ...]
    shortfalls: tuple[Shortfall, ...]
    classes: tuple[ClassLine, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Deployment:
    phases: tuple[PhaseDeployment, ...] = ()

    def phase(self, name: str) -> PhaseDeployment | None:
        return next((p for p in self.phases if p.phase == name), None)
