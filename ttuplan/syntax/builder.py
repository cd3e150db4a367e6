"""Lark tree to nodes: one short method per grammar rule; bad values become diagnostics.

Nothing here raises on a user's mistake: a value's check (`syntax.values`) gives back the
problem, which the builder keeps and returns with the module; the value is None. The
walk is our own rather than a `lark.Transformer` (whose per-node `getattr` and `v_args`
wrapper were a third of building a national plan): each rule's method is looked up
once, by name, and called with the node's meta and built children.
"""

from __future__ import annotations

from typing import Any, NamedTuple, TypeVar

from lark import Token, Tree

from ttuplan.diagnostics.builders.names import invalid_value
from ttuplan.diagnostics.model import Diagnostic
from ttuplan.source import Span
from ttuplan.syntax import nodes as n
from ttuplan.syntax import values as v

T = TypeVar("T")

# Counts and their least value.
_COUNTS = {"strength": 0, "voters": 0, "copies": 1}


def build(tree: Tree[Token], file: str) -> tuple[n.Module, tuple[Diagnostic, ...]]:
    """The module of one file, with the value problems found while building it."""
    builder = _Builder(file)
    module: n.Module = builder.walk(tree)
    return module, tuple(builder.problems)


Children = list[Any]


class Meta(NamedTuple):
    """Where a node is (line 0: nowhere, a rule that matched no token)."""

    line: int
    column: int
    end_line: int
    end_column: int

    @property
    def empty(self) -> bool:
        return self.line == 0


_NOWHERE = Meta(0, 0, 0, 0)


def _where(token: Token) -> Meta:
    if token.line is None:
        return _NOWHERE
    line, column = token.line, token.column or 1
    return Meta(line, column, token.end_line or line, token.end_column or column + len(token))


class _Builder:
    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Diagnostic] = []
        self.rules: dict[str, Any] = {
            name: getattr(self, name)
            for name in dir(type(self))
            if not name.startswith("_") and name != "walk"
        }

    def walk(self, tree: Tree[Token]) -> Any:
        """Build bottom-up: a rule without a method stays a Tree (as with Transformer)."""
        return self._walk(tree)[0]

    def _walk(self, tree: Tree[Token]) -> tuple[Any, Meta]:
        """A node and where it is: from its first token to its last, as Lark's
        `propagate_positions` would say (its own bookkeeping cost a national plan 0.4 s;
        every terminal is named, so no token is filtered out and the two agree)."""
        children = []
        first = last = _NOWHERE
        for child in tree.children:
            if isinstance(child, Tree):
                value, where = self._walk(child)
                children.append(value)
            else:
                children.append(child)
                where = _where(child)
            if not where.empty:
                if first.empty:
                    first = where
                last = where
        meta = Meta(first.line, first.column, last.end_line, last.end_column)
        rule = self.rules.get(tree.data)
        if rule is None:
            return Tree(tree.data, children), meta
        return rule(meta, children), meta

    # ── helpers ───────────────────────────────────────────────────────────────
    def _kept(self, checked: T | Diagnostic | None) -> T | None:
        """A checked value (`syntax.values`), or None with its problem kept."""
        if isinstance(checked, Diagnostic):
            self.problems.append(checked)
            return None
        return checked

    def _span(self, meta: Meta) -> Span:
        return Span(self.file, meta.line, meta.column, meta.end_line, meta.end_column)

    def _token_span(self, token: Token) -> Span:
        line, column = token.line or 1, token.column or 1
        return Span(
            self.file, line, column, token.end_line or line, token.end_column or column + len(token)
        )

    def _name(self, token: Token) -> n.Name:
        span = self._token_span(token)
        self._kept(v.check_name(str(token), span))
        return n.Name(value=str(token), span=span)

    def _text(self, token: Token) -> n.Text:
        return n.Text(value=v.unescape(str(token)), span=self._token_span(token))

    def _body(self, children: Children, start: int) -> tuple[Any, ...] | None:
        if len(children) <= start:
            return None
        return tuple(c for c in children[start:] if not isinstance(c, Token))

    def _whole(self, number: n.Number, what: str, least: int = 1) -> n.Number:
        value = self._kept(v.whole(number.value, number.text, number.span, what, least))
        return n.Number(text=number.text, value=value, span=number.span)

    def _bounded(self, number: n.Number, what: str, low: float, high: float) -> n.Number:
        value = self._kept(v.bounded(number.value, number.text, number.span, what, low, high))
        return n.Number(text=number.text, value=value, span=number.span)

    # ── module and declarations ──────────────────────────────────────────────
    def start(self, meta: Meta, children: Children) -> n.Module:
        span = self._span(meta) if not meta.empty else Span(self.file, 1, 1, 1, 1)
        return n.Module(path=self.file, declarations=tuple(children), span=span)

    def _block(self, meta: Meta, children: Children) -> n.Block:
        keyword, name, label = children[:3]
        return n.Block(
            keyword=str(keyword),
            name=self._name(name),
            label=self._text(label),
            body=self._body(children, 3),
            span=self._span(meta),
        )

    plan = force = kind = risk = district = site = unit = rayon = pool = _block

    def phase(self, meta: Meta, children: Children) -> n.Phase:
        _, name, label, start, _, end = children[:6]
        body = self._body(children, 6)
        for statement in body or ():
            if isinstance(statement, n.Guard) and statement.during:
                self.problems.append(invalid_value(statement.during[0].span, "during-in-phase"))
        return n.Phase(
            name=self._name(name),
            label=self._text(label),
            start=start,
            end=end,
            body=body,
            span=self._span(meta),
        )

    def _file_reference(self, meta: Meta, children: Children) -> n.FileReference:
        keyword, path = children
        return n.FileReference(keyword=str(keyword), path=self._text(path), span=self._span(meta))

    include = personnel = sites = _file_reference

    # ── plan settings ────────────────────────────────────────────────────────
    def text_setting(self, meta: Meta, children: Children) -> n.TextStatement:
        keyword, texts = children
        return n.TextStatement(keyword=str(keyword), values=texts, span=self._span(meta))

    def language(self, meta: Meta, children: Children) -> n.RefStatement:
        return n.RefStatement(
            keyword="language", name=self._name(children[1]), span=self._span(meta)
        )

    def travel_speed(self, meta: Meta, children: Children) -> n.TravelSpeed:
        return n.TravelSpeed(
            kmh=self._bounded(children[2], "a travel speed (km/h)", 1, 200), span=self._span(meta)
        )

    def travel_detour(self, meta: Meta, children: Children) -> n.TravelDetour:
        return n.TravelDetour(
            factor=self._bounded(children[2], "a detour factor", 1, 10), span=self._span(meta)
        )

    def escalation_limit(self, meta: Meta, children: Children) -> n.EscalationLimit:
        return n.EscalationLimit(
            hops=self._whole(children[2], "an escalation limit"), span=self._span(meta)
        )

    def rest(self, meta: Meta, children: Children) -> n.DurationStatement:
        return self._duration_statement("rest", children[1], meta)

    def duty_limit(self, meta: Meta, children: Children) -> n.DurationStatement:
        return self._duration_statement("duty limit", children[2], meta)

    def survive(self, meta: Meta, children: Children) -> n.Survive:
        # SURVIVE LOSS OF loss (COMMA loss)* during?
        losses = tuple(c for c in children[3:] if isinstance(c, n.Name))
        during = children[-1] if isinstance(children[-1], tuple) else ()
        return n.Survive(losses=losses, during=during, span=self._span(meta))

    def loss(self, meta: Meta, children: Children) -> n.Name:
        if len(children) == 1:
            return self._name(children[0])
        return n.Name(value=f"any {children[1]}", span=self._span(meta))

    def _duration_statement(self, keyword: str, token: Token, meta: Meta) -> n.DurationStatement:
        span = self._token_span(token)
        minutes = self._kept(v.parse_duration(str(token), span))
        return n.DurationStatement(
            keyword=keyword,
            duration=n.Duration(text=str(token), minutes=minutes, span=span),
            span=self._span(meta),
        )

    # ── risk classes ─────────────────────────────────────────────────────────
    def ratio(self, meta: Meta, children: Children) -> n.Ratio:
        force, amount, *rest = children
        per = rest[1] if len(rest) == 3 else None
        return n.Ratio(
            force=self._name(force),
            amount=self._whole(amount, "a ratio's count"),
            per=self._whole(per, "a ratio's site count") if per else None,
            kind=self._name(rest[-1]),
            span=self._span(meta),
        )

    def reserve_within(self, meta: Meta, children: Children) -> n.ReserveWithin:
        token = children[2]
        span = self._token_span(token)
        minutes = self._kept(v.parse_duration(str(token), span))
        return n.ReserveWithin(
            duration=n.Duration(text=str(token), minutes=minutes, span=span), span=self._span(meta)
        )

    # ── statements ───────────────────────────────────────────────────────────
    def ref_statement(self, meta: Meta, children: Children) -> n.RefStatement:
        keyword, name = children
        return n.RefStatement(keyword=str(keyword), name=self._name(name), span=self._span(meta))

    def role(self, meta: Meta, children: Children) -> n.RefStatement:
        value = children[1]
        name = n.Name(value=str(value), span=self._token_span(value))
        return n.RefStatement(keyword="role", name=name, span=self._span(meta))

    def text_statement(self, meta: Meta, children: Children) -> n.TextStatement:
        keyword, text = children
        return n.TextStatement(
            keyword=str(keyword), values=(self._text(text),), span=self._span(meta)
        )

    def number_statement(self, meta: Meta, children: Children) -> n.NumberStatement:
        keyword, number = children
        what = f"`{keyword}`"
        return n.NumberStatement(
            keyword=str(keyword),
            value=self._whole(number, what, _COUNTS.get(str(keyword), 1)),
            span=self._span(meta),
        )

    def at(self, meta: Meta, children: Children) -> n.At:
        return n.At(at=children[0], span=self._span(meta))

    def at_clause(self, meta: Meta, children: Children) -> n.Coordinates:
        _, lat, _, lon = children
        checked = []
        for number, is_lat in ((lat, True), (lon, False)):
            value = self._kept(v.coordinate(number.value, number.text, number.span, is_lat))
            checked.append(n.Number(text=number.text, value=value, span=number.span))
        return n.Coordinates(lat=checked[0], lon=checked[1], span=self._span(meta))

    def covers(self, meta: Meta, children: Children) -> n.Covers:
        rest = children[1]
        if isinstance(rest, Token):
            return n.Covers(all=True, districts=(), span=self._span(meta))
        return n.Covers(all=False, districts=rest, span=self._span(meta))

    def districts(self, meta: Meta, children: Children) -> n.Districts:
        return n.Districts(districts=children[1], span=self._span(meta))

    def escalates(self, meta: Meta, children: Children) -> n.Escalates:
        during = children[3] if len(children) > 3 else ()
        return n.Escalates(target=self._name(children[2]), during=during, span=self._span(meta))

    def available(self, meta: Meta, children: Children) -> n.Available:
        start = end = None
        for keyword, moment in zip(children[1::2], children[2::2], strict=True):
            if keyword.type == "FROM":
                start = moment
            else:
                end = moment
        return n.Available(start=start, end=end, span=self._span(meta))

    def flag(self, meta: Meta, children: Children) -> n.Flag:
        return n.Flag(keyword=str(children[0]), span=self._span(meta))

    def post(self, meta: Meta, children: Children) -> n.Post:
        at = children[4] if len(children) > 4 else None
        return n.Post(
            label=self._text(children[1]),
            district=self._name(children[3]),
            at=at,
            span=self._span(meta),
        )

    def reserve(self, meta: Meta, children: Children) -> n.Reserve:
        during = children[4] if len(children) > 4 else ()
        return n.Reserve(
            amount=self._whole(children[1], "a reserve"),
            sources=children[3],
            during=during,
            span=self._span(meta),
        )

    def guard(self, meta: Meta, children: Children) -> n.Guard:
        # GUARD name_list (BY RISK | WITH force_amounts) during?
        by_risk = children[2].type == "BY"
        return n.Guard(
            targets=children[1],
            by_risk=by_risk,
            amounts=() if by_risk else children[3],
            during=children[4] if len(children) > 4 else (),
            span=self._span(meta),
        )

    def force_amounts(self, meta: Meta, children: Children) -> tuple[n.ForceAmount, ...]:
        return tuple(c for c in children if isinstance(c, n.ForceAmount))

    def force_amount(self, meta: Meta, children: Children) -> n.ForceAmount:
        amount, force = children
        return n.ForceAmount(
            amount=self._whole(amount, "a guard's count"),
            force=self._name(force),
            span=self._span(meta),
        )

    def shift(self, meta: Meta, children: Children) -> n.Shift:
        _, name, start, _, end = children
        return n.Shift(
            name=self._name(name),
            start=self._clock(start),
            end=self._clock(end, end_of_day=True),
            span=self._span(meta),
        )

    def muster(self, meta: Meta, children: Children) -> n.Muster:
        place = self._text(children[2]) if children[2].type == "STRING" else None
        return n.Muster(time=self._clock(children[1]), place=place, span=self._span(meta))

    def issued(self, meta: Meta, children: Children) -> n.Issued:
        date = children[2] if len(children) > 2 else None
        return n.Issued(place=self._text(children[1]), date=date, span=self._span(meta))

    # ── shared shapes ────────────────────────────────────────────────────────
    def during(self, meta: Meta, children: Children) -> tuple[n.Name, ...]:
        names: tuple[n.Name, ...] = children[1]
        return names

    def name_list(self, meta: Meta, children: Children) -> tuple[n.Name, ...]:
        return tuple(self._name(t) for t in children if t.type == "NAME")

    def string_list(self, meta: Meta, children: Children) -> tuple[n.Text, ...]:
        return tuple(self._text(t) for t in children if t.type == "STRING")

    def moment(self, meta: Meta, children: Children) -> n.Moment:
        date_token = children[0]
        date = self._kept(v.parse_date(str(date_token), self._token_span(date_token)))
        time = None
        if len(children) > 1:
            time = self._kept(v.parse_time(str(children[1]), self._token_span(children[1])))
        text = " ".join(str(t) for t in children)
        return n.Moment(text=text, date=date, time=time, span=self._span(meta))

    def number(self, meta: Meta, children: Children) -> n.Number:
        token = children[0]
        span = self._token_span(token)
        return n.Number(
            text=str(token), value=self._kept(v.parse_number(str(token), span)), span=span
        )

    def _clock(self, token: Token, *, end_of_day: bool = False) -> n.Clock:
        span = self._token_span(token)
        value = self._kept(v.parse_time(str(token), span, end_of_day=end_of_day))
        return n.Clock(text=str(token), value=value, span=span)
