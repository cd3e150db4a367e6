"""Shared test helpers: golden files (`pytest --update-goldens` rewrites them)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLE_PLAN = REPO / "plans" / "ttu-pemilu-2024"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        help="rewrite golden files from the current output instead of comparing",
    )


Golden = Callable[[Path, str | bytes], None]


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Golden:
    """Compare output with a golden file; a missing golden fails unless --update-goldens."""
    update = bool(request.config.getoption("--update-goldens"))

    def compare(path: Path, actual: str | bytes) -> None:
        data = actual.encode("utf-8") if isinstance(actual, str) else actual
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists() or path.read_bytes() != data:
                path.write_bytes(data)
            return
        if not path.exists():
            pytest.fail(f"missing golden {path.relative_to(REPO)}; run pytest --update-goldens")
        expected = path.read_bytes()
        if expected != data:
            if isinstance(actual, str):
                assert actual == expected.decode("utf-8"), f"golden {path.name} differs"
            pytest.fail(
                f"golden {path.relative_to(REPO)} differs ({len(data)} vs "
                f"{len(expected)} bytes); run pytest --update-goldens if intended"
            )

    return compare
