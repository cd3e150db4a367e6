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
    tables: dict[str, Any] = json.loads(raw, object_pairs_hook=_numeric_keys)
    stamp = tables.get("stamp", {})
    if stamp.get("grammar") != grammar_digest(text) or stamp.get("lark") != lark.__version__:
        return None
    return tables


def _numeric_keys(pairs: list[tuple[str, Any]]) -> dict[Any, Any]:
    """JSON keys are strings; Lark's state and memo numbers come back as ints."""
    return {int(key) if key.isdigit() else key: value for key, value in pairs}


def build_tables(text: str) -> str:
    """The LALR tables of `text` as JSON, stamped with what they were built from."""
    data, memo = Lark(text, **OPTIONS).memo_serialize([TerminalDef, Rule])
    stamp = {"grammar": grammar_digest(text), "lark": lark.__version__}
    return json.dumps({"stamp": stamp, "data": data, "memo": memo}, separators=(",", ":")) + "\n"


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
