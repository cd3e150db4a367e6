"""The TTU Pemilu 2024 sample plan reproduces the published figures and checks clean."""

from __future__ import annotations

import csv
import math
import shutil
import subprocess
import sys
from collections import Counter
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import SAMPLE_PLAN
from ttuplan.api import check_plan
from ttuplan.cli import main
from ttuplan.model import Plan


@pytest.fixture(scope="module")
def plan() -> Plan:
    result = check_plan(str(SAMPLE_PLAN))
    assert result.diagnostics == ()
    assert result.plan is not None
    return result.plan


def test_check_exits_0_with_no_warnings() -> None:
    result = CliRunner().invoke(main, ["check", "--strict", str(SAMPLE_PLAN)])
    assert result.exit_code == 0, result.output
    assert "no problems" in result.output


def test_the_24_real_kecamatan_with_their_official_codes(plan: Plan) -> None:
    with open(SAMPLE_PLAN / "data" / "sources" / "ttu-kecamatan.csv", encoding="utf-8") as f:
        official = {row["code"]: row["name"] for row in csv.DictReader(f)}
    assert {d.code: d.label for d in plan.districts} == official
    assert all(d.lat is not None and d.lon is not None for d in plan.districts)


def test_774_tps_as_published_750_19_5_over_all_193_desa(plan: Plan) -> None:
    tps = [s for s in plan.sites if s.kind == "tps"]
    assert len(tps) == 774
    assert Counter(s.risk for s in tps) == {"kurang_rawan": 750, "rawan": 19, "sangat_rawan": 5}
    assert len({(s.district, s.village) for s in tps}) == 193
    assert all(s.voters is not None and s.voters <= 300 for s in tps)


def test_the_site_table_says_it_is_synthetic() -> None:
    header = (SAMPLE_PLAN / "data" / "tps-2024.csv").read_text(encoding="utf-8")[:1200]
    assert "SYNTHETIC" in header and "make_sites.py" in header


def test_polri_need_by_ratio_279_and_by_posts_282(plan: Plan) -> None:
    """The published arithmetic, computed independently of the checker."""
    risks = {r.name: r for r in plan.risks}
    assert [(r.force, r.amount, r.per) for r in risks["kurang_rawan"].rules] == [
        ("polri", 1, 3),
        ("linmas", 6, 3),
    ]
    by_village = Counter((s.risk, s.district, s.village) for s in plan.sites if s.kind == "tps")
    posts = {"polri": 0, "linmas": 0}
    ratio = {"polri": Fraction(0), "linmas": Fraction(0)}
    for (risk, _, _), count in by_village.items():
        for rule in risks[risk].rules:
            ratio[rule.force] += Fraction(rule.amount * count, rule.per)
            full, rest = divmod(count, rule.per)
            posts[rule.force] += full * rule.amount + math.ceil(rule.amount * rest / rule.per)
    assert ratio == {"polri": 279, "linmas": 1548}
    assert posts == {"polri": 282, "linmas": 1548}


def test_force_numbers(plan: Plan) -> None:
    units = {u.name: u for u in plan.units}
    rolled_up = sum(
        u.strength or 0 for u in plan.units if u.name == "polres" or u.parent == "polres"
    )
    assert rolled_up == 425
    covered = [d for u in plan.units if u.parent == "polres" for d in u.covers]
    assert sorted(covered) == sorted(d.name for d in plan.districts)  # each by one Polsek
    assert [(r.label, r.reserves[0].amount, r.reserves[0].sources) for r in plan.rayons] == [
        ("Rayon I Bijaepasu", 16, ("polres",)),
        ("Rayon II Insana", 17, ("polres",)),
        ("Rayon III Insana Utara", 17, ("polres",)),
    ]
    in_rayons = sorted(d for r in plan.rayons for d in r.districts)
    assert in_rayons == sorted(d.name for d in plan.districts)
    brimob = units["brimob"]
    assert (brimob.strength, brimob.role, str(brimob.available_from)) == (
        25,
        "reserve",
        "2024-02-11 00:00:00",
    )
    assert units["polda"].final and units["polda"].strength is None
    [pool] = plan.pools
    assert pool.reserves[0].amount == 220 and pool.reserves[0].during == ("kampanye",)
    [guard] = plan.guards
    assert guard.targets == ("kpu", "bawaslu", "gudang") and guard.amounts == (("polri", 4),)


def test_phases_have_the_published_dates(plan: Plan) -> None:
    assert [(p.name, str(p.start), str(p.end)) for p in plan.phases] == [
        ("kampanye", "2023-11-28 00:00:00", "2024-02-11 00:00:00"),
        ("masa_tenang", "2024-02-11 00:00:00", "2024-02-14 00:00:00"),
        ("pemungutan", "2024-02-14 06:00:00", "2024-02-15 12:00:00"),
        ("rekapitulasi", "2024-02-15 12:00:00", "2024-03-06 00:00:00"),
    ]


def test_the_generator_reproduces_the_table_byte_for_byte(tmp_path: Path) -> None:
    copy = tmp_path / "plan"
    shutil.copytree(SAMPLE_PLAN, copy)
    (copy / "data" / "tps-2024.csv").unlink()
    subprocess.run(
        [sys.executable, str(copy / "make_sites.py")], check=True, capture_output=True, cwd=tmp_path
    )
    assert (copy / "data" / "tps-2024.csv").read_bytes() == (
        SAMPLE_PLAN / "data" / "tps-2024.csv"
    ).read_bytes()


def test_the_personnel_table_is_synthetic_and_one_person_per_place_of_strength(
    plan: Plan,
) -> None:
    header = (SAMPLE_PLAN / "data" / "personel.csv").read_text(encoding="utf-8")[:400]
    assert "SYNTHETIC" in header and "make_personnel.py" in header
    people = Counter(p.unit for p in plan.personnel)
    strength = {u.name: u.strength for u in plan.units if u.force == "polri" and u.strength}
    assert people == strength and sum(people.values()) == 450
    assert all(len(p.nrp) == 8 and p.nrp.isdigit() for p in plan.personnel)
    assert next(p.rank for p in plan.personnel if p.unit == "polres") == "AKBP"


def test_the_generator_reproduces_the_personnel_table_byte_for_byte(tmp_path: Path) -> None:
    copy = tmp_path / "plan"
    shutil.copytree(SAMPLE_PLAN, copy)
    (copy / "data" / "personel.csv").unlink()
    subprocess.run(
        [sys.executable, str(copy / "make_personnel.py")],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    assert (copy / "data" / "personel.csv").read_bytes() == (
        SAMPLE_PLAN / "data" / "personel.csv"
    ).read_bytes()
