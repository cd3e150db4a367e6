"""bench/pages.py, the pictures of every page type: which pages it picks from a
document's bookmarks (the rendering itself needs poppler and is run by hand)."""

from __future__ import annotations

import importlib.util
from types import ModuleType

from tests.conftest import REPO


def pages_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("pages", REPO / "bench" / "pages.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_briefing_pictures_are_the_cover_each_section_a_few_subsections_and_the_end() -> None:
    pages = pages_script()
    marks = [
        (0, "Dasar", 2),
        (0, "3. Pelaksanaan", 2),
        (1, "3.1 Konsep", 2),
        (2, "Garis waktu", 3),  # deeper than a subsection: not a page type of its own
        (1, "3.6 Peta", 6),
        (0, "Lampiran", 10),
        *[(1, f"Kecamatan {n}", 10 + n) for n in range(1, 9)],  # one per page: one type
    ]
    assert pages.briefing_pages(marks, 21) == [
        (1, "cover"),
        (2, "Dasar"),
        (6, "3.6 Peta"),
        (10, "Lampiran"),
        (11, "Kecamatan 1"),
        (12, "Kecamatan 2"),
        (13, "Kecamatan 3"),
        (14, "Kecamatan 4"),
        (21, "last page"),
    ]


def test_the_rosters_pictures_include_the_first_sheet_that_runs_over() -> None:
    pages = pages_script()
    marks = [
        (0, "Kampanye", 2),
        (1, "Pos 1", 2),
        (1, "Pos 2", 3),
        (0, "Cadangan", 4),
        (1, "Rayon I", 4),
        (1, "Calling System", 5),  # three pages: 5, 6 and 7
        (1, "Rayon II", 8),  # one page: the index starts on the next
        (0, "Indeks", 9),
        (1, "Alfa", 9),
    ]
    assert pages.rosters_pages(marks, 9) == [
        (1, "cover"),
        (2, "Kampanye"),
        (4, "Cadangan"),
        (6, "Calling System, its second page"),
        (9, "Indeks"),
    ]
