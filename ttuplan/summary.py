"""The deployment in numbers, without documents: `ttuplan check --summary`.

Per phase, for each force, the risk-class table (sites; people the class's ratio asks
for; people its posts need on duty at once, the ratio rounded up per post; in all, a
crew per shift; people allocated) and each unit's load against its strength. As data
(for JSON) and as text.
"""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction
from typing import Any

from ttuplan.deployment import ClassLine, Deployment, PhaseDeployment
from ttuplan.duties import shifts_of
from ttuplan.model import Phase, Plan, RiskClass

Row = dict[str, Any]


def number(value: Fraction | int) -> int | float:
    """A whole number as int; a fraction of a person as a float (the text shows one
    decimal; the data keeps the value)."""
    fraction = Fraction(value)
    return int(fraction) if fraction.denominator == 1 else float(fraction)


def counted(count: int, word: str) -> str:
    """`1 post`, `280 posts`, `1,548 people`: a number and its noun, agreeing."""
    return f"{count:,} {word}" if count == 1 else f"{count:,} {word}s"


def rule_text(risk: RiskClass, force: str) -> str:
    """The class's first rule for `force`, as written: `1 per 3 tps`, `2 per tps`."""
    for rule in risk.rules:
        if rule.force == force:
            per = f"{rule.per} " if rule.per != 1 else ""
            return f"{rule.amount} per {per}{rule.kind}"
    return ""


def summary_data(plan: Plan, deployment: Deployment) -> dict[str, Any]:
    risks = {r.name: r for r in plan.risks}
    phases = {p.name: p for p in plan.phases}
    return {"phases": [_phase(plan, phases[d.phase], d, risks) for d in deployment.phases]}


def _phase(
    plan: Plan, phase: Phase, deployment: PhaseDeployment, risks: dict[str, RiskClass]
) -> Row:
    forces: dict[str, list[ClassLine]] = defaultdict(list)
    for line in deployment.classes:
        forces[line.force].append(line)
    return {
        "phase": phase.name,
        "label": phase.label,
        "start": phase.start.isoformat(timespec="minutes"),
        "end": phase.end.isoformat(timespec="minutes"),
        "posts": len(deployment.posts),
        "shifts": [f"{s.name} {s.start:%H:%M} .. {s.end:%H:%M}" for s in shifts_of(plan, phase)],
        "forces": [_force(force, lines, risks) for force, lines in forces.items()],
        "units": [
            {
                "unit": load.unit,
                "strength": load.strength,
                "available": load.available,
                "held": load.held,
                "posted": load.posted,
                "spare": load.spare,
                "not_free": load.resting,
            }
            for load in deployment.loads
            if load.strength
        ],
        "shortfalls": [
            {
                "district": s.district,
                "force": s.force,
                "need": s.need,
                "have": s.have,
                "covered": s.covered,
            }
            for s in deployment.shortfalls
        ],
    }


def _force(force: str, lines: list[ClassLine], risks: dict[str, RiskClass]) -> Row:
    classes = [_row(line, risks, force) for line in lines]
    by_risk = [line for line in lines if line.risk is not None]
    return {
        "force": force,
        "classes": classes,
        "risk_total": _total(by_risk),
        "total": _total(lines),
    }


def _row(line: ClassLine, risks: dict[str, RiskClass], force: str) -> Row:
    risk = risks[line.risk] if line.risk else None
    return {
        "risk": line.risk,
        "label": risk.label if risk else "fixed guards",
        "rule": rule_text(risk, force) if risk else "",
        "sites": line.sites,
        "by_ratio": number(line.by_ratio) if risk else None,
        "by_posts": line.by_posts,
        "in_all": line.in_all,
        "allocated": line.allocated,
    }


def _total(lines: list[ClassLine]) -> Row:
    return {
        "sites": sum(line.sites for line in lines),
        "by_ratio": number(sum((line.by_ratio for line in lines), Fraction(0))),
        "by_posts": sum(line.by_posts for line in lines),
        "in_all": sum(line.in_all for line in lines),
        "allocated": sum(line.allocated for line in lines),
    }


def summary_text(data: dict[str, Any]) -> str:
    lines: list[str] = []
    for phase in data["phases"]:
        start, end = phase["start"].replace("T", " "), phase["end"].replace("T", " ")
        shifts = f", shifts {', '.join(phase['shifts'])}" if phase["shifts"] else ""
        lines.append(
            f"phase {phase['phase']}: {phase['label']} ({start} .. {end}), "
            f"{counted(phase['posts'], 'post')}{shifts}"
        )
        for force in phase["forces"]:
            lines.append(
                _table_line(
                    force["force"],
                    "rule",
                    "sites",
                    "by ratio",
                    "by posts",
                    "in all",
                    "allocated",
                    indent=2,
                )
            )
            rows = list(force["classes"])
            fixed = [row for row in rows if row["risk"] is None]
            if fixed and len(rows) > len(fixed):
                rows.insert(
                    len(rows) - len(fixed),
                    {**force["risk_total"], "label": "risk classes", "rule": ""},
                )
            rows.append({**force["total"], "label": "total", "rule": ""})
            lines.extend(_class_line(row) for row in rows)
        resting = any(unit["not_free"] for unit in phase["units"])
        lines.append(
            f"  {'unit':<36} {'strength':>8} {'held':>6} {'posted':>7} {'spare':>9}"
            + (f" {'not free':>8}" if resting else "")
        )
        for unit in phase["units"]:
            spare = f"{unit['spare']:,}" if unit["available"] else "not there"
            lines.append(
                f"    {unit['unit']:<34} {unit['strength']:>8,} {unit['held']:>6,} "
                f"{unit['posted']:>7,} {spare:>9}" + (f" {unit['not_free']:>8,}" if resting else "")
            )
        for short in phase["shortfalls"]:
            why = "" if short["covered"] else f" (no {short['force']} unit covers it)"
            lines.append(
                f"  SHORT: {short['district']} needs {short['need']:,} "
                f"{short['force']}, has {short['have']:,}{why}"
            )
        lines.append("")
    return "\n".join(lines)


def _class_line(row: Row) -> str:
    ratio = row["by_ratio"]
    shown = "-" if ratio is None else (f"{ratio:,}" if isinstance(ratio, int) else f"{ratio:,.1f}")
    return _table_line(
        row["label"],
        row["rule"],
        f"{row['sites']:,}",
        shown,
        f"{row['by_posts']:,}",
        f"{row['in_all']:,}",
        f"{row['allocated']:,}",
        indent=4,
    )


def _table_line(
    first: str,
    rule: str,
    sites: str,
    ratio: str,
    posts: str,
    in_all: str,
    allocated: str,
    indent: int,
) -> str:
    return (
        f"{' ' * indent}{first:<{24 - indent}} {rule:<14} {sites:>6} {ratio:>9} {posts:>9} "
        f"{in_all:>7} {allocated:>10}"
    )
