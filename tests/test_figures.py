"""The sample plan's documents as an order to be signed and issued (issue 13): every figure
they print, in every format, is the deployment's own, per phase and never added across
phases; they carry the Dasar list, the signature block, the map, and resolve every
"masing-masing" to a named place."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree

import pypdf
import pytest
from click.testing import CliRunner

from tests.conftest import REPO, SAMPLE_PLAN
from tests.test_documents import xlsx_cells
from ttuplan.cli import main
from ttuplan.deployment import Deployment


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sample")
    result = CliRunner().invoke(main, ["build", str(SAMPLE_PLAN), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def deployment() -> Deployment:
    from ttuplan.api import check_plan

    result = check_plan(str(SAMPLE_PLAN))
    assert result.deployment is not None
    return result.deployment


def number(value: int) -> str:
    """As the Indonesian documents write it: 1.548."""
    return f"{value:,}".replace(",", ".")


LABELS = {"polri": "Polri", "linmas": "Linmas"}


def figures(deployment: Deployment) -> list[tuple[str, int, list[tuple[str, int, int, int]], int]]:
    """Per phase, straight from the deployment: (phase, posts, per force (label, on duty
    at once, in all, allocated), held in reserves)."""
    found = []
    for phase in deployment.phases:
        rows = []
        for force in ("polri", "linmas"):
            once = sum(post.need_of(force) for post in phase.posts)
            in_all = sum(post.people_of(force) for post in phase.posts)
            given = sum(a.people for a in phase.assignments if a.force == force)
            if in_all:
                rows.append((LABELS[force], once, in_all, given))
        held = sum(h.people for h in phase.holds)
        found.append((phase.phase, len(phase.posts), rows, held))
    return found


def pdf_text(path: Path, pages: slice = slice(None)) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages[pages])


PHASE_LABELS = {
    "kampanye": "Kampanye",
    "masa_tenang": "Masa Tenang",
    "pemungutan": "Pemungutan dan Penghitungan Suara",
    "rekapitulasi": "Rekapitulasi PPK dan KPU Kabupaten",
}


def test_the_sample_s_figures_are_those_published(deployment: Deployment) -> None:
    """What the other tests hold the documents to: per phase, never summed."""
    by_phase = {name: (posts, rows, held) for name, posts, rows, held in figures(deployment)}
    assert by_phase["pemungutan"] == (
        280,
        [("Polri", 294, 294, 294), ("Linmas", 1548, 1548, 1548)],
        50,
    )
    assert by_phase["kampanye"] == (3, [("Polri", 12, 24, 24)], 270)  # 4 a site, 2 shifts


def test_every_phase_figure_in_every_format_is_the_deployment_s(
    sample: Path, deployment: Deployment
) -> None:
    markdown = (sample / "briefing.md").read_text()
    html = (sample / "briefing.html").read_text()
    briefing_pdf = pdf_text(sample / "briefing.pdf", slice(0, 6))
    rosters_cover = pdf_text(sample / "rosters.pdf", slice(0, 1))
    rosters_html = (sample / "rosters.html").read_text()
    summary = xlsx_cells((sample / "rosters.xlsx").read_bytes())["Ringkasan"]
    rows = list(csv.DictReader(io.StringIO((sample / "rosters.csv").read_text())))
    places = Counter((row["phase"], row["force"]) for row in rows)
    plan_json = json.loads((sample / "plan.json").read_text())["deployment"]["phases"]
    for (name, posts, forces, held), data in zip(figures(deployment), plan_json, strict=True):
        label = PHASE_LABELS[name]
        assert data["phase"] == name and len(data["posts"]) == posts
        for index, (force, once, in_all, given) in enumerate(forces):
            first = index == 0
            # Markdown: | phase | posts | force | at once | **in all** | allocated | held |
            line = (
                f"| {label if first else ''} | {number(posts) if first else ''} | {force} | "
                f"{number(once)} | **{number(in_all)}** | {number(given)} | "
                f"{number(held) if first else ''} |"
            )
            assert line in markdown, line
            assert f"{force} {number(once)} {number(in_all)} {number(given)}" in briefing_pdf
            assert f"{force} {number(once)} {number(in_all)}" in rosters_cover
            cells = (
                f'<td>{force}</td><td class="num">{number(once)}</td>'
                f'<td class="num"><b>{number(in_all)}</b></td>'
            )
            assert cells + f'<td class="num">{number(given)}</td>' in html
            assert cells in rosters_html
            assert [label, str(posts), force, str(once), str(in_all), str(held)] in [
                summary[i : i + 6] for i in range(len(summary) - 5)
            ]
            assert places[(label, force)] == given  # one CSV row a place, every shift's
            assert given == sum(
                a["people"] for a in data["assignments"] if LABELS[a["force"]] == force
            )


def test_strength_is_the_polres_s_with_the_bko_apart(sample: Path) -> None:
    """425 as published, the 25 Brimob (BKO) beside it, never one figure of 450."""
    markdown = (sample / "briefing.md").read_text()
    assert "- Polri: **425** personel (+25 Brimob Polda NTT (BKO))" in markdown
    pdf = pdf_text(sample / "briefing.pdf", slice(0, 6))
    assert "Polri 425 personel +25 Brimob Polda NTT (BKO)" in pdf
    html = re.sub(r"<svg.*?</svg>", "", (sample / "briefing.html").read_text(), flags=re.S)
    for text in (markdown, pdf, html):
        assert not re.search(r"\b450\b", text)
        assert not re.search(r"\b330\b", text)  # the fixed guards of four phases, added up


def test_the_sample_s_documents_are_an_order_to_sign(sample: Path) -> None:
    markdown = (sample / "briefing.md").read_text()
    html = (sample / "briefing.html").read_text()
    pdf = " ".join(pdf_text(sample / "briefing.pdf").split())  # lines joined as read
    # the numbered Dasar list, in order
    dasar = markdown.split("## Dasar\n\n")[1].split("\n\n")[0].splitlines()
    assert dasar[0].startswith("1. Undang-Undang Nomor 2 Tahun 2002")
    assert [line.split(".")[0] for line in dasar] == [str(n) for n in range(1, len(dasar) + 1)]
    assert len(dasar) >= 5
    assert '<ol class="numbered">\n<li>Undang-Undang Nomor 2 Tahun 2002' in html
    assert "1. Undang-Undang Nomor 2 Tahun 2002" in pdf
    # the signature block: title, name, rank; what the plan leaves out is a blank
    for text in (markdown, pdf):
        assert "KEPALA KEPOLISIAN RESOR TIMOR TENGAH UTARA" in text
        assert "MOH. MUKHSON" in text
        assert "Dikeluarkan di Kefamenanu" in text
    assert "**MOH. MUKHSON**<br>\nAKBP NRP …………" in markdown
    assert "Distribusi" in pdf and "Kapolda NTT" in pdf
    # the map: in the PDF (an image), inline in HTML, and its own file
    svg = (sample / "map.svg").read_text()
    ElementTree.fromstring(svg)  # well-formed XML
    assert "Rayon I Bijaepasu" in svg and "Kefamenanu" in svg
    assert "<svg" in html and "Rayon I Bijaepasu</text>" in html
    assert "3.6 Peta" in pdf
    # nothing "masing-masing" is left for the reader to resolve
    everything = [markdown, html, pdf, (sample / "rosters.csv").read_text()]
    everything += [(sample / "rosters.html").read_text(), pdf_text(sample / "rosters.pdf")]
    for text in everything:
        assert "masing-masing" not in text
    assert "Markas Polsek Miomaffo Timur" in everything[-1]


def test_roster_sheets_say_when_where_and_whom_to_call(sample: Path) -> None:
    """The report time with its date and WITA, the post's own base, the shifts, the line
    of command and the escalation path, the nearest reserve with its travel time."""
    text = pdf_text(sample / "rosters.pdf", slice(0, 10))
    assert "Rabu, 14 Februari 2024, pukul 05.00 WITA · Markas Polsek" in text
    assert "pagi 06.00–18.00 WITA" in text and "malam 18.00–06.00 WITA" in text
    assert "Garis komando: Polsek Miomaffo Timur → Polres TTU" in text
    assert re.search(r"Cadangan terdekat: .+ · [\d,]+ km · ±[\d,]+ menit", text)
    assert "Rawan · penjagaan tetap" in text  # a fixed site's own class, as everywhere
    back = pdf_text(sample / "rosters.pdf", slice(288, 300))
    assert "LEMBAR TUGAS CADANGAN" in back and "Lokasi terjauh:" in back
    assert "Brimob Polda NTT (BKO)" in pdf_text(sample / "rosters.pdf", slice(288, 330))


def test_a_force_a_guard_names_twice_is_counted_once_per_place(tmp_path: Path) -> None:
    """`guard kpu with 1 polri, 1 polri` is the same post as `with 2 polri`: 2 on duty at
    once, 2 a shift in all. Summing each entry's force total (every entry of the force,
    again) counted it twice: 4 in all against 2 at once."""
    import shutil

    from ttuplan.api import check_plan
    from ttuplan.render.common import Labels, force_figures

    documents = REPO / "tests" / "fixtures" / "plans" / "documents"
    found = []
    for guard in ("with 2 polri", "with 1 polri, 1 polri"):
        plan = tmp_path / guard.replace(" ", "_").replace(",", "")
        shutil.copytree(documents, plan)
        text = (plan / "plan.ttup").read_text(encoding="utf-8")
        assert "guard kpu with 2 polri\n" in text
        (plan / "plan.ttup").write_text(
            text.replace("guard kpu with 2 polri\n", f"guard kpu {guard}\n"), encoding="utf-8"
        )
        result = check_plan(str(plan))
        assert result.plan is not None and result.deployment is not None
        labels = Labels(result.plan)
        found.append([force_figures(labels, phase) for phase in result.deployment.phases])
    assert found[0] == found[1]
