"""The language server's parts in-process: hover text for every kind of name, completion
in every context the grammar gives names, the session's files, places in text, the
TextMate generator's command. (tests/test_lsp.py drives the whole server.)"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import SAMPLE_PLAN
from ttuplan.api import load_plan
from ttuplan.lsp import complete, hover
from ttuplan.lsp.text import cells, code_at, path_of, word_at
from ttuplan.lsp.workspace import PlanState, Session, real


@pytest.fixture(scope="module")
def sample() -> PlanState:
    session = Session()
    return session.check(real(str(SAMPLE_PLAN / "plan.ttup")))


@pytest.mark.parametrize(
    ("key", "shown"),
    [
        (("command", "rayon_1"), ["**rayon `rayon_1`**", "post Pos Pol Bijaepasu", "- reserve 16"]),
        (("command", "calling_system"), ["**pool `calling_system`**", "reserve 220 from"]),
        (("force", "linmas"), ["**force `linmas`** — Linmas", "1 unit, strength 1,600"]),
        (("phase", "pemungutan"), ["2024-02-14 06:00 .. 2024-02-15 12:00", "280 posts"]),
        (("target", "tps"), ["**kind `tps`**", "774 sites"]),
        (("risk", "kurang_rawan"), ["- polri 1 per 3 tps", "- linmas 6 per 3 tps"]),
        (("command", "polda"), ["final", "no strength"]),
    ],
)
def test_hover_for_every_kind_of_name(
    sample: PlanState, key: tuple[str, str], shown: list[str]
) -> None:
    text = hover.hover_text(sample.result, key)
    assert text is not None
    for part in shown:
        assert part in text


@pytest.mark.parametrize(
    "key",
    [
        ("command", "nobody"),
        ("district", "nowhere"),
        ("target", "none"),
        ("risk", "no"),
        ("force", "no"),
        ("phase", "no"),
        ("plan", "pemilu_2024"),
    ],
)
def test_hover_for_a_name_the_plan_does_not_have_is_none(
    sample: PlanState, key: tuple[str, str]
) -> None:
    assert hover.hover_text(sample.result, key) is None


def test_hover_without_a_deployment_says_what_the_plan_says() -> None:
    loaded = load_plan(str(SAMPLE_PLAN))  # resolved, not allocated
    unit = hover.hover_text(loaded, ("command", "polres"))
    assert unit is not None and "strength 146" in unit and "| phase |" not in unit
    district = hover.hover_text(loaded, ("district", "musi"))
    assert district is not None and "staffed by:" in district and "| phase |" not in district
    site = hover.hover_text(loaded, ("target", "kpu_ttu"))
    assert site is not None and "class Sangat Rawan" in site and "guarded" not in site
    assert hover.code_text("TP999") is None
    assert "(retired)" in (hover.code_text("TP602") or "")


def test_hover_on_a_site_without_coordinates(sample: PlanState) -> None:
    text = hover.hover_text(sample.result, ("target", "bawaslu_ttu"))
    assert text is not None and "no coordinates, so no nearest reserve" in text


UNIT = 'unit u "U" {\n  force polri\n  covers d1, \n}\n'


@pytest.mark.parametrize(
    ("text", "line", "character", "kinds", "keywords"),
    [
        ('risk r "R" {\n  \n}\n', 1, 2, {"force"}, {"reserve"}),
        ('risk r "R" {\n  polri 1 per 3 \n}\n', 1, 16, {"kind"}, set()),
        ('site s "S" {\n  district \n}\n', 1, 11, {"district"}, set()),
        ('phase p "P" 2024-02-14 .. 2024-02-15 {\n  guard \n}\n', 1, 8, {"kind", "site"}, set()),
        ("guard kpu with 4 \n", 0, 17, {"force"}, set()),
        ("guard kpu with 4 polri during \n", 0, 30, {"phase"}, set()),
        (UNIT, 2, 13, {"district"}, set()),
        (
            'unit u "U" {\n  force polri\n  strength 3 3\n  covers \n}\n',
            3,
            9,
            {"district"},
            {"all"},
        ),
        ('unit u "U" {\n  reserve 3 from \n}\n', 1, 17, set(), set()),  # not in a unit
        ('pool p "P" {\n  reserve 3 from \n}\n', 1, 17, {"unit"}, set()),
    ],
)
def test_completion_in_each_context(
    sample: PlanState,
    text: str,
    line: int,
    character: int,
    kinds: set[str],
    keywords: set[str],
) -> None:
    offer = complete.complete(text, line, character, sample.index)
    assert {d.kind for d in offer.names} == kinds
    assert keywords <= set(offer.keywords)


@pytest.mark.parametrize(
    ("text", "line", "character"),
    [
        ('force polri "Pol', 0, 16),  # in a label
        ("# covers ", 0, 9),  # in a comment
        ("", 5, 0),  # past the end
        ('unit "U" {\n  covers \n}\n', 1, 9),  # a declaration that cannot parse
    ],
)
def test_completion_offers_nothing_where_nothing_may_be_written(
    sample: PlanState, text: str, line: int, character: int
) -> None:
    offer = complete.complete(text, line, character, sample.index)
    assert offer.names == ()


def test_completion_without_an_index_offers_keywords_only() -> None:
    offer = complete.complete("", 0, 0, None)
    assert "unit" in offer.keywords and offer.names == ()


def test_the_session_reads_buffers_then_checks_then_the_disk(tmp_path: Path) -> None:
    shutil.copytree(SAMPLE_PLAN, tmp_path / "p")
    session = Session()
    units = real(str(tmp_path / "p" / "units.ttup"))
    assert session.line(units, 1).startswith("# Forces")  # from the disk
    assert session.line(units, 100_000) == ""
    assert session.text(str(tmp_path / "nothing.ttup")) is None
    assert session.plan_of(str(tmp_path / "nothing.ttup")) is None
    lone = tmp_path / "lone.csv"
    lone.write_text("a,b\n")
    assert session.plan_of(real(str(lone))) is None  # no plan.ttup above it
    table = real(str(tmp_path / "p" / "data" / "tps-2024.csv"))
    entry = real(str(tmp_path / "p" / "plan.ttup"))
    assert session.plan_of(table) == entry
    session.put(units, "# edited\n", 1)
    assert session.line(units, 1) == "# edited"
    state = session.check(entry)
    assert state.result.errors  # units.ttup is now empty in the buffer: no units
    assert session.text(table) is not None  # as the check read it
    session.drop(units)
    assert [s.entry for s in session.close_plans_without_buffers()] == [entry]
    assert session.plans == {}


def test_places_in_text() -> None:
    assert path_of("untitled:Untitled-1") is None
    assert word_at("  covers   ", 10) is None
    assert code_at("# expect: TP201", 3) is None
    assert cells('a,"say ""hi"", then",') == [(0, 1), (3, 19), (21, 21)]
    assert cells('"open') == [(1, 5)]


def test_the_textmate_grammar_is_written_where_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ttuplan.lsp import textmate

    target = tmp_path / "grammar.json"
    monkeypatch.setattr("sys.argv", ["textmate", str(target)])
    textmate.main()
    assert target.read_text() == textmate.OUTPUT.read_text()
