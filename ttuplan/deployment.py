"""The deployment a plan makes: posts, who staffs them, reserves held, load per unit, and
the escalation chains per phase.

Computed by ttuplan.check from a Plan; read by the summary, the documents, `graph` and
`diff`. Standard library only, immutable, deterministic for a given plan.
"""

from __future__ import annotations

from dataclasses import field
from fractions import Fraction
from typing import NamedTuple

from ttuplan.model import Person
from ttuplan.records import dataclass
from ttuplan.source import NOWHERE, Span


class Post(NamedTuple):
    """Sites guarded together by the same people in one phase.

    A risk post groups up to B sites of one class and kind in one village (B from the
    class's first rule); a fixed post is one site guarded `with N force`. `need` is per
    shift; a phase with S shifts needs S crews (`people_of`). `duty` names what the post
    does: posts of one top-level guard at the same sites in phases that overlap share it
    and are one duty, staffed by the same people. A NamedTuple, like Assignment, because a
    national plan makes hundreds of thousands (ARCHITECTURE.md); its span (the guard
    statement) is left out of equality. Build one with `make_post` (keywords) or, in a hot
    loop, with `tuple.__new__(Post, ...)` in `_fields` order (a test holds the two equal).
    """

    id: str
    phase: str
    district: str
    village: str
    kind: str
    risk: str | None  # None: a fixed guard
    rank: int  # the risk class's rank (fixed guards rank above every class)
    sites: tuple[str, ...]
    need: tuple[tuple[str, int], ...]  # (force, people) on duty at once
    shifts: int  # crews that relieve each other (1: no shifts)
    duty: str
    span: Span = NOWHERE

    def need_of(self, force: str) -> int:
        """People of `force` on duty at once."""
        return sum(n for f, n in self.need if f == force)

    def people_of(self, force: str) -> int:
        """People of `force` the post takes in all: one crew per shift."""
        return self.need_of(force) * self.shifts

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Post):
            return NotImplemented
        return self[:11] == other[:11]

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash(self[:11])


def make_post(
    *,
    id: str,
    phase: str,
    district: str,
    village: str,
    kind: str,
    risk: str | None,
    rank: int,
    sites: tuple[str, ...],
    need: tuple[tuple[str, int], ...],
    shifts: int = 1,
    duty: str = "",
    span: Span = NOWHERE,
) -> Post:
    """A post by keyword; `duty` defaults to the post's own id."""
    return Post(
        id, phase, district, village, kind, risk, rank, sites, need, shifts, duty or id, span
    )


class Assignment(NamedTuple):
    """`people` of `unit` (of `force`) on `post`, in all (every shift's crew)."""

    post: str
    unit: str
    force: str
    people: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Hold:
    """People held back from `unit` by a reserve of `holder` (a rayon or pool). `duty` names
    the reserve statement: its holds in phases that overlap are the same people."""

    holder: str
    unit: str
    people: int
    duty: str = ""
    span: Span = field(default=NOWHERE, compare=False, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Shortfall:
    """A district short of people of one force in one phase, and the units that limit it
    (the units on its side of the minimum cut; none when no unit may staff it)."""

    phase: str
    district: str
    force: str
    need: int
    have: int
    bottleneck: tuple[str, ...]
    covered: bool = True  # False: no unit of the force may staff the district

    @property
    def short(self) -> int:
        return self.need - self.have


@dataclass(frozen=True, slots=True, kw_only=True)
class Load:
    """A unit's commitments in one phase against its own strength: what this phase holds
    and posts, and `peak`, the most it has out at any moment of the phase (phases that
    overlap it included); `resting`, people the roster found not free then (resting after
    an earlier duty, on another, or kept off the shift by the personnel table), who are
    not spare either."""

    unit: str
    strength: int
    available: bool
    held: int  # by reserves
    posted: int  # on posts
    peak: int
    resting: int = 0

    @property
    def spare(self) -> int:
        return max(self.strength - self.peak - self.resting, 0) if self.available else 0


@dataclass(frozen=True, slots=True, kw_only=True)
class ClassLine:
    """One row of a phase's risk-class table, for one force."""

    risk: str | None  # None: fixed guards
    force: str
    sites: int
    by_ratio: Fraction  # what the class's ratio asks for (0 for fixed guards)
    by_posts: int  # what the posts need on duty at once (the ratio rounded up per post)
    in_all: int  # what the posts need in all: a crew per shift
    allocated: int  # people given, in all (every shift)


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
class PhaseEscalation:
    """The escalation graph of one phase, as the checks found it."""

    phase: str
    edges: tuple[tuple[str, str], ...]  # (command, the command it escalates to)
    present: frozenset[str]  # commands there in the phase
    cycles: tuple[tuple[str, ...], ...]  # each loop's commands, from its first by name
    dead_ends: tuple[str, ...]  # commands there, not final, escalating to nobody
    chains: tuple[tuple[str, ...], ...]  # chains longer than the plan's limit


@dataclass(frozen=True, slots=True, kw_only=True)
class Escalation:
    """The escalation graph of every phase: what the briefing, Mermaid and `graph` draw."""

    phases: tuple[PhaseEscalation, ...] = ()

    def phase(self, name: str) -> PhaseEscalation | None:
        return next((p for p in self.phases if p.phase == name), None)

    def looped(self) -> frozenset[str]:
        return frozenset(n for p in self.phases for cycle in p.cycles for n in cycle)

    def dead(self) -> frozenset[str]:
        return frozenset(n for p in self.phases for n in p.dead_ends)


class Member(NamedTuple):
    """One place on a roster: a named person, a numbered place, or a place to be named."""

    unit: str
    number: int  # the place's number within its unit in its phase, from 1
    shift: str  # "" without shifts
    person: Person | None = None
    unnamed: bool = False  # the unit has people in the table, but none free for this place
    leader: bool = False  # the crew's leader: its most senior named member


@dataclass(frozen=True, slots=True, kw_only=True)
class Roster:
    """Who fills every place, from the personnel table: on posts by (phase, post id), in
    reserves by (phase, holder); crews in shift order."""

    posts: dict[tuple[str, str], tuple[Member, ...]] = field(default_factory=dict)
    holds: dict[tuple[str, str], tuple[Member, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class Stranded:
    """Sites of one risk class and kind left with no reserve within their class's time,
    in one phase, when a loss takes the only reserves that reached them."""

    phase: str
    risk: str
    kind: str
    within: int  # minutes the class asks for
    sites: tuple[str, ...]
    nearest: float  # minutes to the nearest reserve left, the farthest of these sites (inf: none)


@dataclass(frozen=True, slots=True, kw_only=True)
class Short:
    """A district newly short of people of a force in a phase, after a loss."""

    phase: str
    district: str
    force: str
    people: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Loss:
    """N-1 contingency: what breaks if one resource is committed elsewhere: a rayon's or
    a pool's reserve (its people gone), or a unit (all of it). Nothing breaks when both
    `stranded` and `short` are empty; `skipped` says why a loss could not change anything
    (so it was not worked out)."""

    resource: str
    kind: str  # "rayon", "pool" or "unit"
    label: str
    people: int  # what is lost: the most a reserve holds, or a unit's strength
    required: tuple[str, ...] = ()  # phases in which a `survive` statement names it
    stranded: tuple[Stranded, ...] = ()
    short: tuple[Short, ...] = ()  # districts whose shortfall grows
    people_short: int = 0  # how many more people are missing in all (over every phase)
    skipped: str = ""
    span: Span = field(default=NOWHERE, compare=False, repr=False)

    @property
    def breaks(self) -> bool:
        return bool(self.stranded or self.short)

    @property
    def must_survive(self) -> bool:
        """Does it break the plan in a phase where the plan says it must hold?"""
        return any(s.phase in self.required for s in self.stranded) or any(
            s.phase in self.required for s in self.short
        )

    def weight(self) -> tuple[int, int]:
        """How bad: sites left without a reserve (each once), then people missing in all;
        worst first sorts by this, largest first."""
        return len({site for s in self.stranded for site in s.sites}), self.people_short


@dataclass(frozen=True, slots=True, kw_only=True)
class Deployment:
    phases: tuple[PhaseDeployment, ...] = ()
    escalation: Escalation = Escalation()
    roster: Roster | None = None  # named people, when the plan has a personnel table
    # N-1 contingency, worst first: the losses asked about (`check.contingency`)
    contingency: tuple[Loss, ...] = ()

    def phase(self, name: str) -> PhaseDeployment | None:
        return next((p for p in self.phases if p.phase == name), None)
