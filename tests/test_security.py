"""What another local user or a hostile plan must not be able to do (README, "Safety")."""

from __future__ import annotations

import io
import json
import os
import pickle
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from lark import Lark

from tests.conftest import REPO, SAMPLE_PLAN
from ttuplan.cli import main
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


def test_the_parser_tables_are_the_same_bytes_every_time_they_are_built() -> None:
    """Lark numbers its states in an order that changed from run to run, so every
    `python -m ttuplan.parse` rewrote the whole file; now two builds in fresh processes
    (different object addresses, different hash seeds) give the bytes that ship."""
    code = (
        "import sys; from ttuplan.parse.grammar import build_tables, GRAMMAR_FILE; "
        "sys.stdout.write(build_tables(GRAMMAR_FILE.read_text(encoding='utf-8')))"
    )
    built = [
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2")
    ]  # fmt: skip
    shipped = GRAMMAR_FILE.with_name("ttuplan.tables.json").read_text(encoding="utf-8")
    assert built[0] == built[1] == shipped


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


# ── nothing from a plan reaches the terminal raw ─────────────────────────────

# An escape sequence that retitles the window, a C1 control sequence introducer, a
# backspace that hides what precedes it, a right-to-left override.
HOSTILE = "\x1b]0;owned\x07\x1b[2J\x9b31m\x08X\u202eevil"
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def hostile_plan(folder: Path) -> Path:
    """A plan whose labels, comments, table cells and folder name hold HOSTILE."""
    plan = folder / f"plans{HOSTILE}"
    plan.mkdir(parents=True)
    (plan / "plan.ttup").write_text(
        f'plan t "Plan {HOSTILE}" {{\n  authority "Kapolres"\n}}\n'
        f'force polri "Polri {HOSTILE}"\nkind tps "TPS"\nkind unused "U"\n'
        f'risk biasa "Biasa {HOSTILE}" {{\n  polri 1 per tps\n}}\n'
        f'district d1 "Distrik {HOSTILE}"\nsites "tps.csv"\n'
        f'unit u1 "Unit {HOSTILE}" {{\n  force polri\n  strength 2\n  covers d1\n'
        "  escalates to u2 during p\n}\n"
        f'unit u2 "Atas {HOSTILE}" {{\n  force polri\n  final\n}}\n'
        f'phase p "Fase {HOSTILE}" 2024-02-14 .. 2024-02-15 {{\n  guard tps by risk\n'
        f'  muster 05:00 "Mapolsek {HOSTILE}"\n}}\n'
        f'unit   u3 "Jauh" {{  # {HOSTILE}\n  force polri\n  final\n}}\n',
        encoding="utf-8",
    )
    (plan / "tps.csv").write_text(
        f'id,name,kind,district,risk\ns1,"TPS {HOSTILE}\r",tps,d1,biasa\n', encoding="utf-8"
    )
    return plan


def _cli(*args: str) -> tuple[int, str]:
    """The command's output as a terminal would get it: click strips no escapes."""
    result = CliRunner().invoke(main, list(args), color=True)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def assert_inert(text: str) -> None:
    found = _UNSAFE.search(text)
    if found is not None:
        around = text[max(0, found.start() - 60) : found.end() + 20]
        pytest.fail(f"{found.group()!r} reached the terminal: {around!r}")


@pytest.mark.parametrize(
    "args",
    [
        ("check", "--color", "never", "--summary", "{plan}"),
        ("check", "--format", "json", "--summary", "{plan}"),
        ("check", "--format", "sarif", "{plan}"),
        ("check", "--format", "github", "{plan}"),
        ("check", "--contingency", "--color", "never", "{plan}"),
        ("graph", "{plan}"),
        ("graph", "--format", "dot", "{plan}"),
        ("graph", "--hierarchy", "{plan}"),
        ("fmt", "--diff", "{plan}"),
        ("fmt", "--check", "{plan}"),
        ("diff", "{plan}", "{other}"),
        ("diff", "--format", "json", "{plan}", "{other}"),
        ("diff", "--format", "markdown", "{plan}", "{other}"),
        ("diff", "--format", "github", "{plan}", "{other}"),
        ("build", "{plan}", "-o", "{out}", "--formats", "md"),
        ("check", "{plan}/nowhere"),
    ],
    ids=lambda args: " ".join(a for a in args if "{" not in a),
)
def test_nothing_from_a_plan_reaches_the_terminal_raw(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    plan = hostile_plan(tmp_path)
    other = tmp_path / f"other{HOSTILE}"
    shutil.copytree(plan, other)
    text = (other / "plan.ttup").read_text(encoding="utf-8")
    (other / "plan.ttup").write_text(text.replace("muster 05:00", "muster 04:00"), encoding="utf-8")
    out = tmp_path / f"out{HOSTILE}"
    status, output = _cli(*(a.format(plan=plan, other=other, out=out) for a in args))
    assert status in (0, 1, 2), output
    if (args[0] in ("check", "graph", "diff") and "--format" not in args[:2]) or "dot" in args:
        assert "evil" in output  # the hostile text was printed: shown inert
    assert_inert(output)


def test_the_progress_bar_shows_file_names_inert() -> None:
    from ttuplan.progress import Bar

    bar = Bar(io.StringIO(), delay=0, columns=200)
    bar.stage(f"reading {HOSTILE}.ttup")
    assert_inert(bar.line(0.0))


# ── fmt stays in the folder it was given ─────────────────────────────────────

MESSY = 'force   polri "Polri"\n'


@pytest.mark.parametrize("named", ["folder", "link"])
def test_fmt_never_rewrites_a_file_outside_through_a_link(tmp_path: Path, named: str) -> None:
    """A plan folder from someone else holds `units.ttup -> ~/elsewhere/x.ttup`: fmt of
    the folder (or of the link by name, as pre-commit passes it) must not write there."""
    outside = tmp_path / "elsewhere" / "x.ttup"
    outside.parent.mkdir()
    outside.write_text(MESSY, encoding="utf-8")
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "units.ttup").symlink_to(outside)
    target = plans if named == "folder" else plans / "units.ttup"
    for flags in ((), ("--diff",)):
        status, output = _cli("fmt", *flags, str(target))
        assert status == 1, output
        assert "error[TP002]" in output and "symbolic link to a file outside" in output
        assert "Polri" not in output  # not read either
    assert outside.read_text(encoding="utf-8") == MESSY


# ── diff --git: a revision is never an option ────────────────────────────────


def _repository(folder: Path) -> Path:
    """A git repository holding the minimal plan in `plan/`, committed."""
    plan = folder / "plan"
    shutil.copytree(REPO / "tests" / "fixtures" / "plans" / "minimal", plan)
    for args in (("init", "-q"), ("add", "."), ("commit", "-qm", "plan")):
        subprocess.run(
            ["git", "-c", "user.email=t@t", "-c", "user.name=t", *args],
            cwd=folder,
            check=True,
            capture_output=True,
        )
    return plan


@pytest.mark.parametrize("revision", ["--output={victim}", "-o{victim}", "-"])
def test_diff_git_refuses_a_revision_that_is_an_option(tmp_path: Path, revision: str) -> None:
    """`--git=--output=FILE` was passed to git archive as an option: git truncated FILE."""
    plan = _repository(tmp_path)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    status, output = _cli("diff", f"--git={revision.format(victim=victim)}", str(plan))
    assert status == 2, output
    assert "a revision cannot start with `-`" in output
    assert victim.read_text() == "precious\n"


# ── Markdown and CSV documents: a plan's text is text ────────────────────────


def test_markdown_and_csv_documents_take_no_markup_and_no_control_characters(
    tmp_path: Path,
) -> None:
    """A situation `---` was a horizontal rule, four leading spaces a code block, and
    escape sequences went into briefing.md and rosters.csv as they were."""
    plan = tmp_path / "plan"
    shutil.copytree(REPO / "tests" / "fixtures" / "plans" / "documents", plan)
    text = (plan / "plan.ttup").read_text(encoding="utf-8")
    (plan / "plan.ttup").write_text(
        text.replace('"Mapolsek masing-masing"', f'"Mapolsek {HOSTILE}"').replace(
            '  authority "',
            '  situation "---"\n  situation "    rm -rf / (a code block?)"\n'
            f'  mission "===="\n  mission "Misi {HOSTILE}"\n  authority "',
            1,
        ),
        encoding="utf-8",
    )
    table = plan / "data" / "tps.csv"
    rows = table.read_text(encoding="utf-8")
    table.write_text(rows.replace(",TPS 01 ", f",TPS 01 {HOSTILE}\x00 ", 1), encoding="utf-8")
    status, output = _cli("build", str(plan), "-o", str(tmp_path / "out"), "--formats", "md,csv")
    assert status == 0, output
    markdown = (tmp_path / "out" / "briefing.md").read_text(encoding="utf-8")
    lines = markdown.split("\n")
    rules = [line for line in lines if re.fullmatch(r" {0,3}([-*_=])( *\1){2,} *", line)]
    assert rules == ["---"]  # the template's own, above the footer
    assert not [line for line in lines if line.startswith("    ") and "rm -rf" in line]
    assert "\n\\---\n" in markdown and "\nrm -rf / (a code block?)\n" in markdown
    for document in (markdown, (tmp_path / "out" / "rosters.csv").read_text(encoding="utf-8")):
        assert_inert(document.replace("\r\n", "\n"))
        assert "evil" in document


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
