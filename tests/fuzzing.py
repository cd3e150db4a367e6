"""What the fuzz tests and bench/fuzz.py share: the strategies and the check of one text.

Three kinds of text go into a plan file: random text; real plans mutated (pieces deleted,
repeated and swapped, stray words of the language inserted); and plans generated from the
grammar itself (hypothesis.extra.lark), which mostly parse and so reach the later stages.
Whatever the text, checking it must end in diagnostics with known codes that render, within
HANG_SECONDS: never a traceback or a hang.
"""

from __future__ import annotations

import functools
import json
import shutil
import signal
from pathlib import Path

from hypothesis import HealthCheck
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark
from lark import Lark

from ttuplan.api import check_plan
from ttuplan.diagnostics import codes
from ttuplan.diagnostics.render.json import diagnostic_json
from ttuplan.diagnostics.render.text import render_text
from ttuplan.parse.grammar import GRAMMAR_FILE

REPO = Path(__file__).resolve().parent.parent
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
# Settings for every fuzz test: a fixed seed in CI (derandomize), no example database.
FUZZ = {
    "derandomize": True,
    "deadline": None,
    "database": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}
HANG_SECONDS = 10
UTF8 = st.characters(codec="utf-8")
KNOWN_CODES = frozenset(code.id for code in codes.ALL_CODES)


class Hang(Exception):
    """An example took longer than HANG_SECONDS: a hang is a failure, and Hypothesis shrinks it."""


def _alarm(signum: int, frame: object) -> None:
    raise Hang(f"checking took over {HANG_SECONDS} s")


def check_text(folder: Path, text: str) -> None:
    """Check `text` as `folder`/plan.ttup: known codes, rendered as text and JSON, in time."""
    (folder / "plan.ttup").write_text(text, encoding="utf-8", errors="surrogatepass")
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(HANG_SECONDS)
    try:
        result = check_plan(str(folder / "plan.ttup"))
        rendered = render_text(result.diagnostics, result.sources)
        json.dumps([diagnostic_json(d) for d in result.diagnostics])
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    for diagnostic in result.diagnostics:
        assert diagnostic.code.id in KNOWN_CODES, diagnostic.code
    # What a plan holds reaches a terminal only as visible characters.
    assert not any(c < " " and c != "\n" for c in rendered), rendered


def copy_seeds(root: Path) -> dict[str, tuple[Path, str]]:
    """A copy of each seed plan's folder under `root`: name to (folder, its plan's text)."""
    copies = {}
    for seed in SEEDS:
        target = root / seed.name
        shutil.copytree(seed, target, dirs_exist_ok=True)
        copies[seed.name] = (target, (seed / "plan.ttup").read_text(encoding="utf-8"))
    return copies


def random_text() -> st.SearchStrategy[str]:
    return st.text(alphabet=UTF8, max_size=400)


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


@functools.cache
def grammar() -> Lark:
    """grammar/ttuplan.lark loaded afresh: a parser from the shipped tables keeps no grammar."""
    return Lark(GRAMMAR_FILE.read_text(encoding="utf-8"), parser="lalr", lexer="basic")


# What follows each generated token. from_lark puts an ignored token (blank or comment)
# between symbols only now and then, so `plan` and a name would run together into one name;
# every token here ends in a blank, a line end, or a comment and its line end.
_SEPARATORS = [" ", " ", " ", "\n", "\n  ", "\t", "\r\n", "  # note\n", "\ufeff"]


@functools.cache
def grammar_plans() -> st.SearchStrategy[str]:
    """Plans generated from the grammar: every terminal drawn from its own pattern.

    Names that are keywords are left out (the lexer reads them as the keyword); labels,
    numbers, dates and times come from the grammar's regular expressions, so they hold any
    character a label may (NUL, escapes, any script) and digits of any script.
    """
    lark = grammar()
    keywords = {t.pattern.value for t in lark.terminals if t.pattern.type == "str"}
    explicit: dict[str, st.SearchStrategy[str]] = {}
    for terminal in lark.terminals:
        pattern = terminal.pattern
        token: st.SearchStrategy[str]
        if pattern.type == "str":
            token = st.just(pattern.value)
        else:
            token = st.from_regex(pattern.to_regexp(), fullmatch=True, alphabet=UTF8)
        if terminal.name == "NAME":
            token = token.filter(lambda name: name not in keywords)
        after = st.just("\n") if terminal.name == "COMMENT" else st.sampled_from(_SEPARATORS)
        explicit[terminal.name] = st.tuples(token, after).map("".join)
    return from_lark(lark, start="start", explicit=explicit)
