"""Escalation: one directed graph per phase (networkx); every chain must reach a `final`
unit, without loops, through units that are there in that phase, within the plan's limit.

An edge `escalates to X during P` applies in phase P and replaces a command's unqualified
edges there. A site escalates to the unit that guards it, one hop more.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import networkx as nx

from ttuplan import model as m
from ttuplan.check.timeline import available
from ttuplan.deployment import PhaseDeployment
from ttuplan.diagnostics import codes
from ttuplan.diagnostics.model import Diagnostic, Label
from ttuplan.source import Span


@dataclass(frozen=True, slots=True)
class Command:
    """A unit, rayon or pool, as a node of the escalation graph."""

    name: str
    span: Span
    escalations: tuple[m.Escalation, ...]
    final: bool
    unit: m.Unit | None


def commands(plan: m.Plan) -> list[Command]:
    return [
        *(Command(u.name, u.span, u.escalations, u.final, u) for u in plan.units),
        *(Command(r.name, r.span, r.escalations, False, None) for r in plan.rayons),
        *(Command(p.name, p.span, p.escalations, False, None) for p in plan.pools),
    ]


def edges_in(command: Command, phase: str) -> tuple[m.Escalation, ...]:
    qualified = tuple(e for e in command.escalations if phase in e.during)
    return qualified or tuple(e for e in command.escalations if not e.during)


def graph_of(plan: m.Plan, phase: m.Phase) -> nx.DiGraph[str]:
    """The escalation graph of one phase; each edge keeps its `escalates to` statement."""
    graph: nx.DiGraph[str] = nx.DiGraph()
    for command in commands(plan):
        graph.add_node(command.name, final=command.final, present=_present(command, phase))
        for edge in edges_in(command, phase.name):
            graph.add_edge(command.name, edge.target, statement=edge)
    return graph


def _present(command: Command, phase: m.Phase) -> bool:
    return command.unit is None or available(command.unit, phase)


def check_escalation(plan: m.Plan, deployments: Sequence[PhaseDeployment]) -> list[Diagnostic]:
    by_command = {c.name: c for c in commands(plan)}
    # Forces with no `escalates to` and no `final` unit at all (Linmas, often) are outside
    # the escalation plan; their units are not dead ends.
    escalating = {u.force for u in plan.units if u.final or u.escalations}
    guarding = {d.phase: {a.unit for a in d.assignments} for d in deployments}
    cycles: dict[tuple[str, ...], tuple[list[str], list[m.Escalation]]] = {}
    dead: dict[str, list[str]] = defaultdict(list)
    absent: dict[int, tuple[m.Escalation, str, list[str]]] = {}
    longest: tuple[int, list[str], str] = (0, [], "")
    for phase in plan.phases:
        graph = graph_of(plan, phase)
        for source, target, data in graph.edges(data=True):
            target_unit = by_command[target].unit
            if (
                graph.nodes[source]["present"]
                and target_unit is not None
                and not available(target_unit, phase)
            ):
                edge = data["statement"]
                absent.setdefault(id(edge), (edge, source, []))[2].append(phase.name)
        for component in nx.strongly_connected_components(graph):
            looped = len(component) > 1 or any(graph.has_edge(n, n) for n in component)
            if looped:
                hops = [data["statement"] for _, _, data in _cycle_edges(graph.subgraph(component))]
                key = tuple(sorted(component))
                cycles.setdefault(key, ([], hops))[0].append(phase.name)
        for node, data in graph.nodes(data=True):
            unit = by_command[node].unit
            outside = unit is not None and unit.force not in escalating
            if (
                data["present"]
                and not data["final"]
                and graph.out_degree(node) == 0
                and not outside
            ):
                dead[node].append(phase.name)
        chain = _longest_chain(graph, guarding.get(phase.name, set()))
        if len(chain) - 1 > longest[0]:
            longest = (len(chain) - 1, chain, phase.name)
    problems = [
        _absent(edge, source, phases, by_command[edge.target], plan)
        for edge, source, phases in absent.values()
    ]
    problems += [_cycle(phases, hops) for phases, hops in cycles.values()]
    problems += [_dead_end(by_command[name], phases) for name, phases in dead.items()]
    if longest[0] > plan.info.escalation_limit:
        problems.append(_too_long(plan, *longest))
    return problems


def _cycle_edges(graph: nx.DiGraph[str]) -> list[tuple[str, str, dict[str, m.Escalation]]]:
    start = min(graph.nodes)
    cycle = nx.find_cycle(graph, source=start)
    return [(a, b, graph.edges[a, b]) for a, b in cycle]


def _longest_chain(graph: nx.DiGraph[str], guarding: set[str]) -> list[str]:
    """The longest loop-free chain to a final unit, counting a site's hop to its guard."""
    acyclic = graph.copy()
    for component in nx.strongly_connected_components(graph):
        if len(component) > 1:
            acyclic.remove_nodes_from(component)
    acyclic.remove_edges_from(list(nx.selfloop_edges(acyclic)))
    depth: dict[str, list[str]] = {}
    for node in reversed(list(nx.topological_sort(acyclic))):
        successors = [depth[s] for s in acyclic.successors(node)]
        depth[node] = [node, *max(successors, key=len)] if successors else [node]
    best: list[str] = []
    for node, chain in depth.items():
        candidate = ["a site", *chain] if node in guarding else chain
        if len(candidate) > len(best):
            best = candidate
    return best


def _absent(
    edge: m.Escalation, source: str, phases: list[str], target: Command, plan: m.Plan
) -> Diagnostic:
    unit = target.unit
    assert unit is not None
    when = []
    if unit.available_from:
        when.append(f"from {unit.available_from:%Y-%m-%d %H:%M}")
    if unit.available_until:
        when.append(f"until {unit.available_until:%Y-%m-%d %H:%M}")
    there = [p.name for p in plan.phases if available(unit, p)]
    suggestion = (
        (
            f"qualify this edge with `during {', '.join(there)}` and give `{source}` "
            "another edge for the other phases"
        )
        if there
        else f"escalate `{source}` to a unit that is there"
    )
    return Diagnostic(
        code=codes.UNAVAILABLE_ESCALATION,
        message=f"`{source}` escalates to `{unit.name}` in {', '.join(f'`{p}`' for p in phases)}, "
        f"but `{unit.name}` is not there then",
        span=edge.span,
        label=f"`{unit.name}` is there only {' '.join(when)}",
        related=(Label(span=unit.span, message=f"`{unit.name}` is defined here"),),
        help=suggestion,
    )


def _cycle(phases: list[str], hops: list[m.Escalation]) -> Diagnostic:
    names = [hop.target for hop in hops]
    loop = " -> ".join([names[-1], *names])
    return Diagnostic(
        code=codes.ESCALATION_CYCLE,
        message=f"escalation runs in a loop in {', '.join(f'`{p}`' for p in phases)}: {loop}",
        span=hops[0].span,
        label=f"escalates to `{hops[0].target}`",
        related=tuple(Label(span=hop.span, message=f"then to `{hop.target}`") for hop in hops[1:]),
        help="make one unit of the loop escalate upward to a `final` authority instead",
    )


def _dead_end(command: Command, phases: list[str]) -> Diagnostic:
    qualified = [e for e in command.escalations if e.during]
    note = (
        (f"its only edges are for {', '.join(sorted({p for e in qualified for p in e.during}))}",)
        if qualified
        else ()
    )
    return Diagnostic(
        code=codes.DEAD_END,
        message=f"`{command.name}` escalates to nobody in {', '.join(f'`{p}`' for p in phases)} "
        "and is not `final`",
        span=command.span,
        label="a report stops here",
        notes=note,
        help="add `escalates to UNIT` (for every phase), or mark it `final` if it decides",
    )


def _too_long(plan: m.Plan, hops: int, chain: list[str], phase: str) -> Diagnostic:
    return Diagnostic(
        code=codes.CHAIN_TOO_LONG,
        message=f"an escalation chain in `{phase}` has {hops} hops, more than the limit "
        f"{plan.info.escalation_limit}: {' -> '.join(chain)}",
        span=plan.info.span,
        label=f"escalation limit {plan.info.escalation_limit}",
        help="shorten the chain, or raise `escalation limit` in the plan block deliberately",
    )
