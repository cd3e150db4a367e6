"""Whatever text a plan file holds, checking it ends in diagnostics, never in a traceback.

Hypothesis runs with a fixed seed (derandomize): random text, then mutations of real plans
(deleted, repeated and swapped pieces, stray words of the language).
"""

from __future__ import annotations

import shutil
import signal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import REPO
from ttuplan.api import check_plan
from ttuplan.diagnostics import codes
from ttuplan.diagnostics.render.text import render_text

SEEDS = [
    REPO / "plans" / "ttu-pemilu-2024",
    REPO / "tests" / "contract",
    REPO / "tests" / "fixtures" / "plans" / "minimal",
]
WORDS = [
    "{",
    "}",
    ",",
    "..",
    '"',
    "#",
    "=",
    "plan",
    "unit",
    "site",
    "phase",
    "include",
    "covers all",
    "escalates to",
    "during",
    "2024-02-30",
    "25:00",
    "30min",
    "-999.5",
    "9" * 400,
    "\x00",
    "\ufeff",
    "\r\n",
    "\n",
    " ",
    "é",
    "🚓",
    'include "../x.ttup"',
    'sites "data/tps-2024.csv"',
    "reserve 16 from polres",
    "final",
]
FUZZ = {
    "derandomize": True,
    "deadline": None,
    "database": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}


HANG_SECONDS = 10


class Hang(Exception):
    """An example took longer than HANG_SECONDS: a hang is a failure, and Hypothesis shrinks it."""


def _alarm(signum: int, frame: object) -> None:
    raise Hang(f"checking took over {HANG_SECONDS} s")


def check_text(folder: Path, text: str) -> None:
    (folder / "plan.ttup").write_text(text, encoding="utf-8", errors="surrogatepass")
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(HANG_SECONDS)
    try:
        result = check_plan(str(folder / "plan.ttup"))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    for diagnostic in result.diagnostics:
        assert diagnostic.code in codes.ALL_CODES
    render_text(result.diagnostics, result.sources)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str]]:
    copies = {}
    for seed in SEEDS:
        target = tmp_path_factory.mktemp(seed.name)
        shutil.copytree(seed, target, dirs_exist_ok=True)
        copies[seed.name] = (target, (seed / "plan.ttup").read_text(encoding="utf-8"))
    return copies


@settings(max_examples=1500, **FUZZ)  # type: ignore[arg-type]
@given(text=st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
def test_random_text_gives_only_diagnostics(
    workspace: dict[str, tuple[Path, str]], text: str
) -> None:
    check_text(workspace["minimal"][0], text)


@st.composite
def mutated(draw: st.DrawFn, original: str) -> str:
    text = original
    for _ in range(draw(st.integers(1, 4))):
        size = len(text)
        start = draw(st.integers(0, size))
        end = draw(st.integers(start, min(size, start + 80)))
        operation = draw(st.sampled_from(["delete", "repeat", "insert", "swap"]))
        if operation == "delete":
            text = text[:start] + text[end:]
        elif operation == "repeat":
            text = text[:end] + text[start:end] + text[end:]
        elif operation == "insert":
            text = text[:start] + draw(st.sampled_from(WORDS)) + text[start:]
        else:
            lines = text.split("\n")
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
    return text


@settings(max_examples=1500, **FUZZ)  # type: ignore[arg-type]
@given(data=st.data(), seed=st.sampled_from([s.name for s in SEEDS]))
def test_mutated_plans_give_only_diagnostics(
    workspace: dict[str, tuple[Path, str]], data: st.DataObject, seed: str
) -> None:
    folder, original = workspace[seed]
    check_text(folder, data.draw(mutated(original)))
