"""`diff --format markdown`: what a change does, as a pull-request comment.

A headline with the signed totals a reviewer looks at first, then tables with
terraform-style symbols (`+` added, `-` removed, `~` changed): the diagnostics the change
brings and fixes, a table per phase (its districts, rayons and units), the plan-wide
changes, and the people reassigned on the rosters. Everything a plan supplies is escaped
for Markdown (`render.escape.markdown_text`; names in code spans only when they are plain
names). A comment longer than GitHub's limit (65,536 characters) is split into parts at
row boundaries, each part starting with a marker line that names the plan and the part,
so a CI step can update the comments in place.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import field

from ttuplan.diff import PlanDiff, Problem, reach_text
from ttuplan.records import dataclass
from ttuplan.render.escape import markdown_text

LIMIT = 65_536  # characters in one GitHub comment
CELL = 400  # characters of a plan's text kept in one cell (escaping may lengthen it)
ROWS = 1_000  # rows of one table; the rest counted (the JSON has them all)
_PLAIN = re.compile(r"[A-Za-z0-9_./:-]+")
_MARKER_KEY = re.compile(r"[^A-Za-z0-9_./-]")


def marker(plan: str, part: int, parts: int) -> str:
    """The first line of every part: an HTML comment a CI step finds the comment by. The
    plan's path is kept to characters that cannot end the comment (`-->`)."""
    key = _MARKER_KEY.sub(lambda m: f"%{ord(m.group()):02X}", plan).replace("--", "-%2D")
    return f"<!-- ttuplan-diff {key} part {part}/{parts} -->"


def text(value: object) -> str:
    """A cell's text from the plan: cut to CELL characters, escaped for Markdown."""
    raw = str(value)
    if len(raw) > CELL:
        raw = raw[:CELL] + "…"
    return markdown_text(raw)


def name(value: str) -> str:
    """A name or id in a code span when it is plain (it then needs no escaping)."""
    return f"`{value}`" if _PLAIN.fullmatch(value) and len(value) <= CELL else text(value)


def signed(number: int) -> str:
    return f"{number:+,d}" if number else "0"


@dataclass
class Table:
    heading: str
    columns: tuple[str, ...]
    rows: list[tuple[str, ...]] = field(default_factory=list)
    numeric: tuple[str, ...] = ("before", "after", "change")  # right-aligned columns

    def lines(self) -> tuple[list[str], list[str]]:
        """The heading and header lines, and one line per row (capped)."""
        head = [
            self.heading,
            "",
            "| " + " | ".join(self.columns) + " |",
            "|" + "|".join("---:" if c in self.numeric else "---" for c in self.columns) + "|",
        ]
        rows = ["| " + " | ".join(row) + " |" for row in self.rows[:ROWS]]
        if len(self.rows) > ROWS:
            more = len(self.rows) - ROWS
            rows.append(
                "| "
                + " | ".join(("…", f"and {more:,} more rows (see `--format json`)"))
                + " |" * (len(self.columns) - 1)
            )
        return head, rows


def render_comment(
    change: PlanDiff,
    *,
    plan: str,
    title: str,
    errors: int = 0,
    warnings: int = 0,
    limit: int = LIMIT,
    skip_unchanged: bool = False,
) -> list[str]:
    """The comment's parts (one unless it is longer than `limit`); none when nothing
    changed and `skip_unchanged`."""
    if change.empty:
        if skip_unchanged:
            return []
        still = ""
        if errors:
            still = f"; the plan still has {_count(errors, 'error')}"
            still += f" and {_count(warnings, 'warning')}" if warnings else ""
        line = f"**ttuplan diff** {name(plan)}: no change to the deployment{still}."
        return [f"{marker(plan, 1, 1)}\n{line}\n"]
    intro = [
        f"### ttuplan diff: {name(plan)}",
        "",
        f"{text(title)}",
        "",
        f"**{headline(change, errors)}**",
        "",
        f"{text(change.summary())}",
        "",
    ]
    return _split(plan, intro, _tables(change), limit)


def _count(number: int, word: str) -> str:
    return f"{number:,} {word}{'' if number == 1 else 's'}"


def headline(change: PlanDiff, errors: int = 0) -> str:
    """The signed totals that matter: people on posts per force, sites now short, the
    worst reserve reach, people reassigned, diagnostics new and fixed."""
    parts = [
        f"{force} on posts {signed(delta)}"
        for force, delta in sorted(change.force_change().items())
        if delta
    ]
    parts.extend(
        f"{force} strength {signed(delta)}"
        for force, delta in sorted(change.strength_change().items())
        if delta
    )
    for kind, (now, no_longer) in change.short_by_kind().items():
        if now:
            parts.append(f"{now:,} {kind} now under-staffed")
        if no_longer:
            parts.append(f"{no_longer:,} {kind} no longer under-staffed")
    if change.reach_worst is not None:
        slowest = change.reach_worst
        parts.append(f"reserve reach worst {reach_text(slowest[0])} → {reach_text(slowest[1])}")
    if change.people:
        count = len({p.nrp for p in change.people})
        parts.append(f"{count:,} {'person' if count == 1 else 'people'} reassigned")
    if change.personnel is not None and not change.personnel[0]:
        parts.append("personnel table added: every roster place now named")
    new_errors = sum(1 for p in change.problems_new if p.severity == "error")
    new_warnings = len(change.problems_new) - new_errors
    if new_errors:
        parts.append(f"{_count(new_errors, 'new error')}")
    if new_warnings:
        parts.append(f"{_count(new_warnings, 'new warning')}")
    if change.problems_fixed:
        parts.append(f"{len(change.problems_fixed):,} fixed")
    if errors and not new_errors:
        parts.append(f"the plan has {_count(errors, 'error')}")
    if not parts:
        return markdown_text(change.summary())
    return markdown_text(" · ".join(parts))


def _tables(change: PlanDiff) -> list[Table]:
    tables: list[Table] = []
    if change.problems_new or change.problems_fixed:
        table = Table("#### Diagnostics", ("", "", "code", "where", "message"))
        table.rows.extend(_problem_row("+", p) for p in change.problems_new)
        table.rows.extend(_problem_row("-", p) for p in change.problems_fixed)
        tables.append(table)
    phases: dict[str, Table] = {}

    def phase(name_: str) -> Table:
        if name_ not in phases:
            phases[name_] = Table(
                f"#### Phase {name(name_)}", ("", "where", "what", "before", "after", "change")
            )
        return phases[name_]

    for (p, district, force), (b, a) in change.staffing.items():
        phase(p).rows.append(
            _count_row(f"district {name(district)}", f"{text(force)} on posts", b, a)
        )
    for (p, district, force), (b, a) in change.on_duty.items():
        phase(p).rows.append(
            _count_row(f"district {name(district)}", f"{text(force)} on duty at once", b, a)
        )
    for (p, holder, unit), (b, a) in change.reserves.items():
        phase(p).rows.append(_count_row(f"reserve {name(holder)}", f"from {name(unit)}", b, a))
    for (p, unit), (b, a) in change.units.items():
        phase(p).rows.append(_count_row(f"unit {name(unit)}", "people committed", b, a))
    for sign, posts in (("+", change.posts_added), ("-", change.posts_removed)):
        for p, post in posts:
            where = f"district {name(change.where.get(post, ''))}" if post in change.where else ""
            phase(p).rows.append((sign, where, f"post {name(post)}", "", "", ""))
    short: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for index, found in enumerate((change.short_added, change.short_removed)):
        for p, site in found:
            short[(p, change.where.get(site, ""), change.kinds.get(site, "site"))][index] += 1
    for (p, district, kind), (now, no_longer) in short.items():
        where = f"district {name(district)}"
        if now:
            phase(p).rows.append(("+", where, f"{text(kind)} under-staffed", "", f"{now:,}", ""))
        if no_longer:
            phase(p).rows.append(
                ("-", where, f"{text(kind)} under-staffed", f"{no_longer:,}", "", "")
            )
    for (p, site), (was, then) in change.reach.items():
        delta = (
            ""
            if math.isinf(was) or math.isinf(then)
            else f"{math.ceil((then - was) * 10 - 1e-9) / 10:+.1f} min"
        )
        phase(p).rows.append(
            (
                "~",
                f"district {name(change.where.get(site, ''))}",
                f"{name(site)}: nearest reserve",
                reach_text(was),
                reach_text(then),
                delta,
            )
        )
    for (p, what), (written, rewritten) in change.timing.items():
        phase(p).rows.append(
            ("~", "phase", text(what), text(written or "(none)"), text(rewritten or "(none)"), "")
        )
    tables.extend(phases.values())
    plan = Table("#### Plan", ("", "where", "what", "before", "after", "change"))
    for unit, (strength, restrength) in change.strengths.items():
        plan.rows.append(
            _count_row(f"unit {name(unit)}", "strength", strength or 0, restrength or 0)
        )
    for district, (units, reunits) in change.coverage.items():
        plan.rows.append(
            ("~", f"district {name(district)}", "covered by", _names(units), _names(reunits), "")
        )
    for rayon, (post, repost) in change.rayon_posts.items():
        sign = "+" if not post else "-" if not repost else "~"
        plan.rows.append((sign, f"rayon {name(rayon)}", "post", text(post), text(repost), ""))
    for site, (risk, rerisk) in change.reclassed.items():
        plan.rows.append(("~", f"site {name(site)}", "risk class", name(risk), name(rerisk), ""))
    plan.rows.extend(("+", f"site {name(s)}", "added", "", "", "") for s in change.sites_added)
    plan.rows.extend(("-", f"site {name(s)}", "removed", "", "", "") for s in change.sites_removed)
    for (source, target), during in change.edges_added.items():
        edge = f"{name(source)} → {name(target)}"
        plan.rows.append(("+", edge, "escalates in", "", _names(during), ""))
    for (source, target), during in change.edges_removed.items():
        edge = f"{name(source)} → {name(target)}"
        plan.rows.append(("-", edge, "escalates in", _names(during), "", ""))
    if change.personnel is not None:
        listed = change.personnel
        plan.rows.append(_count_row("personnel table", "people listed", listed[0], listed[1]))
    if plan.rows:
        tables.append(plan)
    if change.people:
        people = Table(
            "#### People reassigned",
            ("", "phase", "person", "unit", "before", "after"),
            numeric=(),
        )
        for moved in change.people:
            people.rows.append(
                (
                    moved.sign,
                    name(moved.phase),
                    text(moved.person),
                    name(moved.unit),
                    _places(moved.before),
                    _places(moved.after),
                )
            )
        tables.append(people)
    return tables


def _places(places: tuple[str, ...]) -> str:
    """`post (shift)` and `reserve holder`, ids in code spans."""
    shown = []
    for place in places:
        if place.startswith("reserve "):
            shown.append(f"reserve {name(place.removeprefix('reserve '))}")
        else:
            post, _, shift = place.partition(" (")
            shown.append(name(post) + (f" ({text(shift.rstrip(')'))})" if shift else ""))
    return ", ".join(shown) or "—"


def _names(items: tuple[str, ...]) -> str:
    return ", ".join(name(item) for item in items) or "—"


def _count_row(where: str, what: str, before: int, after: int) -> tuple[str, ...]:
    sign = "+" if not before else "-" if not after else "~"
    return (sign, where, what, f"{before:,}", f"{after:,}", signed(after - before))


def _problem_row(sign: str, problem: Problem) -> tuple[str, ...]:
    return (
        sign,
        problem.severity,
        f"{problem.code} {problem.slug}",
        text(problem.where),
        text(problem.message),
    )


def _split(plan: str, intro: list[str], tables: list[Table], limit: int) -> list[str]:
    """Pack the intro and the tables into parts of at most `limit` characters, cutting
    only between rows; a table cut in two repeats its header, "(continued)"."""
    room = limit - len(marker(plan, 99_999, 99_999)) - 2
    parts: list[list[str]] = [[]]
    size = 0

    def add(line: str) -> None:
        nonlocal size
        parts[-1].append(line)
        size += len(line) + 1

    def fits(lines: list[str]) -> bool:
        return size + sum(len(line) + 1 for line in lines) <= room

    def new_part() -> None:
        nonlocal size
        parts.append([])
        size = 0

    for line in intro:
        add(line)
    for table in tables:
        head, rows = table.lines()
        if not fits([*head, rows[0] if rows else ""]):
            new_part()
        for line in head:
            add(line)
        for row in rows:
            if not fits([row]):
                new_part()
                continued = [f"{head[0]} (continued)", *head[1:]]
                for line in continued:
                    add(line)
            add(row)
        add("")
    total = len(parts)
    return [
        marker(plan, number, total) + "\n" + "\n".join(lines).rstrip("\n") + "\n"
        for number, lines in enumerate(parts, start=1)
    ]
