#!/usr/bin/env python3
"""Make the SYNTHETIC personnel table of the TTU Pemilu 2024 sample plan:
data/personel.csv.

Everything in it is made up by this seeded script: the people, their names, ranks, NRPs,
telephone numbers and home districts. Nothing comes from a real roster of Polres TTU. It
exists so that the sample's rosters print names and the whole rostering path is tested.

What is plausible about it:
- One person per place of strength: Polres TTU headquarters 146, the nine Polsek 279
  (their strengths in units.ttup, which add up to the published 425) and Brimob Polda NTT
  (BKO) 25: 450 people.
- Ranks spread as a Polres's are: a Kapolres (AKBP), a few Kompol and AKP, Ipda and Iptu
  as Kapolsek and section heads, Aipda and Aiptu as senior NCOs, and most people Bripda
  to Bripka; the Brimob platoon mostly Bharada to Bharaka under an Ipda.
- NRP: 8 digits, the first two a birth year (as Polri NRPs begin), the rest drawn.
- Names common in Timor (Atoni Pah Meto family names, Catholic given names).
- Home district: a Polsek's people live in one of the kecamatan it covers; the Polres's
  anywhere in the regency; Brimob's are from Kupang, outside it (no district).
- `leader`: officers and senior NCOs (Aipda and above) may lead a post.

Standard library only; deterministic: running it twice writes byte-identical files.
Run from anywhere:  python plans/ttu-pemilu-2024/make_personnel.py
"""

from __future__ import annotations

import io
import random
import re
import sys
from pathlib import Path

SEED = 20240214
HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "data" / "personel.csv"
UNITS = HERE / "units.ttup"
SCRIPT = "plans/ttu-pemilu-2024/make_personnel.py"

GIVEN = (
    "Yohanes", "Petrus", "Paulus", "Fransiskus", "Agustinus", "Yosef", "Dominikus",
    "Kornelis", "Marselinus", "Emanuel", "Aloysius", "Bernardus", "Gabriel", "Hendrikus",
    "Ignasius", "Kristoforus", "Laurensius", "Mikael", "Nikolaus", "Oktavianus", "Rafael",
    "Stefanus", "Vinsensius", "Wilhelmus", "Yakobus", "Maria", "Florentina", "Agustina",
    "Elisabet", "Katarina", "Margaretha", "Theresia", "Veronika", "Yuliana", "Anastasia",
    "Benediktus", "Damianus", "Felisianus", "Gregorius", "Hironimus",
)  # fmt: skip
FAMILY = (
    "Tefa", "Sanam", "Nahak", "Taek", "Kolo", "Bani", "Lake", "Neno", "Oematan", "Sonbai",
    "Anin", "Bria", "Klau", "Seran", "Nitbani", "Tnesi", "Kefi", "Abi", "Manek", "Haki",
    "Kase", "Feka", "Naif", "Atok", "Ulu", "Boimau", "Taneo", "Fallo", "Usboko", "Kono",
    "Amfotis", "Lopo", "Nesi", "Tuan", "Salem", "Kapitan", "Meko", "Obe", "Talan", "Teti",
)  # fmt: skip

# Ranks per share of a Polres's people beside its commanders (plausible, not published).
POLRES_RANKS = (
    ("KOMPOL", 2), ("AKP", 6), ("IPTU", 8), ("IPDA", 10), ("AIPTU", 10), ("AIPDA", 14),
    ("BRIPKA", 24), ("BRIGPOL", 28), ("BRIPTU", 22), ("BRIPDA", 21),
)  # fmt: skip
POLSEK_RANKS = (
    ("IPDA", 3), ("AIPTU", 7), ("AIPDA", 10), ("BRIPKA", 18), ("BRIGPOL", 22),
    ("BRIPTU", 20), ("BRIPDA", 20),
)  # fmt: skip
BRIMOB_RANKS = (("IPTU", 1), ("IPDA", 2), ("BRIPKA", 2), ("BRIGPOL", 3), ("BHARAKA", 6),
                ("BHARATU", 6), ("BHARADA", 5))  # fmt: skip
LEADS = {"AKBP", "KOMPOL", "AKP", "IPTU", "IPDA", "AIPTU", "AIPDA"}


def units() -> list[tuple[str, int, list[str]]]:
    """(unit, strength, districts covered) of the Polri units of units.ttup that have a
    strength, in file order."""
    text = UNITS.read_text(encoding="utf-8")
    found = []
    for match in re.finditer(r"^unit (\w+) .*?^\}", text, flags=re.S | re.M):
        block, part = match.group(1), match.group(0)
        strength = re.search(r"^\s+strength (\d+)", part, flags=re.M)
        if "force polri" not in part or strength is None:
            continue
        districts: list[str] = []
        lines = part.splitlines()
        for index, line in enumerate(lines):
            if line.strip().startswith("covers "):
                text = line.split("#")[0].strip()[len("covers ") :]
                following = index + 1
                while text.rstrip().endswith(",") and following < len(lines):
                    text += lines[following].split("#")[0]
                    following += 1
                districts = re.findall(r"[a-z_]+", text)
        found.append((block, int(strength.group(1)), districts))
    return found


def ranks_for(unit: str, strength: int, rng: random.Random) -> list[str]:
    """The unit's ranks, its commander first: a Kapolres (AKBP) for the Polres, an IPTU
    or AKP for a Polsek, shares drawn per the tables above for the rest."""
    if unit == "brimob":
        table, head = BRIMOB_RANKS, []
    elif unit == "polres":
        table, head = POLRES_RANKS, ["AKBP"]
    else:
        table, head = POLSEK_RANKS, [rng.choice(("IPTU", "AKP"))]
    rest = strength - len(head)
    weights = [w for _, w in table]
    drawn = rng.choices([r for r, _ in table], weights=weights, k=rest)
    order = {rank: i for i, (rank, _) in enumerate(table)}
    return head + sorted(drawn, key=order.__getitem__)


def main() -> int:
    rng = random.Random(SEED)
    every = units()
    total = sum(strength for _, strength, _ in every)
    assert total == 450, total  # 146 + 279 Polres TTU, 25 Brimob (BKO)
    districts = sorted({d for _, _, covered in every for d in covered if d != "all"})
    regency = re.findall(r"^district (\w+)", (HERE / "districts.ttup").read_text(), flags=re.M)
    out = io.StringIO()
    out.write(
        f"# SYNTHETIC personnel table of the TTU sample plan, made by {SCRIPT} (seed {SEED}).\n"
    )
    out.write("# Every person, name, rank, NRP, telephone number and home district is made up.\n")
    out.write("nrp,name,rank,unit,phone,district,leader\n")
    seen: set[str] = set()
    for unit, strength, covered in every:
        homes = [d for d in covered if d in districts] or (regency if unit == "polres" else [])
        for rank in ranks_for(unit, strength, rng):
            while True:
                nrp = f"{rng.randint(70, 99):02d}{rng.randint(0, 999999):06d}"
                if nrp not in seen:
                    seen.add(nrp)
                    break
            name = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}"
            phone = f"0812-{rng.randint(0, 9999):04d}-{rng.randint(0, 9999):04d}"
            home = rng.choice(homes) if homes else ""
            lead = "ya" if rank in LEADS else ""
            out.write(f"{nrp},{name},{rank},{unit},{phone},{home},{lead}\n")
    data = out.getvalue().encode("utf-8")
    if not OUTPUT.exists() or OUTPUT.read_bytes() != data:
        OUTPUT.write_bytes(data)
        print(f"wrote {OUTPUT}")
    print(f"{total} people in {len(every)} units")
    return 0


if __name__ == "__main__":
    sys.exit(main())
