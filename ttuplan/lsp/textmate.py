"""The TextMate grammar of .ttup files, generated from grammar/ttuplan.lark so that the two
cannot drift: every keyword terminal of the Lark grammar is a keyword here, and the
literals use the Lark terminals' own patterns. `python -m ttuplan.lsp.textmate` rewrites
editors/vscode/syntaxes/ttuplan.tmLanguage.json; a test fails while it is stale."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from ttuplan.parse.grammar import GRAMMAR_FILE
from ttuplan.parse.parser import _DECLARATION_ONLY, _DECLARATION_TOO

SCOPE = "source.ttuplan"
OUTPUT = Path(__file__).resolve().parents[2] / "editors/vscode/syntaxes/ttuplan.tmLanguage.json"
_TERMINAL = re.compile(r'^([A-Z][A-Z0-9_]*)(?:\.\d+)?:\s*(?:"([^"]*)"|/(.*)/)\s*$', re.M)


def terminals(grammar: str) -> dict[str, tuple[str, str]]:
    """Each terminal of the grammar's text: name -> ("str", word) or ("re", pattern)."""
    return {
        name: ("re", pattern) if pattern else ("str", word)
        for name, word, pattern in _TERMINAL.findall(grammar)
    }


def keywords(grammar: str) -> dict[str, str]:
    """Keyword terminals (a word spelled out) by name."""
    return {
        name: value
        for name, (kind, value) in terminals(grammar).items()
        if kind == "str" and value.isalpha()
    }


def _words(found: list[str]) -> str:
    return r"\b(?:" + "|".join(sorted(found, key=lambda w: (-len(w), w))) + r")\b"


def textmate(grammar: str) -> dict[str, Any]:
    words = keywords(grammar)
    patterns = terminals(grammar)
    declaring = sorted({words[k] for k in words if k in _DECLARATION_ONLY | _DECLARATION_TOO})
    others = sorted(set(words.values()) - set(declaring))
    # `KEYWORD name "Label"` defines a name (a site's `district x` and a guard do not)
    defining = sorted(set(declaring) - {"include", "sites", "personnel", "guard"})
    name = patterns["NAME"][1]

    def regex(terminal: str) -> str:
        return patterns[terminal][1]

    return {
        "$schema": "https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json",
        "name": "ttuplan",
        "scopeName": SCOPE,
        "fileTypes": ["ttup"],
        "comment": "GENERATED from grammar/ttuplan.lark by `python -m ttuplan.lsp.textmate`",
        "patterns": [
            {"include": "#comment"},
            {"include": "#string"},
            {"include": "#declaration"},
            {"include": "#keyword"},
            {"include": "#literal"},
            {"include": "#punctuation"},
            {"include": "#name"},
        ],
        "repository": {
            "comment": {"match": regex("COMMENT"), "name": "comment.line.number-sign.ttuplan"},
            "string": {
                "begin": '"',
                "end": '"|$',
                "name": "string.quoted.double.ttuplan",
                "patterns": [{"match": r"\\.", "name": "constant.character.escape.ttuplan"}],
            },
            "declaration": {
                "match": f'^\\s*({_words(defining)})\\s+({name})(?=\\s+")',
                "captures": {
                    "1": {"name": "keyword.declaration.ttuplan"},
                    "2": {"name": "entity.name.type.ttuplan"},
                },
            },
            "keyword": {
                "patterns": [
                    {"match": _words(declaring), "name": "keyword.declaration.ttuplan"},
                    {"match": _words(others), "name": "keyword.other.ttuplan"},
                ]
            },
            "literal": {
                "patterns": [
                    {"match": rf"\b{regex('DATE')}\b", "name": "constant.numeric.date.ttuplan"},
                    {"match": rf"\b{regex('TIME')}\b", "name": "constant.numeric.time.ttuplan"},
                    {
                        "match": rf"\b{regex('DURATION')}\b",
                        "name": "constant.numeric.duration.ttuplan",
                    },
                    {"match": rf"{regex('NUMBER')}\b", "name": "constant.numeric.ttuplan"},
                ]
            },
            "punctuation": {
                "patterns": [
                    {"match": r"\.\.", "name": "keyword.operator.range.ttuplan"},
                    {"match": r"[{}]", "name": "punctuation.section.block.ttuplan"},
                    {"match": ",", "name": "punctuation.separator.comma.ttuplan"},
                ]
            },
            "name": {"match": rf"\b{name}\b", "name": "variable.other.ttuplan"},
        },
    }


def render(grammar: str) -> str:
    return json.dumps(textmate(grammar), indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    text = render(GRAMMAR_FILE.read_text(encoding="utf-8"))
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else OUTPUT
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
