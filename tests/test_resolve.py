"""Resolution: includes stay in the plan's folder, cycles show their chain, names resolve."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

import pytest

from ttuplan.api import load_plan
from ttuplan.diagnostics import codes

PLAN = """plan t "T" {
  authority "A"
}
force polri "Polri"
unit u "U" {
  force polri
  final
}
"""


def write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder / "plan.ttup"


def found(entry: Path) -> list[tuple[str, int]]:
    return [(d.code.id, d.span.line if d.span else 0) for d in load_plan(str(entry)).diagnostics]


def test_include_inside_the_folder_is_read_relative_to_its_file(tmp_path: Path) -> None:
    entry = write(
        tmp_path,
        {
            "plan.ttup": PLAN + 'include "parts/kinds.ttup"\n',
            "parts/kinds.ttup": 'include "../more/other.ttup"\nkind tps "TPS"\n',
            "more/other.ttup": 'kind kpu "KPU"\n',
        },
    )
    result = load_plan(str(entry))
    assert result.plan is not None
    # Includes are expanded where they stand: other.ttup's kind comes before kinds.ttup's.
    assert [k.name for k in result.plan.kinds] == ["kpu", "tps"]
    assert [d.code for d in result.diagnostics] == [codes.UNUSED_DEFINITION] * 2


@pytest.mark.parametrize("written", ["../outside.ttup", "parts/../../outside.ttup"])
def test_a_path_that_climbs_out_is_refused(tmp_path: Path, written: str) -> None:
    (tmp_path / "outside.ttup").write_text('kind secret "Secret"\n')
    entry = write(tmp_path / "plan", {"plan.ttup": PLAN + f'include "{written}"\n'})
    assert found(entry) == [("TP002", 9)]


def test_an_absolute_path_is_refused(tmp_path: Path) -> None:
    (tmp_path / "outside.ttup").write_text('kind secret "Secret"\n')
    entry = write(
        tmp_path / "plan", {"plan.ttup": PLAN + f'include "{tmp_path / "outside.ttup"}"\n'}
    )
    assert found(entry) == [("TP002", 9)]


def test_a_symbolic_link_to_a_file_outside_is_refused(tmp_path: Path) -> None:
    (tmp_path / "outside.ttup").write_text('kind secret "Secret"\n')
    entry = write(tmp_path / "plan", {"plan.ttup": PLAN + 'include "link.ttup"\n'})
    os.symlink(tmp_path / "outside.ttup", tmp_path / "plan" / "link.ttup")
    result = load_plan(str(entry))
    assert [(d.code.id, d.label) for d in result.diagnostics] == [
        ("TP002", "a symbolic link to a file outside it")
    ]


def test_a_symbolic_link_to_a_folder_outside_is_refused(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "tps.csv").write_text("id,name,kind,district,risk\n")
    entry = write(tmp_path / "plan", {"plan.ttup": PLAN + 'sites "data/tps.csv"\n'})
    os.symlink(tmp_path / "elsewhere", tmp_path / "plan" / "data")
    assert found(entry) == [("TP002", 9)]


def test_a_symbolic_link_that_stays_inside_is_followed(tmp_path: Path) -> None:
    entry = write(
        tmp_path, {"plan.ttup": PLAN + 'include "alias.ttup"\n', "real.ttup": 'kind tps "TPS"\n'}
    )
    os.symlink(tmp_path / "real.ttup", tmp_path / "alias.ttup")
    assert found(entry) == [("TP203", 1)]


def test_an_include_cycle_lists_every_hop(tmp_path: Path) -> None:
    entry = write(
        tmp_path,
        {
            "plan.ttup": PLAN + 'include "a.ttup"\n',
            "a.ttup": 'include "b.ttup"\n',
            "b.ttup": 'include "a.ttup"\n',
        },
    )
    [diagnostic] = load_plan(str(entry)).diagnostics
    assert diagnostic.code is codes.INCLUDE_CYCLE
    assert diagnostic.span is not None and diagnostic.span.file.endswith("b.ttup")
    assert [(Path(r.span.file).name, r.message) for r in diagnostic.related] == [
        ("a.ttup", "includes " + str(tmp_path / "b.ttup"))
    ]
    assert diagnostic.message.endswith(
        "a.ttup -> " + str(tmp_path / "b.ttup") + " -> " + str(tmp_path / "a.ttup")
    )


def test_a_plan_needs_one_plan_block(tmp_path: Path) -> None:
    entry = write(tmp_path, {"plan.ttup": 'force polri "Polri"\n'})
    assert [d.code for d in load_plan(str(entry)).diagnostics] == [codes.MISSING_STATEMENT]
    entry = write(tmp_path, {"plan.ttup": PLAN + 'plan again "Again" {\n}\n'})
    assert found(entry) == [("TP202", 9)]


def test_a_name_of_a_table_site_can_be_guarded(tmp_path: Path) -> None:
    entry = write(
        tmp_path,
        {
            "plan.ttup": PLAN + 'kind tps "TPS"\nrisk r "R"\ndistrict d "D"\n'
            'sites "tps.csv"\nguard tps_1 with 2 polri\n',
            "tps.csv": "id,name,kind,district,risk\ntps_1,TPS 1,tps,d,r\n",
        },
    )
    result = load_plan(str(entry))
    assert result.diagnostics == ()
    assert result.plan is not None and result.plan.guards[0].targets == ("tps_1",)


def test_undefined_name_suggests_the_closest_of_the_right_kind(tmp_path: Path) -> None:
    entry = write(
        tmp_path,
        {
            "plan.ttup": PLAN + 'district miomaffo_timur "MT"\n'
            'unit p "P" {\n  force polri\n  covers miomaffo_timr\n  final\n}\n'
        },
    )
    [diagnostic] = load_plan(str(entry)).diagnostics
    assert diagnostic.code is codes.UNDEFINED_NAME
    assert diagnostic.help == "write `miomaffo_timur`"
    assert diagnostic.related[0].span.line == 9


def test_a_path_too_long_for_the_file_system_is_a_diagnostic(tmp_path: Path) -> None:
    entry = write(tmp_path, {"plan.ttup": PLAN + f'include "{"9" * 400}.ttup"\n'})
    [diagnostic] = load_plan(str(entry)).diagnostics
    assert diagnostic.code is codes.FILE_NOT_FOUND
    assert diagnostic.label == "File name too long"


def test_a_force_and_a_unit_may_share_a_name(tmp_path: Path) -> None:
    entry = write(
        tmp_path,
        {
            "plan.ttup": PLAN + 'force linmas "Linmas"\n'
            'unit linmas "Linmas Kabupaten" {\n  force linmas\n  final\n}\n'
        },
    )
    assert load_plan(str(entry)).diagnostics == ()


def test_units_and_rayons_share_names(tmp_path: Path) -> None:
    entry = write(
        tmp_path,
        {
            "plan.ttup": PLAN + 'district d "D"\n'
            'rayon u "Rayon U" {\n  districts d\n  escalates to u\n}\n'
        },
    )
    assert found(entry) == [("TP202", 10)]


@pytest.mark.parametrize(
    "statement",
    [
        'phase p "P" 2024-02-14 .. 9999-12-31\n',
        'unit v "V" {\n  force polri\n  final\n  available until 9999-12-31\n}\n',
    ],
    ids=["phase", "available until"],
)
def test_the_whole_of_the_last_date_is_refused(tmp_path: Path, statement: str) -> None:
    """A date alone ends at the next midnight: past 9999-12-31 an OverflowError."""
    entry = write(tmp_path, {"plan.ttup": PLAN + statement})
    (problem,) = load_plan(str(entry)).diagnostics
    assert problem.code is codes.INVALID_VALUE
    assert "9999-12-31 ends past the last date" in problem.message
    lines = (PLAN + statement).split("\n")
    assert problem.span is not None and "9999" in lines[problem.span.line - 1]


def test_a_file_that_cannot_be_read_is_a_diagnostic(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Permission denied (simulated: these tests may run as root, who may read anything)."""
    from ttuplan.resolve import files

    entry = write(tmp_path, {"plan.ttup": PLAN + 'include "secret.ttup"\n', "secret.ttup": ""})
    real_open = files.os.open

    def refusing_open(path: str, *args: Any, **kwargs: Any) -> Any:
        if str(path).endswith("secret.ttup"):
            raise PermissionError(errno.EACCES, "Permission denied", path)
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(files.os, "open", refusing_open)
    [diagnostic] = load_plan(str(entry)).diagnostics
    assert (diagnostic.code, diagnostic.span and diagnostic.span.line) == (codes.FILE_NOT_FOUND, 9)
    assert diagnostic.message == f"cannot read `{tmp_path / 'secret.ttup'}`: Permission denied"
    assert diagnostic.label == "Permission denied"


def test_a_file_past_the_size_limit_is_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The limit (256 MiB; the slow pathological test meets the real one) made 1 MiB here."""
    from ttuplan.resolve import files

    monkeypatch.setattr(files, "MAX_FILE_BYTES", 2**20)
    entry = write(
        tmp_path,
        {
            "plan.ttup": PLAN + 'kind tps "TPS"\nrisk r "R"\ndistrict d "D"\nsites "tps.csv"\n',
            "tps.csv": "id,name,kind,district,risk\n" + "t,T,tps,d,r\n" * 100_000,
        },
    )
    problems = [d for d in load_plan(str(entry)).diagnostics if d.code is codes.FILE_TOO_LARGE]
    [diagnostic] = problems
    assert diagnostic.span is not None and diagnostic.span.line == 12
    assert diagnostic.message == f"`{tmp_path / 'tps.csv'}` is too large: over 1 MiB"
    assert diagnostic.label == "over 1 MiB"


@pytest.mark.parametrize(
    ("text", "expected", "message"),
    [
        (
            'unit w "W" {\n  strength 3\n  final\n}\n',
            [("TP206", 9)],
            "unit `w` has no `force`",
        ),
        (
            'district d "D"\nrayon r "R" {\n  escalates to u\n}\n',
            [("TP203", 9), ("TP206", 10)],  # (and `d` is never used)
            "rayon `r` has no `districts`",
        ),
        (
            'unit w "W" {\n  force polri\n  role standby\n  final\n}\n',
            [("TP207", 11)],
            "no role `standby`",
        ),
    ],
    ids=["a unit without a force", "a rayon without districts", "an unknown role"],
)
def test_a_block_without_a_statement_it_needs_or_with_a_bad_value(
    tmp_path: Path, text: str, expected: list[tuple[str, int]], message: str
) -> None:
    entry = write(tmp_path, {"plan.ttup": PLAN + text})
    assert found(entry) == expected
    [diagnostic] = [d for d in load_plan(str(entry)).diagnostics if d.code.id != "TP203"]
    assert diagnostic.message == message
