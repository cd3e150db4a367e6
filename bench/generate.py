"""Seeded generator of SYNTHETIC plans, from one regency up to national size.

A plan of N sites is spread over regencies shaped like Indonesia's on average (national:
820,161 TPS, 514 regencies, about 7,000 districts and 83,000 villages): each regency has a
Polres (covering its districts as back-stop), one Polsek per two or three districts, Linmas,
three rayons holding reserves, a Brimob company arriving H-3, and escalation chains
Polsek -> rayon -> Polres -> Polda (final). Sites come from a CSV table. Every name, number
and place is invented; the files say so in their first line.

    python bench/generate.py SITES OUT_DIR [--seed N]
"""

from __future__ import annotations

import argparse
import csv
import math
import random
from dataclasses import dataclass
from pathlib import Path

NATIONAL_SITES = 820_161
NATIONAL_REGENCIES = 514
DISTRICTS_PER_REGENCY = 7_000 / 514
VILLAGES_PER_DISTRICT = 83_000 / 7_000
RISK_SHARE = (("kurang_rawan", 0.90), ("rawan", 0.073), ("sangat_rawan", 0.027))  # 2019 mix


@dataclass(frozen=True)
class Regency:
    index: int
    districts: tuple[str, ...]
    lat: float
    lon: float


HEADER = """# SYNTHETIC plan made by bench/generate.py (seed {seed}): {sites:,} sites in
# {regencies:,}
# regencies. Every name, number and place is invented; it exists to measure ttuplan.
plan synthetic_{sites} "Synthetic plan, {sites:,} sites" {{
  authority "Synthetic"
  operation "Benchmark"
  timezone "Asia/Makassar"
  language en
}}

include "districts.ttup"
include "units.ttup"

force polri "Polri"
force linmas "Linmas"
kind tps "TPS"
kind kpu "KPU office"

risk kurang_rawan "Kurang Rawan" {{
  polri 1 per 3 tps
  linmas 6 per 3 tps
}}
risk rawan "Rawan" {{
  polri 1 per tps
  linmas 2 per tps
}}
risk sangat_rawan "Sangat Rawan" {{
  polri 2 per tps
  linmas 2 per tps
  reserve within 90m
}}

sites "data/sites.csv"
guard kpu with 4 polri

phase kampanye "Campaign" 2023-11-28 .. 2024-02-10 {{
  shift pagi 06:00 .. 18:00
  shift malam 18:00 .. 06:00
}}
phase masa_tenang "Quiet period" 2024-02-11 .. 2024-02-13 {{
  shift pagi 06:00 .. 18:00
  shift malam 18:00 .. 06:00
}}
phase pemungutan "Voting and counting" 2024-02-14 06:00 .. 2024-02-15 12:00 {{
  guard tps by risk
  duty limit 30h
}}
{personnel}"""


def regencies_for(sites: int, rng: random.Random) -> list[Regency]:
    count = max(1, round(NATIONAL_REGENCIES * sites / NATIONAL_SITES))
    out = []
    for index in range(count):
        districts = max(3, round(rng.gauss(DISTRICTS_PER_REGENCY, 3)))
        names = tuple(f"r{index:03d}_d{d:02d}" for d in range(districts))
        out.append(Regency(index, names, rng.uniform(-10.5, 5.5), rng.uniform(95.5, 140.5)))
    return out


def write_plan(sites: int, out: Path, seed: int = 2024, personnel: bool = False) -> None:
    """The plan; with `personnel`, a table naming one person per place of Polri strength."""
    rng = random.Random(seed)
    regencies = regencies_for(sites, rng)
    out.mkdir(parents=True, exist_ok=True)
    (out / "data").mkdir(exist_ok=True)
    table = 'personnel "data/personnel.csv"\n' if personnel else ""
    (out / "plan.ttup").write_text(
        HEADER.format(seed=seed, sites=sites, regencies=len(regencies), personnel=table),
        encoding="utf-8",
    )
    rows = _site_rows(_site_counts(sites, regencies, rng), regencies, rng)
    _write_districts(out / "districts.ttup", regencies)
    strengths = _write_units(out / "units.ttup", regencies, _needs(rows))
    _write_sites(out / "data" / "sites.csv", rows, seed)
    if personnel:
        _write_personnel(out / "data" / "personnel.csv", strengths, seed)


def _site_counts(sites: int, regencies: list[Regency], rng: random.Random) -> dict[str, int]:
    districts = [d for r in regencies for d in r.districts]
    weights = [rng.uniform(0.5, 1.5) for _ in districts]
    total = sum(weights)
    counts = {
        d: max(1, math.floor(sites * w / total)) for d, w in zip(districts, weights, strict=True)
    }
    spare = sites - sum(counts.values())
    for district in rng.sample(districts, k=min(abs(spare), len(districts))):
        counts[district] += 1 if spare > 0 else -1 if counts[district] > 1 else 0
    return counts


def _site_rows(
    counts: dict[str, int], regencies: list[Regency], rng: random.Random
) -> list[list[object]]:
    classes = [name for name, _ in RISK_SHARE]
    weights = [share for _, share in RISK_SHARE]
    rows: list[list[object]] = []
    for regency in regencies:
        for number, district in enumerate(regency.districts):
            villages = max(1, round(rng.gauss(VILLAGES_PER_DISTRICT, 3)))
            lat = regency.lat + 0.05 * (number % 4)
            lon = regency.lon + 0.05 * (number // 4)
            for site in range(counts[district]):
                village = site % villages
                rows.append(
                    [
                        f"{district}_tps_{site:04d}",
                        f"TPS {site} {district}",
                        "tps",
                        district,
                        f"Village {village}",
                        rng.choices(classes, weights)[0],
                        rng.randint(150, 300),
                        f"{lat + 0.004 * village:.5f}",
                        f"{lon + 0.003 * (site % 7):.5f}",
                    ]
                )
        rows.append(
            [
                f"r{regency.index:03d}_kpu",
                f"KPU r{regency.index:03d}",
                "kpu",
                regency.districts[0],
                "",
                "rawan",
                "",
                "",
                "",
            ]
        )
    return rows


def _needs(rows: list[list[object]]) -> dict[str, tuple[int, int]]:
    """Polri and Linmas each district's posts need on voting day, as the rules compute it."""
    groups: dict[tuple[object, object, object], int] = {}
    for row in rows:
        if row[2] == "tps":
            key = (row[3], row[4], row[5])
            groups[key] = groups.get(key, 0) + 1
    needs: dict[str, tuple[int, int]] = {}
    for (district, _, risk), count in groups.items():
        polri = (
            math.ceil(count / 3)
            if risk == "kurang_rawan"
            else count
            if risk == "rawan"
            else 2 * count
        )
        old = needs.get(str(district), (0, 0))
        needs[str(district)] = (old[0] + polri, old[1] + 2 * count)
    return needs


def _write_districts(path: Path, regencies: list[Regency]) -> None:
    lines = ["# SYNTHETIC districts made by bench/generate.py."]
    for regency in regencies:
        for number, district in enumerate(regency.districts):
            lat = regency.lat + 0.05 * (number % 4)
            lon = regency.lon + 0.05 * (number // 4)
            lines.append(
                f'district {district} "District {district}" {{\n  at {lat:.4f}, {lon:.4f}\n}}'
            )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _write_units(
    path: Path, regencies: list[Regency], needs: dict[str, tuple[int, int]]
) -> dict[str, int]:
    """Write the units; return each Polri unit's strength."""
    strengths: dict[str, int] = {}
    lines = [
        "# SYNTHETIC units made by bench/generate.py.",
        'unit polda "Polda (synthetic)" {\n  force polri\n  final\n}',
    ]
    for regency in regencies:
        r = f"r{regency.index:03d}"
        groups = [regency.districts[i : i + 3] for i in range(0, len(regency.districts), 3)]
        polri = {d: needs.get(d, (0, 0))[0] for d in regency.districts}
        linmas = sum(needs.get(d, (0, 0))[1] for d in regency.districts)
        reserve = max(3, sum(polri.values()) // 20)
        strengths[f"{r}_polres"] = 3 * reserve + 8 + 10 + sum(polri.values()) // 20
        strengths[f"{r}_brimob"] = 100
        for number, group in enumerate(groups):
            strengths[f"{r}_polsek_{number:02d}"] = sum(polri[d] for d in group)
        lines.append(
            f'unit {r}_polres "Polres {r}" {{\n  force polri\n'
            f"  strength {3 * reserve + 8 + 10 + sum(polri.values()) // 20}\n"
            f"  covers {', '.join(regency.districts)}\n"
            f"  base {regency.districts[0]}\n  escalates to polda\n"
            f"  escalates to {r}_brimob during masa_tenang, pemungutan\n}}"
        )
        lines.append(
            f'unit {r}_brimob "Brimob {r}" {{\n  force polri\n  strength 100\n'
            f"  base {regency.districts[0]}\n  available from 2024-02-11\n"
            "  role reserve\n  escalates to polda\n}"
        )
        lines.append(
            f'unit {r}_linmas "Linmas {r}" {{\n  force linmas\n'
            f"  strength {linmas + 10}\n"
            f"  covers {', '.join(regency.districts)}\n  escalates to {r}_polres\n}}"
        )
        for number, group in enumerate(groups):
            lines.append(
                f'unit {r}_polsek_{number:02d} "Polsek {r} {number}" {{\n'
                f"  force polri\n  parent {r}_polres\n"
                f"  strength {sum(polri[d] for d in group)}\n"
                f"  covers {', '.join(group)}\n  base {group[0]}\n"
                f"  escalates to {r}_rayon_{number % 3}\n}}"
            )
        for number in range(3):
            members = regency.districts[number::3] or regency.districts[:1]
            lines.append(
                f'rayon {r}_rayon_{number} "Rayon {r} {number}" {{\n'
                f'  post "Pos {r} {number}" in {members[0]} at '
                f"{regency.lat + 0.05 * number:.4f}, {regency.lon:.4f}\n"
                f"  districts {', '.join(members)}\n"
                f"  reserve {reserve} from {r}_polres\n  escalates to {r}_polres\n}}"
            )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return strengths


RANKS = ("BRIPDA", "BRIPTU", "BRIGPOL", "BRIPKA", "AIPDA", "AIPTU", "IPDA", "IPTU", "AKP")


def _write_personnel(path: Path, strengths: dict[str, int], seed: int) -> None:
    """One invented person per place of strength of every Polri unit."""
    rng = random.Random(seed + 1)
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(f"# SYNTHETIC personnel made by bench/generate.py (seed {seed}).\n")
        handle.write("nrp,name,rank,unit,leader\n")
        number = 10_000_000
        for unit, strength in strengths.items():
            for _ in range(strength):
                number += 1
                rank = rng.choices(RANKS, weights=(20, 20, 20, 15, 8, 6, 5, 4, 2))[0]
                lead = "ya" if RANKS.index(rank) >= 4 else ""
                handle.write(f"{number},Person {number},{rank},{unit},{lead}\n")


def _write_sites(path: Path, rows: list[list[object]], seed: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(f"# SYNTHETIC sites made by bench/generate.py (seed {seed}).\n")
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(
            ["id", "name", "kind", "district", "village", "risk", "voters", "lat", "lon"]
        )
        writer.writerows(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sites", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--personnel", action="store_true", help="also a personnel table")
    args = parser.parse_args()
    write_plan(args.sites, args.out, args.seed, args.personnel)


if __name__ == "__main__":
    main()
