"""N-1 contingency: what breaks if one reserve or unit is committed elsewhere.

Hypothesis, on generated plans with reserves in reach and phases that may overlap: the
analysis, which re-solves only what a loss can reach, finds exactly what allocating the
plan again without the unit finds; and a plan with one reserve more never has more
losses that break it. Then the command line and the `survive loss of` statement.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
from collections import defaultdict
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import REPO, SAMPLE_PLAN, Golden
from tests.plans import VOTING, unit
from ttuplan import model as m
from ttuplan.api import load_plan
from ttuplan.check import check
from ttuplan.check.allocate import allocate
from ttuplan.check.contingency import ALL
from ttuplan.check.reach import nearest_minutes
from ttuplan.cli import main
from ttuplan.deployment import Loss

SETTINGS = settings(derandomize=True, deadline=None, database=None, max_examples=120)
DISTRICTS = ("d1", "d2", "d3")
LATER = m.Phase(  # overlaps VOTING by 12 hours: the two are allocated together (HiGHS)
    name="q",
    label="Penghitungan",
    start=dt.datetime(2024, 2, 14, 18),
    end=dt.datetime(2024, 2, 16),
    guards=(m.Guard(targets=("tps",), by_risk=True),),
)
GOLDENS = REPO / "tests" / "goldens" / "review"


def place(draw: st.DrawFn) -> tuple[float, float]:
    return (-9.4 - draw(st.integers(0, 40)) / 100, 124.4 + draw(st.integers(0, 40)) / 100)


@st.composite
def plans(draw: st.DrawFn) -> m.Plan:
    districts = DISTRICTS[: draw(st.integers(1, len(DISTRICTS)))]
    sites = []
    for district in districts:
        for number in range(draw(st.integers(0, 4))):
            lat, lon = place(draw)
            sites.append(
                m.Site(
                    id=f"tps_{district}_{number}",
                    label=f"TPS {number}",
                    kind="tps",
                    district=district,
                    risk="biasa",
                    village="v",
                    lat=lat,
                    lon=lon,
                )
            )
    units = []
    for number in range(draw(st.integers(1, 4))):
        every = draw(st.booleans())
        covers = (
            [] if every else draw(st.lists(st.sampled_from(districts), min_size=1, unique=True))
        )
        units.append(unit(f"u{number}", draw(st.integers(0, 8)), covers, covers_all=every))
    if draw(st.booleans()):
        units.append(
            unit(
                "bko",
                draw(st.integers(0, 5)),
                base=draw(st.sampled_from(districts)),
                role="reserve",
            )
        )
    rayons = []
    for number in range(draw(st.integers(0, 2))):
        lat, lon = place(draw)
        rayons.append(
            m.Rayon(
                name=f"r{number}",
                label=f"R{number}",
                post=m.Post(label="Pos", district=districts[0], lat=lat, lon=lon),
                districts=districts,
                reserves=(
                    m.Reserve(
                        amount=draw(st.integers(0, 4)),
                        sources=tuple(
                            draw(
                                st.lists(
                                    st.sampled_from([u.name for u in units]),
                                    min_size=1,
                                    unique=True,
                                )
                            )
                        ),
                    ),
                ),
                escalations=(m.Escalation(target=units[0].name),),
            )
        )
    risk = m.RiskClass(
        name="biasa",
        label="Biasa",
        rank=0,
        rules=(m.Rule(force="polri", amount=1, per=draw(st.integers(1, 3)), kind="tps"),),
        reserve_within=draw(st.sampled_from((10, 20, 40))),
    )
    phases = (VOTING, LATER) if draw(st.booleans()) else (VOTING,)
    return m.Plan(
        info=m.PlanInfo(name="t", label="T"),
        forces=(m.Force(name="polri", label="Polri"),),
        kinds=(m.Kind(name="tps", label="TPS"),),
        risks=(risk,),
        districts=tuple(
            m.District(name=d, label=d, lat=-9.5 - i / 10, lon=124.5)
            for i, d in enumerate(districts)
        ),
        sites=tuple(sites),
        units=tuple(units),
        rayons=tuple(rayons),
        phases=phases,
    )


def losses(plan: m.Plan) -> dict[str, Loss]:
    allocation, _ = check(plan, ALL)
    return {loss.resource: loss for loss in allocation.deployment.contingency}


def short_of(plan: m.Plan) -> dict[tuple[str, str, str], int]:
    short: dict[tuple[str, str, str], int] = defaultdict(int)
    for phase in allocate(plan).deployment.phases:
        for s in phase.shortfalls:
            short[(phase.phase, s.district, s.force)] += s.short
    return short


def reach_of(plan: m.Plan) -> dict[tuple[str, str], float]:
    return nearest_minutes(plan, allocate(plan).deployment.phases)


@SETTINGS
@given(p=plans())
def test_a_loss_breaks_what_allocating_again_without_it_breaks(p: m.Plan) -> None:
    """The analysis re-solves only the components and phases a loss reaches: it must find
    as many people newly missing, and the same sites newly without a reserve in reach, as
    a whole new allocation of the plan without the unit (and, for a phase alone, the same
    districts short: phases that overlap may share a shortfall out another way among
    equal optima, which is no loss)."""
    found = losses(p)
    before_short, before_reach = short_of(p), reach_of(p)
    within = p.risks[0].reserve_within
    assert within is not None
    for u in p.units:
        loss = found[u.name]
        without = dataclasses.replace(
            p, units=tuple(dataclasses.replace(x, strength=0) if x is u else x for x in p.units)
        )
        after_short = short_of(without)
        missing = sum(after_short.values()) - sum(before_short.values())
        assert loss.people_short == max(missing, 0)
        if missing > 0 and len(p.phases) == 1:  # a flow, one optimum: the same districts
            expected = {
                key: after_short[key] - before_short.get(key, 0)
                for key in after_short
                if after_short[key] > before_short.get(key, 0)
            }
            assert {(s.phase, s.district, s.force): s.people for s in loss.short} == expected
        after_reach = reach_of(without)
        stranded = {
            key
            for key, minutes in before_reach.items()
            if minutes <= within < after_reach.get(key, float("inf"))
        }
        assert {(s.phase, site) for s in loss.stranded for site in s.sites} == stranded
        if loss.skipped:
            assert missing <= 0 and not stranded


@SETTINGS
@given(p=plans(), where=st.sampled_from(DISTRICTS), people=st.integers(1, 5))
def test_a_plan_with_one_reserve_more_never_has_more_losses(
    p: m.Plan, where: str, people: int
) -> None:
    """One `role reserve` unit more (it is never posted and gives no reserve, so staffing
    is the same): no loss of the plan strands more sites or leaves more short, so no more
    losses break it; the new reserve's own loss strands only sites the plan without it
    already left out of reach (TP406 there, not a loss)."""
    where = where if where in {d.name for d in p.districts} else p.districts[0].name
    more = dataclasses.replace(
        p, units=(*p.units, unit("extra", people, base=where, role="reserve"))
    )
    base, richer = losses(p), losses(more)
    for name, loss in base.items():
        other = richer[name]
        sites = {(s.phase, x) for s in loss.stranded for x in s.sites}
        assert {(s.phase, x) for s in other.stranded for x in s.sites} <= sites
        assert other.short == loss.short
    broken = sum(1 for name, loss in richer.items() if loss.breaks and name != "extra")
    assert broken <= sum(1 for loss in base.values() if loss.breaks)
    within = p.risks[0].reserve_within
    assert within is not None
    unreached = {key for key, minutes in reach_of(p).items() if minutes > within}
    extra = richer["extra"]
    assert {(s.phase, x) for s in extra.stranded for x in s.sites} <= unreached


# ── the command line and the plan statement ──────────────────────────────────


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def test_contingency_of_the_sample_plan_worst_first(
    golden: Golden, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)  # the plan named relatively: the golden holds no checkout's folder
    result = run("check", "--contingency", "--color", "never", str(SAMPLE_PLAN.relative_to(REPO)))
    assert result.exit_code == 0, result.output  # warnings: the plan says it must survive none
    report = result.stdout[result.stdout.index("contingency (N-1)") :]
    assert report.splitlines()[1:3] == [
        "  1. without `polres` (Polres TTU, strength 146)",
        "       1 Sangat Rawan kpu has no reserve within 30 min in `kampanye`; no reserve left "
        "at all",
    ]
    assert (
        "  3. without `rayon_2` (Rayon II Insana, held 17)\n"
        "       2 Sangat Rawan tps have no reserve within 30 min in `pemungutan`; nearest then "
        "43.1 min\n" in report
    )
    assert "  not worked out: `calling_system` (a pool stands at no post" in report
    # README, Contingency: "without a Polsek nothing breaks"
    [unbroken] = [line for line in report.splitlines() if "nothing breaks without" in line]
    sample = load_plan(str(SAMPLE_PLAN)).plan
    assert sample is not None
    polsek = {u.name for u in sample.units if "polsek" in u.name}
    assert len(polsek) == 9 and all(f"`{name}`" in unbroken for name in polsek)
    golden(GOLDENS / "ttu-contingency.txt", result.stdout)


def test_contingency_as_json() -> None:
    import jsonschema

    result = run("check", "--contingency", "--format", "json", str(SAMPLE_PLAN))
    document = json.loads(result.stdout)
    schema = json.loads((REPO / "ttuplan" / "schemas" / "check.schema.json").read_text())
    jsonschema.validate(document, schema)
    found = document["plans"][0]["contingency"]
    assert [x["resource"] for x in found[:5]] == [
        "polres",
        "rayon_1",
        "rayon_2",
        "rayon_3",
        "linmas_ttu",
    ]
    assert found[2]["stranded"] == [
        {
            "phase": "pemungutan",
            "risk": "sangat_rawan",
            "kind": "tps",
            "within": 30,
            "sites": ["tps_5303082006_01", "tps_5303212006_03"],
            "nearest": 43.1,
        }
    ]
    plain = json.loads(run("check", "--format", "json", str(SAMPLE_PLAN)).stdout)
    assert "contingency" not in plain["plans"][0]


@pytest.fixture
def surviving(tmp_path: Path) -> Path:
    plan = tmp_path / "ttu"
    shutil.copytree(SAMPLE_PLAN, plan)
    return plan


def _say(plan: Path, statement: str) -> None:
    text = (plan / "plan.ttup").read_text(encoding="utf-8")
    anchor = "  duty limit 24h\n"
    (plan / "plan.ttup").write_text(text.replace(anchor, anchor + statement + "\n"))


def test_a_loss_the_plan_must_survive_is_an_error_in_every_check(surviving: Path) -> None:
    _say(surviving, "  survive loss of any rayon, brimob")
    result = run("check", "--color", "never", str(surviving))
    assert result.exit_code == 1
    errors = [line for line in result.stdout.splitlines() if line.startswith("error[")]
    assert errors == [
        "error[TP410]: without `rayon_1` (Rayon I Bijaepasu, held 16): 1 Sangat Rawan kpu has "
        "no reserve within 30 min in `kampanye`; nearest then 50.8 min; 1 Sangat Rawan tps "
        "has no reserve within 30 min in `pemungutan`; nearest then 31.1 min",
        "error[TP410]: without `rayon_2` (Rayon II Insana, held 17): 2 Sangat Rawan tps have "
        "no reserve within 30 min in `pemungutan`; nearest then 43.1 min",
        "error[TP410]: without `rayon_3` (Rayon III Insana Utara, held 17): 2 Sangat Rawan tps "
        "have no reserve within 30 min in `pemungutan`; nearest then 72.3 min",
    ]
    assert "TP411" not in result.stdout  # the rest only with --contingency
    assert "the plan must survive this loss" in result.stdout


def test_survive_during_a_phase_holds_only_there(surviving: Path) -> None:
    _say(surviving, "  survive loss of rayon_1 during masa_tenang, rekapitulasi")
    assert run("check", str(surviving)).exit_code == 0  # rayon_1 breaks only other phases
    _say(surviving, "  survive loss of rayon_1 during kampanye")
    result = run("check", "--color", "never", str(surviving))
    assert result.exit_code == 1 and result.stdout.count("error[TP410]") == 1


def test_survive_names_are_checked(surviving: Path) -> None:
    _say(surviving, "  survive loss of rayon_9 during pemilihan")
    result = run("check", "--color", "never", str(surviving))
    assert result.exit_code == 1
    assert "error[TP201]: a unit, a rayon or a pool named `rayon_9` is not defined" in result.stdout
    assert "error[TP201]: a phase named `pemilihan` is not defined" in result.stdout


def test_the_briefing_says_what_breaks_if_a_reserve_is_committed(tmp_path: Path) -> None:
    result = run("build", str(SAMPLE_PLAN), "-o", str(tmp_path), "--formats", "md", "--lang", "en")
    assert result.exit_code == 0, result.output
    briefing = (tmp_path / "briefing.md").read_text(encoding="utf-8")
    table = briefing[briefing.index("#### If a reserve is committed elsewhere") :]
    rows = table.split("\n\n")[1].splitlines()
    assert rows[:2] == ["| Reserve | Personnel | What breaks |", "|---|--:|---|"]
    assert rows[3] == (
        "| Rayon II Insana | 17 | 2 Sangat Rawan Tempat Pemungutan Suara without a reserve "
        "within 30 min (Pemungutan dan Penghitungan Suara); nearest then 43.1 min |"
    )
    assert rows[-2:] == [
        "| Calling System (Sprin, 220 personel Polsek) | 220 | nothing (it stands at no post) |",
        "| Brimob Polda NTT (BKO) | 25 | nothing |",
    ]


def test_an_unknown_scope_is_refused_by_the_api() -> None:
    """`check_plan(..., "reserve")` (a misspelt scope) analysed the required losses only,
    silently; the API now says which scopes there are."""
    from ttuplan.api import check_plan

    with pytest.raises(ValueError, match=r"one of required, reserves, all, not 'reserve'"):
        check_plan("plans/ttu-pemilu-2024", "reserve")
