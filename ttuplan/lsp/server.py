"""The language server: pygls wiring from LSP requests to the session, the index and the
feature modules. Checks run in one worker thread, one at a time; edits that arrive while
a check runs, or right after it (`debounce_ms`), are coalesced into the next one.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import sys
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from lsprotocol import types as t
from pygls.lsp.server import LanguageServer

from ttuplan import __version__
from ttuplan.diagnostics.model import Diagnostic, Severity
from ttuplan.lsp import actions, complete, hover, outline
from ttuplan.lsp.index import cell_key, table_cells
from ttuplan.lsp.text import Columns, code_at, path_of, span_range, uri_of, word_at
from ttuplan.lsp.workspace import PlanState, Session, by_file, real
from ttuplan.parse.grammar import keyword_terminals
from ttuplan.resolve.names import WORDS, Key
from ttuplan.source import Span
from ttuplan.syntax.values import _snake

EXPLAIN_COMMAND = "ttuplan.explain"
EXPLAIN_SCHEME = "ttuplan-explain"  # a code's explanation, as the VS Code extension shows it
DEFAULT_DEBOUNCE_MS = 10
log = logging.getLogger(__name__)

_KIND_ITEMS = {
    "unit": t.CompletionItemKind.Class,
    "rayon": t.CompletionItemKind.Struct,
    "pool": t.CompletionItemKind.Struct,
    "district": t.CompletionItemKind.Module,
    "phase": t.CompletionItemKind.Event,
    "force": t.CompletionItemKind.Enum,
    "kind": t.CompletionItemKind.EnumMember,
    "site": t.CompletionItemKind.Field,
    "risk": t.CompletionItemKind.Constant,
}


class TtuplanServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("ttuplan", __version__)
        self.session = Session()
        self.columns = Columns()
        self.debounce = DEFAULT_DEBOUNCE_MS / 1000
        self.pending: dict[str, None] = {}  # plans to check, in the order asked
        self.runner: asyncio.Task[None] | None = None
        self.last_check = float("-inf")  # when the last check ended (the loop's clock)
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ttuplan-check")

    # ── checking ──
    def request_check(self, entry: str) -> None:
        self.pending[entry] = None
        if self.runner is None or self.runner.done():
            self.runner = asyncio.get_running_loop().create_task(self._run_checks())

    async def _run_checks(self) -> None:
        loop = asyncio.get_running_loop()
        while self.pending:
            # Debounced on the trailing edge only: the first keystroke after a quiet spell
            # is checked at once; keystrokes that come while a check runs, or within
            # `debounce` after it, wait and are checked together, on the newest text.
            quiet = loop.time() - self.last_check
            await asyncio.sleep(max(self.debounce - quiet, 0.0))
            entry = next(iter(self.pending))
            del self.pending[entry]
            try:
                # The state is read from the session, not passed back through the future:
                # futures sit in reference cycles that only the collector frees, and a
                # state held there could not be released during the next check.
                await loop.run_in_executor(self.worker, self._check, entry)
            except Exception as error:  # a bug: say so, keep serving
                log.exception("checking %s failed", entry)
                self.window_show_message(
                    t.ShowMessageParams(
                        type=t.MessageType.Error, message=f"ttuplan: checking failed: {error}"
                    )
                )
                continue
            finally:
                self.last_check = loop.time()
            self.publish(self.session.plans[entry])

    def _check(self, entry: str) -> None:
        self.session.check(entry)
        # What a check made is long-lived and holds no garbage cycles (a full collection
        # after a national check took 1.4 s and found none): out of the collector's
        # sight, or its next passes would walk millions of objects while the user types.
        # Freed plans still go by reference counting.
        gc.freeze()

    def publish(self, state: PlanState) -> None:
        """Every file of the plan with problems, and every open one (an empty list says
        it is clean), and those that had problems before and have none now."""
        groups = by_file(state)
        for path in sorted(state.published - set(groups)):
            self.text_document_publish_diagnostics(
                t.PublishDiagnosticsParams(uri=uri_of(path), diagnostics=[])
            )
        for path in sorted(state.files & set(self.session.buffers)):
            groups.setdefault(path, [])
        for path, found in groups.items():
            buffer = self.session.buffers.get(path)
            self.text_document_publish_diagnostics(
                t.PublishDiagnosticsParams(
                    uri=uri_of(path),
                    diagnostics=[self.lsp_diagnostic(d, state.entry) for d in found],
                    version=buffer.version if buffer else None,
                )
            )
        state.published = {path for path, found in groups.items() if found}

    def lsp_diagnostic(self, diagnostic: Diagnostic, entry: str) -> t.Diagnostic:
        span = diagnostic.span or Span(entry, 1, 1, 1, 1)
        message = diagnostic.message
        if diagnostic.label:
            message += f"\n{diagnostic.label}"
        message += "".join(f"\nnote: {note}" for note in diagnostic.notes)
        if diagnostic.help:
            message += f"\nhelp: {diagnostic.help}"
        code = diagnostic.code
        return t.Diagnostic(
            range=self.range(span),
            severity=t.DiagnosticSeverity.Error
            if code.severity is Severity.ERROR
            else t.DiagnosticSeverity.Warning,
            code=code.id,
            code_description=t.CodeDescription(href=f"{EXPLAIN_SCHEME}:{code.id}"),
            source="ttuplan",
            message=message,
            related_information=[
                t.DiagnosticRelatedInformation(
                    location=t.Location(uri=uri_of(label.span.file), range=self.range(label.span)),
                    message=label.message,
                )
                for label in diagnostic.related
            ]
            or None,
            tags=[t.DiagnosticTag.Unnecessary] if code.slug == "unused-definition" else None,
        )

    # ── places ──
    def range(self, span: Span) -> t.Range:
        return span_range(span, self.session.line, self.columns)

    def location(self, span: Span) -> t.Location:
        return t.Location(uri=uri_of(span.file), range=self.range(span))

    def at(self, uri: str, position: t.Position) -> tuple[str, str, int] | None:
        """The real path, the line's text and the 0-based character at a position."""
        path = path_of(uri)
        if path is None:
            return None
        line = self.session.line(path, position.line + 1)
        return path, line, self.columns.from_client(line, position.character)

    def key_at(self, uri: str, position: t.Position) -> tuple[PlanState, Key, Span] | None:
        """The name at a position (in a .ttup file or a table's cell) and where it is."""
        found = self.at(uri, position)
        if found is None:
            return None
        path, line, character = found
        state = self.session.state_of(path)
        if state is None or state.index is None:
            return None
        number = position.line + 1
        if path.endswith(".ttup"):
            word = word_at(line, character)
            if word is None:
                return None
            key = state.index.at(path, number, word[1] + 1)
            if key is None:
                return None
            return state, key, Span(path, number, word[1] + 1, number, word[2] + 1)
        columns = state.index.tables.get(path)
        key = cell_key(columns, line, character) if columns else None
        if key is None:
            return None
        start = line.find(key[1], max(line.rfind(",", 0, character) + 1, 0))
        return state, key, Span(path, number, start + 1, number, start + 1 + len(key[1]))

    def occurrences(self, state: PlanState, key: Key, declaration: bool = True) -> list[Span]:
        """Every place a name is written: definition, uses, table cells."""
        assert state.index is not None
        spans: list[Span] = []
        definition = state.index.definitions.get(key)
        if declaration and definition is not None:
            spans.append(definition.span)
        spans += state.index.uses.get(key, ())
        for path in state.index.tables:
            text = self.session.text(path)
            if text is not None:
                spans += [
                    Span(path, line, start + 1, line, end + 1)
                    for line, start, end in table_cells(text, key)
                ]
        return spans


def initialize(ls: TtuplanServer, params: t.InitializeParams) -> None:
    encoding = ls.workspace.position_encoding
    ls.columns = Columns(str(getattr(encoding, "value", encoding) or "utf-16"))
    settings = params.initialization_options
    if isinstance(settings, dict) and "debounce_ms" in settings:
        ls.debounce = max(float(settings["debounce_ms"]), 0.0) / 1000


def changed(ls: TtuplanServer, uri: str, text: str, version: int | None) -> None:
    path = path_of(uri)
    if path is None:
        return
    ls.session.put(path, text, version)
    entry = ls.session.plan_of(path)
    if entry is not None:
        ls.request_check(entry)


def did_open(ls: TtuplanServer, params: t.DidOpenTextDocumentParams) -> None:
    document = params.text_document
    changed(ls, document.uri, document.text, document.version)


def did_change(ls: TtuplanServer, params: t.DidChangeTextDocumentParams) -> None:
    document = ls.workspace.get_text_document(params.text_document.uri)
    changed(ls, document.uri, document.source, params.text_document.version)


def did_close(ls: TtuplanServer, params: t.DidCloseTextDocumentParams) -> None:
    path = path_of(params.text_document.uri)
    if path is None:
        return
    ls.session.drop(path)
    entry = ls.session.plan_of(path)
    for state in ls.session.close_plans_without_buffers():
        for file in state.published:
            ls.text_document_publish_diagnostics(
                t.PublishDiagnosticsParams(uri=uri_of(file), diagnostics=[])
            )
    if entry is not None and entry in ls.session.plans:
        ls.request_check(entry)  # the file is read from the disk again


def files_changed(ls: TtuplanServer, params: t.DidChangeWatchedFilesParams) -> None:
    for entry in list(ls.session.plans):
        ls.request_check(entry)


def on_hover(ls: TtuplanServer, params: t.HoverParams) -> t.Hover | None:
    found = ls.at(params.text_document.uri, params.position)
    if found is None:
        return None
    path, line, character = found
    parts = []
    code = code_at(line, character)
    if code is not None:
        parts.append(hover.code_text(code))
    else:
        named = ls.key_at(params.text_document.uri, params.position)
        if named is not None:
            state, key, _ = named
            parts.append(hover.hover_text(state.result, key))
    current = ls.session.state_of(path)
    if current is not None:
        for diagnostic in by_file(current).get(path, ()):
            span = diagnostic.span
            if span and span.line <= params.position.line + 1 <= span.end_line:
                parts.append(hover.code_text(diagnostic.code.id))
    text = "\n\n---\n\n".join(dict.fromkeys(p for p in parts if p))
    if not text:
        return None
    return t.Hover(contents=t.MarkupContent(kind=t.MarkupKind.Markdown, value=text))


def definition(ls: TtuplanServer, params: t.DefinitionParams) -> t.Location | None:
    named = ls.key_at(params.text_document.uri, params.position)
    if named is None:
        return None
    state, key, _ = named
    assert state.index is not None
    found = state.index.definitions.get(key)
    return ls.location(found.span) if found else None


def references(ls: TtuplanServer, params: t.ReferenceParams) -> list[t.Location] | None:
    named = ls.key_at(params.text_document.uri, params.position)
    if named is None:
        return None
    state, key, _ = named
    spans = ls.occurrences(state, key, params.context.include_declaration)
    return [ls.location(span) for span in spans]


def prepare_rename(ls: TtuplanServer, params: t.PrepareRenameParams) -> t.Range | None:
    named = ls.key_at(params.text_document.uri, params.position)
    if named is None or named[1] not in (named[0].index.definitions if named[0].index else {}):
        return None
    return ls.range(named[2])


def rename(ls: TtuplanServer, params: t.RenameParams) -> t.WorkspaceEdit | None:
    named = ls.key_at(params.text_document.uri, params.position)
    if named is None:
        return None
    state, key, _ = named
    assert state.index is not None
    new = params.new_name
    if key not in state.index.definitions:
        raise ValueError(f"`{key[1]}` is not defined in this plan")
    if not _snake(new) or new in keyword_terminals().values():
        raise ValueError(f"`{new}` is not a name: snake_case, and not a keyword")
    clash = state.index.definitions.get((key[0], new))
    if clash is not None:
        raise ValueError(f"`{new}` is already {WORDS.get(clash.kind, clash.kind)}")
    edits: dict[str, list[t.TextEdit]] = defaultdict(list)
    for span in ls.occurrences(state, key):
        edits[uri_of(real(span.file))].append(t.TextEdit(range=ls.range(span), new_text=new))
    return workspace_edit(ls, edits)


def completion(ls: TtuplanServer, params: t.CompletionParams) -> t.CompletionList | None:
    path = path_of(params.text_document.uri)
    if path is None or not path.endswith(".ttup"):
        return None
    text = ls.session.text(path) or ""
    line = ls.session.line(path, params.position.line + 1)
    character = ls.columns.from_client(line, params.position.character)
    state = ls.session.state_of(path)
    offer = complete.complete(text, params.position.line, character, state.index if state else None)
    items = [
        t.CompletionItem(label=word, kind=t.CompletionItemKind.Keyword) for word in offer.keywords
    ]
    items += [
        t.CompletionItem(
            label=d.name, kind=_KIND_ITEMS.get(d.kind), detail=WORDS.get(d.kind, d.kind)
        )
        for d in offer.names
    ]
    return t.CompletionList(is_incomplete=False, items=items)


def formatting(ls: TtuplanServer, params: t.DocumentFormattingParams) -> list[t.TextEdit] | None:
    from ttuplan.fmt.formatter import UnsafeFormat, format_text

    path = path_of(params.text_document.uri)
    text = ls.session.text(path) if path else None
    if path is None or text is None:
        return None
    try:
        result = format_text(text, path)
    except UnsafeFormat as error:
        log.error("%s", error)
        return None
    if not result.ok or not result.changed:
        return None  # syntax errors are already shown as diagnostics
    lines = text.split("\n")
    end = t.Position(line=len(lines), character=0)
    whole = t.Range(start=t.Position(line=0, character=0), end=end)
    return [t.TextEdit(range=whole, new_text=result.text)]


def symbols(ls: TtuplanServer, params: t.DocumentSymbolParams) -> list[t.DocumentSymbol] | None:
    path = path_of(params.text_document.uri)
    text = ls.session.text(path) if path else None
    if path is None or text is None or not path.endswith(".ttup"):
        return None
    module = ls.session.reader.peek(text, path)
    return outline.document_symbols(module, text, ls.columns)


def semantic_tokens(ls: TtuplanServer, params: t.SemanticTokensParams) -> t.SemanticTokens | None:
    path = path_of(params.text_document.uri)
    text = ls.session.text(path) if path else None
    if path is None or text is None or not path.endswith(".ttup"):
        return None
    state = ls.session.state_of(path)
    index = state.index if state else None
    return t.SemanticTokens(data=outline.semantic_tokens(text, path, index, ls.columns))


def code_actions(ls: TtuplanServer, params: t.CodeActionParams) -> list[t.CodeAction] | None:
    path = path_of(params.text_document.uri)
    state = ls.session.state_of(path) if path else None
    if path is None or state is None:
        return None
    first, last = params.range.start.line + 1, params.range.end.line + 1
    modules = ls.session.reader.modules()
    found = []
    for diagnostic in by_file(state).get(path, ()):
        span = diagnostic.span
        if span is None or span.end_line < first or span.line > last:
            continue
        for fix in actions.fixes(diagnostic, state.result.plan, modules):
            edit = t.TextEdit(range=ls.range(fix.span), new_text=fix.text)
            found.append(
                t.CodeAction(
                    title=fix.title,
                    kind=t.CodeActionKind.QuickFix,
                    diagnostics=[ls.lsp_diagnostic(diagnostic, state.entry)],
                    is_preferred=fix.preferred or None,
                    edit=workspace_edit(ls, {uri_of(real(fix.span.file)): [edit]}),
                )
            )
    return found


def explain(ls: TtuplanServer, *args: Any) -> str | None:
    code = str(args[0]) if args else ""
    return hover.code_text(code.removeprefix(f"{EXPLAIN_SCHEME}:"))


def make_server() -> TtuplanServer:
    """The server with every feature registered."""
    server = TtuplanServer()
    server.feature(t.INITIALIZE)(initialize)
    server.feature(t.TEXT_DOCUMENT_DID_OPEN)(did_open)
    server.feature(t.TEXT_DOCUMENT_DID_CHANGE)(did_change)
    server.feature(t.TEXT_DOCUMENT_DID_CLOSE)(did_close)
    server.feature(t.WORKSPACE_DID_CHANGE_WATCHED_FILES)(files_changed)
    server.feature(t.TEXT_DOCUMENT_HOVER)(on_hover)
    server.feature(t.TEXT_DOCUMENT_DEFINITION)(definition)
    server.feature(t.TEXT_DOCUMENT_REFERENCES)(references)
    server.feature(t.TEXT_DOCUMENT_PREPARE_RENAME)(prepare_rename)
    server.feature(t.TEXT_DOCUMENT_RENAME)(rename)
    server.feature(t.TEXT_DOCUMENT_COMPLETION, t.CompletionOptions(trigger_characters=[" ", ","]))(
        completion
    )
    server.feature(t.TEXT_DOCUMENT_FORMATTING)(formatting)
    server.feature(t.TEXT_DOCUMENT_DOCUMENT_SYMBOL)(symbols)
    server.feature(
        t.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL,
        t.SemanticTokensLegend(
            token_types=list(outline.TOKEN_TYPES), token_modifiers=list(outline.TOKEN_MODIFIERS)
        ),
    )(semantic_tokens)
    server.feature(
        t.TEXT_DOCUMENT_CODE_ACTION,
        t.CodeActionOptions(code_action_kinds=[t.CodeActionKind.QuickFix]),
    )(code_actions)
    server.command(EXPLAIN_COMMAND)(explain)
    return server


def workspace_edit(ls: TtuplanServer, edits: dict[str, list[t.TextEdit]]) -> t.WorkspaceEdit:
    """One edit over several files, undone in one step; versioned where the editor has
    the file open, so a stale edit is refused rather than applied to other text."""
    capabilities = ls.client_capabilities.workspace
    supports = bool(
        capabilities
        and capabilities.workspace_edit
        and capabilities.workspace_edit.document_changes
    )
    if not supports:
        return t.WorkspaceEdit(changes=dict(edits))
    changes: list[t.TextDocumentEdit | t.CreateFile | t.RenameFile | t.DeleteFile] = []
    for uri, file_edits in sorted(edits.items()):
        path = path_of(uri)
        buffer = ls.session.buffers.get(path) if path else None
        changes.append(
            t.TextDocumentEdit(
                text_document=t.OptionalVersionedTextDocumentIdentifier(
                    uri=uri, version=buffer.version if buffer else None
                ),
                edits=list(file_edits),
            )
        )
    return t.WorkspaceEdit(document_changes=changes)


def serve_forever() -> None:
    gc.enable()  # `ttuplan` turns it off for one-shot commands; a server lives long
    logging.basicConfig(level=os.environ.get("TTUPLAN_LSP_LOG", "WARNING"))
    make_server().start_io()
    # pygls closed stdout when the editor said `exit`: what `ttuplan` flushes on its way
    # out (cli.entry) goes nowhere instead of failing on a closed file.
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (open until the process ends)
