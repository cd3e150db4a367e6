"""`ttuplan graph` and the briefing's diagram: the escalation graph or the command
hierarchy as Mermaid or DOT text.

Escalation is drawn from the checker's own analysis (`Deployment.escalation`, or
`check.escalation.analyse_escalation` for a plan not yet allocated): an edge for every
`escalates to` that holds in some phase; one that holds only in some phases (a `during`
edge, or an unqualified one that a `during` edge replaces there) is dashed and names
them. Commands on a loop (in any phase) are red; dead ends (no edge in some phase, not
`final`) orange; final units have a double border. `focus` keeps one command and the
chains that start from it. Hierarchy: the `parent` tree with strengths.
"""

from __future__ import annotations

from collections.abc import Iterable

from ttuplan import model as m
from ttuplan.deployment import Escalation
from ttuplan.domain import commands
from ttuplan.records import dataclass
from ttuplan.render.escape import mermaid_label


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    during: tuple[str, ...]  # empty: in every phase


@dataclass(frozen=True)
class Drawing:
    nodes: tuple[tuple[str, str, str], ...]  # (name, label, style: "", final, cycle, dead)
    edges: tuple[Edge, ...]


def escalation_drawing(plan: m.Plan, analysis: Escalation, focus: str | None = None) -> Drawing:
    phases = [p.phase for p in analysis.phases]
    holds: dict[tuple[str, str], list[str]] = {}
    for phase in analysis.phases:
        for edge in phase.edges:
            holds.setdefault(edge, []).append(phase.phase)
    everything = commands(plan)
    order = {c.name: i for i, c in enumerate(everything)}
    edges = [
        Edge(source, target, () if when == phases else tuple(when))
        for (source, target), when in sorted(holds.items(), key=lambda kv: order[kv[0][0]])
    ]
    looped, dead = analysis.looped(), analysis.dead()
    keep = _reachable(focus, edges) if focus else set(order)
    nodes = []
    for command in everything:
        if command.name not in keep:
            continue
        style = (
            "cycle"
            if command.name in looped
            else "dead"
            if command.name in dead
            else "final"
            if command.final
            else ""
        )
        nodes.append((command.name, command.label, style))
    return Drawing(
        nodes=tuple(nodes), edges=tuple(e for e in edges if e.source in keep and e.target in keep)
    )


def hierarchy_drawing(plan: m.Plan, focus: str | None = None) -> Drawing:
    edges = [Edge(u.name, u.parent, ()) for u in plan.units if u.parent]
    keep = _reachable(focus, edges) if focus else {u.name for u in plan.units}
    nodes = tuple(
        (
            u.name,
            f"{u.label} ({u.strength})" if u.strength is not None else u.label,
            "final" if u.final else "",
        )
        for u in plan.units
        if u.name in keep
    )
    return Drawing(
        nodes=nodes, edges=tuple(e for e in edges if e.source in keep and e.target in keep)
    )


def _reachable(start: str | None, edges: Iterable[Edge]) -> set[str]:
    if start is None:
        return set()
    found, queue = {start}, [start]
    following: dict[str, list[str]] = {}
    for edge in edges:
        following.setdefault(edge.source, []).append(edge.target)
    while queue:
        for target in following.get(queue.pop(), ()):
            if target not in found:
                found.add(target)
                queue.append(target)
    return found


def mermaid(drawing: Drawing, phases: dict[str, str]) -> str:
    ids = {name: f"n{i}" for i, (name, _, _) in enumerate(drawing.nodes)}
    lines = ["graph BT"]
    for name, label, style in drawing.nodes:
        text = mermaid_label(label)
        shape = f'(["{text}"])' if style == "final" else f'["{text}"]'
        marked = f":::{style}" if style in ("cycle", "dead") else ""
        lines.append(f"  {ids[name]}{shape}{marked}")
    for edge in drawing.edges:
        if edge.during:
            when = mermaid_label(", ".join(phases.get(p, p) for p in edge.during))
            lines.append(f'  {ids[edge.source]} -. "{when}" .-> {ids[edge.target]}')
        else:
            lines.append(f"  {ids[edge.source]} --> {ids[edge.target]}")
    lines.append("  classDef cycle fill:#f8d0d0,stroke:#c00,stroke-width:2px")
    lines.append("  classDef dead fill:#fde7c8,stroke:#d70,stroke-width:2px")
    return "\n".join(lines) + "\n"


def dot(drawing: Drawing, phases: dict[str, str], title: str) -> str:
    lines = [
        f"digraph {_dot_text(title)} {{",
        "  rankdir=BT;",
        '  node [shape=box, fontname="Helvetica"];',
    ]
    styles = {
        "cycle": ', style=filled, fillcolor="#f8d0d0", color="#cc0000"',
        "dead": ', style=filled, fillcolor="#fde7c8", color="#dd7700"',
        "final": ", peripheries=2",
        "": "",
    }
    for name, label, style in drawing.nodes:
        lines.append(f"  {_dot_text(name)} [label={_dot_text(label)}{styles[style]}];")
    for edge in drawing.edges:
        extra = ""
        if edge.during:
            when = ", ".join(phases.get(p, p) for p in edge.during)
            extra = f" [style=dashed, label={_dot_text(when)}]"
        lines.append(f"  {_dot_text(edge.source)} -> {_dot_text(edge.target)}{extra};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _dot_text(text: str) -> str:
    """A DOT quoted string: only `"` and `\\` need escaping; newlines become spaces."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def phase_labels(plan: m.Plan) -> dict[str, str]:
    return {p.name: p.label for p in plan.phases}
