"""Escalation: one directed graph per phase (networkx); every chain must reach a `final`
unit, without loops, through units that are there in that phase, within the plan's limit.

`analyse_escalation` finds, per phase, the edges (`domain.edges_in`: an edge `during P`
replaces a command's unqualified edges in P), the loops, the dead ends and the chains
longer than the limit (a site escalates to the unit that guards it, one hop more). The
analysis is kept in the Deployment: the rules below report from it, and the briefing,
Mermaid and `ttuplan graph` draw it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import replace

import networkx as nx

from ttuplan import model as m
from ttuplan.check.allocate import Allocation
from ttuplan.deployment import Escalation, PhaseEscalation
from ttuplan.diagnostics.builders.escalation import (
    chain_too_long,
    dead_end,
    escalation_cycle,
    unavailable_escalation,
)
from ttuplan.diagnostics.model import Diagnostic
from ttuplan.domain import (
    Command,
    available,
    commands,
    edges_in,
    escalates,
    escalating_forces,
    present,
)

SITE = "a site"  # the first hop of a chain that starts at a guarded site
HOPS_SHOWN = 12  # hops of a loop or chain written out in a message; the rest are counted


def analyse_escalation(plan: m.Plan, guarding: Mapping[str, set[str]] | None = None) -> Escalation:
    """The escalation graph of every phase; `guarding`: per phase, the units on posts."""
    everything = commands(plan)
    forces = escalating_forces(plan)
    phases = []
    # Phases with the same commands present, the same edges and the same guards have the
    # same analysis: worked out once (a plan may have thousands of phases).
    seen: dict[object, PhaseEscalation] = {}
    for phase in plan.phases:
        edges = tuple(
            (c.name, tuple(e.target for e in edges_in(c, phase.name))) for c in everything
        )
        there = tuple(present(c, phase) for c in everything)
        guards = frozenset((guarding or {}).get(phase.name, set()))
        key = (edges, there, guards)
        if key in seen:
            phases.append(replace(seen[key], phase=phase.name))
            continue
        graph = _graph(everything, phase)
        cycles = []
        for component in nx.strongly_connected_components(graph):
            if len(component) > 1 or any(graph.has_edge(n, n) for n in component):
                cycles.append(_cycle(graph.subgraph(component)))
        # A dead end: a command there, not final, escalating to nobody, that takes part in
        # escalation: its force has an escalation plan, or a command there escalates to it
        # (a chain that enters a force without one must still end at a final unit).
        dead = tuple(
            c.name
            for c in everything
            if graph.nodes[c.name]["present"]
            and not c.final
            and graph.out_degree(c.name) == 0
            and (
                escalates(c, forces)
                or any(graph.nodes[p]["present"] for p in graph.predecessors(c.name))
            )
        )
        seen[key] = PhaseEscalation(
            phase=phase.name,
            edges=tuple(graph.edges),
            present=frozenset(n for n, data in graph.nodes(data=True) if data["present"]),
            cycles=tuple(sorted(cycles)),
            dead_ends=dead,
            chains=_long_chains(graph, set(guards), plan.info.escalation_limit),
        )
        phases.append(seen[key])
    return Escalation(phases=tuple(phases))


def _graph(everything: list[Command], phase: m.Phase) -> nx.DiGraph[str]:
    graph: nx.DiGraph[str] = nx.DiGraph()
    for command in everything:
        graph.add_node(command.name, present=present(command, phase))
    for command in everything:
        for edge in edges_in(command, phase.name):
            graph.add_edge(command.name, edge.target)
    return graph


def _cycle(component: nx.DiGraph[str]) -> tuple[str, ...]:
    """A loop's commands in escalation order, from the first by name."""
    start = min(component.nodes)
    return tuple(a for a, _ in nx.find_cycle(component, source=start))


def _long_chains(
    graph: nx.DiGraph[str], guarding: set[str], limit: int
) -> tuple[tuple[str, ...], ...]:
    """The longest loop-free chain from each place a report can start (a command nobody
    escalates to, or a guarded site), where it is longer than `limit` hops."""
    acyclic = graph.copy()
    for component in nx.strongly_connected_components(graph):
        if len(component) > 1:
            acyclic.remove_nodes_from(component)
    acyclic.remove_edges_from(list(nx.selfloop_edges(acyclic)))
    longest: dict[str, tuple[str, ...]] = {}
    for node in reversed(list(nx.topological_sort(acyclic))):
        after = [longest[s] for s in acyclic.successors(node)]
        longest[node] = (node, *max(after, key=lambda c: (len(c), c))) if after else (node,)
    found = []
    for node, chain in longest.items():
        if node in guarding:
            start = (SITE, *chain)
        elif acyclic.in_degree(node):
            continue  # a chain through it is counted from where it starts
        else:
            start = chain
        if len(start) - 1 > limit:
            found.append(start)
    return tuple(sorted(found))


# ── the rules ──


def loops(plan: m.Plan, allocation: Allocation) -> Iterable[Diagnostic]:
    """TP501: a loop, once for all the phases it is in, every hop at its statement."""
    where: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for phase in allocation.deployment.escalation.phases:
        for cycle in phase.cycles:
            where[cycle].append(phase.phase)
    statements = _statements(plan) if where else {}
    for cycle, phases in where.items():
        hops = [
            statements[(a, b, phases[0])]
            for a, b in zip(cycle, (*cycle[1:], cycle[0]), strict=True)
        ]
        names = [*cycle, cycle[0]]
        shown = " -> ".join(names[: HOPS_SHOWN + 1])
        if len(names) > HOPS_SHOWN + 1:
            shown += f" -> ... ({len(names) - HOPS_SHOWN - 1:,} more hops)"
        yield escalation_cycle(
            _phases(phases), shown, tuple((hop.target, hop.span) for hop in hops), HOPS_SHOWN
        )


def dead_ends(plan: m.Plan, allocation: Allocation) -> Iterable[Diagnostic]:
    """TP502: a command that escalates to nobody in some phase and is not final."""
    by_name = {c.name: c for c in commands(plan)}
    where: dict[str, list[str]] = defaultdict(list)
    for phase in allocation.deployment.escalation.phases:
        for name in phase.dead_ends:
            where[name].append(phase.phase)
    for name, phases in where.items():
        command = by_name[name]
        qualified = sorted({p for e in command.escalations for p in e.during})
        yield dead_end(command.span, name, _phases(phases), qualified)


def long_chains(plan: m.Plan, allocation: Allocation) -> Iterable[Diagnostic]:
    """TP503: each chain longer than the limit, once for all its phases, at its first hop."""
    where: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for phase in allocation.deployment.escalation.phases:
        for chain in phase.chains:
            where[chain].append(phase.phase)
    if not where:
        return
    statements = _statements(plan)
    by_name = {c.name: c for c in commands(plan)}
    limit = plan.info.escalation_limit
    for chain, phases in where.items():
        start = 1 if chain[0] == SITE else 0
        first = statements.get((chain[start], chain[start + 1], phases[0]))
        span = first.span if first is not None else by_name[chain[start]].span
        shown = list(chain[: HOPS_SHOWN + 1])
        more = f" -> ... ({len(chain) - len(shown):,} more hops)" if len(chain) > len(shown) else ""
        yield chain_too_long(
            span, _phases(phases), len(chain) - 1, limit, " -> ".join(shown) + more, plan.info.span
        )


def unavailable_targets(plan: m.Plan, allocation: Allocation) -> Iterable[Diagnostic]:
    """TP504: an edge, in a phase its source is there, to a unit that is not there then."""
    units = {u.name: u for u in plan.units}
    phases = {p.name: p for p in plan.phases}
    everything = {c.name: c for c in commands(plan)}
    found: dict[int, tuple[m.Escalation, str, list[str]]] = {}
    for analysed in allocation.deployment.escalation.phases:
        phase = phases[analysed.phase]
        for source in everything.values():
            if source.name not in analysed.present:
                continue
            for edge in edges_in(source, phase.name):
                target = units.get(edge.target)
                if target is not None and not available(target, phase):
                    found.setdefault(id(edge), (edge, source.name, []))[2].append(phase.name)
    for edge, name, where in found.values():
        unit = units[edge.target]
        when = []
        if unit.available_from:
            when.append(f"from {unit.available_from:%Y-%m-%d %H:%M}")
        if unit.available_until:
            when.append(f"until {unit.available_until:%Y-%m-%d %H:%M}")
        there = [p.name for p in plan.phases if available(unit, p)]
        yield unavailable_escalation(
            edge.span, name, unit.name, _phases(where), when, there, unit.span
        )


def _statements(plan: m.Plan) -> dict[tuple[str, str, str], m.Escalation]:
    """(source, target, phase) -> the `escalates to` statement of that edge."""
    found: dict[tuple[str, str, str], m.Escalation] = {}
    for command in commands(plan):
        for phase in plan.phases:
            for edge in edges_in(command, phase.name):
                found.setdefault((command.name, edge.target, phase.name), edge)
    return found


def _phases(names: list[str]) -> str:
    return ", ".join(f"`{name}`" for name in names)
