"""Diagnostics as text for people, in the manner of rustc: code, place, the line, a fix."""

from __future__ import annotations

from collections.abc import Sequence

from ttuplan.diagnostics.model import Diagnostic, Label, Severity
from ttuplan.records import dataclass
from ttuplan.source import SourceMap, Span
from ttuplan.terminal import visible

MAX_SHOWN_WIDTH = 120
MAX_QUOTED = 80  # a longer `quoted` piece of a message (a name of a million letters) is cut

_RESET = "\x1b[0m"
_STYLES = {
    "error": "\x1b[1;31m",
    "warning": "\x1b[1;33m",
    "gutter": "\x1b[1;34m",
    "secondary": "\x1b[1;34m",
    "bold": "\x1b[1m",
    "help": "\x1b[1;36m",
}


@dataclass(frozen=True, slots=True)
class TextStyle:
    color: bool = False

    def paint(self, style: str, text: str) -> str:
        return f"{_STYLES[style]}{text}{_RESET}" if self.color and text else text


def render_text(
    diagnostics: Sequence[Diagnostic],
    sources: SourceMap,
    *,
    color: bool = False,
    limit: int | None = None,
) -> str:
    """Every diagnostic (up to `limit`), each a block of lines, ending with a newline."""
    style = TextStyle(color)
    shown = diagnostics if limit is None else diagnostics[:limit]
    blocks = [render_one(d, sources, style) for d in shown]
    hidden = len(diagnostics) - len(shown)
    if hidden > 0:
        blocks.append(
            f"... and {hidden} more (show them with --max-diagnostics {len(diagnostics)})\n"
        )
    return "\n".join(blocks)


def render_one(diagnostic: Diagnostic, sources: SourceMap, style: TextStyle) -> str:
    severity = diagnostic.severity.value
    primary_mark = "^"
    head = style.paint(severity, f"{severity}[{diagnostic.code.id}]")
    lines = [f"{head}{style.paint('bold', ': ' + _fit(diagnostic.message))}"]
    spans = [s for s in (diagnostic.span, *(r.span for r in diagnostic.related)) if s]
    width = max((len(str(s.line)) for s in spans), default=1)
    pad = " " * width
    gutter = style.paint("gutter", f"{pad} |")
    if diagnostic.span is not None:
        lines.append(f"{pad}{style.paint('gutter', '-->')} {visible(str(diagnostic.span))}")
        lines.extend(
            _snippet(
                diagnostic.span, diagnostic.label, primary_mark, severity, sources, style, width
            )
        )
    last = diagnostic.span
    for related in diagnostic.related:
        same_file = last is not None and related.span.file == last.file
        if not same_file:
            lines.append(f"{pad}{style.paint('gutter', ':::')} {visible(str(related.span))}")
        snippet = _snippet(related.span, related.message, "-", "secondary", sources, style, width)
        if same_file and last is not None and abs(related.span.line - last.line) > 1:
            lines.append(style.paint("gutter", "..."))  # lines between the two are left out
            snippet = snippet[1:]
        lines.extend(snippet)
        last = related.span
    if diagnostic.notes or diagnostic.help:
        lines.append(gutter)
    for note in diagnostic.notes:
        lines.append(
            f"{pad} {style.paint('gutter', '=')} {style.paint('bold', 'note')}: {_fit(note)}"
        )
    if diagnostic.help:
        help_text = _fit(diagnostic.help)
        lines.append(
            f"{pad} {style.paint('gutter', '=')} {style.paint('help', 'help')}: {help_text}"
        )
    return "\n".join(lines) + "\n"


def _fit(text: str) -> str:
    """A message, label, note or help for the terminal: long quoted pieces cut, all visible."""
    if len(text) > MAX_QUOTED:
        parts = text.split("`")
        for i in range(1, len(parts) - 1, 2):  # the pieces between a pair of backticks
            if len(parts[i]) > MAX_QUOTED:
                parts[i] = parts[i][: MAX_QUOTED - 20] + "..." + parts[i][-10:]
        text = "`".join(parts)
    return visible(text)


def _snippet(
    span: Span, label: str, mark: str, tone: str, sources: SourceMap, style: TextStyle, width: int
) -> list[str]:
    pad = " " * width
    source = sources.get(span.file)
    text = source.line_text(span.line) if source else ""
    if not text and span.column <= 1 and not label:
        return []
    start = max(span.column - 1, 0)
    end = span.end_column - 1 if span.end_line == span.line else len(text)
    end = max(min(end, len(text)), start + 1)
    shown, start, end = _window(text, start, end)
    shown = visible(shown)
    gutter = style.paint("gutter", f"{pad} |")
    underline = " " * start + style.paint(
        tone, mark * (end - start) + (" " + _fit(label) if label else "")
    )
    number = style.paint("gutter", f"{span.line:>{width}} |")
    return [gutter, f"{number} {shown}", f"{gutter} {underline}"]


def _window(text: str, start: int, end: int) -> tuple[str, int, int]:
    """Cut a long line to a window around the span, marking the cuts with `...`."""
    if len(text) <= MAX_SHOWN_WIDTH:
        return text, start, end
    end = min(end, start + MAX_SHOWN_WIDTH - 50)
    left = max(0, start - 40)
    right = min(len(text), max(end + 40, left + MAX_SHOWN_WIDTH - 10))
    prefix = "..." if left else ""
    suffix = "..." if right < len(text) else ""
    return prefix + text[left:right] + suffix, start - left + len(prefix), end - left + len(prefix)


def summary_line(
    path: str, diagnostics: Sequence[Diagnostic], style: TextStyle, detail: str = ""
) -> str:
    """The last line of a check: what was checked and what was found."""
    path = visible(path)
    errors = sum(1 for d in diagnostics if d.severity is Severity.ERROR)
    warnings = len(diagnostics) - errors
    if not diagnostics:
        return f"{style.paint('bold', path)}: no problems{detail}\n"
    parts = []
    if errors:
        parts.append(style.paint("error", f"{errors} error{'s' if errors != 1 else ''}"))
    if warnings:
        parts.append(style.paint("warning", f"{warnings} warning{'s' if warnings != 1 else ''}"))
    return f"{style.paint('bold', path)}: {' and '.join(parts)}\n"


__all__ = ["Label", "TextStyle", "render_one", "render_text", "summary_line"]
