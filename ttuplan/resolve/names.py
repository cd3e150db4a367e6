"""The symbol table: every name a plan defines, what it is, where; and the checks on uses.

Each kind of declaration has its own names, except where one position of the language
accepts several kinds: kinds and sites share names, and so do units, rayons and pools.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterable
from dataclasses import field

from ttuplan.diagnostics.builders.names import (
    duplicate_definition,
    undefined_name,
    unused_definition,
    wrong_kind_of_name,
)
from ttuplan.diagnostics.model import Diagnostic
from ttuplan.records import dataclass
from ttuplan.source import Span

# What each declaration keyword defines, in words.
WORDS = {
    "plan": "the plan",
    "force": "a force",
    "kind": "a kind of site",
    "risk": "a risk class",
    "district": "a district",
    "site": "a site",
    "unit": "a unit",
    "rayon": "a rayon",
    "pool": "a pool",
    "phase": "a phase",
}
COMMANDS = ("unit", "rayon", "pool")  # in this order: messages list them the same every run
# Kinds of definitions that warn when nothing uses them.
MUST_BE_USED = ("force", "kind", "risk", "district")


@dataclass(frozen=True, slots=True)
class Definition:
    name: str
    kind: str
    span: Span


# Each kind of declaration names things in its namespace; kinds and sites share one (a
# `guard` names either), and so do units, rayons and pools (`escalates to` names any).
NAMESPACES = {
    "plan": "plan",
    "force": "force",
    "kind": "target",
    "site": "target",
    "risk": "risk",
    "district": "district",
    "unit": "command",
    "rayon": "command",
    "pool": "command",
    "phase": "phase",
}

Key = tuple[str, str]  # (namespace, name)


@dataclass
class Symbols:
    """Definitions by namespace and name (the first one wins), and how often each is used."""

    definitions: dict[Key, Definition] = field(default_factory=dict)
    uses: dict[Key, int] = field(default_factory=dict)
    problems: list[Diagnostic] = field(default_factory=list)  # what it found, for resolve
    places: list[tuple[Key, Span]] | None = None  # each use's place, when an editor asks

    def define(self, name: str, kind: str, span: Span) -> bool:
        """Record a definition; a second one of the same name is reported and ignored."""
        key = (NAMESPACES[kind], name)
        first = self.definitions.get(key)
        if first is not None:
            self.problems.append(
                duplicate_definition(
                    span,
                    first.span,
                    name,
                    WORDS.get(kind, kind),
                    WORDS.get(first.kind, first.kind),
                )
            )
            return False
        self.definitions[key] = Definition(name, kind, span)
        return True

    def lookup(self, name: str, kinds: Iterable[str]) -> Definition | None:
        """The definition of `name` in the namespaces of `kinds`, if any."""
        for namespace in _namespaces(tuple(kinds)):
            found = self.definitions.get((namespace, name))
            if found is not None:
                return found
        return None

    def names_of(self, kind: str) -> set[str]:
        return {d.name for d in self.definitions.values() if d.kind == kind}

    def add_uses(self, kind: str, name: str, count: int = 1) -> None:
        key = (NAMESPACES[kind], name)
        self.uses[key] = self.uses.get(key, 0) + count

    def use(self, name: str, kinds: Iterable[str], span: Span, what: str) -> bool:
        """Check that `name` is defined as one of `kinds`; `what` says where it is used."""
        allowed = tuple(kinds)
        definition = self.lookup(name, allowed) or self.lookup(name, NAMESPACES)
        if definition is None:
            self.problems.append(self.undefined(name, allowed, span, what))
            return False
        self.add_uses(definition.kind, name)
        if self.places is not None:
            self.places.append(((NAMESPACES[definition.kind], name), span))
        if definition.kind not in allowed:
            self.problems.append(
                wrong_kind_of_name(
                    span, name, WORDS[definition.kind], what, _either(allowed), definition.span
                )
            )
            return False
        return True

    def undefined(self, name: str, kinds: tuple[str, ...], span: Span, what: str) -> Diagnostic:
        candidates = [d.name for d in self.definitions.values() if d.kind in kinds]
        close = suggest(name, candidates)
        found = self.lookup(close, kinds) if close else None
        if close and found is not None:
            # The use was meant for `close`: do not also call that definition unused.
            self.add_uses(found.kind, close)
        return undefined_name(
            span,
            name,
            _either(kinds),
            kinds[0],
            what,
            found.span if close and found is not None else None,
            suggestion=close,
        )

    def unused(self) -> list[Diagnostic]:
        found = []
        for definition in self.definitions.values():
            key = (NAMESPACES[definition.kind], definition.name)
            if definition.kind in MUST_BE_USED and not self.uses.get(key):
                found.append(
                    unused_definition(definition.span, definition.name, WORDS[definition.kind])
                )
        return found


@functools.cache
def _namespaces(kinds: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(NAMESPACES[kind] for kind in kinds))


def suggest(name: str, candidates: Iterable[str]) -> str | None:
    """The closest candidate to a misspelled name, if any is close enough."""
    pool = list(candidates)
    if len(name) > 2 * max(map(len, pool), default=0):
        # A match at 0.75 is at most 1.67 times as long as its candidate; difflib would
        # index a longer name whole for nothing (ten million letters took 450 MB).
        return None
    lowered = name.lower()
    same_but_case = next((c for c in pool if c.lower() == lowered), None)
    if same_but_case is not None:  # `KOTA` for `kota`: found at once, difflib never would
        return same_but_case
    close = difflib.get_close_matches(name, pool, n=1, cutoff=0.75)
    return close[0] if close else None


def _either(kinds: tuple[str, ...]) -> str:
    words = [WORDS.get(k, k) for k in kinds]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]
