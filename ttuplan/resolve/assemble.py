"""Declarations to the resolved Plan: every reference checked against the symbol table."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Sequence
from dataclasses import field

from ttuplan import model as m
from ttuplan.constants import LANGUAGES
from ttuplan.diagnostics.builders.names import invalid_value
from ttuplan.diagnostics.model import Diagnostic
from ttuplan.records import dataclass
from ttuplan.resolve.body import Body, missing
from ttuplan.resolve.names import COMMANDS, Symbols
from ttuplan.source import Span
from ttuplan.syntax import nodes as n

ROLES = ("reserve",)
# Plausibility limits (TP207): a slip of the keyboard, `guard tps with 1000000 polri`,
# must not make a few hundred bytes of plan write a hundred megabytes of rosters.
MAX_PEOPLE_AT_A_SITE = 10_000  # in a `guard ... with` or a risk-class rule
MAX_PEOPLE = 1_000_000  # in a unit's `strength` or a `reserve`: more than all of Polri


@dataclass
class Assembler:
    symbols: Symbols
    table_sites: set[str] = field(default_factory=set)
    problems: list[Diagnostic] = field(default_factory=list)  # what it found, for resolve
    # Each unit's parent, with where it is named: for the hierarchy's loops (TP208).
    parents: dict[str, tuple[str, Span]] = field(default_factory=dict)
    site_contacts: list[tuple[str, m.Contact]] = field(default_factory=list)
    _timezones: set[str] | None = None

    # ── helpers ─────────────────────────────────────────────────────────────
    def body(self, statements: Sequence[n.Statement] | None, owner: str) -> Body:
        """A block's statements by keyword; what they repeat that they may not, kept."""
        found = Body(statements, owner)
        self.problems.extend(found.problems)
        return found

    def ref(self, name: n.Name, kinds: tuple[str, ...], what: str) -> str | None:
        return name.value if self.symbols.use(name.value, kinds, name.span, what) else None

    def refs(self, names: tuple[n.Name, ...], kinds: tuple[str, ...], what: str) -> tuple[str, ...]:
        return tuple(r for name in names if (r := self.ref(name, kinds, what)) is not None)

    def people(self, number: n.Number, limit: int, what: str) -> int | None:
        """A count of people, None if refused: not whole, or past `limit` (reported)."""
        value = number.value
        if not isinstance(value, int):
            return None
        if value > limit:
            self.problems.append(
                invalid_value(number.span, "too-many", f"{value:,}", what=what, limit=limit)
            )
            return None
        return value

    def end(self, moment: n.Moment) -> dt.datetime | None:
        """The exclusive end of a period (a date alone: the whole of that day); None if it
        is past the last moment Python's dates reach (a date alone on 9999-12-31)."""
        try:
            return _end(moment)
        except OverflowError:
            self.problems.append(invalid_value(moment.span, "end-of-time"))
            return None

    def contact(self, body: Body) -> m.Contact:
        return m.Contact(
            callsign=body.text("callsign"),
            commander=body.text("commander"),
            phone=body.text("phone"),
            radio=body.text("radio"),
        )

    def escalations(self, body: Body, owner: str) -> tuple[m.Escalation, ...]:
        found = []
        for statement in body.all("escalates", n.Escalates):
            target = self.ref(statement.target, COMMANDS, f"`escalates to` of {owner}")
            during = self.refs(statement.during, ("phase",), "`during`")
            if target is not None:
                found.append(m.Escalation(target=target, during=during, span=statement.span))
        return tuple(found)

    def reserves(self, body: Body, owner: str) -> tuple[m.Reserve, ...]:
        found = []
        for statement in body.all("reserve", n.Reserve):
            sources = self.refs(statement.sources, ("unit",), f"a reserve of {owner}")
            during = self.refs(statement.during, ("phase",), "`during`")
            amount = self.people(statement.amount, MAX_PEOPLE, "people in a reserve")
            if amount is not None and len(sources) == len(statement.sources):
                found.append(
                    m.Reserve(amount=amount, sources=sources, during=during, span=statement.span)
                )
        return tuple(found)

    # ── declarations ─────────────────────────────────────────────────────────
    def plan_info(self, block: n.Block) -> m.PlanInfo:
        body = self.body(block.body, "the plan block")
        language = "id"
        if (statement := body.get("language", n.RefStatement)) is not None:
            if statement.name.value in LANGUAGES:
                language = statement.name.value
            else:
                self.problems.append(
                    invalid_value(statement.name.span, "language", statement.name.value)
                )
        timezone = body.text("timezone") or "Asia/Makassar"
        if body.has("timezone") and not self._timezone_known(timezone):
            statement_t = body.get("timezone", n.TextStatement)
            assert statement_t is not None
            self.problems.append(invalid_value(statement_t.values[0].span, "timezone", timezone))
        rest = body.get("rest", n.DurationStatement)
        duty = body.get("duty limit", n.DurationStatement)
        speed = body.get("travel speed", n.TravelSpeed)
        detour = body.get("travel detour", n.TravelDetour)
        limit = body.get("escalation limit", n.EscalationLimit)
        issued = body.get("issued", n.Issued)
        return m.PlanInfo(
            name=block.name.value,
            label=block.label.value,
            authority=body.text("authority"),
            operation=body.text("operation"),
            basis=body.texts("basis"),
            timezone=timezone,
            language=language,
            classification=body.text("classification"),
            number=body.text("number"),
            letterhead=body.texts("letterhead"),
            situation=body.texts("situation"),
            mission=body.texts("mission"),
            concept=body.texts("concept"),
            logistics=body.texts("logistics"),
            signature=body.texts("signature"),
            distribution=body.texts("distribution"),
            issued_at=issued.place.value if issued else "",
            issued_on=issued.date.date if issued and issued.date else None,
            copies=_whole_value(body.get("copies", n.NumberStatement)),
            speed_kmh=_value(speed.kmh if speed else None, m.DEFAULT_SPEED_KMH),
            detour=_value(detour.factor if detour else None, m.DEFAULT_DETOUR),
            escalation_limit=int(_value(limit.hops if limit else None, m.DEFAULT_ESCALATION_LIMIT)),
            rest_minutes=_minutes(rest, m.DEFAULT_REST_MINUTES),
            duty_limit_minutes=_minutes(duty, m.DEFAULT_DUTY_LIMIT_MINUTES),
            survive=self.survive(body),
            rest_span=rest.span if rest else None,
            duty_limit_span=duty.span if duty else None,
            span=block.span,
        )

    def survive(self, body: Body) -> tuple[m.Survive, ...]:
        """`survive loss of ...`: names of units, rayons and pools; `any KIND`."""
        found = []
        for statement in body.all("survive", n.Survive):
            names = self.refs(
                tuple(x for x in statement.losses if not x.value.startswith("any ")),
                COMMANDS,
                "`survive loss of`",
            )
            kinds = tuple(
                dict.fromkeys(
                    x.value.removeprefix("any ")
                    for x in statement.losses
                    if x.value.startswith("any ")
                )
            )
            during = self.refs(statement.during, ("phase",), "`during`")
            found.append(m.Survive(names=names, kinds=kinds, during=during, span=statement.span))
        return tuple(found)

    def _timezone_known(self, name: str) -> bool:
        try:  # one file read; listing every zone took 40 ms
            zoneinfo.ZoneInfo(name)
            return True
        except (ValueError, OSError, zoneinfo.ZoneInfoNotFoundError):
            pass
        if self._timezones is None:  # none known at all (no tz database): accept any
            self._timezones = zoneinfo.available_timezones()
        return not self._timezones or name in self._timezones

    def risk(self, block: n.Block, rank: int) -> m.RiskClass:
        body = self.body(block.body, f"risk class `{block.name.value}`")
        rules = []
        for ratio in body.all("ratio", n.Ratio):
            force = self.ref(ratio.force, ("force",), "a staffing rule")
            kind = self.ref(ratio.kind, ("kind",), "a staffing rule")
            amount = self.people(ratio.amount, MAX_PEOPLE_AT_A_SITE, "people per site")
            per = ratio.per.value if ratio.per else 1
            if force and kind and amount is not None and isinstance(per, int):
                rules.append(
                    m.Rule(force=force, amount=amount, per=per, kind=kind, span=ratio.span)
                )
        within = body.get("reserve within", n.ReserveWithin)
        return m.RiskClass(
            name=block.name.value,
            label=block.label.value,
            rank=rank,
            rules=tuple(rules),
            reserve_within=within.duration.minutes if within else None,
            reserve_within_span=within.span if within else None,
            instructions=body.texts("instruction"),
            span=block.span,
        )

    def kind(self, block: n.Block) -> m.Kind:
        body = self.body(block.body, f"kind `{block.name.value}`")
        return m.Kind(
            name=block.name.value,
            label=block.label.value,
            instructions=body.texts("instruction"),
            span=block.span,
        )

    def district(self, block: n.Block) -> m.District:
        body = self.body(block.body, f"district `{block.name.value}`")
        lat, lon = _coordinates(body.get("at", n.At))
        return m.District(
            name=block.name.value,
            label=block.label.value,
            code=body.text("code"),
            lat=lat,
            lon=lon,
            span=block.span,
        )

    def site(self, block: n.Block) -> m.Site | None:
        owner = f"site `{block.name.value}`"
        body = self.body(block.body, owner)
        found: dict[str, str | None] = {}
        for keyword, kinds in (
            ("kind", ("kind",)),
            ("district", ("district",)),
            ("risk", ("risk",)),
        ):
            statement = body.get(keyword, n.RefStatement)
            if statement is None:
                self.problems.append(
                    missing(owner, keyword, block.name.span, f"{keyword} {_EXAMPLES[keyword]}")
                )
                found[keyword] = None
            else:
                found[keyword] = self.ref(statement.name, kinds, f"the `{keyword}` of {owner}")
        kind, district, risk = found["kind"], found["district"], found["risk"]
        if kind is None or district is None or risk is None:
            return None
        lat, lon = _coordinates(body.get("at", n.At))
        voters = body.get("voters", n.NumberStatement)
        contact = m.Contact(callsign=body.text("callsign"), radio=body.text("radio"))
        if contact != m.Contact():
            self.site_contacts.append((block.name.value, contact))
        return m.Site(
            id=block.name.value,
            label=block.label.value,
            kind=kind,
            district=district,
            risk=risk,
            village=body.text("village"),
            voters=voters.value.value if voters and isinstance(voters.value.value, int) else None,
            lat=lat,
            lon=lon,
            note=body.text("note"),
            span=block.span,
        )

    def unit(self, block: n.Block) -> m.Unit | None:
        owner = f"unit `{block.name.value}`"
        body = self.body(block.body, owner)
        force_statement = body.get("force", n.RefStatement)
        if force_statement is None:
            self.problems.append(missing(owner, "force", block.name.span, "force polri"))
            return None
        force = self.ref(force_statement.name, ("force",), f"the `force` of {owner}")
        parent = body.get("parent", n.RefStatement)
        base = body.get("base", n.RefStatement)
        covers = body.get("covers", n.Covers)
        strength = body.get("strength", n.NumberStatement)
        available = body.get("available", n.Available)
        role = body.get("role", n.RefStatement)
        parent_name = (
            self.ref(parent.name, ("unit",), f"the `parent` of {owner}") if parent else None
        )
        if parent is not None and parent_name is not None:
            self.parents.setdefault(block.name.value, (parent_name, parent.name.span))
        if role is not None and role.name.value not in ROLES:
            self.problems.append(invalid_value(role.name.span, "role", role.name.value))
        return m.Unit(
            name=block.name.value,
            label=block.label.value,
            force=force or "",
            parent=parent_name,
            strength=self.people(strength.value, MAX_PEOPLE, "people in a unit")
            if strength
            else None,
            base=self.ref(base.name, ("district",), f"the `base` of {owner}") if base else None,
            covers_all=bool(covers and covers.all),
            covers=self.refs(covers.districts, ("district",), f"`covers` of {owner}")
            if covers
            else (),
            escalations=self.escalations(body, owner),
            available_from=_start(available.start) if available and available.start else None,
            available_until=self.end(available.end) if available and available.end else None,
            role=role.name.value if role and role.name.value in ROLES else None,
            final=body.has("final"),
            contact=self.contact(body),
            tasks=body.texts("task"),
            span=block.span,
        )

    def rayon(self, block: n.Block) -> m.Rayon:
        owner = f"rayon `{block.name.value}`"
        body = self.body(block.body, owner)
        post_statement = body.get("post", n.Post)
        post = None
        if post_statement is not None:
            district = self.ref(post_statement.district, ("district",), f"the post of {owner}")
            lat, lon = _coordinates(post_statement)
            post = m.Post(
                label=post_statement.label.value,
                district=district or "",
                lat=lat,
                lon=lon,
                span=post_statement.span,
            )
        districts = body.get("districts", n.Districts)
        if districts is None:
            self.problems.append(
                missing(owner, "districts", block.name.span, "districts miomaffo_tengah, musi")
            )
        return m.Rayon(
            name=block.name.value,
            label=block.label.value,
            post=post,
            districts=self.refs(districts.districts, ("district",), f"the districts of {owner}")
            if districts
            else (),
            reserves=self.reserves(body, owner),
            escalations=self.escalations(body, owner),
            contact=self.contact(body),
            tasks=body.texts("task"),
            span=block.span,
        )

    def pool(self, block: n.Block) -> m.Pool:
        owner = f"pool `{block.name.value}`"
        body = self.body(block.body, owner)
        return m.Pool(
            name=block.name.value,
            label=block.label.value,
            reserves=self.reserves(body, owner),
            escalations=self.escalations(body, owner),
            contact=self.contact(body),
            tasks=body.texts("task"),
            span=block.span,
        )

    def guard(self, guard: n.Guard) -> m.Guard | None:
        targets = []
        for target in guard.targets:
            if target.value in self.table_sites:
                targets.append(target.value)
            elif (name := self.ref(target, ("kind", "site"), "`guard`")) is not None:
                targets.append(name)
        amounts = []
        for amount in guard.amounts:
            force = self.ref(amount.force, ("force",), "`guard ... with`")
            people = self.people(amount.amount, MAX_PEOPLE_AT_A_SITE, "people per site")
            if force and people is not None:
                amounts.append((force, people))
        during = self.refs(guard.during, ("phase",), "`during`")
        if len(targets) != len(guard.targets) or len(amounts) != len(guard.amounts):
            return None
        return m.Guard(
            targets=tuple(targets),
            by_risk=guard.by_risk,
            amounts=tuple(amounts),
            during=during,
            span=guard.span,
        )

    def phase(self, phase: n.Phase) -> m.Phase | None:
        body = self.body(phase.body, f"phase `{phase.name.value}`")
        guards = tuple(g for s in body.all("guard", n.Guard) if (g := self.guard(s)) is not None)
        shifts = tuple(
            shift for s in body.all("shift", n.Shift) if (shift := self.shift(s)) is not None
        )
        duty = body.get("duty limit", n.DurationStatement)
        muster_statement = body.get("muster", n.Muster)
        muster = None
        if muster_statement is not None and muster_statement.time.value is not None:
            place = muster_statement.place
            muster = m.Muster(
                time=muster_statement.time.value,
                place=place.value if place else "",
                at_base=place is None,
                span=muster_statement.span,
            )
        start, end = _start(phase.start), self.end(phase.end)
        if start is None or end is None:
            return None
        return m.Phase(
            name=phase.name.value,
            label=phase.label.value,
            start=start,
            end=end,
            guards=guards,
            shifts=shifts,
            muster=muster,
            duty_limit_minutes=duty.duration.minutes if duty else None,
            duty_limit_span=duty.span if duty else None,
            span=phase.span,
        )

    def shift(self, shift: n.Shift) -> m.Shift | None:
        if shift.start.value is None or shift.end.value is None:
            return None  # a bad time, already reported
        return m.Shift(
            name=shift.name.value, start=shift.start.value, end=shift.end.value, span=shift.span
        )


_EXAMPLES = {"kind": "tps", "district": "kota_kefamenanu", "risk": "rawan"}


def _value(number: n.Number | None, default: float) -> float:
    if number is None or number.value is None:
        return default
    return float(number.value)


def _whole_value(statement: n.NumberStatement | None) -> int | None:
    value = statement.value.value if statement else None
    return value if isinstance(value, int) else None


def _coordinates(holder: n.At | n.Post | None) -> tuple[float | None, float | None]:
    at = holder.at if holder is not None else None
    if at is None or at.lat.value is None or at.lon.value is None:
        return None, None
    return float(at.lat.value), float(at.lon.value)


def _start(moment: n.Moment) -> dt.datetime | None:
    if moment.date is None:
        return None
    return dt.datetime.combine(moment.date, moment.time or dt.time(0, 0))


def _end(moment: n.Moment) -> dt.datetime | None:
    """The exclusive end: a date alone means the whole of that day."""
    if moment.date is None:
        return None
    if moment.time is not None:
        return dt.datetime.combine(moment.date, moment.time)
    return dt.datetime.combine(moment.date + dt.timedelta(days=1), dt.time(0, 0))


def _minutes(statement: n.DurationStatement | None, default: int) -> int:
    """A duration statement's minutes, or the default when it is absent or bad."""
    if statement is None or statement.duration.minutes is None:
        return default
    return statement.duration.minutes
