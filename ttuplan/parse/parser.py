"""Text to a Lark tree. A clean file takes the fast path; a broken one is re-parsed with recovery.

Recovery works on the token stream, one top-level declaration at a time, each with its own
LALR state. A declaration ends where the next one begins: at a keyword that can only
start one, or at one that may (`force`, `kind`...) once the declaration so far is complete.
A `{` left open before the next declaration is reported and closed. Inside a declaration a
line that fails is dropped, with the block it opens, and the parser resumes from the state
before that line; no error is reported again until a whole line has parsed, so the
mistakes a first mistake causes are not reported at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import field

from lark import Token, Tree
from lark.exceptions import UnexpectedInput, UnexpectedToken
from lark.parsers.lalr_interactive_parser import InteractiveParser
from lark.parsers.lalr_parser_state import ParserState

from ttuplan.diagnostics.builders import syntax
from ttuplan.diagnostics.model import Diagnostic
from ttuplan.parse.grammar import lark_parser
from ttuplan.parse.lexer import lex
from ttuplan.parse.messages import OpenBlock, incomplete_line, unclosed_block, unexpected_token
from ttuplan.records import dataclass
from ttuplan.source import Span

MAX_SYNTAX_ERRORS = 50

# Keywords that only ever start a top-level declaration.
_DECLARATION_ONLY = frozenset(
    {"PLAN", "INCLUDE", "PERSONNEL", "SITES", "SITE", "UNIT", "RAYON", "POOL", "PHASE"}
)
# Keywords that start a declaration at the top level but a statement inside a block.
_DECLARATION_TOO = frozenset({"FORCE", "KIND", "RISK", "DISTRICT", "GUARD"})


@dataclass(frozen=True, slots=True)
class ParseResult:
    """The syntax tree of what could be parsed, and every syntax error found (in the order
    found: the lexer's, then the parser's; the Reporter puts them in source order)."""

    tree: Tree[Token]
    diagnostics: tuple[Diagnostic, ...]

    @property
    def ok(self) -> bool:
        return not self.diagnostics


def parse(text: str, file: str) -> ParseResult:
    """Parse one file's text; `file` is the path shown in diagnostics."""
    try:
        return ParseResult(lark_parser().parse(text), ())
    except UnexpectedInput:
        pass
    tokens, diagnostics = lex(text, file)
    recovery = _Recovery(tokens=tokens, file=file, diagnostics=diagnostics)
    recovery.run()
    return ParseResult(Tree("start", recovery.children), tuple(recovery.diagnostics))


_Checkpoint = tuple[ParserState[str], list[OpenBlock]]


@dataclass
class _Recovery:
    tokens: Sequence[Token]
    file: str
    diagnostics: list[Diagnostic]
    children: list[Tree[Token] | Token] = field(default_factory=list)
    parser: InteractiveParser = field(init=False)
    blocks: list[OpenBlock] = field(default_factory=list)
    head: tuple[str, str] = ("declaration", "?")
    fed: int = 0
    failed: bool = False
    may_report: bool = True
    abandoned: int | None = None  # brace depth while skipping a given-up declaration

    def run(self) -> None:
        self._begin()
        tokens = self.tokens
        index = 0
        # Parser states before the current line and before the line above it.
        checkpoint, checkpoint_index = self._checkpoint(), 0
        previous: tuple[_Checkpoint, int] | None = None
        marked = -1  # the last index a checkpoint was taken at
        while index < len(tokens) and len(self.diagnostics) < MAX_SYNTAX_ERRORS:
            token = tokens[index]
            if self.abandoned is not None:
                index = self._skip_abandoned(index)
                continue
            if self.fed and self._cuts_here(index):
                self._end(stop=token)
                self._begin()
                previous = None
            if index != marked and (index == 0 or tokens[index - 1].line != token.line):
                if self.fed:
                    previous = (checkpoint, checkpoint_index)
                checkpoint, checkpoint_index, marked = self._checkpoint(), index, index
            try:
                self.parser.feed_token(token)
            except UnexpectedToken as error:
                self.failed = True
                boundary = {"RBRACE", "$END"} & set(error.expected)
                if (
                    index == checkpoint_index
                    and previous
                    and not boundary
                    and self._line_incomplete(previous[1])
                ):
                    # The line above ended early (`force` with no name): blame that line.
                    self._report(
                        incomplete_line(
                            self.file, tokens[index - 1], set(error.expected), self._block()
                        )
                    )
                    if not previous[0][1]:
                        # It was the declaration's own first line: give the declaration up.
                        self.abandoned = 0
                        continue
                    self._restore(previous[0])
                    checkpoint, previous = self._checkpoint(), None
                    continue
                self._report_unexpected(token, set(error.expected), index)
                self._restore(checkpoint)
                resume = _skip_line(tokens, checkpoint_index)
                # Recovery must move forward: the line dropped ends past the failing token.
                assert resume > index, "syntax recovery made no progress"
                # The parser now stands where it stood at the checkpoint; resuming may be in
                # the middle of a line (after `}` that closed a dropped block), so this is
                # the checkpoint from now on.
                index = checkpoint_index = marked = resume
                checkpoint, previous = self._checkpoint(), None
                continue
            self._track(token, index)
            index += 1
            if index == len(tokens) or tokens[index].line != token.line:
                self.may_report = True
        if index < len(tokens):
            line = tokens[index].line or 1
            self.diagnostics.append(
                syntax.unexpected_token(
                    Span(self.file, line, 1, line, 2), "too-many", limit=MAX_SYNTAX_ERRORS
                )
            )
        elif self.fed and self.abandoned is None:
            self._end(stop=None)

    def _skip_abandoned(self, index: int) -> int:
        """Pass over a given-up declaration's tokens up to the next declaration."""
        token = self.tokens[index]
        depth = self.abandoned or 0
        following = [t.type for t in self.tokens[index + 1 : index + 3]]
        starts = token.type in _DECLARATION_ONLY or (
            token.type in _DECLARATION_TOO and following == ["NAME", "STRING"]
        )
        if depth <= 0 and starts and index > 0 and self.tokens[index - 1].line != token.line:
            self._begin()
            return index
        if token.type == "LBRACE":
            depth += 1
        elif token.type == "RBRACE":
            depth -= 1
        self.abandoned = depth
        return index + 1

    def _line_incomplete(self, start: int) -> bool:
        """Can the line from `start` be dropped alone (it opens no block)?"""
        line = self.tokens[start].line
        index = start
        while index < len(self.tokens) and self.tokens[index].line == line:
            if self.tokens[index].type in {"LBRACE", "RBRACE"}:
                return False
            index += 1
        return True

    def _restore(self, checkpoint: _Checkpoint) -> None:
        self.parser.parser_state = checkpoint[0].copy(deepcopy_values=False)
        self.blocks = list(checkpoint[1])

    def _block(self) -> OpenBlock | None:
        return self.blocks[-1] if self.blocks else None

    def _begin(self) -> None:
        self.parser = lark_parser().parse_interactive("")
        self.blocks, self.fed, self.failed, self.may_report = [], 0, False, True
        self.abandoned = None

    def _checkpoint(self) -> _Checkpoint:
        return self.parser.parser_state.copy(deepcopy_values=False), list(self.blocks)

    def _cuts_here(self, index: int) -> bool:
        """Does a new declaration start at `index`? Reports a block it leaves open."""
        token, tokens = self.tokens[index], self.tokens
        previous = tokens[index - 1].type if index else ""
        if previous in _DECLARATION_ONLY or previous in _DECLARATION_TOO:
            return False  # `unit site ...`: a keyword misused as a name
        if self.blocks:
            following = [t.type for t in tokens[index + 1 : index + 3]]
            starts = token.type in _DECLARATION_ONLY or (
                token.type in _DECLARATION_TOO and following == ["NAME", "STRING"]
            )
            if starts:
                self.diagnostics.append(unclosed_block(self.file, self.blocks[0], token))
                self.may_report = False  # the closing error is reported; not its echo
            return starts
        if token.type in _DECLARATION_ONLY:
            return True
        return token.type in _DECLARATION_TOO and (self.failed or "$END" in _accepts(self.parser))

    def _end(self, stop: Token | None) -> None:
        """Close what is left open (reported already) and keep the declaration if it ends."""
        if self.blocks and stop is None and not self.failed:
            self.diagnostics.append(unclosed_block(self.file, self.blocks[0], None))
            self.may_report = False
        last = self.tokens[-1] if stop is None else stop
        for _ in range(len(self.blocks) + 1):
            accepts = _accepts(self.parser)
            if "$END" in accepts:
                tree: Tree[Token] = self.parser.feed_eof(last)  # type: ignore[no-untyped-call]
                if not self.failed:
                    self.children.extend(tree.children)
                return
            if "RBRACE" not in accepts:
                break
            self.parser.feed_token(Token.new_borrow_pos("RBRACE", "}", last))
        if self.may_report and not self.failed:
            end = stop if stop is not None else Token.new_borrow_pos("$END", "", last)
            self._report_unexpected(end, _accepts(self.parser), len(self.tokens) - 1)

    def _report_unexpected(self, token: Token, expected: set[str], index: int) -> None:
        if self.may_report:
            self._report(
                unexpected_token(self.file, token, expected, self.tokens, index, self._block())
            )

    def _report(self, diagnostic: Diagnostic) -> None:
        if self.may_report and len(self.diagnostics) < MAX_SYNTAX_ERRORS:
            self.diagnostics.append(diagnostic)
        self.may_report = False

    def _track(self, token: Token, index: int) -> None:
        self.fed += 1
        kind = token.type
        if not self.blocks and (kind in _DECLARATION_ONLY or kind in _DECLARATION_TOO):
            following = self.tokens[index + 1] if index + 1 < len(self.tokens) else token
            self.head = (str(token), str(following) if following.type == "NAME" else "?")
        if kind == "LBRACE":
            self.blocks.append(OpenBlock(keyword=self.head[0], name=self.head[1], brace=token))
        elif kind == "RBRACE" and self.blocks:
            self.blocks.pop()


def _accepts(parser: InteractiveParser) -> set[str]:
    accepted: set[str] = parser.accepts()  # type: ignore[no-untyped-call]
    return accepted


def _skip_line(tokens: Sequence[Token], start: int) -> int:
    """The index after the line at `start`, and after any block that line opens."""
    line = tokens[start].line
    depth = 0
    index = start
    while index < len(tokens):
        token = tokens[index]
        if token.line != line and depth <= 0:
            break
        if token.type == "LBRACE":
            depth += 1
        elif token.type == "RBRACE":
            depth -= 1
            if depth == 0 and token.line != line:
                return index + 1
        index += 1
    return index
