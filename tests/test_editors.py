"""Highlighting without a server: the TextMate grammar of editors/vscode is generated from
grammar/ttuplan.lark and says the same keywords; the extension's files hang together.
(The grammar's snapshots run under Node in CI: `npm run test:grammar` in editors/vscode.)"""

from __future__ import annotations

import json
import re

from tests.conftest import REPO
from ttuplan.lsp.textmate import OUTPUT, render

VSCODE = REPO / "editors" / "vscode"
LARK = REPO / "grammar" / "ttuplan.lark"


def _lark_keywords() -> set[str]:
    """The words of the Lark grammar's keyword terminals, read from its text."""
    return set(re.findall(r'^[A-Z][A-Z0-9_]*:\s*"([a-z]+)"\s*$', LARK.read_text(), re.M))


def _textmate_keywords() -> set[str]:
    grammar = json.loads(OUTPUT.read_text())
    words: set[str] = set()
    for pattern in grammar["repository"]["keyword"]["patterns"]:
        [alternatives] = re.findall(r"\\b\(\?:([a-z|]+)\)\\b", pattern["match"])
        words |= set(alternatives.split("|"))
    return words


def test_the_textmate_grammar_is_generated_from_the_lark_grammar() -> None:
    assert OUTPUT == VSCODE / "syntaxes" / "ttuplan.tmLanguage.json"
    assert OUTPUT.read_text() == render(LARK.read_text()), (
        "stale: run `python -m ttuplan.lsp.textmate`, then `npm run test:grammar -- -u` "
        "in editors/vscode"
    )


def test_every_keyword_of_the_lark_grammar_is_a_textmate_keyword_and_back() -> None:
    lark = _lark_keywords()
    assert len(lark) > 50  # the reading above found the terminals
    assert _textmate_keywords() == lark


def test_a_new_keyword_reaches_the_textmate_grammar() -> None:
    grammar = LARK.read_text().replace('DURING: "during"', 'DURING: "during"\nSHIFTS: "shifts"')
    assert "shifts" in json.loads(render(grammar))["repository"]["keyword"]["patterns"][1]["match"]


def test_the_extension_declares_the_language_its_grammar_and_configuration() -> None:
    package = json.loads((VSCODE / "package.json").read_text())
    [language] = package["contributes"]["languages"]
    assert language["extensions"] == [".ttup"]
    [grammar] = package["contributes"]["grammars"]
    assert (VSCODE / grammar["path"]).resolve() == OUTPUT
    assert grammar["scopeName"] == json.loads(OUTPUT.read_text())["scopeName"]
    configuration = json.loads((VSCODE / language["configuration"]).read_text())
    assert configuration["comments"] == {"lineComment": "#"}
    assert ["{", "}"] in configuration["brackets"]
    assert (VSCODE / package["main"]).is_file()
    assert "vscode-languageclient" in package["dependencies"]
    assert (VSCODE / "package-lock.json").is_file()  # `npm ci` in CI needs it
    assert "ttuplan-explain" in (VSCODE / "extension.js").read_text()


def test_the_grammar_snapshots_cover_the_sample_plan() -> None:
    """Snapshots run over copies (the sample plan and the diagnostics fixtures as they
    were), so that editing a plan or a fixture never breaks the grammar's snapshots."""
    snapshots = VSCODE / "snapshots"
    for path in (REPO / "plans" / "ttu-pemilu-2024").glob("*.ttup"):
        assert (snapshots / "ttu-pemilu-2024" / f"{path.name}.snap").is_file()
    assert len(list((snapshots / "fixtures").glob("*.ttup.snap"))) >= 49
