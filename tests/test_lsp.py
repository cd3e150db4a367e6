"""`ttuplan lsp` end to end: the server as a subprocess, driven by pytest-lsp's client.

Each test copies a plan into a temporary folder, opens files as an editor would (the
buffer, not the disk, is what the server checks) and asks one feature."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as t
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.conftest import REPO, SAMPLE_PLAN

on_loop = pytest.mark.asyncio(loop_scope="function")

FIXTURES = REPO / "tests" / "fixtures" / "diagnostics"
PUBLISH = t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[sys.executable, "-m", "ttuplan", "lsp"]),
    loop_scope="function",
)
async def client(lsp_client: LanguageClient) -> AsyncIterator[None]:
    await lsp_client.initialize_session(
        t.InitializeParams(
            capabilities=pytest_lsp.client_capabilities("visual-studio-code"),
            initialization_options={"debounce_ms": 0},
        )
    )
    yield
    await lsp_client.shutdown_session()


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    """A copy of the sample plan, free to edit."""
    folder = tmp_path / "ttu"
    shutil.copytree(SAMPLE_PLAN, folder)
    return folder


def open_file(client: LanguageClient, path: Path, text: str | None = None) -> str:
    uri = path.as_uri()
    language = "ttuplan" if path.suffix == ".ttup" else "csv"
    item = t.TextDocumentItem(
        uri=uri, language_id=language, version=1, text=path.read_text() if text is None else text
    )
    client.text_document_did_open(t.DidOpenTextDocumentParams(text_document=item))
    return uri


def edit(client: LanguageClient, uri: str, text: str, version: int) -> None:
    client.text_document_did_change(
        t.DidChangeTextDocumentParams(
            text_document=t.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[t.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


async def published(
    client: LanguageClient, uri: str, until: Callable[[list[t.Diagnostic]], bool]
) -> list[t.Diagnostic]:
    """The diagnostics of `uri` once they satisfy `until` (10 s at most)."""

    async def wait() -> list[t.Diagnostic]:
        while uri not in client.diagnostics or not until(list(client.diagnostics[uri])):
            await client.wait_for_notification(PUBLISH)
        return list(client.diagnostics[uri])

    return await asyncio.wait_for(wait(), 10)


def doc(uri: str) -> t.TextDocumentIdentifier:
    return t.TextDocumentIdentifier(uri=uri)


def position_of(text: str, needle: str, offset: int = 0) -> t.Position:
    """The position `offset` characters into the first `needle` in `text`."""
    at = text.index(needle) + offset
    line = text.count("\n", 0, at)
    return t.Position(line=line, character=at - (text.rfind("\n", 0, at) + 1))


def apply(edit: t.WorkspaceEdit) -> None:
    """Write a workspace edit's changes to the files it names."""
    assert edit.document_changes is not None
    for change in edit.document_changes:
        assert isinstance(change, t.TextDocumentEdit)
        path = Path(change.text_document.uri.removeprefix("file://"))
        lines = path.read_text().split("\n")
        ordered = sorted(change.edits, key=lambda e: (e.range.start.line, e.range.start.character))
        for text_edit in reversed(ordered):
            assert isinstance(text_edit, t.TextEdit)
            start, end = text_edit.range.start, text_edit.range.end
            assert start.line == end.line
            line = lines[start.line]
            lines[start.line] = line[: start.character] + text_edit.new_text + line[end.character :]
        path.write_text("\n".join(lines))


# ── diagnostics ─────────────────────────────────────────────────────────────


@on_loop
async def test_diagnostics_appear_and_clear_as_a_file_is_edited(
    client: LanguageClient, plan: Path
) -> None:
    units = plan / "units.ttup"
    text = units.read_text()
    uri = open_file(client, units)
    assert await published(client, uri, lambda found: True) == []
    edit(client, uri, text.replace("  base kota_kefamenanu", "  base kota_kefamenan", 1), 2)
    [found] = await published(client, uri, bool)
    assert found.code == "TP201"
    assert found.severity == t.DiagnosticSeverity.Error
    assert "did you mean `kota_kefamenanu`?" in found.message
    assert found.code_description is not None
    assert found.code_description.href == "ttuplan-explain:TP201"
    assert found.range.start == position_of(text, "kota_kefamenanu\n  commander")
    [related] = found.related_information or []
    assert related.location.uri == (plan / "districts.ttup").as_uri()
    assert related.message == "`kota_kefamenanu` is defined here"
    edit(client, uri, text, 3)
    assert await published(client, uri, lambda found: not found) == []


@on_loop
async def test_a_bad_row_of_an_unsaved_table_is_a_diagnostic_on_that_row(
    client: LanguageClient, plan: Path
) -> None:
    table = plan / "data" / "tps-2024.csv"
    text = table.read_text()
    lines = text.split("\n")
    number = next(i for i, line in enumerate(lines) if ",miomaffo_barat," in line)
    lines[number] = lines[number].replace(",miomaffo_barat,", ",miomaffo_bara,")
    uri = open_file(client, table, "\n".join(lines))  # only the table is open
    [found] = await published(client, uri, bool)
    assert found.code == "TP302"
    assert found.range.start.line == number
    assert "miomaffo_barat" in found.message  # did you mean
    assert table.read_text() == text  # the disk was never written


@on_loop
async def test_every_file_of_the_plan_gets_its_diagnostics(
    client: LanguageClient, plan: Path
) -> None:
    (plan / "districts.ttup").write_text(
        (plan / "districts.ttup").read_text().replace('district musi "Musi"', "district musi Musi")
    )
    open_file(client, plan / "units.ttup")
    [found] = await published(client, (plan / "districts.ttup").as_uri(), bool)
    assert found.code == "TP106"


# ── hover ───────────────────────────────────────────────────────────────────


async def hover(client: LanguageClient, path: Path, needle: str, offset: int = 1) -> str:
    text = path.read_text()
    uri = open_file(client, path)
    await published(client, uri, lambda found: True)
    answer = await client.text_document_hover_async(
        t.HoverParams(text_document=doc(uri), position=position_of(text, needle, offset))
    )
    assert answer is not None
    assert isinstance(answer.contents, t.MarkupContent)
    return answer.contents.value


@on_loop
async def test_hover_on_a_unit_shows_strength_where_its_people_are_and_spare(
    client: LanguageClient, plan: Path
) -> None:
    shown = await hover(client, plan / "units.ttup", 'unit polres "', 6)
    assert "**unit `polres`** — Polres TTU (polri)" in shown
    assert "strength 146 (with the units under it: 425)" in shown  # the published 425
    assert "| phase | held | posted | peak | spare | where |" in shown
    pemungutan = next(line for line in shown.splitlines() if line.startswith("| pemungutan"))
    assert "reserve rayon_1 16" in pemungutan
    assert "kota_kefamenanu" in pemungutan  # Polres fills the town's posts


@on_loop
async def test_hover_on_a_district_site_risk_and_code(client: LanguageClient, plan: Path) -> None:
    units = plan / "units.ttup"
    shown = await hover(client, units, "covers miomaffo_barat", 8)
    assert "**district `miomaffo_barat`**" in shown
    assert "staffed by:" in shown and "polsek_miomaffo_barat" in shown
    assert "| pemungutan |" in shown
    main = plan / "plan.ttup"
    shown = await hover(client, main, "site kpu_ttu", 6)
    assert "**site `kpu_ttu`**" in shown
    assert "class Sangat Rawan" in shown
    assert "guarded by polres 4" in shown
    assert "nearest reserve" in shown and " min" in shown
    shown = await hover(client, main, "risk sangat_rawan", 6)
    assert "- polri 2 per tps" in shown and "- reserve within 30 min" in shown
    fixture = FIXTURES / "TP106-unquoted-label" / "plan.ttup"
    shown = await hover(client, fixture, "TP106", 2)
    assert shown.startswith("**TP106 unquoted-label** — error")


# ── navigation and rename ───────────────────────────────────────────────────


@on_loop
async def test_definition_from_ttup_and_from_a_table_cell(
    client: LanguageClient, plan: Path
) -> None:
    units = plan / "units.ttup"
    text = units.read_text()
    uri = open_file(client, units)
    await published(client, uri, lambda found: True)
    answer = await client.text_document_definition_async(
        t.DefinitionParams(text_document=doc(uri), position=position_of(text, "to rayon_1", 5))
    )
    assert isinstance(answer, t.Location)
    assert answer.uri == uri
    assert answer.range.start == position_of(text, 'rayon_1 "Rayon I')
    table = plan / "data" / "tps-2024.csv"
    rows = table.read_text()
    table_uri = open_file(client, table)
    answer = await client.text_document_definition_async(
        t.DefinitionParams(
            text_document=doc(table_uri), position=position_of(rows, ",miomaffo_barat,", 3)
        )
    )
    assert isinstance(answer, t.Location)
    districts = plan / "districts.ttup"
    assert answer.uri == districts.as_uri()
    assert answer.range.start == position_of(districts.read_text(), 'miomaffo_barat "')


@on_loop
async def test_references_include_the_rows_of_tables(client: LanguageClient, plan: Path) -> None:
    districts = plan / "districts.ttup"
    text = districts.read_text()
    uri = open_file(client, districts)
    await published(client, uri, lambda found: True)
    answer = await client.text_document_references_async(
        t.ReferenceParams(
            text_document=doc(uri),
            position=position_of(text, 'miomaffo_barat "', 2),
            context=t.ReferenceContext(include_declaration=True),
        )
    )
    assert answer is not None
    by_file: dict[str, int] = {}
    for location in answer:
        by_file[Path(location.uri).name] = by_file.get(Path(location.uri).name, 0) + 1
    rows = (plan / "data" / "tps-2024.csv").read_text().count(",miomaffo_barat,")
    people = (plan / "data" / "personel.csv").read_text().count(",miomaffo_barat,")
    assert people > 0
    # defined once; covers, base and the rayon's districts; every TPS row of the district,
    # every person whose home district it is
    assert by_file == {
        "districts.ttup": 1,
        "units.ttup": 3,
        "tps-2024.csv": rows,
        "personel.csv": people,
    }


@on_loop
async def test_rename_edits_every_ttup_file_and_table_in_one_edit(
    client: LanguageClient, plan: Path
) -> None:
    from ttuplan.api import CheckResult, check_plan

    districts = plan / "districts.ttup"
    text = districts.read_text()
    uri = open_file(client, districts)
    await published(client, uri, lambda found: True)
    where = position_of(text, 'miomaffo_barat "', 3)
    prepared = await client.text_document_prepare_rename_async(
        t.PrepareRenameParams(text_document=doc(uri), position=where)
    )
    assert prepared == t.Range(
        start=position_of(text, 'miomaffo_barat "'),
        end=t.Position(
            line=where.line, character=position_of(text, 'miomaffo_barat "').character + 14
        ),
    )
    answer = await client.text_document_rename_async(
        t.RenameParams(text_document=doc(uri), position=where, new_name="mio_barat")
    )
    assert answer is not None and answer.document_changes is not None
    files = sorted(Path(c.text_document.uri).name for c in answer.document_changes)  # type: ignore[union-attr]
    assert files == ["districts.ttup", "personel.csv", "tps-2024.csv", "units.ttup"]
    before = check_plan(str(plan))
    apply(answer)
    after = check_plan(str(plan))
    assert (after.errors, after.warnings) == (0, 0)
    assert "miomaffo_barat," not in (plan / "data" / "tps-2024.csv").read_text()
    assert after.deployment is not None and before.deployment is not None

    def people(result: CheckResult) -> list[int]:
        assert result.deployment is not None
        return [sum(a.people for a in phase.assignments) for phase in result.deployment.phases]

    assert people(after) == people(before)  # the same plan under another name


@on_loop
async def test_rename_refuses_a_keyword_a_bad_name_and_a_clash(
    client: LanguageClient, plan: Path
) -> None:
    districts = plan / "districts.ttup"
    text = districts.read_text()
    uri = open_file(client, districts)
    await published(client, uri, lambda found: True)
    where = position_of(text, 'miomaffo_barat "', 3)
    for bad in ("unit", "Mio Barat", "musi"):
        with pytest.raises(Exception, match=r"not a name|already a district"):
            await client.text_document_rename_async(
                t.RenameParams(text_document=doc(uri), position=where, new_name=bad)
            )


# ── completion ──────────────────────────────────────────────────────────────


async def complete(
    client: LanguageClient, path: Path, text: str, needle: str
) -> list[t.CompletionItem]:
    """Completion at the end of `needle`, with the buffer `text` (not saved)."""
    uri = open_file(client, path, text)
    await published(client, uri, lambda found: True)
    answer = await client.text_document_completion_async(
        t.CompletionParams(text_document=doc(uri), position=position_of(text, needle, len(needle)))
    )
    assert isinstance(answer, t.CompletionList)
    return list(answer.items)


@on_loop
async def test_completion_offers_only_names_of_the_right_kind(
    client: LanguageClient, plan: Path
) -> None:
    units = plan / "units.ttup"
    text = units.read_text().replace("  escalates to polda\n", "  escalates to \n", 1)
    items = await complete(client, units, text, "  escalates to ")
    kinds = {item.detail for item in items}
    assert kinds == {"a unit", "a rayon", "a pool"}
    assert {"polda", "rayon_1", "calling_system"} <= {item.label for item in items}
    text = units.read_text().replace("  covers all\n", "  covers \n", 1)
    items = await complete(client, units, text, "  covers ")
    assert {item.detail for item in items if item.kind != t.CompletionItemKind.Keyword} == {
        "a district"
    }
    assert len([item for item in items if item.detail == "a district"]) == 24
    assert [item.label for item in items if item.kind == t.CompletionItemKind.Keyword] == ["all"]


@on_loop
async def test_completion_offers_the_keywords_the_grammar_accepts(
    client: LanguageClient, plan: Path
) -> None:
    units = plan / "units.ttup"
    text = units.read_text().replace("  strength 146\n", "  strength 146\n  \n", 1)
    items = await complete(client, units, text, "  strength 146\n  ")
    words = {item.label for item in items}
    assert {"covers", "escalates", "strength", "final", "available"} <= words
    assert not words & {"unit", "phase", "districts", "post"}  # not statements of a unit
    assert all(item.kind == t.CompletionItemKind.Keyword for item in items)


# ── formatting, outline, tokens ─────────────────────────────────────────────


@on_loop
async def test_formatting_gives_the_fmt_printers_text(client: LanguageClient, plan: Path) -> None:
    from ttuplan.fmt.formatter import format_text

    units = plan / "units.ttup"
    messy = units.read_text().replace(
        "  force polri\n  strength 146", "force   polri\n    strength 146"
    )
    uri = open_file(client, units, messy)
    [change] = await client.text_document_formatting_async(
        t.DocumentFormattingParams(
            text_document=doc(uri), options=t.FormattingOptions(tab_size=2, insert_spaces=True)
        )
    ) or [None]
    assert change is not None
    assert change.new_text == format_text(messy, str(units)).text == units.read_text()


@on_loop
async def test_document_symbols_outline_units_rayons_and_phases(
    client: LanguageClient, plan: Path
) -> None:
    uri = open_file(client, plan / "units.ttup")
    answer = await client.text_document_document_symbol_async(
        t.DocumentSymbolParams(text_document=doc(uri))
    )
    assert answer is not None
    names = {s.name: s.kind for s in answer if isinstance(s, t.DocumentSymbol)}
    assert names["polres"] == t.SymbolKind.Class
    assert names["rayon_1"] == t.SymbolKind.Struct
    assert names["calling_system"] == t.SymbolKind.Struct
    uri = open_file(client, plan / "plan.ttup")
    answer = await client.text_document_document_symbol_async(
        t.DocumentSymbolParams(text_document=doc(uri))
    )
    assert answer is not None
    phases = [s.name for s in answer if s.kind == t.SymbolKind.Event]
    assert phases[:2] == ["kampanye", "masa_tenang"] and "pemungutan" in phases


@on_loop
async def test_semantic_tokens_colour_names_by_what_they_name(
    client: LanguageClient, plan: Path
) -> None:
    units = plan / "units.ttup"
    text = units.read_text()
    uri = open_file(client, units)
    await published(client, uri, lambda found: True)
    answer = await client.text_document_semantic_tokens_full_async(
        t.SemanticTokensParams(text_document=doc(uri))
    )
    assert answer is not None
    from ttuplan.lsp.outline import TOKEN_TYPES  # the server's legend

    tokens: dict[tuple[int, int], tuple[str, int]] = {}
    line = character = 0
    data = answer.data
    for i in range(0, len(data), 5):
        line += data[i]
        character = data[i + 1] if data[i] else character + data[i + 1]
        tokens[(line, character)] = (TOKEN_TYPES[data[i + 3]], data[i + 4])

    def at(needle: str, offset: int = 0) -> tuple[str, int]:
        position = position_of(text, needle, offset)
        return tokens[(position.line, position.character)]

    assert at('unit polres "') == ("keyword", 0)
    assert at('unit polres "', 5) == ("class", 1)  # a unit, defined here
    assert at("base kota_kefamenanu", 5) == ("namespace", 0)  # a district, used
    assert at("escalates to polda", 13) == ("class", 0)
    assert at('"Polres TTU"') == ("string", 0)
    assert at("# Forces of the plan") == ("comment", 0)


# ── code actions and explain ────────────────────────────────────────────────


async def actions(client: LanguageClient, path: Path, text: str) -> list[t.CodeAction]:
    uri = open_file(client, path, text)
    found = await published(client, uri, bool)
    answer = await client.text_document_code_action_async(
        t.CodeActionParams(
            text_document=doc(uri),
            range=found[0].range,
            context=t.CodeActionContext(diagnostics=found),
        )
    )
    return [a for a in answer or () if isinstance(a, t.CodeAction)]


def single_edit(action: t.CodeAction) -> t.TextEdit:
    assert action.edit is not None and action.edit.document_changes is not None
    [change] = action.edit.document_changes
    assert isinstance(change, t.TextDocumentEdit)
    [text_edit] = change.edits
    assert isinstance(text_edit, t.TextEdit)
    return text_edit


@on_loop
async def test_code_action_did_you_mean(client: LanguageClient, plan: Path) -> None:
    units = plan / "units.ttup"
    text = units.read_text().replace("  base kota_kefamenanu", "  base kota_kefamenan", 1)
    [action] = await actions(client, units, text)
    assert action.title == "Write `kota_kefamenanu`"
    assert action.is_preferred
    assert single_edit(action).new_text == "kota_kefamenanu"


@on_loop
async def test_code_action_quotes_a_label(client: LanguageClient, tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "TP106-unquoted-label", tmp_path / "p")
    path = tmp_path / "p" / "plan.ttup"
    [action] = await actions(client, path, path.read_text())
    text_edit = single_edit(action)
    assert text_edit.new_text == '"Polri"'
    assert text_edit.range.start == position_of(path.read_text(), "Polri  #")


@on_loop
async def test_code_action_adds_a_district_to_covers(
    client: LanguageClient, tmp_path: Path
) -> None:
    shutil.copytree(FIXTURES / "TP401-uncovered-district", tmp_path / "p")
    path = tmp_path / "p" / "plan.ttup"
    text = path.read_text()
    [action] = await actions(client, path, text)
    assert action.title == "Add `d2` to the `covers` of unit `u1`"
    text_edit = single_edit(action)
    assert text_edit.new_text == ", d2"
    assert text_edit.range.start == position_of(text, "covers d1", len("covers d1"))


@on_loop
async def test_explain_command_gives_a_codes_explanation(client: LanguageClient) -> None:
    answer = await client.workspace_execute_command_async(
        t.ExecuteCommandParams(command="ttuplan.explain", arguments=["ttuplan-explain:TP201"])
    )
    assert isinstance(answer, str) and answer.startswith("**TP201 undefined-name**")


# ── the command ─────────────────────────────────────────────────────────────


def test_lsp_without_pygls_says_so_in_one_line() -> None:
    code = (
        "import sys; sys.modules['pygls'] = None; sys.argv = ['ttuplan', 'lsp'];"
        "from ttuplan.cli import entry; entry()"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 2
    assert done.stdout == ""
    [line] = done.stderr.splitlines()
    assert line.startswith("ttuplan: error: the language server needs pygls and lsprotocol")


def test_columns_are_the_clients_units() -> None:
    from ttuplan.lsp.text import Columns, cells

    line = 'site a "Gudang 𝓚" {  # ✓'
    brace = line.index("{")
    assert Columns("utf-16").to_client(line, brace) == brace + 1  # U+1D4DA: two UTF-16 units
    assert Columns("utf-16").from_client(line, brace + 1) == brace
    assert Columns("utf-8").to_client(line, brace) == brace + 3
    assert Columns("utf-32").to_client(line, brace) == brace
    row = 'tps_1,"TPS 1, Desa",tps,musi'
    assert [row[a:b] for a, b in cells(row)] == ["tps_1", "TPS 1, Desa", "tps", "musi"]


def test_a_large_plans_last_check_is_released_while_the_next_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ttuplan.lsp import workspace

    monkeypatch.setattr(workspace, "RELEASE_FROM_SITES", 1)  # the sample counts as large
    session = workspace.Session()
    entry = workspace.real(str(SAMPLE_PLAN / "plan.ttup"))
    assert session.check(entry).result.plan is not None
    held_during: list[object] = []
    check_plan = workspace.check_plan

    def spy(path: str, reader: workspace.Reader) -> workspace.CheckResult:
        held_during.append(session.plans[entry].result.plan)
        return check_plan(path, reader=reader)

    monkeypatch.setattr(workspace, "check_plan", spy)
    again = session.check(entry)
    assert held_during == [None]
    assert again.result.plan is not None and again.index is not None
    assert again.result.diagnostics == ()


def test_a_site_table_is_read_again_only_when_it_or_the_names_change(
    monkeypatch: pytest.MonkeyPatch, plan: Path
) -> None:
    """The server keeps a clean site table between checks; what it gives is what reading
    it again gives, and a change of the names its cells name reads it again."""
    from ttuplan.api import check_plan
    from ttuplan.lsp import workspace
    from ttuplan.resolve import sites as site_tables

    reads: list[str] = []
    load = site_tables.load_site_table

    def counting(path: str, *args: object, **kwargs: object) -> object:
        reads.append(path)
        return load(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(site_tables, "load_site_table", counting)
    session = workspace.Session()
    entry = workspace.real(str(plan / "plan.ttup"))
    session.check(entry)
    units = plan / "units.ttup"
    session.put(workspace.real(str(units)), units.read_text() + "\n# an edit\n", 2)
    again = session.check(entry).result
    assert len(reads) == 1  # the second check took the table as it was
    fresh = check_plan(entry)  # reads it (2)
    assert again.plan == fresh.plan and again.plan is not None
    assert [s.span for s in again.plan.sites] == [s.span for s in fresh.plan.sites]
    assert again.diagnostics == fresh.diagnostics == ()
    assert again.deployment == fresh.deployment
    districts = plan / "districts.ttup"
    renamed = districts.read_text().replace("district musi ", "district musi_ ")
    session.put(workspace.real(str(districts)), renamed, 2)
    changed = session.check(entry).result
    assert len(reads) == 3  # a district's name changed: the server reads the table again
    assert {d.code.id for d in changed.diagnostics} >= {"TP302"}


@on_loop
async def test_closing_a_plans_last_file_clears_its_diagnostics(
    client: LanguageClient, plan: Path
) -> None:
    units = plan / "units.ttup"
    text = units.read_text().replace("  base kota_kefamenanu", "  base kota_kefamenan", 1)
    uri = open_file(client, units, text)
    assert await published(client, uri, bool)
    client.text_document_did_close(t.DidCloseTextDocumentParams(text_document=doc(uri)))
    assert await published(client, uri, lambda found: not found) == []


@on_loop
async def test_a_file_changed_on_disk_is_checked_again(client: LanguageClient, plan: Path) -> None:
    uri = open_file(client, plan / "units.ttup")
    await published(client, uri, lambda found: True)
    districts = plan / "districts.ttup"
    districts.write_text(
        districts.read_text().replace('district musi "Musi"', "district musi Musi")
    )
    client.workspace_did_change_watched_files(
        t.DidChangeWatchedFilesParams(
            changes=[t.FileEvent(uri=districts.as_uri(), type=t.FileChangeType.Changed)]
        )
    )
    [found] = await published(client, districts.as_uri(), bool)
    assert found.code == "TP106"


@on_loop
async def test_hover_on_a_table_row_and_on_nothing(client: LanguageClient, plan: Path) -> None:
    table = plan / "data" / "tps-2024.csv"
    rows = table.read_text()
    row = next(line for line in rows.splitlines() if ",sangat_rawan," in line)
    site = row.split(",")[0]
    shown = await hover(client, table, row, 1)
    assert f"**site `{site}`**" in shown and "class Sangat Rawan" in shown
    units = plan / "units.ttup"
    text = units.read_text()
    uri = open_file(client, units)
    nothing = await client.text_document_hover_async(
        t.HoverParams(text_document=doc(uri), position=position_of(text, "\n\n", 1))
    )
    assert nothing is None
    keyword = await client.text_document_definition_async(
        t.DefinitionParams(text_document=doc(uri), position=position_of(text, "  covers all", 3))
    )
    assert keyword is None


@on_loop
async def test_formatting_leaves_a_file_with_syntax_errors_alone(
    client: LanguageClient, plan: Path
) -> None:
    units = plan / "units.ttup"
    uri = open_file(client, units, units.read_text().replace('unit polres "Polres TTU"', "unit {"))
    assert await published(client, uri, bool)
    edits = await client.text_document_formatting_async(
        t.DocumentFormattingParams(
            text_document=doc(uri), options=t.FormattingOptions(tab_size=2, insert_spaces=True)
        )
    )
    assert not edits


@on_loop
async def test_requests_where_there_is_nothing_to_answer(
    client: LanguageClient, plan: Path
) -> None:
    units = plan / "units.ttup"
    text = units.read_text()
    uri = open_file(client, units)
    await published(client, uri, lambda found: True)
    comment = position_of(text, "# Forces", 3)
    assert not await client.text_document_references_async(
        t.ReferenceParams(
            text_document=doc(uri),
            position=comment,
            context=t.ReferenceContext(include_declaration=True),
        )
    )
    assert not await client.text_document_prepare_rename_async(
        t.PrepareRenameParams(text_document=doc(uri), position=comment)
    )
    assert not await client.text_document_rename_async(
        t.RenameParams(text_document=doc(uri), position=comment, new_name="x")
    )
    assert not await client.text_document_code_action_async(
        t.CodeActionParams(
            text_document=doc(uri),
            range=t.Range(start=comment, end=comment),
            context=t.CodeActionContext(diagnostics=[]),
        )
    )
    table = plan / "data" / "tps-2024.csv"
    table_uri = open_file(client, table)
    header = t.Position(line=0, character=1)
    for ask in (
        client.text_document_completion_async(
            t.CompletionParams(text_document=doc(table_uri), position=header)
        ),
        client.text_document_semantic_tokens_full_async(
            t.SemanticTokensParams(text_document=doc(table_uri))
        ),
        client.text_document_document_symbol_async(
            t.DocumentSymbolParams(text_document=doc(table_uri))
        ),
        client.text_document_definition_async(
            t.DefinitionParams(text_document=doc(table_uri), position=header)
        ),
    ):
        assert not await ask
    other = "untitled:Untitled-1"
    assert not await client.text_document_hover_async(
        t.HoverParams(text_document=doc(other), position=header)
    )
    assert not await client.workspace_execute_command_async(
        t.ExecuteCommandParams(command="ttuplan.explain", arguments=["TP999"])
    )
