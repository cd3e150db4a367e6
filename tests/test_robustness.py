"""Whatever text a plan file holds, checking it ends in diagnostics, never in a traceback.

Hypothesis runs with a fixed seed (derandomize), briefly by default and 1,500 examples each
in the `slow` set: random text, mutations of real plans (deleted, repeated and swapped
pieces, stray words of the language), and plans generated from the grammar itself. The
strategies live in tests/fuzzing.py, which bench/fuzz.py runs for longer with any seed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fuzzing import (
    FUZZ,
    SEEDS,
    check_text,
    copy_seeds,
    grammar,
    grammar_plans,
    mutated,
    random_text,
)
from ttuplan.parse import parse


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str]]:
    return copy_seeds(tmp_path_factory.mktemp("seeds"))


# A short run by default; the full count in the `slow` set, which CI runs (pytest -m slow).
def examples(quick: int) -> list[object]:
    return [
        pytest.param(quick, id="quick"),
        pytest.param(1500, id="long", marks=pytest.mark.slow),
    ]


@pytest.mark.parametrize("count", examples(300))
def test_random_text_gives_only_diagnostics(
    workspace: dict[str, tuple[Path, str]], count: int
) -> None:
    @settings(max_examples=count, **FUZZ)  # type: ignore[arg-type]
    @given(text=random_text())
    def fuzz(text: str) -> None:
        check_text(workspace["minimal"][0], text)

    fuzz()


@pytest.mark.parametrize("count", examples(100))
def test_mutated_plans_give_only_diagnostics(
    workspace: dict[str, tuple[Path, str]], count: int
) -> None:
    @settings(max_examples=count, **FUZZ)  # type: ignore[arg-type]
    @given(data=st.data(), seed=st.sampled_from([s.name for s in SEEDS]))
    def fuzz(data: st.DataObject, seed: str) -> None:
        folder, original = workspace[seed]
        check_text(folder, data.draw(mutated(original)))

    fuzz()


@pytest.mark.parametrize("count", examples(100))
def test_grammar_generated_plans_give_only_diagnostics(
    workspace: dict[str, tuple[Path, str]], count: int
) -> None:
    @settings(max_examples=count, **FUZZ)  # type: ignore[arg-type]
    @given(text=grammar_plans())
    def fuzz(text: str) -> None:
        check_text(workspace["minimal"][0], text)

    fuzz()


def test_grammar_generated_plans_mostly_parse() -> None:
    """The generator follows the grammar: nearly every plan parses, and covers the language.
    600 examples, from a strategy of its own: with 300 from the shared one, how much of
    the grown grammar was covered (38 to 43 of 49 rules) hung on the tests run before."""
    parsed: list[bool] = []
    declarations: set[str] = set()
    rules: set[str] = set()

    @settings(max_examples=600, **FUZZ)  # type: ignore[arg-type]
    @given(text=grammar_plans.__wrapped__())  # a fresh one: its draws depend on no earlier test
    def draw(text: str) -> None:
        result = parse(text, "generated.ttup")
        parsed.append(result.ok)
        declarations.update(str(child.data) for child in result.tree.children)  # type: ignore[union-attr]
        rules.update(str(tree.data) for tree in result.tree.iter_subtrees())

    draw()
    # Rules as they name trees: by alias where they have one; `_rule`s are inlined.
    named = {str(r.alias or r.origin.name) for r in grammar().rules}
    named = {name for name in named if not name.startswith("_")}
    assert len(parsed) >= 250
    assert sum(parsed) >= 0.9 * len(parsed)
    assert declarations == {
        "plan", "include", "force", "kind", "risk", "district", "sites", "site", "unit",
        "rayon", "pool", "phase", "guard", "shift", "personnel",
    }  # fmt: skip
    assert len(rules & named) >= 0.8 * len(named), sorted(named - rules)
