"""Nodes to the canonical lines of a plan file, each with the source span its comments attach to.

The canonical style (`ttuplan fmt`), one way to write each thing:

- two spaces of indentation per block; one statement per line; a declaration with a
  body opens `{` at the end of its own line and closes `}` alone on a line; a
  declaration without a body is one line (`force polri "Polri"`); an empty body is
  `{` and `}` on two lines;
- words separated by one space; `, ` between the items of a list; `a .. b` for a
  range; `at -9.4470, 124.4790`;
- numbers, dates, times and durations exactly as written; labels in double quotes
  with `"` and `\\` escaped by a backslash (any other backslash written stays);
- a statement that would pass 100 columns breaks after a comma of one of its lists
  (names, labels, `with` amounts; never between the two numbers of `at`), filling
  each line as far as it goes, the following lines indented four spaces more; a
  single label longer than the line is not broken;
- a comment alone on its line stays alone, indented as the line it comes before (one
  level deeper before a closing `}`); a comment after code stays at the end of that
  line, two spaces after it; a comment written between the words of a statement or
  a declaration line (one that was spread over several lines) moves, in order, to just
  above it;
- blank lines between declarations, statements and comments are kept as written, at
  most one in a row, never after `{`, before `}`, at the start or at the end; no
  trailing whitespace; the file ends with exactly one newline (an empty file stays
  empty); a byte order mark and CRLF line endings are dropped.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import assert_never

from ttuplan.records import dataclass
from ttuplan.source import Span
from ttuplan.syntax import nodes as n

WIDTH = 100
INDENT = "  "
CONTINUATION = "    "

Position = tuple[int, int]  # (line, column) in the source, 1-based


@dataclass(frozen=True, slots=True)
class Line:
    """One statement or declaration line as printed (broken lines included) and its source."""

    depth: int
    text: str
    start: Position  # where its first token was written
    end: Position  # just past where its last token was written
    opens: bool = False  # ends with `{`
    closes: bool = False  # is a block's `}`


@dataclass(frozen=True, slots=True)
class _Part:
    """A word of a statement; a line may break before it when `breaks`."""

    text: str
    breaks: bool = False


def print_module(module: n.Module) -> tuple[Line, ...]:
    """The lines of a module, in source order."""
    return tuple(line for declaration in module.declarations for line in _declaration(declaration))


def _declaration(declaration: n.Declaration) -> list[Line]:
    if isinstance(declaration, n.Block):
        head = _plain(declaration.keyword, declaration.name.value, _label(declaration.label))
        return _block(declaration.span, head, declaration.label.span, declaration.body)
    if isinstance(declaration, n.Phase):
        head = _plain(
            "phase",
            declaration.name.value,
            _label(declaration.label),
            declaration.start.text,
            "..",
            declaration.end.text,
        )
        return _block(declaration.span, head, declaration.end.span, declaration.body)
    return [_line(0, _words(declaration), declaration.span)]


def _block(
    span: Span, head: list[_Part], head_end: Span, body: tuple[n.Statement, ...] | None
) -> list[Line]:
    header = _line(0, head, span.through(head_end))
    if body is None:
        return [header]
    closing = Line(
        depth=0,
        text="}",
        start=(span.end_line, span.end_column - 1),
        end=(span.end_line, span.end_column),
        closes=True,
    )
    statements = [_line(1, _words(statement), statement.span) for statement in body]
    opening = Line(depth=0, text=header.text + " {", start=header.start, end=header.end, opens=True)
    return [opening, *statements, closing]


def _line(depth: int, parts: list[_Part], span: Span) -> Line:
    return Line(
        depth=depth,
        text=_fill(parts, INDENT * depth),
        start=(span.line, span.column),
        end=(span.end_line, span.end_column),
    )


def _fill(parts: list[_Part], indent: str) -> str:
    """Join the words, breaking before a list item where the line would pass WIDTH."""
    groups: list[list[str]] = []
    for part in parts:
        if part.breaks or not groups:
            groups.append([part.text])
        else:
            groups[-1].append(part.text)
    lines = [indent + " ".join(groups[0])]
    for group in groups[1:]:
        words = " ".join(group)
        if len(lines[-1]) + 1 + len(words) > WIDTH:
            lines.append(indent + CONTINUATION + words)
        else:
            lines[-1] += " " + words
    return "\n".join(lines)


def _words(statement: n.Statement | n.FileReference) -> list[_Part]:
    match statement:
        case n.RefStatement(keyword=keyword, name=name):
            return _plain(keyword, name.value)
        case n.TextStatement(keyword=keyword, values=values):
            return _plain(keyword) + _listed(_label(value) for value in values)
        case n.NumberStatement(keyword=keyword, value=value):
            return _plain(keyword, value.text)
        case n.FileReference(keyword=keyword, path=path):
            return _plain(keyword, _label(path))
        case n.TravelSpeed(kmh=kmh):
            return _plain("travel", "speed", kmh.text, "kmh")
        case n.TravelDetour(factor=factor):
            return _plain("travel", "detour", factor.text)
        case n.EscalationLimit(hops=hops):
            return _plain("escalation", "limit", hops.text)
        case n.DurationStatement(keyword=keyword, duration=duration):
            return _plain(*keyword.split(), duration.text)
        case n.Survive(losses=losses, during=during):
            return _plain("survive", "loss", "of") + _names(losses) + _during(during)
        case n.At(at=at):
            return _plain(*_at(at))
        case n.Ratio(force=force, amount=amount, per=per, kind=kind):
            return _plain(force.value, amount.text, "per", *_optional(per), kind.value)
        case n.ReserveWithin(duration=duration):
            return _plain("reserve", "within", duration.text)
        case n.Covers(all=True):
            return _plain("covers", "all")
        case n.Covers(districts=names) | n.Districts(districts=names):
            keyword = "covers" if isinstance(statement, n.Covers) else "districts"
            return _plain(keyword) + _names(names)
        case n.Escalates(target=target, during=during):
            return _plain("escalates", "to", target.value) + _during(during)
        case n.Available(start=start, end=end):
            parts = _plain("available")
            if start is not None:
                parts += _plain("from", start.text)
            if end is not None:
                parts += _plain("until", end.text)
            return parts
        case n.Flag(keyword=keyword):
            return _plain(keyword)
        case n.Post(label=label, district=district, at=at):
            where = _at(at) if at is not None else ()
            return _plain("post", _label(label), "in", district.value, *where)
        case n.Reserve(amount=amount, sources=sources, during=during):
            return _plain("reserve", amount.text, "from") + _names(sources) + _during(during)
        case n.Guard(targets=targets, by_risk=by_risk, amounts=amounts, during=during):
            how = _plain("by", "risk") if by_risk else _plain("with") + _amounts(amounts)
            return _plain("guard") + _names(targets) + how + _during(during)
        case n.Shift(name=name, start=start, end=end):
            return _plain("shift", name.value, start.text, "..", end.text)
        case n.Muster(time=time, place=place):
            where = ("at", "base") if place is None else (_label(place),)
            return _plain("muster", time.text, *where)
        case n.Issued(place=place, date=date):
            return _plain("issued", _label(place), *((date.text,) if date else ()))
        case _:
            assert_never(statement)


def _plain(*words: str) -> list[_Part]:
    return [_Part(word) for word in words]


def _listed(items: Iterable[str]) -> list[_Part]:
    """A comma-separated list; a line may break before any item but the first."""
    texts = list(items)
    return [
        _Part(text + ("," if i < len(texts) - 1 else ""), breaks=i > 0)
        for i, text in enumerate(texts)
    ]


def _names(names: tuple[n.Name, ...]) -> list[_Part]:
    return _listed(name.value for name in names)


def _amounts(amounts: tuple[n.ForceAmount, ...]) -> list[_Part]:
    return _listed(f"{amount.amount.text} {amount.force.value}" for amount in amounts)


def _during(names: tuple[n.Name, ...]) -> list[_Part]:
    return _plain("during") + _names(names) if names else []


def _optional(number: n.Number | None) -> tuple[str, ...]:
    return (number.text,) if number is not None else ()


def _at(at: n.Coordinates) -> tuple[str, ...]:
    return ("at", at.lat.text + ",", at.lon.text)


def _label(text: n.Text) -> str:
    escaped = text.value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
