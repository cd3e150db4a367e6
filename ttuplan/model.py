"""The resolved plan: what the plan says, with every name checked. Standard library only.

Every collection is a tuple in declaration order (includes expanded where they stand);
names refer to other declarations by their name. Spans are left out of equality.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import field
from typing import NamedTuple

from ttuplan.records import dataclass
from ttuplan.source import NOWHERE, Span

DEFAULT_SPEED_KMH = 40.0
DEFAULT_DETOUR = 1.4
DEFAULT_ESCALATION_LIMIT = 6
DEFAULT_REST_MINUTES = 8 * 60  # the least rest between two duties of one person
DEFAULT_DUTY_LIMIT_MINUTES = 24 * 60  # the longest one duty may be


@dataclass(frozen=True, slots=True, kw_only=True)
class Located:
    span: Span = field(default=NOWHERE, compare=False, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Survive(Located):
    """`survive loss of ...`: losses the plan must hold without, each in turn (N-1).
    `names`: units, rayons and pools by name; `kinds`: "rayon", "pool", "unit" for every
    one of that kind; `during`: only in those phases (none: in every phase)."""

    names: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    during: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanInfo(Located):
    name: str
    label: str
    authority: str = ""
    operation: str = ""
    basis: tuple[str, ...] = ()  # the Dasar list, in order: one item a label
    timezone: str = "Asia/Makassar"
    language: str = "id"
    classification: str = ""
    number: str = ""
    letterhead: tuple[str, ...] = ()
    situation: tuple[str, ...] = ()
    mission: tuple[str, ...] = ()
    concept: tuple[str, ...] = ()  # Pelaksanaan: how the operation is carried out
    logistics: tuple[str, ...] = ()  # Administrasi dan Logistik
    signature: tuple[str, ...] = ()  # title (jabatan), name, rank, NRP; blanks if left out
    distribution: tuple[str, ...] = ()  # who receives a copy
    issued_at: str = ""  # place of issue
    issued_on: dt.date | None = None  # date of issue
    copies: int | None = None  # copies made
    speed_kmh: float = DEFAULT_SPEED_KMH
    detour: float = DEFAULT_DETOUR
    escalation_limit: int = DEFAULT_ESCALATION_LIMIT
    rest_minutes: int = DEFAULT_REST_MINUTES
    duty_limit_minutes: int = DEFAULT_DUTY_LIMIT_MINUTES
    survive: tuple[Survive, ...] = ()  # losses the plan must survive (N-1 contingency)
    rest_span: Span | None = field(default=None, compare=False, repr=False)
    duty_limit_span: Span | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Force(Located):
    name: str
    label: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Kind(Located):
    name: str
    label: str
    instructions: tuple[str, ...] = ()  # standing instructions for every post of the kind


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule(Located):
    """`amount` of `force` per `per` sites of `kind`."""

    force: str
    amount: int
    per: int
    kind: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RiskClass(Located):
    """A risk class; `rank` 0 is the least severe (declaration order)."""

    name: str
    label: str
    rank: int
    rules: tuple[Rule, ...] = ()
    reserve_within: int | None = None  # minutes
    reserve_within_span: Span | None = field(default=None, compare=False, repr=False)
    instructions: tuple[str, ...] = ()  # how posts of the class act (Cara Bertindak)


@dataclass(frozen=True, slots=True, kw_only=True)
class District(Located):
    name: str
    label: str
    code: str = ""
    lat: float | None = None
    lon: float | None = None


class Site(NamedTuple):
    """A place to guard. A NamedTuple rather than a frozen dataclass like the rest of the
    model: a national plan holds 820,000 of them and a tuple is built six times faster
    (see ARCHITECTURE.md). Immutable all the same; its span is left out of equality."""

    id: str
    label: str
    kind: str
    district: str
    risk: str
    village: str = ""
    voters: int | None = None
    lat: float | None = None
    lon: float | None = None
    note: str = ""
    span: Span = NOWHERE

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Site):
            return NotImplemented
        return self[:10] == other[:10]

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash(self[:10])


@dataclass(frozen=True, slots=True, kw_only=True)
class Contact:
    callsign: str = ""
    commander: str = ""
    phone: str = ""
    radio: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Escalation(Located):
    """An `escalates to` edge; `during` empty means in every phase it is not replaced."""

    target: str
    during: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Unit(Located):
    name: str
    label: str
    force: str
    parent: str | None = None
    strength: int | None = None
    base: str | None = None
    covers_all: bool = False
    covers: tuple[str, ...] = ()
    escalations: tuple[Escalation, ...] = ()
    available_from: dt.datetime | None = None
    available_until: dt.datetime | None = None  # exclusive
    role: str | None = None
    final: bool = False
    contact: Contact = Contact()
    tasks: tuple[str, ...] = ()  # what the unit is to do, in the plan's words


@dataclass(frozen=True, slots=True, kw_only=True)
class Post(Located):
    label: str
    district: str
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Reserve(Located):
    """`reserve 16 from polres`: people held back from `sources`, in order."""

    amount: int
    sources: tuple[str, ...]
    during: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Rayon(Located):
    name: str
    label: str
    post: Post | None = None
    districts: tuple[str, ...] = ()
    reserves: tuple[Reserve, ...] = ()
    escalations: tuple[Escalation, ...] = ()
    contact: Contact = Contact()
    tasks: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Pool(Located):
    """A reserve with no post or area of its own (the calling system)."""

    name: str
    label: str
    reserves: tuple[Reserve, ...] = ()
    escalations: tuple[Escalation, ...] = ()
    contact: Contact = Contact()
    tasks: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Guard(Located):
    """Sites to guard: by their risk class's rules, or with fixed numbers per site."""

    targets: tuple[str, ...]
    by_risk: bool
    amounts: tuple[tuple[str, int], ...] = ()  # (force, people per site)
    during: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Shift(Located):
    name: str
    start: dt.time
    end: dt.time  # before start: the shift runs past midnight


@dataclass(frozen=True, slots=True, kw_only=True)
class Muster(Located):
    """`place` is "" with `at_base`: each post's unit reports at its own base."""

    time: dt.time
    place: str
    at_base: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Phase(Located):
    """A phase from `start` (inclusive) to `end` (exclusive), local time of the plan."""

    name: str
    label: str
    start: dt.datetime
    end: dt.datetime
    guards: tuple[Guard, ...] = ()
    shifts: tuple[Shift, ...] = ()  # none: the plan's shifts, if it has any
    muster: Muster | None = None
    duty_limit_minutes: int | None = None  # an exception to the plan's `duty limit`
    duty_limit_span: Span | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Person(Located):
    nrp: str
    name: str
    rank: str
    unit: str
    phone: str = ""
    shifts: tuple[str, ...] = ()  # shift names this person works (any phase with them)
    district: str = ""  # home district, if the table says
    village: str = ""
    leader: bool = False  # may lead a post (the `leader` column)


@dataclass(frozen=True, slots=True, kw_only=True)
class Plan:
    """A whole plan, resolved: every name in it refers to a declaration of the right kind."""

    info: PlanInfo
    forces: tuple[Force, ...] = ()
    kinds: tuple[Kind, ...] = ()
    risks: tuple[RiskClass, ...] = ()
    districts: tuple[District, ...] = ()
    sites: tuple[Site, ...] = ()
    units: tuple[Unit, ...] = ()
    rayons: tuple[Rayon, ...] = ()
    pools: tuple[Pool, ...] = ()
    phases: tuple[Phase, ...] = ()
    guards: tuple[Guard, ...] = ()  # top-level guards; they hold in their `during` phases
    shifts: tuple[Shift, ...] = ()  # top-level shifts: of every phase without its own
    personnel: tuple[Person, ...] = ()
    # A site's own call sign and radio channel (`site ... { callsign "..." }`), by id: kept
    # apart from Site, a tuple read by the hundred thousand from tables that have none.
    site_contacts: tuple[tuple[str, Contact], ...] = ()
    files: tuple[str, ...] = field(default=(), compare=False)
