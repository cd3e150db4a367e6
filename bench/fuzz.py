"""The long fuzz: the CI fuzz of tests/test_robustness.py, run for longer and with any seed.

    python bench/fuzz.py [--examples N] [--seed S] [--kinds random,mutated,grammar]

Each example is random text, a real plan mutated, or a plan generated from the grammar (the
strategies of tests/fuzzing.py), checked as a plan file: it must end in diagnostics with
known codes that render as text and JSON, within 10 s. The examples are drawn in batches
(Hypothesis keeps a record of each run, so batches keep memory flat), batch i with seed
S + i; without --seed, S is chosen at random and printed, so any run can be repeated.

On the first failure Hypothesis shrinks the input, the smallest failing text is saved to
--failure (default fuzz-failure-S.ttup), and the command exits 1; 0 once all N pass.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
import traceback
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # tests.fuzzing, when run as `python bench/fuzz.py`

from hypothesis import HealthCheck, Phase, Verbosity, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tests.fuzzing import (  # noqa: E402
    SEEDS,
    check_text,
    copy_seeds,
    grammar_plans,
    mutated,
    random_text,
)

KINDS = ("random", "mutated", "grammar")
# ru_maxrss is in kilobytes on Linux, in bytes on macOS.
RSS_PER_MB = 2**20 if sys.platform == "darwin" else 2**10


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=50_000, help="how many (default 50000)")
    parser.add_argument("--seed", type=int, help="the seed of the first batch (default: random)")
    parser.add_argument(
        "--kinds", default=",".join(KINDS), help=f"which strategies, of {','.join(KINDS)}"
    )
    parser.add_argument("--batch", type=int, default=1_000, help="examples per Hypothesis run")
    parser.add_argument("--every", type=int, default=1_000, help="print progress this often")
    parser.add_argument("--no-shrink", action="store_true", help="save the first failing text")
    parser.add_argument("--failure", type=Path, help="where to save a failing text")
    args = parser.parse_args(argv)
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    if not kinds or set(kinds) - set(KINDS):
        parser.error(f"--kinds takes some of {','.join(KINDS)}")
    first_seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**32)
    failure = args.failure or Path(f"fuzz-failure-{first_seed}.ttup")
    print(f"fuzz: {args.examples:,} examples ({', '.join(kinds)}), seed {first_seed}", flush=True)

    with tempfile.TemporaryDirectory(prefix="ttuplan-fuzz-") as scratch:
        fuzz = Fuzz(Path(scratch), kinds, args.every, failure)
        done = 0
        batch = 0
        while done < args.examples:
            size = min(args.batch, args.examples - done)
            try:
                fuzz.run(first_seed + batch, size, shrink=not args.no_shrink)
            except Exception:
                traceback.print_exc()
                print(
                    f"fuzz: FAILED after {fuzz.checked:,} examples (batch seed "
                    f"{first_seed + batch}); the failing text, checked as plan.ttup in a copy "
                    f"of {fuzz.last_folder}, is saved to {failure}",
                    flush=True,
                )
                return 1
            done += size
            batch += 1
    print(f"fuzz: {fuzz.checked:,} examples passed: {fuzz.status()}")
    return 0


class Fuzz:
    """The examples, the check of each, progress, and the failing text saved."""

    def __init__(self, scratch: Path, kinds: list[str], every: int, failure: Path) -> None:
        workspace = copy_seeds(scratch)
        self.originals = {seed.name: seed for seed in SEEDS}
        minimal = workspace["minimal"][0]
        choices: list[st.SearchStrategy[tuple[Path, str]]] = []
        if "random" in kinds:
            choices.append(random_text().map(lambda text: (minimal, text)))
        if "mutated" in kinds:
            choices.append(
                st.sampled_from(sorted(workspace)).flatmap(
                    lambda name: mutated(workspace[name][1]).map(
                        lambda text: (workspace[name][0], text)
                    )
                )
            )
        if "grammar" in kinds:
            choices.append(grammar_plans().map(lambda text: (minimal, text)))
        self.examples = st.one_of(choices)
        self.every = every
        self.failure = failure
        self.checked = 0
        self.last_folder = ""
        self.started = time.monotonic()

    def run(self, batch_seed: int, size: int, *, shrink: bool) -> None:
        phases = [Phase.generate, Phase.shrink] if shrink else [Phase.generate]

        @settings(
            max_examples=size,
            database=None,
            deadline=None,
            derandomize=False,
            phases=phases,
            report_multiple_bugs=False,
            suppress_health_check=list(HealthCheck),
            verbosity=Verbosity.quiet,
        )
        @seed(batch_seed)
        @given(example=self.examples)
        def batch(example: tuple[Path, str]) -> None:
            folder, text = example
            self.last_folder = str(self.originals.get(folder.name, folder))
            try:
                check_text(folder, text)
            except BaseException:
                # Each failing example overwrites the last: Hypothesis runs the smallest last.
                self.failure.write_text(text, encoding="utf-8", errors="surrogatepass")
                raise
            self.checked += 1
            if self.checked % self.every == 0:
                print(f"  {self.checked:>9,} examples  {self.status()}", flush=True)

        batch()

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def status(self) -> str:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / RSS_PER_MB
        rate = self.checked / max(self.elapsed(), 1e-9)
        return f"{self.elapsed():6.0f} s  {rate:5.0f}/s  peak {peak:.0f} MB"


if __name__ == "__main__":
    sys.exit(main())
