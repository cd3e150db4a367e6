"""Escaping per format, value by value: what a plan supplies stays text in every document.

tests/test_documents.py proves it through whole builds; here each rule is one row.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ttuplan.render.escape import Trusted, csv_cell, markdown_text, typst_literal


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # Markers that only count where a line starts: a list, a numbered list, a setext
        # heading's underline. A paragraph of the plan must not become one.
        ("- bukan butir", "\\- bukan butir"),
        ("+ bukan butir", "\\+ bukan butir"),
        ("1. Bukan daftar", "1\\. Bukan daftar"),
        ("2) Bukan daftar", "2\\) Bukan daftar"),
        ("2024.", "2024\\."),
        ("  3. indented", "3\\. indented"),  # leading blanks dropped: no code block
        ("===", "\\==="),
        ("> bukan kutipan", "&gt; bukan kutipan"),  # (already inert as an entity)
        # The same characters elsewhere in a line are text and stay as written.
        ("Rayon - 2", "Rayon - 2"),
        ("-5 derajat", "-5 derajat"),
        ("1.5 km", "1.5 km"),
        ("a = b", "a = b"),
        # Markup anywhere, raw HTML, and line breaks (a table cell ends at one).
        ("*tebal* _miring_ `kode` [tautan](x) | $x$ ~c~ #h", None),
        ("<b>&amp;", "&lt;b&gt;&amp;amp;"),
        ("baris\nbaru\rlagi", "baris baru lagi"),
        (None, ""),
        (1548, "1548"),
    ],
)
def test_markdown_text(value: object, expected: str | None) -> None:
    if expected is None:  # every markup character escaped with a backslash
        expected = "\\*tebal\\* \\_miring\\_ \\`kode\\` \\[tautan\\](x) \\| \\$x\\$ \\~c\\~ \\#h"
    assert markdown_text(value) == expected


def test_markdown_escapes_a_marker_once_the_line_breaks_are_gone() -> None:
    """Lines are joined first, so only the value's own start can begin a line."""
    assert markdown_text("Lihat:\n- butir") == "Lihat: - butir"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('Kapolres "TTU" \\ 1\n2\r\t', '"Kapolres \\"TTU\\" \\\\ 1\\n2\\r\\t"'),
        ("#set page(fill: red) $x$", '"#set page(fill: red) $x$"'),  # a string, never markup
        (None, '""'),
        (25, '"25"'),
    ],
)
def test_typst_literal(value: object, expected: str) -> None:
    assert typst_literal(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("-1+1", "'-1+1"),
        ("\uff1dSUM(A1)", "'\uff1dSUM(A1)"),  # a full-width equals sign counts too
        ('Kantor "Camat", Lama', '"Kantor ""Camat"", Lama"'),
        ("baris\nbaru", '"baris\nbaru"'),
        (-5, "-5"),  # numbers are numbers, not formulas
        (2.5, "2.5"),
        (True, "1"),
        (False, "0"),
        (None, ""),
    ],
)
def test_csv_cell(value: object, expected: str) -> None:
    assert csv_cell(value) == expected


@pytest.mark.parametrize("escape", [markdown_text, typst_literal, csv_cell])
def test_what_ttuplan_built_itself_passes_unchanged(escape: Callable[[object], str]) -> None:
    made = Trusted('#link("x")[*1.* =a, "b"]')
    assert escape(made) == made
