"""What another local user or a hostile plan must not be able to do (README, "Safety")."""

from __future__ import annotations

import io
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from lark import Lark

from tests.conftest import REPO, SAMPLE_PLAN
from ttuplan.parse.grammar import GRAMMAR_FILE, OPTIONS


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ttuplan", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
        check=False,
    )


def _plant_lark_cache(folder: Path, marker: Path) -> Path:
    """Write, where Lark's `cache=True` would look for ttuplan's grammar (its name hashes
    the grammar and the options in the order given, `cache` last as ttuplan gave them), a
    pickle that creates `marker` when loaded: what a second user of the machine can do."""
    env = {**os.environ, "TMPDIR": str(folder)}
    build = (
        "import sys; from lark import Lark; "
        "Lark(open(sys.argv[1], encoding='utf-8').read(), **eval(sys.argv[2]), cache=True)"
    )
    subprocess.run(
        [sys.executable, "-c", build, str(GRAMMAR_FILE), repr(OPTIONS)], env=env, check=True
    )
    (cache,) = folder.glob(".lark_cache_*")
    stream = io.BytesIO(cache.read_bytes())
    stream.readline()  # the grammar's hash, which Lark checks
    pickle.load(stream)  # the files it was built from, which Lark checks
    header = cache.read_bytes()[: stream.tell()]
    payload = pickle.dumps(_Touch(str(marker)))
    cache.write_bytes(header + payload)
    return cache


class _Touch:
    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (self.path, "w"))


def test_a_parser_cache_planted_in_the_temporary_folder_is_never_loaded(tmp_path: Path) -> None:
    shared = tmp_path / "tmp"
    shared.mkdir()
    marker = tmp_path / "code-ran"
    _plant_lark_cache(shared, marker)
    env = {**os.environ, "TMPDIR": str(shared)}
    result = _run(["check", str(SAMPLE_PLAN)], env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not marker.exists(), "ttuplan loaded a pickle from the shared temporary folder"


def test_checking_writes_no_parser_cache_to_the_temporary_folder(tmp_path: Path) -> None:
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    result = _run(["check", str(SAMPLE_PLAN)], env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not list(tmp_path.glob(".lark*"))


def test_the_shipped_parser_tables_parse_as_the_grammar_does() -> None:
    """The tables in grammar/ttuplan.tables.json give the same trees as a parser built
    from grammar/ttuplan.lark, on every .ttup file of the repository."""
    from ttuplan.parse.grammar import lark_parser, shipped_tables

    text = GRAMMAR_FILE.read_text(encoding="utf-8")
    assert shipped_tables(text) is not None, (
        "grammar/ttuplan.tables.json is stale (the grammar or Lark changed): "
        "run python -m ttuplan.parse"
    )
    fresh = Lark(text, **OPTIONS)
    shipped = lark_parser()
    files = sorted(path for path in REPO.rglob("*.ttup") if ".venv" not in path.parts)
    assert len(files) > 50
    for path in files:
        source = path.read_text(encoding="utf-8", errors="replace")
        try:
            expected: object = fresh.parse(source)
        except Exception as error:  # a fixture with syntax errors: both must refuse it
            expected = type(error).__name__
        try:
            actual: object = shipped.parse(source)
        except Exception as error:
            actual = type(error).__name__
        assert actual == expected, path


def test_tables_missing_or_stale_are_ignored_and_rebuilt_tables_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A grammar edited (or another Lark) makes the shipped tables stale: the parser is then
    built in memory from the grammar, and `write_tables` (python -m ttuplan.parse) makes
    tables that load again."""
    from ttuplan.parse import grammar

    text = GRAMMAR_FILE.read_text(encoding="utf-8")
    tables = tmp_path / "ttuplan.tables.json"
    monkeypatch.setattr(grammar, "TABLES_FILE", tables)
    assert grammar.shipped_tables(text) is None  # missing
    tables.write_text(json.dumps({"stamp": {"grammar": "an older grammar"}, "data": {}}))
    assert grammar.shipped_tables(text) is None  # stale
    grammar.lark_parser.cache_clear()
    try:
        built = grammar.lark_parser()
        assert built.parse('force polri "Polri"\n').children[0].data == "force"
    finally:
        grammar.lark_parser.cache_clear()
    grammar.write_tables(tables)
    rebuilt = grammar.shipped_tables(text)
    assert rebuilt is not None and rebuilt["stamp"]["grammar"] == grammar.grammar_digest(text)
