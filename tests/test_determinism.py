"""The same plan gives byte-identical output in processes that order sets differently.

Python salts the hash of every string per process (PYTHONHASHSEED), so iterating a set or
a dict built from one can come out in another order in another run: two builds in one
process cannot see that. Each run here is the `ttuplan` program in its own child process
with its own hash seed; the seeds are first shown to order the plan's unit names apart.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, SAMPLE_PLAN

DOCUMENTS = REPO / "tests" / "fixtures" / "plans" / "documents"  # named people, both tables
SEEDS = ("1", "2")


def program(seed: str, *args: str) -> bytes:
    """What `python -m ttuplan ARGS` prints, under hash seed SEED."""
    done = subprocess.run(
        [sys.executable, "-m", "ttuplan", *args],
        env={**os.environ, "PYTHONHASHSEED": seed},
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout


def test_the_seeds_order_a_set_of_names_differently() -> None:
    """Without this the other tests would prove nothing: the two processes must differ."""
    names = "{'polres', 'polsek_insana', 'polsek_biboki_anleu', 'brimob', 'polda', 'linmas'}"
    orders = {
        subprocess.run(
            [sys.executable, "-c", f"print(list({names}))"],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in SEEDS
    }
    assert len(orders) == len(SEEDS)


def test_check_json_with_summary_is_the_same_under_any_hash_seed() -> None:
    args = ("check", str(SAMPLE_PLAN), "--format", "json", "--summary")
    first, second = (program(seed, *args) for seed in SEEDS)
    assert b'"summary"' in first
    assert first == second


@pytest.mark.parametrize(
    ("plan", "formats"),
    [
        pytest.param(DOCUMENTS, "md,html,pdf,csv,xlsx,json", id="documents fixture, every format"),
        pytest.param(SAMPLE_PLAN, "md,html,csv,xlsx,json", id="sample plan"),
        # The sample plan's PDFs: 300 roster pages, four seconds a build.
        pytest.param(SAMPLE_PLAN, "pdf", id="sample plan PDFs", marks=pytest.mark.slow),
    ],
)
def test_documents_are_byte_identical_under_any_hash_seed(
    plan: Path, formats: str, tmp_path: Path
) -> None:
    built = []
    for seed in SEEDS:
        out = tmp_path / seed
        program(seed, "build", str(plan), "-o", str(out), "--formats", formats, "--quiet")
        built.append({path.name: path.read_bytes() for path in sorted(out.iterdir())})
    first, second = built
    assert first.keys() == second.keys() and first
    for name, data in first.items():
        assert data == second[name], f"{name} differs between hash seeds"
