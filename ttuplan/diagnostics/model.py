"""The one diagnostic model: every problem in a plan is one of these values."""

from __future__ import annotations

import enum

from ttuplan.records import dataclass
from ttuplan.source import Span


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


class Family(enum.Enum):
    FILES = "files"
    SYNTAX = "syntax"
    NAMES = "names"
    DATA = "data"
    COVERAGE = "coverage"
    ESCALATION = "escalation"
    TIME = "time"


@dataclass(frozen=True, slots=True, kw_only=True)
class Code:
    """One row of the code table: a stable identifier a check reports under."""

    id: str
    slug: str
    family: Family
    severity: Severity
    summary: str
    explanation: str
    cap: int | None = None  # at most this many are reported per plan, then "... and N more"
    retired: bool = False  # no longer reported; kept so that its id is never reused


@dataclass(frozen=True, slots=True, kw_only=True)
class Label:
    """A secondary location with a word on what it is (the first definition, a hop)."""

    span: Span
    message: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Diagnostic:
    """A problem found in a plan: what, where, what else is involved, how to fix it."""

    code: Code
    message: str
    span: Span | None = None
    label: str = ""
    related: tuple[Label, ...] = ()
    notes: tuple[str, ...] = ()
    help: str | None = None

    @property
    def severity(self) -> Severity:
        return self.code.severity

    @property
    def is_error(self) -> bool:
        return self.code.severity is Severity.ERROR
