"""Personnel tables: `personnel "data/personel.csv"` rows (nrp,name,rank,unit, and
optionally phone, shift, district, village, leader)."""

from __future__ import annotations

from ttuplan.diagnostics.builders.data import bad_cell, duplicate_id
from ttuplan.diagnostics.model import Diagnostic
from ttuplan.model import Person
from ttuplan.resolve.names import Symbols
from ttuplan.resolve.tables import Table, check_reference
from ttuplan.source import SourceMap, Span

REQUIRED = ("nrp", "name", "rank", "unit")
OPTIONAL = ("phone", "shift", "district", "village", "leader")
YES = frozenset({"1", "y", "ya", "yes", "true", "x"})  # the `leader` column
NO = frozenset({"", "0", "n", "no", "tidak", "false"})


def load_personnel(
    path: str,
    text: str,
    symbols: Symbols,
    seen: dict[str, Span],
    sources: SourceMap,
) -> tuple[list[Person], list[Diagnostic]]:
    """The valid people of one table and the problems found in it; `seen` holds every NRP
    so far, for duplicates."""
    table = Table(path, text, sources, REQUIRED, OPTIONAL)
    if not table.ok:
        return [], table.problems
    units = symbols.names_of("unit")
    districts = symbols.names_of("district")
    people: list[Person] = []
    for row in table.rows():
        nrp = row.cells["nrp"].strip()
        ok = check_reference(table, row, "unit", symbols, "unit", units)
        if row.cells.get("district", "").strip():
            ok = check_reference(table, row, "district", symbols, "district", districts) and ok
        leader = row.cells.get("leader", "").strip().lower()
        if leader not in YES | NO:
            table.report(row.line, "leader", bad_cell, "yes-no", leader)
            ok = False
        if not nrp or not row.cells["name"].strip():
            column = "nrp" if not nrp else "name"
            table.report(
                row.line,
                column,
                bad_cell,
                "empty-person",
                what=column,
            )
            continue
        if nrp in seen:
            table.report(row.line, "nrp", duplicate_id, nrp, seen[nrp], person=True)
            continue
        if not ok:
            continue
        span = row.span(path)
        seen[nrp] = span
        symbols.add_uses("unit", row.cells["unit"])
        if row.cells.get("district", "").strip():
            symbols.add_uses("district", row.cells["district"])
        people.append(
            Person(
                nrp=nrp,
                name=row.cells["name"].strip(),
                rank=row.cells["rank"].strip(),
                unit=row.cells["unit"],
                phone=row.cells.get("phone", "").strip(),
                shifts=tuple(
                    name.strip() for name in row.cells.get("shift", "").split(";") if name.strip()
                ),
                district=row.cells.get("district", "").strip(),
                village=row.cells.get("village", "").strip(),
                leader=leader in YES,
                span=span,
            )
        )
    table.finish()
    return people, table.problems
