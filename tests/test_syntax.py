"""Syntax: what each common mistake is called, where it points, and how recovery behaves."""

from __future__ import annotations

from pathlib import Path

import pytest

from ttuplan.parse import parse
from ttuplan.parse.parser import MAX_SYNTAX_ERRORS

UNIT = 'unit polres "Polres TTU" {\n  force polri\n  strength 425\n}\n'

# (name, source, [(code, line, column, words in the message or help)])
CASES = [
    ("clean", UNIT, []),
    (
        "missing closing brace",
        'unit a "A" {\n  force polri\n\nunit b "B" {\n  force polri\n}\n',
        [("TP104", 1, 12, "add `}` on its own line before line 4")],
    ),
    (
        "missing brace at end of file",
        'unit a "A" {\n  force polri\n',
        [("TP104", 1, 12, "never closed")],
    ),
    ("equals sign", 'unit a "A" {\n  strength = 425\n}\n', [("TP107", 2, 12, "strength 425")]),
    ("colon", 'unit a "A" {\n  strength: 425\n}\n', [("TP107", 2, 11, "`:`")]),
    ("semicolon", 'force polri "Polri";\n', [("TP107", 1, 20, "`;`")]),
    ("unquoted one-word label", "force polri Polri\n", [("TP106", 1, 13, '"Polri"')]),
    (
        "unquoted label of several words",
        "plan p Rencana Pengamanan {\n}\n",
        [("TP106", 1, 8, '"Rencana Pengamanan"')],
    ),
    (
        "misspelled statement",
        UNIT.replace("strength", "strenght"),
        [("TP105", 3, 3, "did you mean `strength`?")],
    ),
    ("misspelled declaration", UNIT.replace("unit", "unti"), [("TP105", 1, 1, "`unit`")]),
    (
        "statement of another block",
        'unit a "A" {\n  voters 3\n}\n',
        [("TP105", 2, 3, "statements allowed here")],
    ),
    ("unterminated label", 'force polri "Polri\nkind tps "TPS"\n', [("TP103", 1, 13, "closing")]),
    ("stray character", 'force polri "Polri" @\n', [("TP102", 1, 21, "`@`")]),
    ("NUL byte", 'force polri "Polri"\x00\n', [("TP102", 1, 20, "U+0000")]),
    ("keyword as a name", 'unit site "Site" {\n}\n', [("TP101", 1, 6, "is a keyword")]),
    ("closing brace too many", '}\nforce polri "Polri"\n', [("TP101", 1, 1, "closes no block")]),
    ("missing opening brace", 'unit a "A"\n  force polri\n}\n', [("TP101", 1, 8, "needs `{`")]),
    (
        "statement cut short",
        'unit a "A" {\n  force\n}\n',
        [("TP101", 2, 3, "a name must follow `force`")],
    ),
    (
        "label where a name goes",
        'unit a "A" {\n  force "polri"\n}\n',
        [("TP101", 2, 9, "names are written without quotes")],
    ),
    (
        "missing comma in a list",
        'unit a "A" {\n  covers d1 d2\n}\n',
        [("TP101", 2, 13, "separate the items of a list with `,`")],
    ),
    (
        "date written without padding",
        'phase p "P" 2024-2-14 .. 2024-02-15\n',
        [("TP108", 1, 13, "2024-02-14")],
    ),
    (
        "date that does not exist",
        'phase p "P" 2024-02-30 .. 2024-03-01\n',
        [("TP108", 1, 13, "day is out of range")],
    ),
    ("hour past 23", 'phase p "P" 2024-02-14 24:00 .. 2024-02-15\n', [("TP109", 1, 24, "24-hour")]),
    ("duration in words", 'risk r "R" {\n  reserve within 30min\n}\n', [("TP110", 2, 18, "`30m`")]),
    (
        "fractional strength",
        'unit a "A" {\n  strength 2.5\n}\n',
        [("TP111", 2, 12, "whole number")],
    ),
    ("negative strength", 'unit a "A" {\n  strength -3\n}\n', [("TP111", 2, 12, "whole number")]),
    (
        "a million-digit number",
        'unit a "A" {\n  strength ' + "9" * 10**6 + "\n}\n",
        [("TP111", 2, 12, "far too long")],
    ),
    (
        "swapped coordinates",
        'district d "D" {\n  at 124.47, -9.44\n}\n',
        [("TP112", 2, 6, "latitude first")],
    ),
    ("capitalised name", 'force Polri "Polri"\n', [("TP113", 1, 7, "`polri`")]),
    (
        "during inside a phase",
        'phase p "P" 2024-02-14 .. 2024-02-15 {\n  guard tps by risk during p\n}\n',
        [("TP207", 2, 28, "no meaning inside a phase")],
    ),
]


@pytest.mark.parametrize(("name", "source", "expected"), CASES, ids=[c[0] for c in CASES])
def test_mistake_is_reported_in_words(
    name: str, source: str, expected: list[tuple[str, int, int, str]]
) -> None:
    from ttuplan.syntax import build

    result = parse(source, "t.ttup")
    _, value_problems = build(result.tree, "t.ttup")
    found = [*result.diagnostics, *value_problems]
    assert [(d.code.id, d.span.line, d.span.column) for d in found if d.span] == [
        (code, line, column) for code, line, column, _ in expected
    ]
    for diagnostic, (_, _, _, words) in zip(found, expected, strict=True):
        text = f"{diagnostic.message} {diagnostic.label} {diagnostic.help} {diagnostic.notes}"
        assert words in text
        assert "__ANON" not in text and "RBRACE" not in text and "$END" not in text


THREE_ERRORS = (
    "force polri Polri\n"  # unquoted label
    'unit a "A" {\n  strenght 4\n  force polri\n}\n'  # misspelled statement
    'kind tps "TPS"\n'
    'unit b "B" {\n  force polri\n  parent = a\n}\n'  # stray `=`
)


def test_three_independent_errors_are_all_reported() -> None:
    result = parse(THREE_ERRORS, "t.ttup")  # as found: the Reporter orders them
    assert sorted((d.span.line, d.code.id) for d in result.diagnostics if d.span) == [
        (1, "TP106"),
        (3, "TP105"),
        (9, "TP107"),
    ]
    # The declarations without errors are still in the tree.
    assert [c.data for c in result.tree.children] == ["kind", "unit"]


def test_the_errors_are_reported_in_source_order(tmp_path: Path) -> None:
    """`parse` gives its errors as found (TP107 at line 9 before TP106 at line 1); what a
    user sees, through the Reporter, is in the order of the source."""
    from ttuplan.api import load_plan

    (tmp_path / "plan.ttup").write_text(THREE_ERRORS, encoding="utf-8")
    result = load_plan(str(tmp_path / "plan.ttup"))
    found = [(d.code.id, d.span.line) for d in result.diagnostics if d.span]
    assert found == [("TP106", 1), ("TP105", 3), ("TP107", 9)]


def test_one_mistake_is_not_echoed_by_the_lines_after_it() -> None:
    source = 'unit a "A" {\n  strength 4 5\n  force polri\n  covers d1\n}\nforce polri "P"\n'
    assert [d.code.id for d in parse(source, "t.ttup").diagnostics] == ["TP101"]


def test_errors_are_capped() -> None:
    source = "".join(f"force f{i} F{i}\n" for i in range(MAX_SYNTAX_ERRORS * 3))
    diagnostics = parse(source, "t.ttup").diagnostics
    assert len(diagnostics) == MAX_SYNTAX_ERRORS + 1
    assert (
        diagnostics[-1].message == f"... and more syntax errors after the first {MAX_SYNTAX_ERRORS}"
    )
    assert diagnostics[-1].span is not None and diagnostics[-1].span.line == MAX_SYNTAX_ERRORS + 1


def test_bad_characters_are_capped_with_a_count() -> None:
    result = parse("@ " * 10_000, "t.ttup")
    assert 1 < len(result.diagnostics) <= 30
    assert "more characters" in result.diagnostics[-1].message


@pytest.mark.parametrize("prefix", ["\ufeff", ""])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_byte_order_mark_and_line_ends_are_accepted(prefix: str, newline: str) -> None:
    source = prefix + UNIT.replace("\n", newline)
    result = parse(source, "t.ttup")
    assert result.diagnostics == ()
    assert result.tree.children[0].data == "unit"
