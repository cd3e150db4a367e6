"""The Lark LALR parser for grammar/ttuplan.lark, built once per process.

The LALR tables ship beside the grammar as JSON (`grammar/ttuplan.tables.json`, written by
`python -m ttuplan.parse`), so start-up loads them instead of building them. Lark's
own cache (`cache=True`) is never used: it is a pickle at a predictable name in the shared
temporary folder, and loading a pickle that another local user planted runs their code.
JSON holds only data; tables that do not match the grammar's text or the installed Lark
are ignored and the parser is built in memory, as Lark does without a cache.
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path
from typing import Any

import lark
from lark import Lark
from lark.grammar import Rule
from lark.lexer import BasicLexer, TerminalDef

from ttuplan.resources import resource_dir

GRAMMAR_FILE = resource_dir("grammar") / "ttuplan.lark"
TABLES_FILE = GRAMMAR_FILE.with_name("ttuplan.tables.json")

OPTIONS: dict[str, Any] = {
    "parser": "lalr",
    "lexer": "basic",
    "propagate_positions": False,  # the builder works positions out itself, faster
    "maybe_placeholders": False,
}


def grammar_digest(text: str) -> str:
    """What the tables are built from: the grammar's text and the options."""
    options = json.dumps(OPTIONS, sort_keys=True)
    return hashlib.sha256(f"{text}\n{options}".encode()).hexdigest()


@functools.cache
def lark_parser() -> Lark:
    """The plan parser: LALR with a basic lexer, so tokens can be lexed once and re-fed."""
    text = GRAMMAR_FILE.read_text(encoding="utf-8")
    tables = shipped_tables(text)
    if tables is not None:
        # Lark's own loader for data-only tables (its standalone parsers use it too)
        loaded: Lark = Lark._load_from_dict(tables["data"], tables["memo"])  # type: ignore[no-untyped-call]
        return loaded
    return Lark(text, **OPTIONS)


def shipped_tables(text: str) -> dict[str, Any] | None:
    """The shipped tables if they were built from this grammar by this Lark, else None."""
    try:
        raw = TABLES_FILE.read_text(encoding="utf-8")
    except OSError:
        return None
    tables: dict[str, Any] = json.loads(raw)
    stamp = tables.get("stamp", {})
    if stamp.get("grammar") != grammar_digest(text) or stamp.get("lark") != lark.__version__:
        return None
    # JSON keys are strings. Lark looks states and memo entries up by the numbers stored
    # as values: those keys become numbers again. A state's moves keep string keys, as
    # the symbol table they index does (turning every key back took a third of the load).
    try:
        parser = tables["data"]["parser"]["parser"]
        parser["states"] = {int(state): moves for state, moves in parser["states"].items()}
        tables["memo"] = {int(number): value for number, value in tables["memo"].items()}
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    return tables


def build_tables(text: str) -> str:
    """The LALR tables of `text` as JSON, stamped with what they were built from; the
    same bytes for the same grammar (`_canonical`)."""
    data, memo = Lark(text, **OPTIONS).memo_serialize([TerminalDef, Rule])
    data["parser"]["parser"] = _canonical(data["parser"]["parser"])
    stamp = {"grammar": grammar_digest(text), "lark": lark.__version__}
    return json.dumps({"stamp": stamp, "data": data, "memo": memo}, separators=(",", ":")) + "\n"


def _canonical(table: dict[str, Any]) -> dict[str, Any]:
    """Lark's parse table numbered the same way every time. Lark numbers its states and
    symbols in the order it meets them in sets of objects, which differs from run to
    run: symbols are numbered here by name, and states in the order a walk from the
    start states meets them (each state's moves taken by symbol name)."""
    names: dict[int, str] = table["tokens"]
    symbol = {old: new for new, old in enumerate(sorted(names, key=names.__getitem__))}
    states: dict[int, dict[int, tuple[int, Any]]] = table["states"]
    number: dict[int, int] = {}
    queue = [table["start_states"][start] for start in sorted(table["start_states"])]
    while queue:
        state = queue.pop(0)
        if state in number:
            continue
        number[state] = len(number)
        for token in sorted(states[state], key=symbol.__getitem__):
            action, argument = states[state][token]
            if action == 0:  # shift (or go to): to another state
                queue.append(argument)
    for state in sorted(set(states) - set(number)):  # none in a grammar Lark accepts
        number[state] = len(number)

    def moves(actions: dict[int, tuple[int, Any]]) -> dict[int, tuple[int, Any]]:
        renumbered = {
            symbol[token]: (action, number[argument] if action == 0 else argument)
            for token, (action, argument) in actions.items()
        }
        return dict(sorted(renumbered.items()))

    order = sorted(states, key=number.__getitem__)
    return {
        "tokens": {new: names[old] for old, new in sorted(symbol.items(), key=lambda x: x[1])},
        "states": {number[old]: moves(states[old]) for old in order},
        "start_states": {k: number[v] for k, v in sorted(table["start_states"].items())},
        "end_states": {k: number[v] for k, v in sorted(table["end_states"].items())},
    }


@functools.cache
def keyword_terminals() -> dict[str, str]:
    """Keyword terminal name to its word (`STRENGTH` -> `strength`)."""
    words: dict[str, str] = {}
    for terminal in lark_parser().terminals:
        pattern = terminal.pattern
        if pattern.type == "str" and pattern.value.isalpha():
            words[terminal.name] = pattern.value
    return words


def lark_lexer() -> BasicLexer:
    """The parser's own basic lexer, for lexing that resumes after a bad character."""
    lexer: BasicLexer = lark_parser().parser.lexer
    return lexer


def write_tables(path: Path = TABLES_FILE) -> None:
    """Rebuild the shipped tables after the grammar changed."""
    path.write_text(build_tables(GRAMMAR_FILE.read_text(encoding="utf-8")), encoding="utf-8")
