"""The example in DESIGN.md is the language's contract: it must parse and resolve as written.

tests/contract/plan.ttup is that example verbatim; the files it names (districts.ttup and
data/tps-2024.csv) are supplied beside it. The copy is tested everywhere; that it is still
the example of DESIGN.md only where the design notes are at hand (a visible skip elsewhere).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ttuplan.api import load_plan
from ttuplan.diagnostics.model import Severity

CONTRACT = Path(__file__).parent / "contract"
DESIGN = Path(__file__).resolve().parents[2] / "shared" / "DESIGN.md"


def test_contract_example_resolves_without_errors() -> None:
    result = load_plan(str(CONTRACT / "plan.ttup"))
    errors = [d for d in result.diagnostics if d.severity is Severity.ERROR]
    assert errors == []
    plan = result.plan
    assert plan is not None
    assert plan.info.authority == "Kapolres TTU" and plan.info.timezone == "Asia/Makassar"
    assert [r.name for r in plan.risks] == ["kurang_rawan", "rawan", "sangat_rawan"]
    assert [(r.force, r.amount, r.per, r.kind) for r in plan.risks[0].rules] == [
        ("polri", 1, 3, "tps"),
        ("linmas", 6, 3, "tps"),
    ]
    assert plan.risks[2].reserve_within == 30
    units = {u.name: u for u in plan.units}
    assert units["polres"].strength == 425
    assert [(e.target, e.during) for e in units["polres"].escalations] == [
        ("polda", ()),
        ("brimob", ("masa_tenang", "pemungutan")),
    ]
    assert units["brimob"].role == "reserve" and units["polda"].final
    assert units["linmas_ttu"].covers_all
    assert str(units["brimob"].available_from) == "2024-02-11 00:00:00"
    phases = {p.name: p for p in plan.phases}
    assert str(phases["pemungutan"].start) == "2024-02-14 06:00:00"
    assert str(phases["masa_tenang"].end) == "2024-02-14 00:00:00"  # a date ends with its day
    assert len(plan.sites) == 6  # kpu_ttu and the five rows of the table


@pytest.mark.skipif(not DESIGN.exists(), reason=f"no design notes at {DESIGN}")
def test_contract_copy_matches_design_when_it_is_at_hand() -> None:
    """Guards against the copy drifting from DESIGN.md (skipped, and said so, without it)."""
    text = DESIGN.read_text(encoding="utf-8")
    start = text.index("```\nplan pemilu_2024") + 4
    assert text[start : text.index("```", start)] == (CONTRACT / "plan.ttup").read_text()
