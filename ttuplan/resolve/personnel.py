"""Personnel tables: `personnel "data/personel.csv"` rows (nrp,name,rank,unit,phone)."""

from __future__ import annotations

from ttuplan.diagnostics import codes
from ttuplan.diagnostics.model import Diagnostic, Label
from ttuplan.model import Person
from ttuplan.resolve.names import Symbols
from ttuplan.resolve.tables import Table, check_reference
from ttuplan.source import SourceMap, Span

REQUIRED = ("nrp", "name", "rank", "unit")
OPTIONAL = ("phone", "shift")


def load_personnel(
    path: str,
    text: str,
    symbols: Symbols,
    seen: dict[str, Span],
    sources: SourceMap,
    problems: list[Diagnostic],
) -> list[Person]:
    """The valid people of one table; `seen` holds every NRP so far, for duplicates."""
    table = Table(path, text, sources, problems, REQUIRED, OPTIONAL)
    if not table.ok:
        return []
    units = symbols.names_of("unit")
    people: list[Person] = []
    for row in table.rows():
        nrp = row.cells["nrp"].strip()
        ok = check_reference(table, row, "unit", symbols, "unit", units)
        if not nrp or not row.cells["name"].strip():
            column = "nrp" if not nrp else "name"
            table.report(
                codes.BAD_CELL,
                row.line,
                column,
                message=f"the {column} cell is empty",
                label="empty",
                help="every person needs an NRP and a name",
            )
            continue
        if nrp in seen:
            table.report(
                codes.DUPLICATE_ID,
                row.line,
                "nrp",
                message=f"the NRP `{nrp}` is listed twice",
                label="listed again here",
                help="list every person once",
                related=(Label(span=seen[nrp], message="first here"),),
            )
            continue
        if not ok:
            continue
        span = row.span(path)
        seen[nrp] = span
        symbols.add_uses("unit", row.cells["unit"])
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
                span=span,
            )
        )
    table.finish()
    return people
