"""`ttuplan fmt`: golden cases, the command line, and its properties (idempotent, meaning kept).

Each golden case is `fixtures/fmt/NAME.input.ttup` with its output in `NAME.expected.ttup`
(`pytest --update-goldens` rewrites them). Hypothesis re-lays real plans (whitespace, line
breaks and indentation between tokens changed, comments inserted) and checks that
formatting keeps the nodes and every comment, and that formatting twice changes nothing.
"""

from __future__ import annotations

import stat
import typing
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lark import Token

from tests.conftest import REPO, Golden
from ttuplan.cli import main
from ttuplan.fmt import UnsafeFormat, format_text
from ttuplan.fmt import formatter as formatter_module
from ttuplan.fmt.comments import collect_trivia
from ttuplan.fmt.formatter import comment_texts, normalise
from ttuplan.parse import parse
from ttuplan.parse.grammar import lark_parser
from ttuplan.syntax import build
from ttuplan.syntax import nodes as n

FIXTURES = REPO / "tests" / "fixtures" / "fmt"
CASES = sorted(FIXTURES.glob("*.input.ttup"))
# The example in DESIGN.md, kept byte for byte: its aligned comments are not the fmt style.
CONTRACT_PLAN = REPO / "tests" / "contract" / "plan.ttup"
REPO_PLANS = sorted(
    [
        *(REPO / "plans").rglob("*.ttup"),
        *(REPO / "tests" / "contract").rglob("*.ttup"),
        *(REPO / "tests" / "fixtures" / "plans").rglob("*.ttup"),
    ]
)


def read(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


def nodes(text: str) -> n.Module:
    result = parse(normalise(text), "t.ttup")
    assert result.ok, result.diagnostics
    return build(result.tree, "t.ttup")[0]


def comments(text: str) -> tuple[str, ...]:
    return comment_texts(collect_trivia(normalise(text)))


def assert_formats_well(source: str) -> str:
    """Format `source` and check every promise of the formatter; the formatted text."""
    result = format_text(source, "t.ttup")
    assert result.ok
    formatted = result.text
    assert format_text(formatted, "t.ttup").text == formatted, "formatting twice changed it"
    assert nodes(formatted) == nodes(source)
    assert comments(formatted) == comments(source)
    assert "\r" not in formatted and "\ufeff" not in formatted
    assert formatted == "" or (formatted.endswith("\n") and not formatted.endswith("\n\n"))
    lines = formatted.split("\n")
    assert all(line == line.rstrip() for line in lines), "trailing whitespace"
    assert "\n\n\n" not in formatted and not formatted.startswith("\n")
    return formatted


# ── golden cases ─────────────────────────────────────────────────────────────


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name.removesuffix(".input.ttup"))
def test_golden(case: Path, golden: Golden) -> None:
    formatted = assert_formats_well(read(case))
    golden(case.with_name(case.name.replace(".input.", ".expected.")), formatted)


def test_every_golden_has_its_input() -> None:
    expected = {p.name.removesuffix(".expected.ttup") for p in FIXTURES.glob("*.expected.ttup")}
    inputs = {p.name.removesuffix(".input.ttup") for p in CASES}
    assert expected == inputs


def test_the_golden_cases_hold_every_kind_of_statement_and_declaration() -> None:
    seen: set[type] = set()
    for case in CASES:
        for declaration in nodes(read(case)).declarations:
            seen.add(type(declaration))
            body = getattr(declaration, "body", None) or ()
            seen.update(type(statement) for statement in body)
    kinds = set(typing.get_args(n.Statement)) | set(typing.get_args(n.Declaration))
    assert kinds <= seen, f"no golden case has {sorted(k.__name__ for k in kinds - seen)}"


def test_crlf_and_bom_input_is_in_the_fixtures_as_bytes() -> None:
    data = (FIXTURES / "crlf-bom.input.ttup").read_bytes()
    assert data.startswith("\ufeff".encode()) and b"\r\n" in data


# ── rules in small ───────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('force  polri\t"Polri"', 'force polri "Polri"\n'),
        ('site s "S" { at -9.4470 ,124.4790 }', 'site s "S" {\n  at -9.4470, 124.4790\n}\n'),
        ('kind k "K"   # note   ', 'kind k "K"  # note\n'),
        ('kind a "A"\n\n\n\nkind b "B"\n', 'kind a "A"\n\nkind b "B"\n'),
        ('unit u "U" {\n\n  final\n\n}\n', 'unit u "U" {\n  final\n}\n'),
        ('kind k "\\a \\" \\\\"', 'kind k "\\\\a \\" \\\\"\n'),
        ("", ""),
    ],
)
def test_rules(source: str, expected: str) -> None:
    assert format_text(source, "t.ttup").text == expected


def test_a_list_breaks_only_past_100_columns() -> None:
    head = "unit u " + '"U"' + " {\n"
    fits = "  covers " + ", ".join(["d" * 8] * 9) + ", " + "e"
    assert len(fits) == 100
    assert format_text(head + fits + "\n}\n", "t.ttup").text == head + fits + "\n}\n"
    longer = fits + "e"
    formatted = format_text(head + longer + "\n}\n", "t.ttup").text
    assert formatted.splitlines()[2] == "      ee"
    assert max(len(line) for line in formatted.splitlines()) <= 100


def test_a_file_with_syntax_errors_is_not_formatted() -> None:
    source = 'force polri "Polri"\nunit u "U" {\n  strength = 4\n}\n'
    result = format_text(source, "bad.ttup")
    assert not result.ok and result.text == source and not result.changed
    assert {d.code.id for d in result.diagnostics} == {"TP107"}


def test_value_problems_are_kept_as_written() -> None:
    source = 'phase p "P" 2024-2-30 .. 2024-02-31 {\n  shift s 25:00 .. 99:99\n}\n'
    assert format_text(source, "t.ttup").text == source


def test_a_formatter_bug_is_caught_before_anything_is_written(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(formatter_module, "weave", lambda lines, trivia: 'kind other "K"\n')
    with pytest.raises(UnsafeFormat, match="says something else"):
        format_text('kind k "K"\n', "t.ttup")


# ── the repository's own plans ───────────────────────────────────────────────


@pytest.mark.parametrize("path", REPO_PLANS, ids=lambda p: str(p.relative_to(REPO)))
def test_repository_plans_format_well(path: Path) -> None:
    formatted = assert_formats_well(read(path))
    if path != CONTRACT_PLAN:
        assert formatted == read(path), f"run `ttuplan fmt {path.relative_to(REPO)}`"


def test_the_sample_plans_are_formatted() -> None:
    result = CliRunner().invoke(main, ["fmt", "--check", str(REPO / "plans")])
    assert result.exit_code == 0, result.output


# ── the command line ─────────────────────────────────────────────────────────

MESSY = 'force   polri "Polri"\nunit u "U" { final }\n'
TIDY = 'force polri "Polri"\nunit u "U" {\n  final\n}\n'
BROKEN = 'unit u "U" {\n  strength = 4\n}\n'


def fmt(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["fmt", *args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def tree(root: Path, files: dict[str, str | bytes]) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode() if isinstance(content, str) else content)


def test_check_lists_the_files_that_would_change_and_writes_nothing(tmp_path: Path) -> None:
    tree(tmp_path, {"b.ttup": MESSY, "a.ttup": MESSY, "ok.ttup": TIDY})
    status, out, err = fmt("--check", str(tmp_path))
    assert status == 1
    assert out == f"would reformat {tmp_path / 'a.ttup'}\nwould reformat {tmp_path / 'b.ttup'}\n"
    assert "2 files would be reformatted, 1 already formatted" in err
    assert (tmp_path / "a.ttup").read_text() == MESSY
    assert fmt("--check", str(tmp_path / "ok.ttup"))[0] == 0


def test_diff_prints_a_unified_diff_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree(tmp_path, {"plan.ttup": MESSY})
    monkeypatch.chdir(tmp_path)
    status, out, _ = fmt("--diff", "plan.ttup")
    assert status == 1
    assert out == (
        "--- a/plan.ttup\n+++ b/plan.ttup\n@@ -1,2 +1,4 @@\n"
        '-force   polri "Polri"\n-unit u "U" { final }\n'
        '+force polri "Polri"\n+unit u "U" {\n+  final\n+}\n'
    )
    assert (tmp_path / "plan.ttup").read_text() == MESSY
    assert fmt("--diff", "plan.ttup", "--check")[1].endswith("would reformat plan.ttup\n")


def test_diff_marks_a_missing_last_newline(tmp_path: Path) -> None:
    tree(tmp_path, {"plan.ttup": 'kind k "K"'})
    out = fmt("--diff", str(tmp_path))[1]
    assert out.endswith('-kind k "K"\n\\ No newline at end of file\n+kind k "K"\n')


def test_files_are_rewritten_in_place(tmp_path: Path) -> None:
    tree(tmp_path, {"plan.ttup": MESSY, "crlf.ttup": "\ufeff" + TIDY.replace("\n", "\r\n")})
    (tmp_path / "plan.ttup").chmod(0o640)
    status, out, err = fmt(str(tmp_path))
    assert status == 0
    assert out == f"reformatted {tmp_path / 'crlf.ttup'}\nreformatted {tmp_path / 'plan.ttup'}\n"
    assert err == "2 files reformatted, 0 left unchanged\n"
    assert (tmp_path / "plan.ttup").read_bytes() == TIDY.encode()
    assert (tmp_path / "crlf.ttup").read_bytes() == TIDY.encode()
    assert stat.S_IMODE((tmp_path / "plan.ttup").stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["crlf.ttup", "plan.ttup"]
    assert fmt(str(tmp_path)) == (0, "", "0 files reformatted, 2 left unchanged\n")


def test_a_symbolic_link_stays_a_link(tmp_path: Path) -> None:
    tree(tmp_path, {"real/plan.ttup": MESSY})
    (tmp_path / "link.ttup").symlink_to(tmp_path / "real" / "plan.ttup")
    assert fmt(str(tmp_path / "link.ttup"))[0] == 0
    assert (tmp_path / "link.ttup").is_symlink()
    assert (tmp_path / "real" / "plan.ttup").read_text() == TIDY


def test_folders_are_searched_for_ttup_files_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree(
        tmp_path,
        {
            "z.ttup": MESSY,
            "a/b/deep.ttup": MESSY,
            "a/plan.ttup": TIDY,
            "a/notes.txt": MESSY,
            ".hidden/plan.ttup": MESSY,
        },
    )
    monkeypatch.chdir(tmp_path)
    status, out, _ = fmt()
    assert status == 0
    assert out == "reformatted a/b/deep.ttup\nreformatted z.ttup\n"
    assert (tmp_path / "a" / "notes.txt").read_text() == MESSY
    assert (tmp_path / ".hidden" / "plan.ttup").read_text() == MESSY


def test_a_file_with_syntax_errors_is_reported_and_left_alone(tmp_path: Path) -> None:
    tree(tmp_path, {"bad.ttup": BROKEN, "good.ttup": MESSY})
    status, out, err = fmt(str(tmp_path))
    assert status == 1
    assert (tmp_path / "bad.ttup").read_text() == BROKEN
    assert (tmp_path / "good.ttup").read_text() == TIDY
    assert out == f"reformatted {tmp_path / 'good.ttup'}\n"
    assert "error[TP107]: unexpected `=`" in err
    assert f"--> {tmp_path / 'bad.ttup'}:2:12" in err
    assert f"{tmp_path / 'bad.ttup'}: not formatted: 1 syntax error\n" in err
    assert err.endswith("1 file reformatted, 0 left unchanged, 1 not formatted\n")


def test_a_file_that_is_not_utf8_is_reported_and_left_alone(tmp_path: Path) -> None:
    tree(tmp_path, {"latin1.ttup": 'kind k "Caf\xe9"\n'.encode("latin-1")})
    status, _, err = fmt(str(tmp_path))
    assert status == 1 and "error[TP004]" in err
    assert (tmp_path / "latin1.ttup").read_bytes() == 'kind k "Caf\xe9"\n'.encode("latin-1")


def test_a_missing_path_exits_2_after_the_others(tmp_path: Path) -> None:
    tree(tmp_path, {"plan.ttup": MESSY})
    status, out, err = fmt(str(tmp_path / "nowhere"), str(tmp_path))
    assert status == 2
    assert f"ttuplan: error: no such file or folder: {tmp_path / 'nowhere'}\n" in err
    assert out == f"reformatted {tmp_path / 'plan.ttup'}\n"


def test_nothing_to_format(tmp_path: Path) -> None:
    assert fmt(str(tmp_path)) == (0, "", "no .ttup files to format\n")


# ── properties ───────────────────────────────────────────────────────────────

SEPARATORS = [" ", "  ", "\t", "\n", "\n\n", "\n\n\n", " \n    ", "\n\t\t", "   \n \n", "\f "]
NOTES = ["# inserted", "#", "#   indented note", "# } { , .. 2024-02-14", '# "label" # twice']
FUZZ = {
    "derandomize": True,
    "deadline": None,
    "database": None,
    "suppress_health_check": [HealthCheck.too_slow],
}


def _pieces(text: str) -> tuple[list[Token], list[str]]:
    """A file's tokens and comments, and the whitespace around them (one more than tokens)."""
    tokens: list[Token] = []
    gaps = [""]
    for token in lark_parser().lex(normalise(text), dont_ignore=True):
        if token.type == "WHITESPACE":
            gaps[-1] += str(token)
        else:
            tokens.append(token)
            gaps.append("")
    return tokens, gaps


PIECES = {path: _pieces(read(path)) for path in REPO_PLANS}


@st.composite
def relaid(draw: st.DrawFn, path: Path) -> str:
    """The file with whitespace between some tokens changed and some comments inserted."""
    tokens, gaps = PIECES[path]
    gaps = list(gaps)
    where = st.integers(0, len(gaps) - 1)
    for index, separator in draw(st.dictionaries(where, st.sampled_from(SEPARATORS))).items():
        gaps[index] = separator
    for index, note in draw(st.dictionaries(where, st.sampled_from(NOTES), max_size=6)).items():
        gaps[index] = f"{gaps[index]} {note}\n{draw(st.sampled_from(SEPARATORS))}"
    out = [gaps[0]]
    for token, gap in zip(tokens, gaps[1:], strict=True):
        if token.type == "COMMENT" and "\n" not in gap.split("#")[0]:
            gap = "\n" + gap  # noqa: PLW2901 (a comment runs to the end of its line)
        out += [str(token), gap]
    text = "".join(out)
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    return ("\ufeff" if draw(st.booleans()) else "") + text


@settings(max_examples=200, **FUZZ)  # type: ignore[arg-type]
@given(data=st.data(), path=st.sampled_from(REPO_PLANS))
def test_formatting_relaid_plans_keeps_meaning_and_comments(
    data: st.DataObject, path: Path
) -> None:
    formatted = assert_formats_well(data.draw(relaid(path)))
    assert nodes(formatted) == nodes(read(path))


@settings(max_examples=100, **FUZZ)  # type: ignore[arg-type]
@given(data=st.data(), path=st.sampled_from(REPO_PLANS))
def test_spacing_within_lines_does_not_matter(data: st.DataObject, path: Path) -> None:
    tokens, gaps = PIECES[path]
    spaces = st.sampled_from([" ", "   ", "\t", " \t "])
    out = [gaps[0]]
    for token, gap in zip(tokens, gaps[1:], strict=True):
        out += [str(token), gap if "\n" in gap or not gap else data.draw(spaces)]
    assert format_text("".join(out), "t.ttup").text == format_text(read(path), "t.ttup").text
