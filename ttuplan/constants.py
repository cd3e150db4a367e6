"""Constants shared by the command line, the API and the stages: defined here once."""

from __future__ import annotations

EXIT_CLEAN, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2  # the same for every command

REPORT_FORMATS = ("text", "json", "sarif", "github")  # `check --format`
DIFF_FORMATS = ("text", "json", "markdown", "github")  # `diff --format`
DOCUMENT_FORMATS = ("md", "html", "pdf", "csv", "xlsx", "json", "svg")  # `build --formats`
LANGUAGES = ("id", "en")  # of documents: `language` in a plan, `build --lang`

ENTRY_NAME = "plan.ttup"  # the plan file of a folder

# `check --contingency`: the losses the N-1 analysis works out. "required": those the plan
# must survive (`survive`); "reserves": every reserve group too; "all": every unit too.
REQUIRED, RESERVES, ALL = "required", "reserves", "all"
CONTINGENCY_SCOPES = (REQUIRED, RESERVES, ALL)
