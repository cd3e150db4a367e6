"""Stage 3: files and names to a resolved Plan (includes, tables, references, unused names)."""

from __future__ import annotations

from operator import itemgetter
from typing import TypeVar

from ttuplan import model as m
from ttuplan import progress
from ttuplan.diagnostics.builders.names import duplicate_definition, missing_statement
from ttuplan.diagnostics.model import Diagnostic
from ttuplan.records import dataclass
from ttuplan.resolve.assemble import Assembler
from ttuplan.resolve.files import DISK, PlanFolder, Reader, load_modules, read_text
from ttuplan.resolve.hierarchy import parent_loops
from ttuplan.resolve.names import Symbols
from ttuplan.resolve.personnel import load_personnel
from ttuplan.source import SourceMap, Span
from ttuplan.syntax import nodes as n


@dataclass(frozen=True, slots=True)
class Resolved:
    """A resolved plan (None when the plan could not be read far enough) and its problems,
    in the order found (the pipeline's Reporter caps and orders them)."""

    plan: m.Plan | None
    diagnostics: tuple[Diagnostic, ...]
    sources: SourceMap
    symbols: Symbols | None = None  # every name defined (and, if recorded, used), and where


def resolve(entry: str, reader: Reader = DISK) -> Resolved:
    """Read the plan whose entry file is `entry`, with everything it includes and names;
    `reader` reads and parses each file (an editor's gives its unsaved buffers)."""
    sources = SourceMap()
    folder = PlanFolder.of(entry)
    with progress.part(0.0, 0.35):
        loaded = load_modules(entry, folder, sources, reader)
    problems = list(loaded.problems)
    if loaded.syntax_failed:
        return Resolved(None, tuple(problems), sources)
    symbols = Symbols(places=[] if reader.record_uses else None)
    declarations = loaded.declarations
    plans = [d for d in declarations if isinstance(d, n.Block) and d.keyword == "plan"]
    for declaration in declarations:
        if isinstance(declaration, n.Block | n.Phase):
            keyword = "phase" if isinstance(declaration, n.Phase) else declaration.keyword
            symbols.define(declaration.name.value, keyword, declaration.name.span)
    if not plans:
        problems.append(missing_statement(Span(entry, 1, 1, 1, 2), entry, "plan", "", entry=True))
        problems.extend(symbols.problems)
        return Resolved(None, tuple(problems), sources, symbols)
    for extra in plans[1:]:
        problems.append(duplicate_definition(extra.name.span, plans[0].name.span))

    site_ids: dict[str, Span] = {}
    nrps: dict[str, Span] = {}
    table_sites: list[m.Site] = []
    people: list[m.Person] = []
    tables = [d for d in declarations if isinstance(d, n.FileReference)]
    for number, declaration in enumerate(tables):
        progress.stage(f"reading {declaration.path.value}")
        path, problem = folder.locate(declaration.path, declaration.span.file)
        if path is None:
            if problem is not None:
                problems.append(problem)
            continue
        text = read_text(path, sources, declaration.path.span, reader)
        if isinstance(text, Diagnostic):
            problems.append(text)
            continue
        share = 0.6 / len(tables)
        with progress.part(0.35 + number * share, 0.35 + (number + 1) * share):
            if declaration.keyword == "sites":
                sites, found = reader.site_table(path, text, symbols, site_ids, sources)
                table_sites.extend(sites)
            else:
                listed, found = load_personnel(path, text, symbols, nrps, sources)
                people.extend(listed)
            problems.extend(found)
    progress.stage("assembling the plan", 0.95)

    assembler = Assembler(symbols=symbols, table_sites=set(map(itemgetter(0), table_sites)))
    plan = _assemble(declarations, plans[0], assembler, table_sites, people, sources)
    problems.extend(assembler.problems)
    problems.extend(parent_loops(assembler.parents, (unit.name for unit in plan.units)))
    problems.extend(symbols.unused())
    problems.extend(symbols.problems)
    return Resolved(plan, tuple(problems), sources, symbols)


def _assemble(
    declarations: list[n.Declaration],
    plan_block: n.Block,
    assembler: Assembler,
    table_sites: list[m.Site],
    people: list[m.Person],
    sources: SourceMap,
) -> m.Plan:
    forces: list[m.Force] = []
    kinds: list[m.Kind] = []
    risks: list[m.RiskClass] = []
    districts: list[m.District] = []
    sites: list[m.Site] = []
    units: list[m.Unit] = []
    rayons: list[m.Rayon] = []
    pools: list[m.Pool] = []
    phases: list[m.Phase] = []
    guards: list[m.Guard] = []
    shifts: list[m.Shift] = []
    for declaration in declarations:
        if isinstance(declaration, n.Phase):
            _keep(phases, assembler.phase(declaration))
        elif isinstance(declaration, n.Guard):
            _keep(guards, assembler.guard(declaration))
        elif isinstance(declaration, n.Shift):
            _keep(shifts, assembler.shift(declaration))
        elif isinstance(declaration, n.Block):
            name, label, span = declaration.name.value, declaration.label.value, declaration.span
            match declaration.keyword:
                case "force":
                    forces.append(m.Force(name=name, label=label, span=span))
                case "kind":
                    kinds.append(assembler.kind(declaration))
                case "risk":
                    risks.append(assembler.risk(declaration, len(risks)))
                case "district":
                    districts.append(assembler.district(declaration))
                case "site":
                    _keep(sites, assembler.site(declaration))
                case "unit":
                    _keep(units, assembler.unit(declaration))
                case "rayon":
                    rayons.append(assembler.rayon(declaration))
                case "pool":
                    pools.append(assembler.pool(declaration))
    return m.Plan(
        info=assembler.plan_info(plan_block),
        forces=tuple(forces),
        kinds=tuple(kinds),
        risks=tuple(risks),
        districts=tuple(districts),
        sites=(*sites, *table_sites),
        units=tuple(units),
        rayons=tuple(rayons),
        pools=tuple(pools),
        phases=tuple(phases),
        guards=tuple(guards),
        shifts=tuple(shifts),
        personnel=tuple(people),
        site_contacts=tuple(assembler.site_contacts),
        files=sources.paths(),
    )


T = TypeVar("T")


def _keep(into: list[T], value: T | None) -> None:
    if value is not None:
        into.append(value)
