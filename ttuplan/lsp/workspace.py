"""The server's state: the editor's buffers over the disk, what was parsed (kept while
its text is unchanged), and each open plan's last check with its index of names.

An edit makes stale only the file it changed: that file is parsed again, every other
file's syntax tree is taken from the cache, and the plan is resolved and checked again
(the names and the allocation depend on every file, and are cheap next to parsing).
"""

from __future__ import annotations

import errno
import functools
import os
from collections import defaultdict
from dataclasses import field, replace

from ttuplan.api import CheckResult, PlanNotFound, check_plan, find_entry
from ttuplan.constants import ENTRY_NAME
from ttuplan.diagnostics.model import Diagnostic
from ttuplan.lsp.index import Index
from ttuplan.model import Site
from ttuplan.records import dataclass
from ttuplan.resolve.files import MAX_FILE_BYTES, Reader, TooLarge
from ttuplan.resolve.names import Key, Symbols
from ttuplan.source import SourceFile, SourceMap, Span
from ttuplan.syntax import nodes as n


@functools.lru_cache(maxsize=65536)
def real(path: str) -> str:
    """A path with links resolved, the key every file is known by here."""
    return os.path.realpath(path)


RELEASE_FROM_SITES = 100_000


class Overlay(Reader):
    """Reads the editor's buffer of a file when it has one, else the disk; parses a file
    only when its text changed since it was last parsed; records every name's use."""

    record_uses = True

    def __init__(self, buffers: dict[str, Buffer]) -> None:
        self.buffers = buffers
        self.parsed: dict[str, tuple[str, n.Module, tuple[Diagnostic, ...]]] = {}
        self.tables: dict[str, _Table] = {}

    def read(self, path: str) -> bytes:
        buffer = self.buffers.get(real(path))
        if buffer is None:
            return super().read(path)
        data = buffer.text.encode("utf-8")
        if len(data) > MAX_FILE_BYTES:
            raise TooLarge(errno.EFBIG, f"over {MAX_FILE_BYTES // 2**20} MiB", path)
        return data

    def module(self, text: str, path: str) -> tuple[n.Module, tuple[Diagnostic, ...]]:
        """Only the checking thread calls this; others call `peek`."""
        cached = self.parsed.get(path)
        if cached is not None and cached[0] == text:
            return cached[1], cached[2]
        module, problems = super().module(text, path)
        self.parsed[path] = (text, module, problems)
        return module, problems

    def site_table(
        self,
        path: str,
        text: str,
        symbols: Symbols,
        seen: dict[str, Span],
        sources: SourceMap,
    ) -> tuple[list[Site], list[Diagnostic]]:
        """A site table's sites, read again only if its text or the names its cells may
        name changed. Only a table that was first (no ids seen before it) and had no
        problems is kept: its sites and uses then depend on nothing else."""
        names = tuple(frozenset(symbols.names_of(kind)) for kind in TABLE_NAMES)
        kept = self.tables.get(path)
        if kept is not None and not seen and kept.names == names and kept.text == text:
            sources.add(path, kept.text)  # one copy of the text, not two
            seen.update(kept.seen)
            for key, count in kept.uses.items():
                symbols.uses[key] = symbols.uses.get(key, 0) + count
            return list(kept.sites), []
        first, used = not seen, dict(symbols.uses)
        sites, problems = super().site_table(path, text, symbols, seen, sources)
        if first and not problems:
            uses = {k: c - used.get(k, 0) for k, c in symbols.uses.items() if c != used.get(k)}
            self.tables[path] = _Table(text, names, tuple(sites), dict(seen), uses)
        else:
            self.tables.pop(path, None)
        return sites, problems

    def peek(self, text: str, path: str) -> n.Module:
        """A file's syntax tree, from the cache if its text is the same (any thread)."""
        cached = self.parsed.get(path)
        if cached is not None and cached[0] == text:
            return cached[1]
        return Reader().module(text, path)[0]

    def modules(self) -> dict[str, n.Module]:
        """Every cached syntax tree by path (a copy: the checking thread adds to it)."""
        return {path: entry[1] for path, entry in dict(self.parsed).items()}

    def forget_all_but(self, paths: set[str]) -> None:
        for path in [p for p in self.parsed if p not in paths]:
            del self.parsed[path]
        for path in [p for p in self.tables if p not in paths]:
            del self.tables[path]


TABLE_NAMES = ("kind", "district", "risk", "site")  # what a site table's cells may name


@dataclass(frozen=True, slots=True)
class _Table:
    """A site table as last read: its text, the names then defined, what it gave."""

    text: str
    names: tuple[frozenset[str], ...]
    sites: tuple[Site, ...]
    seen: dict[str, Span]
    uses: dict[Key, int]


@dataclass(slots=True)
class Buffer:
    text: str
    version: int | None
    lines: SourceFile | None = None  # made on first use


@dataclass
class PlanState:
    """A plan's newest check, and the index of the newest check whose files all parsed
    (navigation keeps working while a file has a syntax error)."""

    entry: str
    result: CheckResult
    index: Index | None
    files: frozenset[str]
    shown: dict[str, str]  # real path -> the path the check read it by (in its spans)
    published: set[str] = field(default_factory=set)


class Session:
    def __init__(self) -> None:
        self.buffers: dict[str, Buffer] = {}
        self.reader = Overlay(self.buffers)
        self.plans: dict[str, PlanState] = {}

    # ── buffers ──
    def put(self, path: str, text: str, version: int | None) -> None:
        self.buffers[path] = Buffer(text, version)

    def drop(self, path: str) -> None:
        self.buffers.pop(path, None)

    def source(self, path: str) -> SourceFile | None:
        """A file (real path): the editor's buffer, else what the last check read, else
        the disk."""
        buffer = self.buffers.get(path)
        if buffer is not None:
            if buffer.lines is None:
                buffer.lines = SourceFile(path, buffer.text)
            return buffer.lines
        for state in self.plans.values():
            shown = state.shown.get(path)
            if shown is not None:
                return state.result.sources.get(shown)
        try:
            with open(path, encoding="utf-8") as handle:
                return SourceFile(path, handle.read())
        except (OSError, UnicodeDecodeError):
            return None

    def text(self, path: str) -> str | None:
        source = self.source(path)
        return source.text if source else None

    def line(self, path: str, number: int) -> str:
        """A 1-based line of a file ('' past its end)."""
        source = self.source(real(path))
        return source.line_text(number) if source else ""

    # ── plans ──
    def plan_of(self, path: str) -> str | None:
        """The entry file of the plan a file belongs to (None: no plan reads it)."""
        for entry, state in self.plans.items():
            if path in state.files:
                return entry
        if not path.endswith(".ttup"):
            return _plan_above(path)  # a table: the plan of its folder or one above
        try:
            return real(find_entry(path))
        except PlanNotFound:
            return None

    def state_of(self, path: str) -> PlanState | None:
        entry = self.plan_of(path)
        return self.plans.get(entry) if entry else None

    def check(self, entry: str) -> PlanState:
        """Check a plan from the buffers; keep what it parsed, and its index if it resolved."""
        previous = self._release(entry)
        result = check_plan(entry, reader=self.reader)
        index = previous.index if previous else None
        if result.symbols is not None and result.plan is not None:
            index = Index.of(result.symbols, result.sources, real)
        elif index is None:
            paths = result.sources.paths()
            parsed = self.reader.parsed
            index = Index.of_modules((parsed[p][1] for p in paths if p in parsed), real)
        shown = {real(p): p for p in result.sources.paths()}
        files = frozenset(shown) | {entry}
        published = previous.published if previous else set()
        state = PlanState(entry, result, index, files, shown, published)
        self.plans[entry] = state
        self.reader.forget_all_but(
            {p for s in self.plans.values() for p in s.result.sources.paths()}
        )
        return state

    def _release(self, entry: str) -> PlanState | None:
        """Release a large plan's last plan and allocation while the next is made, so that
        a re-check's peak stays near a check's (nationally 1.7x otherwise); the index and
        the diagnostics stay, and hover answers again once the check is done."""
        previous = self.plans.get(entry)
        plan = previous.result.plan if previous else None
        if previous is None or plan is None or len(plan.sites) < RELEASE_FROM_SITES:
            return previous
        light = replace(previous.result, plan=None, allocation=None, symbols=None)
        self.plans[entry] = replace(previous, result=light)
        return self.plans[entry]

    def close_plans_without_buffers(self) -> list[PlanState]:
        """Forget plans none of whose files is open any more; their diagnostics stay
        published until cleared by the caller."""
        gone = [s for s in self.plans.values() if not any(p in self.buffers for p in s.files)]
        for state in gone:
            del self.plans[state.entry]
        return gone


def _plan_above(path: str) -> str | None:
    folder = os.path.dirname(path)
    while True:
        candidate = os.path.join(folder, ENTRY_NAME)
        if os.path.isfile(candidate):
            return real(candidate)
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def by_file(state: PlanState) -> dict[str, list[Diagnostic]]:
    """A plan's diagnostics by real path (one with no place goes on the entry file)."""
    found: dict[str, list[Diagnostic]] = defaultdict(list)
    for diagnostic in state.result.diagnostics:
        path = real(diagnostic.span.file) if diagnostic.span else state.entry
        found[path].append(diagnostic)
    return found
