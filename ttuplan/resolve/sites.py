"""Site tables: `sites "data/tps.csv"` rows checked and turned into Site values."""

from __future__ import annotations

import csv
import re
from operator import attrgetter, itemgetter

from ttuplan import progress
from ttuplan.diagnostics.builders.data import bad_cell, duplicate_id
from ttuplan.diagnostics.model import Diagnostic
from ttuplan.model import Site
from ttuplan.resolve.names import Symbols
from ttuplan.resolve.tables import ID_PATTERN, Row, Table, check_reference, number_cell
from ttuplan.source import SourceMap, Span

_IDS = re.compile(r"(?:[a-z_][a-z0-9_]*\n)*")  # ID_PATTERN, for every id of a table at once
_LINE = attrgetter("span.line")
_ID = itemgetter(Site._fields.index("id"))
REQUIRED = ("id", "name", "kind", "district", "risk")
OPTIONAL = ("village", "voters", "lat", "lon", "note")


def load_site_table(  # noqa: PLR0915 (one flat loop on purpose: it runs per row)
    path: str,
    text: str,
    symbols: Symbols,
    seen: dict[str, Span],
    sources: SourceMap,
    *,
    fast: bool = True,
) -> tuple[list[Site], list[Diagnostic]]:
    """The valid sites of one table and the problems found in it; `seen` holds every site
    id so far, for duplicates.

    A row that passes every check cheaply (the common case, and most of a national table's
    time) becomes a Site at once; any other row goes through the slow path, which finds
    and reports exactly what is wrong with it. This loop runs once per row of a national
    table (820,000), so it reads the csv module's rows itself, builds the tuples directly
    (no NamedTuple `__new__` call) and checks the ids' spelling in one pass at the end.
    `fast=False` sends every row down the slow path (the tests compare the two).
    """
    table = Table(path, text, sources, REQUIRED, OPTIONAL)
    if not table.ok:
        return [], table.problems
    valid = {kind: symbols.names_of(kind) for kind in ("kind", "district", "risk")}
    uses: dict[str, dict[str, int]] = {
        kind: dict.fromkeys(names, 0) for kind, names in valid.items()
    }
    kinds, districts, risks = valid["kind"], valid["district"], valid["risk"]
    taken = symbols.names_of("site") | kinds  # the namespace site ids share
    quick_kinds = kinds if fast else set()
    at = {column: index for index, column in enumerate(table.columns)}
    i_id, i_name, i_kind, i_district, i_risk = (at[c] for c in REQUIRED)
    i_village, i_voters, i_lat, i_lon, i_note = (at.get(c) for c in OPTIONAL)
    columns, count, offset = table.columns, len(table.columns), table.header_line
    lines = text.count("\n") + 1
    sites: list[Site] = []
    quick: list[Site] = []
    append, new = quick.append, tuple.__new__
    reader = csv.reader(table.stream)
    line = offset
    try:
        for raw in reader:
            line = reader.line_num + offset
            if len(raw) != count:
                table.irregular(raw, line)
                continue
            if not line & 0xFFFF:  # every 65,536 lines
                progress.stage(None, line / lines)
            site_id, kind = raw[i_id].strip(), raw[i_kind]
            district, risk = raw[i_district], raw[i_risk]
            if (
                kind in quick_kinds
                and district in districts
                and risk in risks
                and site_id not in seen
                and site_id not in taken
            ):
                try:  # the slow path's cell rules; a cell of only spaces goes slow
                    voters = lat = lon = None
                    if i_voters is not None and raw[i_voters]:
                        voters = _whole(raw[i_voters])
                    lat_text = raw[i_lat] if i_lat is not None else ""
                    lon_text = raw[i_lon] if i_lon is not None else ""
                    if lat_text or lon_text:
                        lat, lon = _latitude(lat_text), _longitude(lon_text)
                        if lat is None or lon is None:
                            raise ValueError
                except ValueError:
                    pass
                else:
                    span = new(Span, (path, line, 1, line, sum(map(len, raw)) + count))
                    seen[site_id] = span
                    append(
                        new(
                            Site,
                            (
                                site_id,
                                raw[i_name],
                                kind,
                                district,
                                risk,
                                raw[i_village] if i_village is not None else "",
                                voters,
                                lat,
                                lon,
                                raw[i_note] if i_note is not None else "",
                                span,
                            ),
                        )
                    )
                    continue
            table.records += 1
            table.last_line = line
            row = Row(line, dict(zip(columns, raw, strict=True)), raw)
            site = _slow_row(table, row, symbols, seen, valid, uses)
            if site is not None:
                sites.append(site)
    except csv.Error as error:
        table.unreadable(line + 1, error)
    table.records += len(quick)
    table.last_line = max(table.last_line, quick[-1].span.line if quick else 0)
    return _wrap_up(table, sites, quick, symbols, seen, uses), table.problems


def _wrap_up(
    table: Table,
    sites: list[Site],
    fast: list[Site],
    symbols: Symbols,
    seen: dict[str, Span],
    uses: dict[str, dict[str, int]],
) -> list[Site]:
    """Both paths' sites in table order, the names rows refer to marked used (as the
    slow path does, a row rejected for its id still uses them), the table finished."""
    for kind in ("kind", "district", "risk"):
        cell = itemgetter(Site._fields.index(kind))
        for name in {*map(cell, fast), *(n for n, c in uses[kind].items() if c)}:
            symbols.add_uses(kind, name)
    if not sites:  # the usual case: every row took the fast path, in table order
        sites = _spelled_ids(table, fast, symbols, seen)
    else:
        sites.extend(_spelled_ids(table, fast, symbols, seen))
        sites.sort(key=_LINE)
    table.finish()
    return sites


def _spelled_ids(
    table: Table, sites: list[Site], symbols: Symbols, seen: dict[str, Span]
) -> list[Site]:
    """The sites whose id is snake_case; the others reported, as the slow path would."""
    if _IDS.fullmatch("\n".join(map(_ID, sites)) + "\n") is not None:
        return sites
    good = []
    for site in sites:
        if ID_PATTERN.fullmatch(site.id):
            good.append(site)
        else:
            del seen[site.id]
            _check_id(table, site.span.line, site.id, symbols, seen)
    return good


def _slow_row(
    table: Table,
    row: Row,
    symbols: Symbols,
    seen: dict[str, Span],
    valid: dict[str, set[str]],
    uses: dict[str, dict[str, int]],
) -> Site | None:
    """Check a row cell by cell, reporting every problem; the Site if it has none."""
    path = table.path
    cells = row.cells
    site_id = cells["id"].strip()
    ok = _check_id(table, row.line, site_id, symbols, seen)
    for column in ("kind", "district", "risk"):
        if check_reference(table, row, column, symbols, column, valid[column]):
            uses[column][cells[column]] += 1
        else:
            ok = False
    voters_ok, voters = number_cell(table, row, "voters", _whole, "a whole number of voters")
    lat_ok, lat = number_cell(table, row, "lat", _latitude, "a latitude (-90 to 90)")
    lon_ok, lon = number_cell(table, row, "lon", _longitude, "a longitude (-180 to 180)")
    if lat_ok and lon_ok and (lat is None) != (lon is None):
        missing = "lon" if lon is None else "lat"
        table.report(
            row.line,
            missing,
            bad_cell,
            "empty-coordinate",
            what=missing,
        )
        lat_ok = False
    if not (ok and voters_ok and lat_ok and lon_ok):
        return None
    span = row.span(path)
    seen[site_id] = span
    return Site(
        id=site_id,
        label=cells["name"],
        kind=cells["kind"],
        district=cells["district"],
        risk=cells["risk"],
        village=cells.get("village", ""),
        voters=int(voters) if voters is not None else None,
        lat=float(lat) if lat is not None else None,
        lon=float(lon) if lon is not None else None,
        note=cells.get("note", ""),
        span=span,
    )


def _check_id(
    table: Table, line: int, site_id: str, symbols: Symbols, seen: dict[str, Span]
) -> bool:
    if not ID_PATTERN.fullmatch(site_id):
        table.report(line, "id", bad_cell, "id", site_id)
        return False
    first = seen.get(site_id)
    declared = symbols.lookup(site_id, ("site",))
    if first is None and declared is not None:
        first = declared.span
    if first is not None:
        table.report(line, "id", duplicate_id, site_id, first)
        return False
    return True


# The cell rules both paths share: a value, None for one out of range, ValueError for
# one that is no number at all.


def _whole(text: str) -> int:
    value = int(text)
    if value < 0:
        raise ValueError(text)
    return value


def _latitude(text: str) -> float:
    value = float(text)
    if not -90 <= value <= 90:  # NaN compares false: out of range too
        raise ValueError(text)
    return value


def _longitude(text: str) -> float:
    value = float(text)
    if not -180 <= value <= 180:
        raise ValueError(text)
    return value
