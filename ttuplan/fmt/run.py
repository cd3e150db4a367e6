"""One `ttuplan fmt` over paths: each file rewritten, listed or diffed; messages and exit code."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import field

from ttuplan.constants import EXIT_CLEAN, EXIT_PROBLEMS, EXIT_USAGE
from ttuplan.diagnostics.builders.files import outside_plan_folder
from ttuplan.diagnostics.model import Diagnostic
from ttuplan.diagnostics.render.text import render_text
from ttuplan.diagnostics.report import Reporter
from ttuplan.fmt.files import find_plan_files, outside, replace_text, unified_diff
from ttuplan.fmt.formatter import FormatResult, format_text
from ttuplan.records import dataclass
from ttuplan.resolve.files import read_file, read_text
from ttuplan.source import SourceMap

# The exit codes of every ttuplan command (README): clean, problems found, usage or I/O error.


@dataclass(frozen=True, slots=True)
class Message:
    """A piece of output, ending with a newline; `err` for standard error."""

    text: str
    err: bool = False


@dataclass
class FormatRun:
    """Format the `.ttup` files at `paths`, or with `check` or `diff` only say what would change.

    `exit_code` is final once `messages()` is exhausted.
    """

    paths: tuple[str, ...]
    check: bool = False
    diff: bool = False
    exit_code: int = EXIT_CLEAN
    counts: Counter[str] = field(default_factory=Counter)

    def messages(self) -> Iterator[Message]:
        files, refused = find_plan_files(self.paths)
        for why in refused:
            self._fail(EXIT_USAGE)
            yield Message(f"ttuplan: error: {why}\n", err=True)
        for path, folder in files.items():
            yield from self._file(path, folder)
        yield Message(self._summary(), err=True)

    def _file(self, path: str, folder: str) -> Iterator[Message]:
        if outside(path, folder):
            yield from self._outside(path, folder)
            return
        try:
            text = read_file(path).decode("utf-8")
        except (OSError, UnicodeDecodeError):
            yield from self._unreadable(path)
            return
        result = format_text(text, path)
        if not result.ok:
            yield from self._refused(path, result)
        elif not result.changed:
            self.counts["unchanged"] += 1
        elif self.check or self.diff:
            self.counts["changed"] += 1
            self._fail(EXIT_PROBLEMS)
            if self.diff:
                yield Message(unified_diff(path, result.source, result.text))
            if self.check:
                yield Message(f"would reformat {path}\n")
        else:
            try:
                replace_text(path, result.text)
            except OSError as error:  # a read-only folder, a full disk: the file is as it was
                self.counts["failed"] += 1
                self._fail(EXIT_USAGE)
                why = error.strerror or str(error)
                yield Message(f"ttuplan: error: cannot write {path}: {why}\n", err=True)
                return
            self.counts["changed"] += 1
            yield Message(f"reformatted {path}\n")

    def _refused(self, path: str, result: FormatResult) -> Iterator[Message]:
        sources = SourceMap()
        sources.add(path, result.parsed)
        errors = len(result.diagnostics)
        yield from self._problems(
            result.diagnostics, sources, f"{path}: not formatted: {_count(errors, 'syntax error')}"
        )

    def _unreadable(self, path: str) -> Iterator[Message]:
        # The plan reader says why, as `ttuplan check` would (not UTF-8, no permission...).
        sources = SourceMap()
        found = read_text(path, sources)
        problems = [found] if isinstance(found, Diagnostic) else []
        yield from self._problems(problems, sources, f"{path}: not formatted: cannot read it")

    def _outside(self, path: str, folder: str) -> Iterator[Message]:
        problem = outside_plan_folder(None, path, "", folder=folder)
        yield from self._problems((problem,), SourceMap(), f"{path}: not formatted")

    def _problems(
        self, diagnostics: Sequence[Diagnostic], sources: SourceMap, why: str
    ) -> Iterator[Message]:
        self.counts["failed"] += 1
        self._fail(EXIT_PROBLEMS)
        reporter = Reporter()  # in source order, as `check` shows them
        reporter.extend(diagnostics)
        yield Message(render_text(reporter.report(sources), sources), err=True)
        yield Message(why + "\n", err=True)

    def _fail(self, code: int) -> None:
        self.exit_code = max(self.exit_code, code)

    def _summary(self) -> str:
        changed, unchanged, failed = (self.counts[k] for k in ("changed", "unchanged", "failed"))
        if not changed + unchanged + failed:
            return "no .ttup files to format\n"
        if self.check or self.diff:
            parts = [f"{_count(changed, 'file')} would be reformatted"]
            parts.append(f"{unchanged} already formatted")
        else:
            parts = [f"{_count(changed, 'file')} reformatted", f"{unchanged} left unchanged"]
        if failed:
            parts.append(f"{failed} not formatted")
        return ", ".join(parts) + "\n"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
