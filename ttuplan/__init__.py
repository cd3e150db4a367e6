"""ttuplan: police deployment plans as text, checked as graphs, compiled to documents.

The public API lives in `ttuplan.api` (`load_plan`, `check_plan`); it is re-exported here
lazily, so that `import ttuplan` stays cheap for commands that do not parse.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

__all__ = ["CheckResult", "PlanNotFound", "__version__", "check_plan", "load_plan"]


def __getattr__(name: str) -> Any:
    if name in {"CheckResult", "PlanNotFound", "check_plan", "load_plan"}:
        from ttuplan import api

        return getattr(api, name)
    raise AttributeError(name)
