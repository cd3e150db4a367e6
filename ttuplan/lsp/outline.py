"""The shape of one file for the editor: its outline (document symbols) and its semantic
tokens (keywords, labels, numbers, comments, and names coloured by what they name)."""

from __future__ import annotations

from collections.abc import Iterator

from lark import Token
from lark.exceptions import LarkError
from lsprotocol import types as t

from ttuplan.lsp.index import Index
from ttuplan.lsp.text import Columns
from ttuplan.parse.grammar import keyword_terminals, lark_parser
from ttuplan.parse.lexer import lex
from ttuplan.source import Span
from ttuplan.syntax import nodes as n

SYMBOL_KINDS = {
    "plan": t.SymbolKind.Namespace,
    "force": t.SymbolKind.Enum,
    "kind": t.SymbolKind.EnumMember,
    "risk": t.SymbolKind.Constant,
    "district": t.SymbolKind.Module,
    "site": t.SymbolKind.Field,
    "unit": t.SymbolKind.Class,
    "rayon": t.SymbolKind.Struct,
    "pool": t.SymbolKind.Struct,
    "phase": t.SymbolKind.Event,
}

# The semantic token legend: types by index, and the one modifier.
TOKEN_TYPES = (
    "keyword",
    "string",
    "number",
    "comment",
    "class",  # units, rayons, pools
    "namespace",  # districts
    "event",  # phases
    "enum",  # forces
    "enumMember",  # kinds and sites
    "type",  # risk classes
    "variable",  # any other name
    "operator",
)
TOKEN_MODIFIERS = ("declaration",)
_NAMESPACE_TYPES = {
    "command": "class",
    "district": "namespace",
    "phase": "event",
    "force": "enum",
    "target": "enumMember",
    "risk": "type",
}
_LITERALS = {"STRING": "string", "NUMBER": "number", "DATE": "number", "TIME": "number"}
_LITERALS |= {"DURATION": "number", "COMMENT": "comment", "RANGE": "operator"}


def _range(span: Span, lines: list[str], columns: Columns) -> t.Range:
    def position(line: int, column: int) -> t.Position:
        text = lines[line - 1] if 0 < line <= len(lines) else ""
        return t.Position(line=line - 1, character=columns.to_client(text, column - 1))

    return t.Range(
        start=position(span.line, span.column), end=position(span.end_line, span.end_column)
    )


def document_symbols(module: n.Module, text: str, columns: Columns) -> list[t.DocumentSymbol]:
    """The declarations of a file, with a phase's shifts below it."""
    lines = text.split("\n")
    found = []
    for declaration in module.declarations:
        if isinstance(declaration, n.Block | n.Phase):
            keyword = "phase" if isinstance(declaration, n.Phase) else declaration.keyword
            children = [
                _shift(statement, lines, columns)
                for statement in declaration.body or ()
                if isinstance(statement, n.Shift)
            ]
            found.append(
                t.DocumentSymbol(
                    name=declaration.name.value,
                    detail=f"{keyword} {declaration.label.value}",
                    kind=SYMBOL_KINDS[keyword],
                    range=_range(declaration.span, lines, columns),
                    selection_range=_range(declaration.name.span, lines, columns),
                    children=children or None,
                )
            )
        elif isinstance(declaration, n.Shift):  # a shift of every phase
            found.append(_shift(declaration, lines, columns))
        elif isinstance(declaration, n.FileReference):
            found.append(
                t.DocumentSymbol(
                    name=declaration.path.value,
                    detail=declaration.keyword,
                    kind=t.SymbolKind.File,
                    range=_range(declaration.span, lines, columns),
                    selection_range=_range(declaration.path.span, lines, columns),
                )
            )
    return found


def _shift(shift: n.Shift, lines: list[str], columns: Columns) -> t.DocumentSymbol:
    return t.DocumentSymbol(
        name=shift.name.value,
        detail=f"shift {shift.start.text} .. {shift.end.text}",
        kind=t.SymbolKind.Event,
        range=_range(shift.span, lines, columns),
        selection_range=_range(shift.name.span, lines, columns),
    )


def _tokens(text: str) -> Iterator[Token]:
    """Every token with the comments; a file with a bad character is lexed without them."""
    try:
        yield from list(lark_parser().lex(text, dont_ignore=True))
    except LarkError:
        yield from lex(text, "<tokens>")[0]


def semantic_tokens(text: str, path: str, index: Index | None, columns: Columns) -> list[int]:
    """The file's tokens in LSP's relative encoding (5 integers each)."""
    keywords = keyword_terminals()
    lines = text.split("\n")
    data: list[int] = []
    previous_line, previous_start = 0, 0
    for token in _tokens(text):
        kind = token.type
        modifiers = 0
        if kind in keywords:
            name = "keyword"
        elif kind in _LITERALS:
            name = _LITERALS[kind]
        elif kind == "NAME":
            found = index.place(path, token.line or 1, token.column or 1) if index else None
            name = _NAMESPACE_TYPES.get(found[0][0], "variable") if found else "variable"
            modifiers = 1 if found and found[1] else 0
        else:
            continue
        line = (token.line or 1) - 1
        source = lines[line] if line < len(lines) else ""
        start = columns.to_client(source, (token.column or 1) - 1)
        value = str(token).split("\n")[0]
        length = columns.to_client(source, (token.column or 1) - 1 + len(value)) - start
        delta_line = line - previous_line
        delta_start = start - previous_start if delta_line == 0 else start
        data += [delta_line, delta_start, length, TOKEN_TYPES.index(name), modifiers]
        previous_line, previous_start = line, start
    return data
