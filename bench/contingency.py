"""Benchmark: N-1 contingency (`ttuplan check --contingency`) against a plain `check`.

For each size (the TTU sample plan, or a synthetic plan of N sites made by generate.py,
cached as bench/run.py caches it), in a fresh process each, in turn, `--repeat` rounds:

    check        ttuplan check PLAN
    contingency  ttuplan check --contingency PLAN

and reports the median wall time, the highest peak RSS, the ratio of the two, and what
the analysis worked out (losses, of which skipped and breaking; from the JSON report of
one more in-process-free run). Target: TTU contingency <= 3x its check; the synthetic
plan's ratio is quoted.

    python bench/contingency.py [--sizes ttu,100000] [--repeat N] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import (
    Series,
    parse_size,
    prepare,
    progress,
    run_measured,
    ttuplan_command,
)

TARGET = 3.0  # TTU: contingency / check


def measure(folder: Path, repeat: int) -> tuple[Series, Series, dict[str, int]]:
    ttuplan = ttuplan_command()
    plain, n1 = Series(), Series()
    for round_ in range(repeat):
        progress(f"  round {round_ + 1}/{repeat}")
        for series, extra in ((plain, []), (n1, ["--contingency"])):
            run = run_measured([ttuplan, "check", "--quiet", *extra, str(folder)])
            if run.code not in (0, 1):
                series.failed = f"exit {run.code}: {run.stderr.strip()[:300]}"
            series.runs.append(run)
    report = run_measured([ttuplan, "check", "--contingency", "--format", "json", str(folder)])
    losses = json.loads(report.stdout)["plans"][0].get("contingency", []) if report.stdout else []
    counts = {
        "losses": len(losses),
        "skipped": sum(1 for x in losses if x["skipped"]),
        "breaking": sum(1 for x in losses if x["breaks"]),
    }
    return plain, n1, counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="ttu,100000", help="ttu and/or numbers of sites")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/ttuplan-bench"))
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    rows = []
    for word in args.sizes.split(","):
        size = parse_size(word)
        case = prepare(size, args.workdir, args.seed)
        progress(f"{case.label}: check and check --contingency, {args.repeat} rounds")
        plain, n1, counts = measure(case.folder, args.repeat)
        if not plain.ok or not n1.ok:
            raise SystemExit(f"bench: {case.label}: {plain.failed or n1.failed}")
        assert plain.seconds and n1.seconds and plain.mib and n1.mib
        rows.append((case.label, plain, n1, counts))
    print(
        "| plan | check s | check MiB | --contingency s | --contingency MiB | ratio (time) "
        "| losses | skipped | breaking |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for label, plain, n1, counts in rows:
        assert plain.seconds and n1.seconds and plain.mib and n1.mib
        print(
            f"| {label} | {plain.seconds:.3f} | {plain.mib:.0f} | {n1.seconds:.3f} | "
            f"{n1.mib:.0f} | {n1.seconds / plain.seconds:.2f}x | {counts['losses']:,} | "
            f"{counts['skipped']:,} | {counts['breaking']:,} |"
        )
    for label, plain, n1, _ in rows:
        if label == "ttu":
            assert plain.seconds and n1.seconds
            ratio = n1.seconds / plain.seconds
            verdict = "met" if ratio <= TARGET else "NOT MET"
            print(f"\nTTU: --contingency / check = {ratio:.2f}x (target <= {TARGET:g}x): {verdict}")


if __name__ == "__main__":
    main()
