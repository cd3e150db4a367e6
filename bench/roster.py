"""Benchmark of named rostering: `ttuplan check` with and without the personnel table.

Two plans, each checked in a fresh process (`--repeat` rounds, the median time and the
highest peak RSS of the child):
  ttu   the sample plan, plans/ttu-pemilu-2024: 450 people over its four phases and their
        shifts (SYNTHETIC table);
  10x   a SYNTHETIC plan from bench/generate.py of 8,000 sites in 10 regencies, with a
        table of one person per place of Polri strength (about 5,000 people).
The baseline is the same plan with its `personnel` line removed, measured in the same
run: the roster's cost is the difference, quoted as a ratio. Target: TTU under 10 s on 2
cores (issue 12).

    python bench/roster.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "plans" / "ttu-pemilu-2024"
TARGET_SECONDS = 10.0


def run(plan: Path) -> tuple[float, float]:
    """Wall time and peak RSS (MiB) of one `ttuplan check`, in a fresh process."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "ttuplan", "check", "--quiet", str(plan)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"bench: ttuplan check {plan} failed")
    return seconds, usage.ru_maxrss / 1024


def measure(plan: Path, repeat: int) -> tuple[float, float]:
    runs = [run(plan) for _ in range(repeat)]
    return statistics.median(t for t, _ in runs), max(m for _, m in runs)


def without_personnel(plan: Path, into: Path) -> Path:
    """A copy of the plan folder whose plan.ttup names no personnel table."""
    copy = into / f"{plan.name}-no-personnel"
    shutil.copytree(plan, copy)
    entry = copy / "plan.ttup"
    text = entry.read_text(encoding="utf-8")
    entry.write_text(re.sub(r"^personnel .*$", "", text, flags=re.M), encoding="utf-8")
    return copy


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    from bench.generate import write_plan

    with tempfile.TemporaryDirectory(prefix="ttuplan-roster-") as scratch:
        work = Path(scratch)
        tenfold = work / "tenfold"
        write_plan(8_000, tenfold, seed=2024, personnel=True)
        people = {
            "ttu": sum(
                1 for line in (SAMPLE / "data" / "personel.csv").open() if line[:1].isdigit()
            ),
            "10x": sum(
                1 for line in (tenfold / "data" / "personnel.csv").open() if line[:1].isdigit()
            ),
        }
        rows = []
        for name, plan in (("ttu", SAMPLE), ("10x", tenfold)):
            base = measure(without_personnel(plan, work), args.repeat)
            named = measure(plan, args.repeat)
            rows.append((name, people[name], base, named))
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, median of {args.repeat}")
    print(
        f"{'plan':<5} {'people':>7} {'check s':>8} {'MiB':>6} {'+ roster s':>11} {'MiB':>6} "
        f"{'roster/check':>13}"
    )
    for name, count, (t0, m0), (t1, m1) in rows:
        print(
            f"{name:<5} {count:>7,} {t0:>8.3f} {m0:>6.0f} {t1:>11.3f} {m1:>6.0f} {t1 / t0:>12.2f}x"
        )
    ttu_seconds = rows[0][3][0]
    verdict = "PASS" if ttu_seconds < TARGET_SECONDS else "MISS"
    print(
        f"target: TTU check with rostering under {TARGET_SECONDS:.0f} s: "
        f"{ttu_seconds:.3f} s {verdict}"
    )
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
