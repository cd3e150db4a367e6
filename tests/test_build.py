"""Building: source text to typed nodes; spans are left out of equality."""

from __future__ import annotations

import datetime as dt

import pytest

from ttuplan.parse import parse
from ttuplan.source import Span
from ttuplan.syntax import build
from ttuplan.syntax import nodes as n

S = Span("t.ttup", 1, 1, 1, 2)  # any span: spans do not take part in equality


def name(value: str) -> n.Name:
    return n.Name(value=value, span=S)


def text(value: str) -> n.Text:
    return n.Text(value=value, span=S)


def number(written: str, value: int | float) -> n.Number:
    return n.Number(text=written, value=value, span=S)


CASES = [
    (
        'force polri "Polri"',
        n.Block(keyword="force", name=name("polri"), label=text("Polri"), body=None, span=S),
    ),
    (
        'include "districts.ttup"',
        n.FileReference(keyword="include", path=text("districts.ttup"), span=S),
    ),
    (
        'risk r "R" { polri 1 per 3 tps\n linmas 2 per tps\n reserve within 2h }',
        n.Block(
            keyword="risk",
            name=name("r"),
            label=text("R"),
            span=S,
            body=(
                n.Ratio(
                    force=name("polri"),
                    amount=number("1", 1),
                    per=number("3", 3),
                    kind=name("tps"),
                    span=S,
                ),
                n.Ratio(
                    force=name("linmas"), amount=number("2", 2), per=None, kind=name("tps"), span=S
                ),
                n.ReserveWithin(duration=n.Duration(text="2h", minutes=120, span=S), span=S),
            ),
        ),
    ),
    (
        'unit u "U \\"Satu\\"" { covers all\n escalates to p during a, b\n available from '
        "2024-02-11 until 2024-02-15 12:00\n role reserve\n final }",
        n.Block(
            keyword="unit",
            name=name("u"),
            label=text('U "Satu"'),
            span=S,
            body=(
                n.Covers(all=True, districts=(), span=S),
                n.Escalates(target=name("p"), during=(name("a"), name("b")), span=S),
                n.Available(
                    start=n.Moment(text="2024-02-11", date=dt.date(2024, 2, 11), time=None, span=S),
                    end=n.Moment(
                        text="2024-02-15 12:00",
                        date=dt.date(2024, 2, 15),
                        time=dt.time(12, 0),
                        span=S,
                    ),
                    span=S,
                ),
                n.RefStatement(keyword="role", name=name("reserve"), span=S),
                n.Flag(keyword="final", span=S),
            ),
        ),
    ),
    (
        'rayon r "R" { post "Pos" in d at -9.5, 124.4\n reserve 16 from a, b during p }',
        n.Block(
            keyword="rayon",
            name=name("r"),
            label=text("R"),
            span=S,
            body=(
                n.Post(
                    label=text("Pos"),
                    district=name("d"),
                    span=S,
                    at=n.Coordinates(lat=number("-9.5", -9.5), lon=number("124.4", 124.4), span=S),
                ),
                n.Reserve(
                    amount=number("16", 16),
                    sources=(name("a"), name("b")),
                    during=(name("p"),),
                    span=S,
                ),
            ),
        ),
    ),
    (
        'phase p "P" 2024-02-14 06:00 .. 2024-02-15 { guard tps by risk\n'
        " guard kpu, gudang with 4 polri, 2 linmas\n shift pagi 06:00 .. 18:00\n"
        ' muster 05:00 "Mapolres" }',
        n.Phase(
            name=name("p"),
            label=text("P"),
            span=S,
            start=n.Moment(
                text="2024-02-14 06:00", date=dt.date(2024, 2, 14), time=dt.time(6, 0), span=S
            ),
            end=n.Moment(text="2024-02-15", date=dt.date(2024, 2, 15), time=None, span=S),
            body=(
                n.Guard(targets=(name("tps"),), by_risk=True, amounts=(), during=(), span=S),
                n.Guard(
                    targets=(name("kpu"), name("gudang")),
                    by_risk=False,
                    during=(),
                    span=S,
                    amounts=(
                        n.ForceAmount(amount=number("4", 4), force=name("polri"), span=S),
                        n.ForceAmount(amount=number("2", 2), force=name("linmas"), span=S),
                    ),
                ),
                n.Shift(
                    name=name("pagi"),
                    start=n.Clock(text="06:00", value=dt.time(6), span=S),
                    end=n.Clock(text="18:00", value=dt.time(18), span=S),
                    span=S,
                ),
                n.Muster(
                    time=n.Clock(text="05:00", value=dt.time(5), span=S),
                    place=text("Mapolres"),
                    span=S,
                ),
            ),
        ),
    ),
    (
        "guard kpu with 4 polri during a",
        n.Guard(
            targets=(name("kpu"),),
            by_risk=False,
            during=(name("a"),),
            span=S,
            amounts=(n.ForceAmount(amount=number("4", 4), force=name("polri"), span=S),),
        ),
    ),
    (
        'plan p "P" { letterhead "A", "B"\n travel speed 35.5 kmh\n escalation limit 4 }',
        n.Block(
            keyword="plan",
            name=name("p"),
            label=text("P"),
            span=S,
            body=(
                n.TextStatement(keyword="letterhead", values=(text("A"), text("B")), span=S),
                n.TravelSpeed(kmh=number("35.5", 35.5), span=S),
                n.EscalationLimit(hops=number("4", 4), span=S),
            ),
        ),
    ),
]


@pytest.mark.parametrize(("source", "expected"), CASES, ids=[c[0][:30] for c in CASES])
def test_source_builds_to_nodes(source: str, expected: n.Declaration) -> None:
    result = parse(source, "t.ttup")
    assert result.diagnostics == ()
    module, problems = build(result.tree, "t.ttup")
    assert problems == ()
    assert module.declarations == (expected,)


def test_spans_point_at_what_was_written() -> None:
    source = 'unit polres "Polres TTU" {\n  escalates to polda\n}\n'
    module, _ = build(parse(source, "t.ttup").tree, "t.ttup")
    unit = module.declarations[0]
    assert isinstance(unit, n.Block) and unit.body is not None
    assert unit.name.span == Span("t.ttup", 1, 6, 1, 12)
    escalation = unit.body[0]
    assert isinstance(escalation, n.Escalates)
    assert escalation.span == Span("t.ttup", 2, 3, 2, 21)
    assert escalation.target.span == Span("t.ttup", 2, 16, 2, 21)


def test_layout_does_not_change_the_nodes() -> None:
    compact = 'unit a "A" { force polri strength 3 }'
    spread = '# a comment\nunit a "A" {\n\n    force   polri   # why\n    strength 3\n}\n'
    first, _ = build(parse(compact, "a.ttup").tree, "a.ttup")
    second, _ = build(parse(spread, "b.ttup").tree, "b.ttup")
    assert first.declarations == second.declarations
