"""ttuplan build: every document written, refused for a plan with errors, atomic,
deterministic, in both languages, with templates a Polres can replace, and inert to
whatever a plan's labels contain."""

from __future__ import annotations

import csv
import io
import json
import shutil
import zipfile
from collections import Counter
from itertools import pairwise
from pathlib import Path
from typing import BinaryIO
from xml.etree import ElementTree

import jsonschema
import pytest
from click.testing import CliRunner, Result

from tests.conftest import REPO, SAMPLE_PLAN, Golden
from ttuplan.cli import main

DOCUMENTS = REPO / "tests" / "fixtures" / "plans" / "documents"
BROKEN = REPO / "tests" / "fixtures" / "diagnostics" / "TP201-undefined-name"
ALL = (
    "briefing.md",
    "briefing.html",
    "briefing.pdf",
    "rosters.html",
    "rosters.pdf",
    "rosters.csv",
    "rosters.xlsx",
    "plan.json",
    "map.svg",
)
HOSTILE = "<script>alert(1)</script> #set page(fill: red) $x$ \"q\" =cmd|' /C calc'!A0"


def build(plan: Path, out: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["build", str(plan), "-o", str(out), *args])


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("documents")
    result = build(DOCUMENTS, out)
    assert result.exit_code == 0, result.output
    return out


def test_every_document_is_written(built: Path) -> None:
    assert sorted(p.name for p in built.iterdir()) == sorted(ALL)


def test_the_same_plan_gives_byte_identical_documents(built: Path, tmp_path: Path) -> None:
    assert build(DOCUMENTS, tmp_path).exit_code == 0
    for name in ALL:
        assert (tmp_path / name).read_bytes() == (built / name).read_bytes(), name


def test_a_plan_with_errors_gets_no_documents(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = build(BROKEN, out)
    assert result.exit_code == 1
    assert "error[TP201]" in result.stdout and "no documents written" in result.stderr
    assert not out.exists()


def test_a_failed_build_leaves_the_previous_documents(built: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(built, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "rosters.csv.j2").write_text("{{ no_such_thing }}\n")
    result = build(DOCUMENTS, out, "--templates", str(templates))
    assert result.exit_code == 2
    assert "template problem" in result.stderr and "no_such_thing" in result.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # no staging left either


def test_a_polres_can_replace_a_template(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "briefing.md.j2").write_text("KOP POLRES {{ briefing.title }}\n")
    assert (
        build(
            DOCUMENTS, tmp_path / "out", "--templates", str(templates), "--formats", "md"
        ).exit_code
        == 0
    )
    assert (tmp_path / "out" / "briefing.md").read_text() == "KOP POLRES Rencana Pengamanan Uji\n"


def test_documents_are_in_bahasa_indonesia_unless_english_is_asked(tmp_path: Path) -> None:
    assert build(DOCUMENTS, tmp_path / "id", "--formats", "md,csv").exit_code == 0
    assert build(DOCUMENTS, tmp_path / "en", "--formats", "md", "--lang", "en").exit_code == 0
    indonesian = (tmp_path / "id" / "briefing.md").read_text()
    english = (tmp_path / "en" / "briefing.md").read_text()
    assert "## 1. Situasi" in indonesian and "14 Februari 2024 06.00" in indonesian
    assert "## 1. Situation" in english and "14 February 2024 06:00" in english


def test_unknown_formats_are_a_usage_error(tmp_path: Path) -> None:
    assert build(DOCUMENTS, tmp_path, "--formats", "md,docx").exit_code == 2


def test_plan_json_follows_its_schema(built: Path) -> None:
    schema = json.loads((REPO / "ttuplan" / "schemas" / "plan.schema.json").read_text())
    document = json.loads((built / "plan.json").read_text())
    jsonschema.validate(document, schema)
    assert document["plan"]["units"][0]["name"] == "polres"


def test_named_people_fill_places_once_per_phase(built: Path) -> None:
    rows = list(csv.DictReader(io.StringIO((built / "rosters.csv").read_text())))
    named = Counter((row["phase"], row["nrp"]) for row in rows if row["nrp"])
    assert named and max(named.values()) == 1  # nobody on two posts in a phase
    names = {row["name"] for row in rows}
    assert {"Yohanes Contoh", "Maria Contoh"} <= names
    assert "(belum ditentukan)" in names  # Polsek Alfa has fewer people than places


def xlsx_cells(data: bytes) -> dict[str, list[str]]:
    """Every sheet's text cells, in order (shared strings and inline strings)."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    shared = []
    if "xl/sharedStrings.xml" in archive.namelist():  # none when streamed: strings inline
        strings = ElementTree.fromstring(archive.read("xl/sharedStrings.xml"))
        shared = [si.findtext(".//m:t", "", ns) or "" for si in strings.findall("m:si", ns)]
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    sheets = {}
    for index, sheet in enumerate(workbook.findall(".//m:sheet", ns), start=1):
        root = ElementTree.fromstring(archive.read(f"xl/worksheets/sheet{index}.xml"))
        assert root.find(".//m:f", ns) is None, "no cell may hold a formula"
        cells = []
        for cell in root.iter(f"{{{ns['m']}}}c"):
            value = cell.findtext("m:v", "", ns)
            if cell.get("t") == "inlineStr":
                value = cell.findtext("m:is/m:t", "", ns)
            cells.append(shared[int(value)] if cell.get("t") == "s" else value)
        sheets[sheet.get("name", "")] = cells
    return sheets


def test_hostile_labels_come_out_inert_in_every_format(tmp_path: Path) -> None:
    plan = tmp_path / "plan"
    shutil.copytree(DOCUMENTS, plan)
    text = (plan / "plan.ttup").read_text()
    quoted = HOSTILE.replace('"', '\\"')
    text = text.replace('"Polsek Alfa"', f'"{quoted}"').replace('"Kapolres Uji"', f'"{quoted}"')
    text = text.replace('"Kecamatan Alfa"', f'"{quoted}"').replace('"Rayon Uji"', f'"{quoted}"')
    (plan / "plan.ttup").write_text(text)
    sites = (
        (plan / "data" / "tps.csv")
        .read_text()
        .replace("TPS 01 Desa Satu", '"' + HOSTILE.replace('"', '""') + '"', 1)
    )
    (plan / "data" / "tps.csv").write_text(sites)
    result = build(plan, tmp_path / "out")
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"

    html = (out / "briefing.html").read_text() + (out / "rosters.html").read_text()
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html

    markdown = (out / "briefing.md").read_text()
    assert "<script>" not in markdown and "&lt;script&gt;" in markdown
    assert "\\$x\\$" in markdown and "=cmd\\|" in markdown  # no math, no table-cell break

    rows = list(csv.reader(io.StringIO((out / "rosters.csv").read_text())))
    cells = [cell for row in rows for cell in row]
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)
    assert any(cell == HOSTILE for cell in cells)  # starts with `<`: kept as written

    sheets = xlsx_cells((out / "rosters.xlsx").read_bytes())  # (formulas asserted absent)
    assert any(HOSTILE in cell for cells in sheets.values() for cell in cells)

    import pypdf

    pdf_text = "".join(
        page.extract_text() for page in pypdf.PdfReader(out / "briefing.pdf").pages[:3]
    )
    assert "alert(1)" in pdf_text and "calc" in pdf_text

    assert json.loads((out / "plan.json").read_text())["plan"]["info"]["authority"] == HOSTILE

    svg = (out / "map.svg").read_text()  # the map names the kecamatan and the rayon
    texts = [node.text for node in ElementTree.fromstring(svg).iter() if node.text]
    assert HOSTILE in texts and "<script>" not in svg


def test_a_paragraph_that_starts_like_markdown_markup_stays_a_paragraph(tmp_path: Path) -> None:
    """A list item, a numbered item or a heading's underline where a paragraph begins."""
    plan = tmp_path / "plan"
    shutil.copytree(DOCUMENTS, plan)
    situations = ["1. Bukan daftar.", "- Bukan butir.", "===", "# Bukan judul"]
    (plan / "plan.ttup").write_text(
        (plan / "plan.ttup")
        .read_text()
        .replace(
            '  situation "Wilayah uji terdiri atas dua kecamatan dengan sembilan TPS."\n',
            "".join(f'  situation "{text}"\n' for text in situations),
        )
    )
    assert build(plan, tmp_path / "out", "--formats", "md").exit_code == 0
    markdown = (tmp_path / "out" / "briefing.md").read_text()
    section = markdown.split("## 1. Situasi\n\n")[1].split("## 2.")[0]
    assert section.split("\n\n")[:4] == [
        "1\\. Bukan daftar.",
        "\\- Bukan butir.",
        "\\===",
        "\\# Bukan judul",
    ]


def test_a_label_that_looks_like_a_formula_is_quoted_everywhere(tmp_path: Path) -> None:
    plan = tmp_path / "plan"
    shutil.copytree(DOCUMENTS, plan)
    (plan / "plan.ttup").write_text(
        (plan / "plan.ttup").read_text().replace('"Polsek Alfa"', '"=HYPERLINK(\\"x\\")"')
    )
    assert build(plan, tmp_path / "out", "--formats", "csv,xlsx").exit_code == 0
    rows = list(csv.reader(io.StringIO((tmp_path / "out" / "rosters.csv").read_text())))
    assert any(cell == '\'=HYPERLINK("x")' for row in rows for cell in row)
    archive = zipfile.ZipFile(tmp_path / "out" / "rosters.xlsx")
    styles = archive.read("xl/styles.xml").decode()
    assert 'quotePrefix="1"' in styles
    sheets = xlsx_cells((tmp_path / "out" / "rosters.xlsx").read_bytes())
    assert any(cell == '=HYPERLINK("x")' for cells in sheets.values() for cell in cells)


def test_sample_plan_briefing_shows_the_published_numbers(tmp_path: Path) -> None:
    assert build(SAMPLE_PLAN, tmp_path, "--formats", "md,csv").exit_code == 0
    markdown = (tmp_path / "briefing.md").read_text()
    assert "| Kurang Rawan | 750 | 1 : 3 : 6 | 250 | 253 | 1.500 | 1.500 |" in markdown
    assert "| Rawan | 19 | 1 : 1 : 2 | 19 | 19 | 38 | 38 |" in markdown
    assert "| Sangat Rawan | 5 | 2 : 1 : 2 | 10 | 10 | 10 | 10 |" in markdown
    assert "| **Jumlah TPS** | **774** | | **279** | **282** | **1.548** | **1.548** |" in markdown
    for rayon, reserve in (
        ("Rayon I Bijaepasu", 16),
        ("Rayon II Insana", 17),
        ("Rayon III Insana Utara", 17),
    ):
        section = markdown.split(f"#### {rayon}")[1].split("####")[0]
        assert f"Cadangan: **{reserve}** dari Polres TTU" in section
    assert "Brimob Polda NTT (BKO) (cadangan) | 25 |" in markdown
    rows = list(csv.DictReader(io.StringIO((tmp_path / "rosters.csv").read_text())))
    voting = [r for r in rows if r["phase"] == "Pemungutan dan Penghitungan Suara"]
    assert sum(r["force"] == "Polri" for r in voting) == 294  # 282 on TPS + 12 fixed guards
    assert sum(r["force"] == "Linmas" for r in voting) == 1548


def pdf_text(data: bytes) -> str:
    """A PDF as people read it: its page count, then each page's extracted text."""
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(data))
    pages = [
        f"--- page {n} ---\n{page.extract_text().rstrip()}"
        for n, page in enumerate(reader.pages, start=1)
    ]
    return f"pages: {len(reader.pages)}\n" + "\n".join(pages) + "\n"


def xlsx_text(data: bytes) -> str:
    sheets = xlsx_cells(data)
    return "".join(f"=== {name} ===\n" + "\n".join(cells) + "\n" for name, cells in sheets.items())


@pytest.mark.parametrize("language", ["id", "en"])
def test_document_goldens(
    language: str, tmp_path: Path, golden: Golden, monkeypatch: pytest.MonkeyPatch
) -> None:
    formats = "md,html,pdf,csv,xlsx,json,svg" if language == "id" else "md,pdf,svg"
    monkeypatch.chdir(REPO)  # the plan named as a user names it: its path is in warnings
    plan = DOCUMENTS.relative_to(REPO)
    result = build(plan, tmp_path, "--lang", language, "--formats", formats)
    assert result.exit_code == 0, result.output
    folder = REPO / "tests" / "goldens" / "documents" / language
    for path in sorted(tmp_path.iterdir()):
        data = path.read_bytes()
        if path.suffix == ".pdf":
            golden(folder / f"{path.name}.txt", pdf_text(data))
        elif path.suffix == ".xlsx":
            golden(folder / f"{path.name}.txt", xlsx_text(data))
        else:
            golden(folder / path.name, data)


def test_rosters_have_one_page_per_post_and_their_total_is_the_allocation(tmp_path: Path) -> None:
    import pypdf

    from ttuplan.api import check_plan

    assert build(DOCUMENTS, tmp_path, "--formats", "pdf,csv").exit_code == 0
    result = check_plan(str(DOCUMENTS))
    assert result.deployment is not None
    posts = sum(len(phase.posts) for phase in result.deployment.phases)
    pages = [page.extract_text() for page in pypdf.PdfReader(tmp_path / "rosters.pdf").pages]
    sheets = [text for text in pages if "LEMBAR TUGAS POS" in text]
    assert len(sheets) == posts  # one page, and only one, per post
    allocated = sum(
        a.people
        for phase in result.deployment.phases
        for a in phase.assignments
        if a.force == "polri"
    )
    rows = list(csv.DictReader(io.StringIO((tmp_path / "rosters.csv").read_text())))
    assert sum(row["force"] == "Polri" for row in rows) == allocated


def test_a_list_longer_than_a_sheet_goes_on_in_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Excel holds 1,048,576 rows a sheet and XlsxWriter drops the rest without an error;
    a national plan has two million roster places. Shrunk here to 10 rows a sheet."""
    from ttuplan.render import xlsx

    monkeypatch.setattr(xlsx, "MAX_ROWS", 10)
    assert build(DOCUMENTS, tmp_path, "--formats", "csv,xlsx").exit_code == 0
    sheets = xlsx_cells((tmp_path / "rosters.xlsx").read_bytes())
    columns = 14  # with the shift
    posts = [name for name in sheets if name.startswith("Pos")]
    assert posts[0] == "Pos" and posts[1] == "Pos (2)"
    for name in posts:
        assert len(sheets[name]) <= 10 * columns
        assert sheets[name][:columns] == sheets[posts[0]][:columns]  # the header, repeated
    places = sum(len(sheets[name]) // columns - 1 for name in posts)
    rows = list(csv.DictReader(io.StringIO((tmp_path / "rosters.csv").read_text())))
    assert places == len(rows)  # nothing dropped


def test_a_cell_the_workbook_refuses_stops_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ttuplan.render import xlsx

    monkeypatch.setattr(xlsx, "MAX_ROWS", 2_000_000)  # past Excel's limit: XlsxWriter says -1
    real = xlsx._Pages.next_row

    def far(self: xlsx._Pages) -> tuple[object, int]:
        sheet, row = real(self)
        return sheet, row + 1_048_576

    monkeypatch.setattr(xlsx._Pages, "next_row", far)
    result = build(DOCUMENTS, tmp_path / "out", "--formats", "xlsx")
    assert result.exit_code == 2
    assert "cannot write rosters.xlsx: a cell outside the sheet" in result.stderr
    assert not (tmp_path / "out" / "rosters.xlsx").exists()


def test_a_large_workbook_is_streamed_with_the_same_cells(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From LARGE places the workbook is written row by row (constant memory, strings
    inline); its cells are those of the in-memory one, and it is reproducible too."""
    from ttuplan.render import xlsx

    assert build(DOCUMENTS, tmp_path / "small", "--formats", "xlsx").exit_code == 0
    monkeypatch.setattr(xlsx, "LARGE", 1)
    assert build(DOCUMENTS, tmp_path / "large", "--formats", "xlsx").exit_code == 0
    assert build(DOCUMENTS, tmp_path / "again", "--formats", "xlsx").exit_code == 0
    small = (tmp_path / "small" / "rosters.xlsx").read_bytes()
    large = (tmp_path / "large" / "rosters.xlsx").read_bytes()
    assert large != small  # really the other mode
    assert xlsx_cells(large) == xlsx_cells(small)
    assert (tmp_path / "again" / "rosters.xlsx").read_bytes() == large


def test_a_template_failing_half_way_leaves_no_partial_file(tmp_path: Path) -> None:
    """Documents are streamed into a staging folder: a template that fails after writing
    part of its output leaves neither that part nor any other new file behind."""
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "rosters.csv.j2").write_text(
        "{% for sheet in rosters.sheets %}{{ sheet.post.number }}\n{% endfor %}"
        "{{ rosters.no_such_thing.at_all }}"
    )
    out = tmp_path / "out"
    result = build(DOCUMENTS, out, "--templates", str(templates), "--formats", "csv,json")
    assert result.exit_code == 2
    assert "template problem" in result.stderr
    assert not out.exists() or list(out.iterdir()) == []


def test_a_failed_build_leaves_no_pdf_made_ahead_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The PDFs are made in threads while the other documents are written. When one of
    those failed while a PDF was still being made outside typst, the PDF's thread went on
    after the build had ended: it started typst children again and left its temporary
    file open (a ResourceWarning in whatever ran next)."""
    import gc
    import threading
    import time
    import warnings

    from ttuplan import render

    made = render._made

    def slowly_made(job: render.Writer) -> BinaryIO:  # still being made when md fails
        time.sleep(0.5)
        return made(job)

    monkeypatch.setattr(render, "_made", slowly_made)
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "briefing.md.j2").write_text("{{ briefing.no_such_thing.at_all }}")
    out = tmp_path / "out"
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always", ResourceWarning)
        result = build(DOCUMENTS, out, "--templates", str(templates), "--formats", "md,pdf")
        ended = time.monotonic() + 1
        while any(t.name.startswith("ttuplan-") for t in threading.enumerate()):
            assert time.monotonic() < ended, "a PDF's thread outlived the build"
            time.sleep(0.02)
        gc.collect()
    assert result.exit_code == 2, result.output
    assert "template problem" in result.stderr
    assert [str(w.message) for w in seen if w.category is ResourceWarning] == []
    assert not out.exists() or list(out.iterdir()) == []


def test_the_risk_table_reads_rules_by_force_not_by_their_order_in_the_file(
    tmp_path: Path,
) -> None:
    """`linmas 2 per tps` written before `polri 1 per tps` printed `2 : 1 : 1` under
    `Polri : TPS : Linmas`."""
    plan = tmp_path / "plan"
    shutil.copytree(DOCUMENTS, plan)
    text = (plan / "plan.ttup").read_text(encoding="utf-8")
    swapped = text.replace(
        "  polri 1 per tps\n  linmas 2 per tps\n", "  linmas 2 per tps\n  polri 1 per tps\n"
    )
    assert swapped != text
    (plan / "plan.ttup").write_text(swapped, encoding="utf-8")
    assert build(plan, tmp_path / "out", "--formats", "md,html").exit_code == 0
    markdown = (tmp_path / "out" / "briefing.md").read_text(encoding="utf-8")
    assert "| Pola (Polri : TPS : Linmas) |" in markdown
    assert "| Rawan | 2 | 1 : 1 : 2 |" in markdown
    assert "2 : 1 : 1" not in (tmp_path / "out" / "briefing.html").read_text(encoding="utf-8")


# ── a build that cannot be made: exit 2, one line on stderr, nothing written ─────────────


def test_building_a_plan_that_is_not_there(tmp_path: Path) -> None:
    result = build(tmp_path / "nowhere", tmp_path / "out")
    assert result.exit_code == 2
    assert result.stderr == f"ttuplan: error: no such file or folder: {tmp_path / 'nowhere'}\n"
    assert not (tmp_path / "out").exists()


def test_an_output_folder_that_cannot_be_made(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("a file where the folder would go\n")
    result = build(DOCUMENTS, tmp_path / "taken" / "out", "--formats", "md")
    assert result.exit_code == 2
    assert (
        result.stderr
        == f"ttuplan: error: cannot write {tmp_path / 'taken' / 'out'}: Not a directory\n"
    )


def test_a_plan_with_warnings_is_built_and_says_so(tmp_path: Path) -> None:
    result = build(
        REPO / "tests" / "fixtures" / "diagnostics" / "TP203-unused-definition",
        tmp_path,
        "--formats",
        "md",
    )
    assert result.exit_code == 0
    assert result.stdout == f"wrote {tmp_path / 'briefing.md'}\n"
    assert result.stderr == "ttuplan: 1 warning(s); the briefing lists them\n"


def templates_with(tmp_path: Path, files: dict[str, str]) -> Path:
    folder = tmp_path / "templates"
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


CATALOGUE = json.loads((REPO / "templates" / "i18n" / "id.json").read_text(encoding="utf-8"))
WITHOUT_SITUATION = json.dumps({k: v for k, v in CATALOGUE.items() if k != "situation"})


def test_a_rosters_template_typst_refuses_is_reported_in_typst_s_words(tmp_path: Path) -> None:
    """A mistake in the rosters' sheets, found while the briefing's PDF compiles beside
    them: the rosters' failure killed every typst child, the briefing's too, and the build
    reported the briefing's `typst ended with status -9` instead of typst's own words."""
    rosters = (REPO / "templates" / "rosters.typ.j2").read_text(encoding="utf-8")
    marker = '{% if part.kind == "sheets" %}\n'
    assert marker in rosters
    broken = rosters.replace(marker, marker + "#undefined-thing-here\n", 1)
    templates = templates_with(tmp_path, {"rosters.typ.j2": broken})
    for attempt in range(3):  # the briefing is compiling when the sheets fail, or not
        out = tmp_path / f"out{attempt}"
        result = build(SAMPLE_PLAN, out, "--templates", str(templates), "--formats", "pdf")
        assert result.exit_code == 2
        assert result.stderr.startswith("ttuplan: error: the Typst template does not compile: ")
        assert "unknown variable: undefined-thing-here" in result.stderr, result.stderr
        assert not out.exists() or list(out.iterdir()) == []


@pytest.mark.parametrize(
    ("files", "formats", "problem"),
    [
        pytest.param(
            {"i18n/id.json": "{ not json"},
            "md",
            "cannot read {templates}/i18n/id.json: Expecting property name enclosed in double "
            "quotes: line 1 column 3 (char 2)\n",
            id="a catalogue that is not JSON",
        ),
        pytest.param(
            {"i18n/id.json": '{"_language": "Bahasa Indonesia"}'},
            "md",
            "the id catalogue has no word `",  # (the first the views ask for)
            id="a catalogue without the words of the views",
        ),
        pytest.param(
            {"i18n/id.json": WITHOUT_SITUATION},
            "md",
            "the id catalogue has no word `situation`\n",
            id="a catalogue without a word a template asks for",
        ),
        pytest.param(
            {"briefing.md.j2": "{{ briefing.title }}\n{% if %}\n"},
            "md",
            "template problem: {templates}/briefing.md.j2:2: Expected an expression, "
            "got 'end of statement block'\n",
            id="a template that is not Jinja",
        ),
        pytest.param(
            {"briefing.typ.j2": "#no_such_function()\n"},
            "pdf",
            "the Typst template does not compile: ",
            id="a template that is not Typst",
        ),
    ],
)
def test_templates_that_cannot_be_used_stop_the_build(
    tmp_path: Path, files: dict[str, str], formats: str, problem: str
) -> None:
    templates = templates_with(tmp_path, files)
    out = tmp_path / "out"
    result = build(DOCUMENTS, out, "--templates", str(templates), "--formats", formats)
    assert result.exit_code == 2
    assert result.stderr.startswith("ttuplan: error: " + problem.format(templates=templates))
    assert not out.exists() or list(out.iterdir()) == []


def test_a_language_without_a_catalogue_is_refused_by_the_api(tmp_path: Path) -> None:
    """The command line offers only `id` and `en`; the API is told so too."""
    from ttuplan.api import build_documents
    from ttuplan.render import BuildError, BuildOptions

    with pytest.raises(BuildError, match=r"^no language `fr`: ttuplan writes id, en$"):
        build_documents(str(DOCUMENTS), tmp_path / "out", BuildOptions(language="fr"))
    assert not (tmp_path / "out").exists()


def test_rosters_compiled_in_parts_read_as_one_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rosters PDF is compiled a few sheets at a time (each part in a child process,
    so memory does not grow with the plan) and merged: with parts of 2 sheets it reads
    exactly as with one part, page numbers, totals and bookmarks included."""
    import pypdf

    import ttuplan.render.pdf

    assert build(DOCUMENTS, tmp_path / "whole", "--formats", "pdf").exit_code == 0
    monkeypatch.setattr(ttuplan.render.pdf, "PART_PAGES", 2)
    assert build(DOCUMENTS, tmp_path / "parts", "--formats", "pdf").exit_code == 0
    whole = (tmp_path / "whole" / "rosters.pdf").read_bytes()
    parts = (tmp_path / "parts" / "rosters.pdf").read_bytes()
    assert pdf_text(parts) == pdf_text(whole)
    assert bookmarks(parts) == bookmarks(whole)
    reader = pypdf.PdfReader(io.BytesIO(parts))
    assert f"dari {len(reader.pages)}" in reader.pages[-1].extract_text()


def test_sheets_that_run_over_a_page_are_numbered_as_one_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sheet is meant to be one page. Forty standing instructions make every TPS
    sheet run over: each part is found longer than predicted, the parts are compiled
    again with the numbers found (the output written anew), and every page of the
    merged document prints its own number and the true total, as the document
    compiled in one part does."""
    import re

    import pypdf

    import ttuplan.render.pdf

    plan = tmp_path / "plan"
    shutil.copytree(DOCUMENTS, plan)
    text = (plan / "plan.ttup").read_text(encoding="utf-8")
    many = ", ".join(
        f'"Petunjuk tambahan nomor {n}, cukup panjang untuk satu baris."' for n in range(40)
    )
    longer = text.replace(
        'kind tps "Tempat Pemungutan Suara" {\n',
        f'kind tps "Tempat Pemungutan Suara" {{\n  instruction {many}\n',
    )
    assert longer != text
    (plan / "plan.ttup").write_text(longer, encoding="utf-8")
    assert build(plan, tmp_path / "whole", "--formats", "pdf").exit_code == 0
    monkeypatch.setattr(ttuplan.render.pdf, "PART_PAGES", 2)
    assert build(plan, tmp_path / "parts", "--formats", "pdf").exit_code == 0
    whole = (tmp_path / "whole" / "rosters.pdf").read_bytes()
    parts = (tmp_path / "parts" / "rosters.pdf").read_bytes()
    marks = bookmarks(parts)
    sheets = [page for depth, title, page in marks if depth == 1 and title.startswith("Pos ")]
    assert any(b - a > 1 for a, b in pairwise(sheets)), "no sheet ran over"
    assert pdf_text(parts) == pdf_text(whole)
    assert marks == bookmarks(whole)
    reader = pypdf.PdfReader(io.BytesIO(parts))
    for number, page in enumerate(reader.pages, start=1):
        footer = re.search(r"Halaman (\d+) dari (\d+)", page.extract_text())
        assert footer is not None
        assert footer.groups() == (str(number), str(len(reader.pages)))


def bookmarks(data: bytes) -> list[tuple[int, str, int]]:
    from ttuplan.render.pdf import outline

    return outline(data)


def test_rosters_pdf_is_small_and_its_sheets_bookmarked_under_their_phase(tmp_path: Path) -> None:
    """Untagged (the tags were 10 of 12.5 MB for the sample's 317 pages of rosters, 0.6 of
    0.8 MB of its briefing); every sheet is a bookmark under its phase."""
    assert build(DOCUMENTS, tmp_path, "--formats", "pdf").exit_code == 0
    data = (tmp_path / "rosters.pdf").read_bytes()
    assert b"/StructTreeRoot" not in data
    assert b"/StructTreeRoot" not in (tmp_path / "briefing.pdf").read_bytes()
    marks = bookmarks(data)
    phases = [title for depth, title, _ in marks if depth == 0]
    assert phases[:2] == ["Kampanye", "Pemungutan Suara"]
    assert next(t for d, t, _ in marks if d == 1).startswith("Pos 1 · ")
