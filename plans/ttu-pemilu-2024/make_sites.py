#!/usr/bin/env python3
"""Make the SYNTHETIC TPS table of the TTU Pemilu 2024 sample plan: data/tps-2024.csv.

What is real and what is not:
- Real (published): 774 TPS in Kabupaten Timor Tengah Utara, of which 750 kurang rawan,
  19 rawan and 5 sangat rawan (Polres TTU, 30 Jan 2024), and the staffing ratios of the
  plan (polri 1 per 3 / 1 per 1 / 2 per 1 TPS; linmas 6 per 3 / 2 per 1 / 2 per 1 TPS).
- Real (data/sources/, MIT, see the README there): the 193 desa/kelurahan, their
  kecamatan, official codes and polygon-centroid coordinates.
- SYNTHETIC (this script, seeded): how many TPS each desa has, which TPS are rawan or
  sangat rawan, and every voter count. No TPS list or population per desa was used.

The spread over desa follows seeded weights (kelurahan of Kota Kefamenanu count most),
with every desa getting at least one TPS. The kurang rawan counts per desa are chosen so
that grouping them per desa into posts of at most 3 TPS (one Polri per post, the plan's
rule) gives 253 posts: the Polri on TPS duty are then 253 + 19 + 2 x 5 = 282, the figure
Polres TTU published ("282 on TPS duty >= 279: grouping per village rounds up").

The 5 sangat rawan TPS are placed only in desa with coordinates that lie within the
30-minute reserve bound of a rayon post (great-circle distance x 1.4 at 40 km/h), with a
margin. Coordinates are the desa centroids, unchanged; Boronubaen Timur has none in the
source, so its TPS have empty lat/lon.

Standard library only; deterministic: running it twice writes byte-identical files.
Run from anywhere:  python plans/ttu-pemilu-2024/make_sites.py
"""

from __future__ import annotations

import csv
import io
import math
import random
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

SEED = 20240214
HERE = Path(__file__).resolve().parent
SOURCES = HERE / "data" / "sources"
DESA_CSV = SOURCES / "ttu-desa.csv"
KECAMATAN_CSV = SOURCES / "ttu-kecamatan.csv"
OUTPUT = HERE / "data" / "tps-2024.csv"
SCRIPT = "plans/ttu-pemilu-2024/make_sites.py"

# Published class totals (Polres TTU, 30 Jan 2024).
KURANG_RAWAN, RAWAN, SANGAT_RAWAN = 750, 19, 5
TOTAL_TPS = KURANG_RAWAN + RAWAN + SANGAT_RAWAN  # 774
# Posts of kurang rawan TPS (at most 3 TPS per post, grouped per desa): 253 posts, so
# the padding (empty places in the last post of a desa) is 3 * 253 - 750 = 9.
KR_POSTS = 253
POLRI_ON_TPS = 282
LINMAS_ON_TPS = 1548
MAX_VOTERS = 300  # the 2024 maximum per TPS

# Reserve locations that hold in every phase: the three rayon posts of plan.ttup.
RAYON_POSTS = {
    "Pos Pol Bijaepasu (Rayon I)": (-9.531885, 124.428295),  # Bijaepasu desa centroid
    "Rayon II Insana": (-9.468612, 124.699616),  # Insana kecamatan centroid
    "Rayon III Insana Utara": (-9.240718, 124.548429),  # Insana Utara kecamatan centroid
}
SPEED_KMH, DETOUR, BOUND_MINUTES = 40.0, 1.4, 30
# Straight-line reach: 0.5 h * 40 km/h / 1.4 = 14.29 km; keep a margin below it so that
# any reasonable Earth radius or rounding still passes.
REACH_KM = 13.5


def snake(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def great_circle_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def nearest_post(point: tuple[float, float]) -> tuple[str, float]:
    return min(
        ((label, great_circle_km(point, at)) for label, at in RAYON_POSTS.items()),
        key=lambda pair: pair[1],
    )


def read_desa() -> tuple[list[dict[str, str]], dict[str, str]]:
    with KECAMATAN_CSV.open(encoding="utf-8", newline="") as handle:
        kecamatan = {row["code"]: row["name"] for row in csv.DictReader(handle)}
    with DESA_CSV.open(encoding="utf-8", newline="") as handle:
        desa = sorted(csv.DictReader(handle), key=lambda row: row["code"])
    return desa, kecamatan


def distribute(desa: list[dict[str, str]], rng: random.Random) -> dict[str, dict[str, int]]:
    """TPS per desa and class: {code: {"kurang_rawan": k, "rawan": r, "sangat_rawan": s}}."""
    codes = [row["code"] for row in desa]
    # Seeded weights: town kelurahan most, other kelurahan more, desa 1; each jittered.
    weights = []
    for row in desa:
        base = 1.0
        if row["kind"] == "kelurahan":
            base = 4.0 if row["kecamatan_code"] == "530305" else 2.5
        weights.append(base * rng.uniform(0.5, 1.5))
    # Every desa gets one kurang rawan post; the other 60 posts go by weight.
    posts = Counter(dict.fromkeys(codes, 1))
    for code in rng.choices(codes, weights=weights, k=KR_POSTS - len(codes)):
        posts[code] += 1
    # 9 empty places in total: a desa's last post holds 1 or 2 TPS instead of 3.
    padding: Counter[str] = Counter()
    while sum(padding.values()) < 3 * KR_POSTS - KURANG_RAWAN:
        code = rng.choice(codes)
        if padding[code] < 2:
            padding[code] += 1
    plan = {
        code: {"kurang_rawan": 3 * posts[code] - padding[code], "rawan": 0, "sangat_rawan": 0}
        for code in codes
    }
    # Rawan: 19 distinct desa, anywhere.
    for code in rng.sample(codes, RAWAN):
        plan[code]["rawan"] += 1
    # Sangat rawan: 5 distinct desa with coordinates within reach of a rayon post.
    eligible = [
        row["code"]
        for row in desa
        if row["lat"]
        and row["lon"]
        and nearest_post((float(row["lat"]), float(row["lon"])))[1] <= REACH_KM
    ]
    for code in rng.sample(eligible, SANGAT_RAWAN):
        plan[code]["sangat_rawan"] += 1
    return plan


def build_rows(
    desa: list[dict[str, str]],
    kecamatan: dict[str, str],
    plan: dict[str, dict[str, int]],
    rng: random.Random,
) -> list[list[str]]:
    rows = []
    for row in desa:
        counts = plan[row["code"]]
        classes = [
            risk for risk in ("kurang_rawan", "rawan", "sangat_rawan") for _ in range(counts[risk])
        ]
        rng.shuffle(classes)
        for number, risk in enumerate(classes, start=1):
            rows.append(
                [
                    f"tps_{row['code']}_{number:02d}",
                    f"TPS {number:02d} {row['name']}",
                    "tps",
                    snake(kecamatan[row["kecamatan_code"]]),
                    row["name"],
                    risk,
                    str(rng.randint(180, MAX_VOTERS)),
                    row["lat"],
                    row["lon"],
                ]
            )
    rows.sort(key=lambda r: r[0])
    return rows


def header_comments() -> list[str]:
    return [
        "# TPS table of the sample plan plans/ttu-pemilu-2024 (Polres TTU, Pemilu 2024).",
        "# SYNTHETIC: the number of TPS per desa, the risk class of each TPS and every voter",
        "# count are made up by a seeded script; they are NOT the real KPU TPS list.",
        "# Real: the totals 774 TPS = 750 kurang_rawan + 19 rawan + 5 sangat_rawan",
        "# (Polres TTU, 30 Jan 2024); desa/kelurahan names, kecamatan, official codes and",
        "# lat/lon (centroid of the desa polygon, not a TPS location) from",
        "# data/sources/ (cahyadsn/wilayah and cahyadsn/wilayah_boundaries, MIT licence).",
        "# Boronubaen Timur has no coordinates in the source, so its lat/lon are empty.",
        f"# Made by {SCRIPT} with random seed {SEED}. Do not edit by hand:",
        f"# run `python {SCRIPT}` to regenerate it byte for byte.",
    ]


def render(rows: list[list[str]]) -> str:
    out = io.StringIO()
    for line in header_comments():
        out.write(line + "\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "name", "kind", "district", "village", "risk", "voters", "lat", "lon"])
    writer.writerows(rows)
    return out.getvalue()


@dataclass(frozen=True)
class Totals:
    """Published figures recomputed from the rows with the plan's staffing rules."""

    tps: int
    desa: int
    risk: Counter[str]
    posts: int  # kurang rawan posts: at most 3 TPS of one desa each
    polri: int
    linmas: int
    need: Counter[str]  # Polri needed on voting day, per district
    tps_per_district: Counter[str]
    voters: int


def totals(rows: list[list[str]]) -> Totals:
    risk = Counter(r[5] for r in rows)
    district_of = {r[0][4:14]: r[3] for r in rows}  # desa code -> district
    kurang_rawan = Counter(r[0][4:14] for r in rows if r[5] == "kurang_rawan")
    posts = sum(math.ceil(k / 3) for k in kurang_rawan.values())
    need: Counter[str] = Counter()
    for code, k in kurang_rawan.items():
        need[district_of[code]] += math.ceil(k / 3)
    for r in rows:
        need[r[3]] += {"kurang_rawan": 0, "rawan": 1, "sangat_rawan": 2}[r[5]]
    return Totals(
        tps=len(rows),
        desa=len(district_of),
        risk=risk,
        posts=posts,
        polri=posts + risk["rawan"] + 2 * risk["sangat_rawan"],
        linmas=(
            sum(math.ceil(6 * k / 3) for k in kurang_rawan.values())
            + 2 * risk["rawan"]
            + 2 * risk["sangat_rawan"]
        ),
        need=need,
        tps_per_district=Counter(r[3] for r in rows),
        voters=sum(int(r[6]) for r in rows),
    )


def main() -> int:
    rng = random.Random(SEED)
    desa, kecamatan = read_desa()
    assert len(desa) == 193 and len(kecamatan) == 24, "the sources should hold 193 desa, 24 kec"
    plan = distribute(desa, rng)
    rows = build_rows(desa, kecamatan, plan, rng)
    t = totals(rows)
    risk = t.risk
    assert t.tps == TOTAL_TPS, t.tps
    assert (risk["kurang_rawan"], risk["rawan"], risk["sangat_rawan"]) == (
        KURANG_RAWAN,
        RAWAN,
        SANGAT_RAWAN,
    ), risk
    assert t.desa == 193, "every desa/kelurahan must have at least one TPS"
    assert t.posts == KR_POSTS, t.posts
    assert t.polri == POLRI_ON_TPS, t.polri
    assert t.linmas == LINMAS_ON_TPS, t.linmas
    assert all(int(r[6]) <= MAX_VOTERS for r in rows)
    assert len({r[0] for r in rows}) == len(rows)
    limit_h = BOUND_MINUTES / 60
    for r in rows:
        if r[5] == "sangat_rawan":
            assert r[7] and r[8], f"{r[0]} is sangat_rawan without coordinates"
            label, km = nearest_post((float(r[7]), float(r[8])))
            assert km * DETOUR / SPEED_KMH <= limit_h, (r[0], label, km)

    text = render(rows)
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    old = OUTPUT.read_bytes() if OUTPUT.exists() else None
    new = text.encode("utf-8")
    if old != new:
        OUTPUT.write_bytes(new)

    print(
        f"{OUTPUT.relative_to(HERE.parents[1])}: {'written' if old != new else 'unchanged'}"
        f" (seed {SEED})"
    )
    print(
        f"TPS {t.tps} over {t.desa} desa/kelurahan: kurang_rawan {risk['kurang_rawan']}, "
        f"rawan {risk['rawan']}, sangat_rawan {risk['sangat_rawan']}"
    )
    print(
        f"Polri ratio total: {KURANG_RAWAN // 3} + {RAWAN} + {2 * SANGAT_RAWAN} = "
        f"{KURANG_RAWAN // 3 + RAWAN + 2 * SANGAT_RAWAN}"
    )
    print(
        f"Polri on TPS duty (posts per desa): {t.posts} + {risk['rawan']} + "
        f"2 x {risk['sangat_rawan']} = {t.polri}"
    )
    print(f"Linmas on TPS duty: {t.linmas}")
    print(f"Voters (synthetic): {t.voters:,}")
    print("Polri needed on voting day per district (TPS):")
    for district in sorted(t.need):
        print(f"  {district:18} {t.need[district]:4}  ({t.tps_per_district[district]} TPS)")
    print("Sangat rawan TPS and their nearest rayon post:")
    for r in rows:
        if r[5] == "sangat_rawan":
            label, km = nearest_post((float(r[7]), float(r[8])))
            minutes = km * DETOUR / SPEED_KMH * 60
            print(f"  {r[0]} {r[4]} ({r[3]}): {label}, {km:.1f} km, {minutes:.0f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
