"""The site table's fast path is only an optimisation: any table gives the same sites and
the same diagnostics as when every row goes through the cell-by-cell path."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ttuplan.diagnostics.model import Diagnostic
from ttuplan.model import Site
from ttuplan.resolve.names import Symbols
from ttuplan.resolve.sites import load_site_table
from ttuplan.source import SourceMap, Span

HERE = Span("plan.ttup", 1, 1, 1, 2)
HEADER = "id,name,kind,district,risk,voters,lat,lon"

IDS = st.sampled_from(["tps_1", "tps_2", "tps_3", "kpu", "TPS-4", "", " tps_5 ", "a_site", "9x"])
NAMES = st.sampled_from(["TPS 1", "", "=cmd", '"Kantor, Lama"'])
KINDS = st.sampled_from(["tps", "kpu", "tpx", ""])
DISTRICTS = st.sampled_from(["bikomi", "noemuti", "bikomy"])
RISKS = st.sampled_from(["kurang_rawan", "rawan", "raawn"])
VOTERS = st.sampled_from(["", "250", "-1", " 7 ", " ", "1_000", "x", "1e3"])
COORDS = st.sampled_from(
    [
        ("", ""),
        ("-9.5", "124.5"),
        ("-91", "124"),
        ("nan", "1"),
        ("1", ""),
        ("inf", "2"),
        (" 1", "2"),
    ]
)
ROW = st.tuples(IDS, NAMES, KINDS, DISTRICTS, RISKS, VOTERS, COORDS)
EXTRA = st.sampled_from(["", "# a comment", "a,b", "   "])


def symbols() -> Symbols:
    table = Symbols()
    for name, kind in [
        ("tps", "kind"),
        ("kpu", "kind"),
        ("bikomi", "district"),
        ("noemuti", "district"),
        ("kurang_rawan", "risk"),
        ("rawan", "risk"),
        ("a_site", "site"),
    ]:
        table.define(name, kind, HERE)
    return table


def load(text: str, fast: bool) -> tuple[list[tuple[Site, Span]], list[Diagnostic], Symbols]:
    sources = SourceMap()
    sources.add("sites.csv", text)
    table = symbols()
    sites, problems = load_site_table("sites.csv", text, table, {"tps_3": HERE}, sources, fast=fast)
    return [(site, site.span) for site in sites], problems, table


def used(table: Symbols) -> set[tuple[str, str]]:
    return {key for key, count in table.uses.items() if count}


@settings(max_examples=400, derandomize=True, database=None)
@given(rows=st.lists(st.one_of(ROW, EXTRA), max_size=12))
def test_fast_and_slow_paths_agree(rows: list[tuple[str, ...] | str]) -> None:
    lines = [HEADER]
    for row in rows:
        if isinstance(row, str):
            lines.append(row)
        else:
            *cells, (lat, lon) = row
            lines.append(",".join([*cells, lat, lon]))
    text = "\n".join(lines) + "\n"
    fast_sites, fast_problems, fast_symbols = load(text, fast=True)
    slow_sites, slow_problems, slow_symbols = load(text, fast=False)
    assert fast_sites == slow_sites
    assert sorted(fast_problems, key=repr) == sorted(slow_problems, key=repr)
    assert used(fast_symbols) == used(slow_symbols)  # (how often is not kept on the fast path)


def test_a_badly_spelt_id_among_good_rows_is_reported_at_its_line() -> None:
    text = "\n".join(
        [
            HEADER,
            "tps_1,TPS 1,tps,bikomi,rawan,10,-9.5,124.5",
            "TPS-2,TPS 2,tps,bikomi,rawan,10,-9.5,124.5",
            "tps_4,TPS 4,tps,bikomi,rawan,,,",
        ]
    )
    sites, problems, _ = load(text + "\n", fast=True)
    assert [site.id for site, _ in sites] == ["tps_1", "tps_4"]
    assert [(p.code.id, p.span.line, p.message) for p in problems] == [
        ("TP304", 3, "the id `TPS-2` is not snake_case")
    ]
