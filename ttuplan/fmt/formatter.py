"""`format_text`: parse, build, print, weave the comments back in, then prove nothing changed."""

from __future__ import annotations

from ttuplan.diagnostics.model import Diagnostic
from ttuplan.fmt.comments import Trivia, collect_trivia
from ttuplan.fmt.layout import weave
from ttuplan.fmt.printer import print_module
from ttuplan.parse import parse
from ttuplan.records import dataclass
from ttuplan.syntax import build
from ttuplan.syntax import nodes as n


class UnsafeFormat(Exception):
    """The formatted text would not say what the file said: a bug in the formatter."""


@dataclass(frozen=True, slots=True)
class FormatResult:
    """A file's text in the canonical style, or the syntax errors that stop it being formatted."""

    source: str  # the text as given
    parsed: str  # the text as parsed (no byte order mark, LF line endings); spans refer to it
    text: str  # the formatted text; the text as given when it does not parse
    diagnostics: tuple[Diagnostic, ...]

    @property
    def ok(self) -> bool:
        return not self.diagnostics

    @property
    def changed(self) -> bool:
        return self.text != self.source


def normalise(text: str) -> str:
    """The text without a byte order mark and with LF line endings (CRLF, or a CR alone
    as old Mac files have, as `check` reads them)."""
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def format_text(text: str, file: str) -> FormatResult:
    """Format one file's text; `file` is the path shown in diagnostics."""
    parsed = normalise(text)
    result = parse(parsed, file)
    if not result.ok:
        return FormatResult(source=text, parsed=parsed, text=text, diagnostics=result.diagnostics)
    module, _ = build(result.tree, file)  # value problems are kept as written: not ours to report
    trivia = collect_trivia(parsed)
    formatted = weave(print_module(module), trivia)
    _verify(module, trivia, formatted, file)
    return FormatResult(source=text, parsed=parsed, text=formatted, diagnostics=())


def _verify(module: n.Module, trivia: Trivia, formatted: str, file: str) -> None:
    """The formatted text parses to equal nodes and keeps every comment, in order."""
    again = parse(formatted, file)
    if not again.ok:
        raise UnsafeFormat(f"{file}: the formatted text does not parse: {again.diagnostics[0]}")
    if build(again.tree, file)[0] != module:
        raise UnsafeFormat(f"{file}: the formatted text says something else")
    if comment_texts(collect_trivia(formatted)) != comment_texts(trivia):
        raise UnsafeFormat(f"{file}: the formatted text lost or reordered a comment")


def comment_texts(trivia: Trivia) -> tuple[str, ...]:
    return tuple(comment.text for comment in trivia.comments)
