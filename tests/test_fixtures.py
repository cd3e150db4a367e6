"""One failing fixture per diagnostic code; each offending line says what it must raise.

A fixture is a folder under fixtures/diagnostics named CODE-slug holding plan.ttup (and any
files it names). A comment `# expect: TP201` marks the line a diagnostic must point at;
`# expect: TP301 @ sites.csv:1` points into another file, `@ sites.csv:* x50` means fifty
anywhere in it. The diagnostics reported must be exactly those. The text `ttuplan check`
prints for each fixture is a golden file, expected.txt, beside it.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import Golden
from ttuplan.api import check_plan
from ttuplan.cli import main
from ttuplan.diagnostics import codes

FIXTURES = Path(__file__).parent / "fixtures" / "diagnostics"
_EXPECT = re.compile(r"#\s*expect:\s*(.+)$")
_ITEM = re.compile(r"(TP\d{3})(?:\s*@\s*([^\s:,]+):(\*|\d+))?(?:\s*x(\d+))?")

Key = tuple[str, str, str]


def expectations(folder: Path) -> Counter[Key]:
    expected: Counter[Key] = Counter()
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.name in {"expected.txt", "SPARSE"}:
            continue
        text = path.read_bytes().decode("utf-8", "replace")
        for number, line in enumerate(text.splitlines(), start=1):
            match = _EXPECT.search(line)
            if not match:
                continue
            for item in _ITEM.finditer(match.group(1)):
                code, file, where, times = item.groups()
                key = (code, file or str(path.relative_to(folder)), where or str(number))
                expected[key] += int(times or 1)
    return expected


def fixture_folders() -> list[Path]:
    return sorted(p for p in FIXTURES.iterdir() if p.is_dir())


@pytest.mark.parametrize("folder", fixture_folders(), ids=lambda p: p.name)
def test_fixture_reports_exactly_what_it_expects(
    folder: Path, monkeypatch: pytest.MonkeyPatch, golden: Golden, tmp_path: Path
) -> None:
    expected = expectations(folder)
    sparse = folder / "SPARSE"
    if sparse.exists():
        # Files too large to commit, made here as sparse files (a size, no data): one
        # `name bytes` per line. The plan is checked in a copy of the fixture with them.
        golden_path = folder / "expected.txt"
        folder = Path(shutil.copytree(folder, tmp_path / folder.name))
        for line in sparse.read_text(encoding="utf-8").splitlines():
            name, size = line.split()
            with (folder / name).open("wb") as handle:
                handle.truncate(int(size))
    else:
        golden_path = folder / "expected.txt"
    monkeypatch.chdir(folder)
    assert expected, f"{folder.name} marks no expected diagnostic"
    result = check_plan("plan.ttup")
    actual: Counter[Key] = Counter()
    for diagnostic in result.diagnostics:
        assert diagnostic.span is not None, diagnostic
        line = str(diagnostic.span.line)
        wildcard = (diagnostic.code.id, diagnostic.span.file, "*")
        actual[wildcard if wildcard in expected else (*wildcard[:2], line)] += 1
    assert actual == expected

    output = CliRunner().invoke(main, ["check", "plan.ttup", "--max-diagnostics", "100"]).output
    golden(golden_path, output)


def test_every_code_has_a_fixture_named_after_it() -> None:
    named = {p.name.split("-", 1)[0]: p for p in fixture_folders()}
    live = [c for c in codes.ALL_CODES if not c.retired]
    missing = [c.id for c in live if c.id not in named]
    assert not missing, f"codes without a failing fixture: {missing}"
    retired = [c.id for c in codes.ALL_CODES if c.retired]
    assert not [c for c in retired if c in named], "a retired code cannot be raised"
    for code in live:
        folder = named[code.id]
        assert folder.name == f"{code.id}-{code.slug}"
        assert any(key[0] == code.id for key in expectations(folder)), folder.name


def test_the_code_table_is_consistent() -> None:
    ids = [c.id for c in codes.ALL_CODES]
    slugs = [c.slug for c in codes.ALL_CODES]
    assert len(set(ids)) == len(ids) and len(set(slugs)) == len(slugs)
    for code in codes.ALL_CODES:
        assert re.fullmatch(r"TP\d{3}", code.id)
        assert re.fullmatch(r"[a-z]+(-[a-z0-9]+)*", code.slug)
        assert len(code.explanation) > 80, f"{code.id} needs a real explanation"
        assert codes.lookup(code.id) is code and codes.lookup(code.slug) is code
        assert not code.retired or code.explanation.startswith("Retired"), code.id
