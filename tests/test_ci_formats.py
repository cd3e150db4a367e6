"""CI formats: SARIF valid against the official 2.1.0 schema; GitHub annotations escaped."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from tests.conftest import REPO, Golden
from ttuplan.cli import main
from ttuplan.diagnostics import codes
from ttuplan.diagnostics.model import Diagnostic
from ttuplan.diagnostics.render.github import PER_SEVERITY, annotation, render_github
from ttuplan.source import Span

FIXTURES = REPO / "tests" / "fixtures" / "diagnostics"
SARIF_SCHEMA = json.loads((REPO / "tests" / "schemas" / "sarif-2.1.0.schema.json").read_text())


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout


@pytest.mark.parametrize(
    "folder", sorted(p for p in FIXTURES.iterdir() if p.is_dir()), ids=lambda p: p.name
)
def test_sarif_of_every_fixture_is_valid(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    status, out = run("check", str(folder.relative_to(REPO)), "--format", "sarif")
    document = json.loads(out)
    jsonschema.validate(document, SARIF_SCHEMA)
    [run_] = document["runs"]
    assert status == (1 if any(r["level"] == "error" for r in run_["results"]) else 0)
    rules = run_["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == [code.id for code in codes.ALL_CODES]
    for result in run_["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        for location in result.get("locations", []):
            artifact = location["physicalLocation"]["artifactLocation"]
            assert artifact["uriBaseId"] == "%SRCROOT%"
            assert artifact["uri"].startswith("tests/fixtures/diagnostics/")
            region = location["physicalLocation"]["region"]
            assert region["startLine"] >= 1 and region["startColumn"] >= 1


def test_sarif_shows_every_hop_of_a_cycle(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES / "TP501-escalation-cycle")
    [result] = json.loads(run("check", ".", "--format", "sarif")[1])["runs"][0]["results"]
    assert result["ruleId"] == "TP501" and result["level"] == "error"
    lines = [result["locations"][0]["physicalLocation"]["region"]["startLine"]] + [
        r["physicalLocation"]["region"]["startLine"] for r in result["relatedLocations"]
    ]
    assert lines == [22, 29, 33]  # u1 -> u2, u2 -> u3, u3 -> u1: each at its own line
    assert [r["id"] for r in result["relatedLocations"]] == [1, 2]


def test_sarif_golden(monkeypatch: pytest.MonkeyPatch, golden: Golden) -> None:
    """The results, and the rules by id only: a code's explanation is not golden-tested
    twice (`ttuplan explain` shows it), so rewording one leaves this golden alone."""
    monkeypatch.chdir(REPO)
    out = run("check", "tests/fixtures/diagnostics/TP402-understaffed", "--format", "sarif")[1]
    [run_] = json.loads(out)["runs"]
    rules = run_["tool"]["driver"]["rules"]
    for rule, code in zip(rules, codes.ALL_CODES, strict=True):  # each rule is its code's
        assert (rule["id"], rule["name"], rule["help"]["text"]) == (
            code.id,
            code.slug,
            code.explanation,
        )
        assert rule["defaultConfiguration"]["level"] == code.severity.value
    kept = {"rules": [rule["id"] for rule in rules], "results": run_["results"]}
    golden(
        REPO / "tests" / "goldens" / "TP402.sarif",
        json.dumps(kept, indent=2, ensure_ascii=False) + "\n",
    )


def test_github_annotations_golden(monkeypatch: pytest.MonkeyPatch, golden: Golden) -> None:
    monkeypatch.chdir(REPO)
    status, out = run(
        "check",
        "tests/fixtures/diagnostics/TP501-escalation-cycle",
        "tests/fixtures/diagnostics/TP203-unused-definition",
        "--format",
        "github",
    )
    assert status == 1
    golden(REPO / "tests" / "goldens" / "github.txt", out)


def test_github_escapes_data_and_properties() -> None:
    diagnostic = Diagnostic(
        code=codes.UNDEFINED_NAME,
        message="50% of a, b:\nnext line\r",
        span=Span("dir,with:odd/plan.ttup", 3, 5, 3, 9),
        help="write `x`",
    )
    line = annotation(diagnostic, Path("/nowhere"))
    assert line.startswith("::error file=") and "dir%2Cwith%3Aodd/plan.ttup,line=3," in line
    assert "endColumn=8" in line and "title=TP201 undefined-name" in line
    assert line.endswith("::50%25 of a, b:%0Anext line%0D%0Ahelp: write `x`")
    assert "\n" not in line


def test_github_puts_errors_first_and_counts_what_it_leaves_out() -> None:
    def diagnostic(code: codes.Code, line: int) -> Diagnostic:
        return Diagnostic(code=code, message=f"m{line}", span=Span("p.ttup", line, 1, line, 2))

    many = [diagnostic(codes.UNUSED_DEFINITION, n) for n in range(1, 13)] + [
        diagnostic(codes.UNDEFINED_NAME, n) for n in range(20, 33)
    ]
    lines = render_github(many, Path.cwd()).splitlines()
    assert len(lines) == 2 * PER_SEVERITY + 1
    assert all(line.startswith("::error ") for line in lines[:PER_SEVERITY])
    assert all(line.startswith("::warning ") for line in lines[PER_SEVERITY:-1])
    assert lines[-1] == (
        "ttuplan: 13 errors, 12 warnings; 5 not annotated (GitHub shows 10 of "
        "each per step), run `ttuplan check` to see them all"
    )
