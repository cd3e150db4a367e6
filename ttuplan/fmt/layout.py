"""The printed lines and the file's comments woven into one text, with the blank lines kept."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import field

from ttuplan.fmt.comments import Comment, Trivia
from ttuplan.fmt.printer import INDENT, Line
from ttuplan.records import dataclass


@dataclass(slots=True)
class _Attached:
    """The comments that go with one printed line."""

    before: list[Comment] = field(default_factory=list)  # alone on their lines, above it
    inside: list[Comment] = field(default_factory=list)  # written between its tokens
    after: Comment | None = None  # at the end of its last line


def weave(lines: Sequence[Line], trivia: Trivia) -> str:
    """The formatted text: every line with its comments, ending with one newline."""
    attached, tail = _attach(lines, trivia.comments)
    writer = _Writer(trivia)
    for line, comments in zip(lines, attached, strict=True):
        depth = line.depth + 1 if line.closes else line.depth
        for comment in comments.before:
            writer.write(INDENT * depth + comment.text, comment.line, comment.line)
        for comment in comments.inside:
            writer.write(INDENT * line.depth + comment.text, line.start[0], comment.line)
        text = line.text
        if comments.after is not None:
            text += "  " + comments.after.text
        writer.write(text, line.start[0], line.end[0], opens=line.opens, closes=line.closes)
    for comment in tail:
        writer.write(comment.text, comment.line, comment.line)
    return writer.text()


def _attach(
    lines: Sequence[Line], comments: Sequence[Comment]
) -> tuple[list[_Attached], list[Comment]]:
    """Each comment goes with the line it is written in, after, or before; or at the end."""
    attached = [_Attached() for _ in lines]
    tail: list[Comment] = []
    starts = [line.start for line in lines]
    for comment in comments:
        # The last line that starts before the comment.
        index = bisect.bisect_left(starts, comment.position) - 1
        if index >= 0 and comment.position < lines[index].end:
            attached[index].inside.append(comment)
        elif index >= 0 and comment.line == lines[index].end[0]:
            attached[index].after = comment
        elif index + 1 < len(lines):
            attached[index + 1].before.append(comment)
        else:
            tail.append(comment)
    return attached, tail


class _Writer:
    """Output lines, with one blank line where the source had any between two items."""

    def __init__(self, trivia: Trivia) -> None:
        self.trivia = trivia
        self.out: list[str] = []
        self.last_line = 0  # the source line the last item written ended on
        self.opened = True  # at the start of the file or just after `{`

    def write(
        self, text: str, start: int, end: int, *, opens: bool = False, closes: bool = False
    ) -> None:
        if not self.opened and not closes and self.trivia.blank_between(self.last_line, start):
            self.out.append("")
        self.out.append(text)
        self.last_line = max(self.last_line, end)
        self.opened = opens

    def text(self) -> str:
        return "".join(line + "\n" for line in self.out)
