"""Where each name is defined and used: the resolver's own record of the .ttup files (every
use it checked, with the definition it found), and the CSV tables' cells read on demand."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import field

from ttuplan.records import dataclass
from ttuplan.resolve.names import NAMESPACES, Definition, Key, Symbols
from ttuplan.source import SourceMap, Span
from ttuplan.syntax import nodes as n

# The namespace of the names each table column holds. A header with `risk` and `district`
# is a site table, one with `nrp` a personnel table.
SITE_COLUMNS = {"id": "target", "kind": "target", "district": "district", "risk": "risk"}
PERSONNEL_COLUMNS = {"unit": "command", "district": "district"}


def key_of(kind: str, name: str) -> Key:
    return (NAMESPACES[kind], name)


@dataclass
class Index:
    """Definitions and uses by name, and by place (file, line) for the cursor."""

    definitions: dict[Key, Definition]
    uses: dict[Key, list[Span]] = field(default_factory=lambda: defaultdict(list))
    by_line: dict[tuple[str, int], list[tuple[int, int, Key, bool]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    tables: dict[str, dict[int, str]] = field(default_factory=dict)  # path -> column -> namespace

    @classmethod
    def of(cls, symbols: Symbols, sources: SourceMap, real: Callable[[str], str]) -> Index:
        index = cls(definitions=dict(symbols.definitions))
        for key, definition in symbols.definitions.items():
            index._place(key, definition.span, real, True)
        for key, span in symbols.places or ():
            index.uses[key].append(span)
            index._place(key, span, real, False)
        for path in sources.paths():
            if not path.endswith(".ttup"):
                source = sources.get(path)
                columns = table_columns(source.text) if source else None
                if columns:
                    index.tables[real(path)] = columns[1]
        return index

    @classmethod
    def of_modules(cls, modules: Iterable[n.Module], real: Callable[[str], str]) -> Index:
        """Only the definitions, from syntax trees: while a plan has never parsed whole."""
        index = cls(definitions={})
        for module in modules:
            for declaration in module.declarations:
                if isinstance(declaration, n.Block | n.Phase):
                    kind = "phase" if isinstance(declaration, n.Phase) else declaration.keyword
                    name = declaration.name
                    key = key_of(kind, name.value)
                    if key not in index.definitions:
                        index.definitions[key] = Definition(name.value, kind, name.span)
                        index._place(key, name.span, real, True)
        return index

    def _place(self, key: Key, span: Span, real: Callable[[str], str], defines: bool) -> None:
        place = (span.column, span.end_column, key, defines)
        self.by_line[(real(span.file), span.line)].append(place)

    def at(self, path: str, line: int, column: int) -> Key | None:
        """The name at a 1-based line and column of a .ttup file."""
        found = self.place(path, line, column)
        return found[0] if found else None

    def place(self, path: str, line: int, column: int) -> tuple[Key, bool] | None:
        """The name at a place, and whether it is defined there."""
        for start, end, key, defines in self.by_line.get((path, line), ()):
            if start <= column <= end:
                return key, defines
        return None


def table_columns(text: str) -> tuple[int, dict[int, str]] | None:
    """The header line (1-based) of a table and the columns that hold names."""
    for number, line in enumerate(io.StringIO(text), start=1):  # lazily: tables are big
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        header = [cell.strip() for cell in next(csv.reader([line]), [])]
        if "risk" in header and "district" in header:
            wanted = SITE_COLUMNS
        elif "nrp" in header:
            wanted = PERSONNEL_COLUMNS
        else:
            return None
        return number, {i: wanted[c] for i, c in enumerate(header) if c in wanted}
    return None


def table_cells(text: str, key: Key) -> Iterator[tuple[int, int, int]]:
    """The cells of a table that hold `key`'s name: (1-based line, start, end), 0-based
    characters of the value without its quotes."""
    from ttuplan.lsp.text import cells

    found = table_columns(text)
    if found is None:
        return
    header, columns = found
    wanted = [i for i, namespace in columns.items() if namespace == key[0]]
    if not wanted:
        return
    name = key[1]
    for number, line in enumerate(text.splitlines(), start=1):
        if number <= header or name not in line:
            continue
        bounds = cells(line)
        for column in wanted:
            if column < len(bounds):
                start, end = bounds[column]
                value = line[start:end]
                if value.strip() == name:
                    offset = len(value) - len(value.lstrip())
                    yield number, start + offset, start + offset + len(name)


def cell_key(columns: dict[int, str], line: str, character: int) -> Key | None:
    """The name in the table cell under the cursor, if its column holds names."""
    from ttuplan.lsp.text import cells

    for column, (start, end) in enumerate(cells(line)):
        if start <= character <= end and column in columns:
            value = line[start:end].strip()
            return (columns[column], value) if value else None
    return None
