"""The syntax tree as typed, immutable nodes; each carries the span it was written at.

Spans are left out of equality, so two plans that say the same thing compare equal
however they are laid out (the formatter's round-trip test relies on this).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import field

from ttuplan.records import dataclass
from ttuplan.source import Span


@dataclass(frozen=True, slots=True, kw_only=True)
class Node:
    span: Span = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Name(Node):
    value: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Text(Node):
    """A quoted label, unescaped."""

    value: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Number(Node):
    """A number as written (`text`) and its value; `value` is None when it was refused."""

    text: str
    value: int | float | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Moment(Node):
    """A date with an optional time of day; `date` is None when it was refused."""

    text: str
    date: dt.date | None
    time: dt.time | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Clock(Node):
    """A time of day (a shift's start or end); `value` is None when it was refused."""

    text: str
    value: dt.time | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Duration(Node):
    text: str
    minutes: int | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Coordinates(Node):
    lat: Number
    lon: Number


# ── statements ──────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True, kw_only=True)
class RefStatement(Node):
    """`KEYWORD name`: kind, district, risk, force, parent, base, role, language."""

    keyword: str
    name: Name


@dataclass(frozen=True, slots=True, kw_only=True)
class TextStatement(Node):
    """`KEYWORD "label", ...`: authority, village, note, callsign, letterhead..."""

    keyword: str
    values: tuple[Text, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class NumberStatement(Node):
    """`KEYWORD number`: strength, voters."""

    keyword: str
    value: Number


@dataclass(frozen=True, slots=True, kw_only=True)
class TravelSpeed(Node):
    kmh: Number


@dataclass(frozen=True, slots=True, kw_only=True)
class TravelDetour(Node):
    factor: Number


@dataclass(frozen=True, slots=True, kw_only=True)
class EscalationLimit(Node):
    hops: Number


@dataclass(frozen=True, slots=True, kw_only=True)
class DurationStatement(Node):
    """`rest 8h`, `duty limit 24h`: a length of time the plan sets."""

    keyword: str  # "rest" or "duty limit"
    duration: Duration


@dataclass(frozen=True, slots=True, kw_only=True)
class Survive(Node):
    """`survive loss of any rayon, brimob during pemungutan`: losses the plan must hold
    without, each in turn. A loss is a name, or `any rayon` / `any pool` / `any unit`
    (kept as that text: a name never holds a space)."""

    losses: tuple[Name, ...]
    during: tuple[Name, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class At(Node):
    at: Coordinates


@dataclass(frozen=True, slots=True, kw_only=True)
class Ratio(Node):
    """`polri 1 per 3 tps`: `amount` of `force` per `per` sites of `kind` (per is 1 if omitted)."""

    force: Name
    amount: Number
    per: Number | None
    kind: Name


@dataclass(frozen=True, slots=True, kw_only=True)
class ReserveWithin(Node):
    duration: Duration


@dataclass(frozen=True, slots=True, kw_only=True)
class Covers(Node):
    all: bool
    districts: tuple[Name, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Districts(Node):
    districts: tuple[Name, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Escalates(Node):
    target: Name
    during: tuple[Name, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Available(Node):
    start: Moment | None
    end: Moment | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Flag(Node):
    """A statement that is only its keyword: `final`."""

    keyword: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Post(Node):
    label: Text
    district: Name
    at: Coordinates | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Reserve(Node):
    amount: Number
    sources: tuple[Name, ...]
    during: tuple[Name, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ForceAmount(Node):
    amount: Number
    force: Name


@dataclass(frozen=True, slots=True, kw_only=True)
class Guard(Node):
    """`guard kpu, gudang with 4 polri` or `guard tps by risk`; top level or in a phase."""

    targets: tuple[Name, ...]
    by_risk: bool
    amounts: tuple[ForceAmount, ...]
    during: tuple[Name, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Shift(Node):
    name: Name
    start: Clock
    end: Clock


@dataclass(frozen=True, slots=True, kw_only=True)
class Muster(Node):
    """Where and when a phase's people report: `muster 05:00 "Mapolres TTU"`, or
    `muster 05:00 at base` (each post's unit at its own base: place None)."""

    time: Clock
    place: Text | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Issued(Node):
    """Where and when the order is issued: `issued "Kefamenanu" 2024-02-10`."""

    place: Text
    date: Moment | None


Statement = (
    RefStatement
    | TextStatement
    | NumberStatement
    | TravelSpeed
    | TravelDetour
    | EscalationLimit
    | DurationStatement
    | Survive
    | At
    | Ratio
    | ReserveWithin
    | Covers
    | Districts
    | Escalates
    | Available
    | Flag
    | Post
    | Reserve
    | Guard
    | Shift
    | Muster
    | Issued
)


# ── declarations ────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True, kw_only=True)
class Block(Node):
    """`KEYWORD name "Label" { ... }`: plan, force, kind, risk, district, site, unit, rayon, pool.

    `body` is None for a declaration written without braces (`force polri "Polri"`).
    """

    keyword: str
    name: Name
    label: Text
    body: tuple[Statement, ...] | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Phase(Node):
    name: Name
    label: Text
    start: Moment
    end: Moment
    body: tuple[Statement, ...] | None


@dataclass(frozen=True, slots=True, kw_only=True)
class FileReference(Node):
    """`include "x.ttup"`, `sites "data/x.csv"`, `personnel "data/p.csv"`."""

    keyword: str
    path: Text


Declaration = Block | Phase | FileReference | Guard | Shift


@dataclass(frozen=True, slots=True, kw_only=True)
class Module(Node):
    """One .ttup file's declarations, in the order written."""

    path: str
    declarations: tuple[Declaration, ...]
