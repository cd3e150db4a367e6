"""CSV tables: the header (none, unreadable, columns missing), and the personnel table's
rows (empty cells, an NRP twice, an unknown unit, a row the csv module cannot read)."""

from __future__ import annotations

from pathlib import Path

from ttuplan.api import load_plan
from ttuplan.diagnostics.model import Diagnostic
from ttuplan.model import Plan

PLAN = """plan t "T" {
  authority "A"
}
force polri "Polri"
unit u "U" {
  force polri
  final
}
unit v "V" {
  force polri
  final
}
"""
SITES_PLAN = PLAN + 'kind tps "TPS"\nrisk r "R" {\n  polri 1 per 3 tps\n}\ndistrict d "D"\n'


def load(folder: Path, plan: str, files: dict[str, str]) -> tuple[list[Diagnostic], Plan | None]:
    """The diagnostics in the tables, and the plan."""
    (folder / "plan.ttup").write_text(plan, encoding="utf-8")
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8", newline="")
    result = load_plan(str(folder / "plan.ttup"))
    in_tables = [d for d in result.diagnostics if d.span and d.span.file.endswith(".csv")]
    return in_tables, result.plan


def where(diagnostic: Diagnostic) -> tuple[str, str, int, int]:
    assert diagnostic.span is not None
    return (
        diagnostic.code.id,
        Path(diagnostic.span.file).name,
        diagnostic.span.line,
        diagnostic.span.column,
    )


def test_a_leader_cell_that_is_not_yes_or_no_is_worded_as_other_bad_cells(
    tmp_path: Path,
) -> None:
    table = "nrp,name,rank,unit,leader\n1001,Yohanes,BRIPDA,u,mungkin\n1002,Maria,BRIPTU,u,ya\n"
    problems, _ = load(tmp_path, PLAN + 'personnel "people.csv"\n', {"people.csv": table})
    assert [where(d) for d in problems] == [("TP304", "people.csv", 2, 23)]
    [bad] = problems
    assert (bad.message, bad.label) == ("`mungkin` is not yes or no", "not yes or no")
    assert bad.help is not None and bad.help.startswith("write `ya`")


def test_personnel_rows_with_problems_are_reported_and_left_out(tmp_path: Path) -> None:
    table = (
        "nrp,name,rank,unit,phone,shift\n"
        "1001,Yohanes,BRIPDA,u,0811,pagi; malam\n"
        "1001,Maria,BRIPTU,v,,\n"  # the same NRP again
        ",Anon,BRIPDA,u,,\n"  # no NRP
        "1003,  ,BRIPDA,u,,\n"  # a blank name
        "1004,Petrus,BRIPDA,polsek_x,,\n"  # no such unit
        "1005,Lukas,AIPDA,v,,\n"
    )
    problems, plan = load(tmp_path, PLAN + 'personnel "people.csv"\n', {"people.csv": table})
    assert [where(d) for d in problems] == [
        ("TP303", "people.csv", 3, 1),
        ("TP304", "people.csv", 4, 1),
        ("TP304", "people.csv", 5, 6),
        ("TP302", "people.csv", 6, 20),
    ]
    duplicate, no_nrp, no_name, unknown = problems
    assert duplicate.message == "the NRP `1001` is listed twice"
    assert duplicate.label == "listed again here"
    assert [(r.span.line, r.message) for r in duplicate.related] == [(2, "first listed here")]
    assert no_nrp.message == "the nrp cell is empty"
    assert no_name.message == "the name cell is empty"
    assert unknown.message == "no unit `polsek_x` is defined"
    assert plan is not None
    assert [(p.nrp, p.name, p.unit, p.shifts) for p in plan.personnel] == [
        ("1001", "Yohanes", "u", ("pagi", "malam")),
        ("1005", "Lukas", "v", ()),
    ]


def test_a_personnel_table_without_a_required_column_gives_no_people(tmp_path: Path) -> None:
    table = "nrp,name,unit\n1001,Yohanes,u\n"
    problems, plan = load(tmp_path, PLAN + 'personnel "people.csv"\n', {"people.csv": table})
    assert [where(d) for d in problems] == [("TP301", "people.csv", 1, 1)]
    assert problems[0].message == "the table lacks the column `rank`"
    assert problems[0].notes == (
        "required: nrp, name, rank, unit; optional: phone, shift, district, village, leader",
    )
    assert plan is not None and plan.personnel == ()


def test_a_table_with_no_header_line(tmp_path: Path) -> None:
    """Blank lines and comments only: nothing says what the columns are."""
    problems, _ = load(
        tmp_path, SITES_PLAN + 'sites "tps.csv"\n', {"tps.csv": "\n# sites to come\n\n"}
    )
    assert [where(d) for d in problems] == [("TP301", "tps.csv", 1, 1)]
    assert problems[0].message.endswith("tps.csv` has no header line")
    assert problems[0].help == "start the table with the line `id,name,kind,district,risk`"


def test_a_header_the_csv_module_cannot_read(tmp_path: Path) -> None:
    """One header cell past the csv module's field limit (a file that is not a table)."""
    header = "id,name,kind,district,risk," + "x" * 200_000 + "\nt1,T 1,tps,d,r,\n"
    problems, _ = load(tmp_path, SITES_PLAN + 'sites "tps.csv"\n', {"tps.csv": header})
    assert [where(d) for d in problems] == [("TP305", "tps.csv", 1, 1)]
    assert problems[0].message.startswith("the header line cannot be read as CSV: field larger")


def test_a_row_the_csv_module_cannot_read_ends_the_table_there(tmp_path: Path) -> None:
    """A cell past the csv module's field limit (a file that is not a table)."""
    table = (
        "nrp,name,rank,unit\n1001,Yohanes,BRIPDA,u\n1002,"
        + "M" * 200_000
        + ",BRIPTU,u\n1003,Lukas,AIPDA,v\n"
    )
    problems, plan = load(tmp_path, PLAN + 'personnel "people.csv"\n', {"people.csv": table})
    assert [where(d) for d in problems] == [("TP305", "people.csv", 3, 1)]
    assert problems[0].message == "a cell here runs past 131,072 characters"
    assert problems[0].help.endswith("the rest of the table is not read")
    assert plan is not None
    assert [p.nrp for p in plan.personnel] == ["1001"]
