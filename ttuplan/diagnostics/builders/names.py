"""Builders of the names family (TP2xx): names defined and used, statements of a block,
values a statement does not accept, the `parent` tree."""

from __future__ import annotations

from typing import Literal

from ttuplan.diagnostics import codes
from ttuplan.diagnostics.model import Diagnostic, Label
from ttuplan.source import Span


def undefined_name(
    span: Span,
    name: str,
    kinds: str,
    first_kind: str,
    what: str,
    close: Span | None,
    *,
    suggestion: str | None,
) -> Diagnostic:
    """`name` is no `kinds` ("a unit or a pool"); `what`: where it is used; `suggestion`: the
    name meant, perhaps, defined at `close`."""
    related = (Label(span=close, message=f"`{suggestion}` is defined here"),) if close else ()
    return Diagnostic(
        code=codes.UNDEFINED_NAME,
        message=f"{kinds} named `{name}` is not defined",
        span=span,
        label=f"did you mean `{suggestion}`?" if suggestion else f"used in {what}",
        related=related,
        help=f"write `{suggestion}`"
        if suggestion
        else f'define it (`{first_kind} {name} "..."`) or correct the name',
    )


def duplicate_definition(
    span: Span, first: Span, name: str = "", kind: str = "", first_kind: str = ""
) -> Diagnostic:
    """`name` (`kind`, in words) defined again at `span`; first at `first` (`first_kind`).
    Without a name: a second `plan` block."""
    if not name:
        return Diagnostic(
            code=codes.DUPLICATE_DEFINITION,
            message="a plan has one `plan` block",
            span=span,
            label="a second plan block",
            related=(Label(span=first, message="the first plan block"),),
            help="merge the two blocks, or check the plan in two runs",
        )
    return Diagnostic(
        code=codes.DUPLICATE_DEFINITION,
        message=f"`{name}` is defined twice",
        span=span,
        label=f"defined again here as {kind}",
        related=(Label(span=first, message=f"first defined here as {first_kind}"),),
        help="rename one of them, or remove the copy",
    )


def unused_definition(span: Span, name: str, kind: str) -> Diagnostic:
    return Diagnostic(
        code=codes.UNUSED_DEFINITION,
        message=f"{kind} `{name}` is never used",
        span=span,
        label="defined here, used nowhere",
        help="remove it, or check the spelling where it was meant to be used",
    )


def wrong_kind_of_name(
    span: Span, name: str, kind: str, what: str, allowed: str, defined: Span
) -> Diagnostic:
    """`name`, `kind` (in words), used in `what`, which takes `allowed` (in words)."""
    return Diagnostic(
        code=codes.WRONG_KIND_OF_NAME,
        message=f"`{name}` is {kind}, but {what} takes {allowed}",
        span=span,
        label=f"not {allowed}",
        related=(Label(span=defined, message=f"`{name}` is defined here"),),
        help=f"name {allowed} here",
    )


def duplicate_statement(span: Span, keyword: str, owner: str, first: Span) -> Diagnostic:
    return Diagnostic(
        code=codes.DUPLICATE_STATEMENT,
        message=f"`{keyword}` is given twice in {owner}",
        span=span,
        label="given again here",
        related=(Label(span=first, message="first given here"),),
        help="keep one of them",
    )


def missing_statement(
    span: Span, owner: str, what: str, example: str, *, entry: bool = False
) -> Diagnostic:
    """`owner` lacks `what` (`example`: a line that gives it); `entry`: the file `owner`,
    given to be checked, has no `plan` block."""
    if entry:
        return Diagnostic(
            code=codes.MISSING_STATEMENT,
            message=f"`{owner}` has no `plan` block",
            span=span,
            label="the plan starts here",
            notes=(
                "a file that a plan includes is checked through that plan: give the "
                "plan's folder or its plan.ttup",
            ),
            help='start the file with `plan NAME "Title" { authority "..." }`',
        )
    return Diagnostic(
        code=codes.MISSING_STATEMENT,
        message=f"{owner} has no `{what}`",
        span=span,
        label=f"`{what}` is needed here",
        help=f"add a line such as `{example}` to its block",
    )


Invalid = Literal["too-many", "end-of-time", "language", "timezone", "role", "during-in-phase"]


def invalid_value(
    span: Span, case: Invalid, value: str = "", *, what: str = "", limit: int = 0
) -> Diagnostic:
    """`value` is not one the statement accepts: more `what` than `limit` (`too-many`); a
    date-only end on 9999-12-31; an unknown language, time zone or role; `during` in a
    phase."""
    match case:
        case "too-many":
            message = f"{value} is more {what} than ttuplan accepts"
            label = f"at most {limit:,}"
            hint = f"check the number; ttuplan takes at most {limit:,} {what}"
        case "end-of-time":
            message = "the whole of 9999-12-31 ends past the last date ttuplan can count"
            label = "a date alone means up to the next midnight"
            hint = "give the end a time: `9999-12-31 23:59`, or an earlier date"
        case "language":
            message = f"no language `{value}`"
            label = "ttuplan writes Bahasa Indonesia (`id`) and English (`en`)"
            hint = "write `language id` or `language en`"
        case "timezone":
            message = f"no time zone `{value}`"
            label = "not an IANA time zone"
            hint = 'NTT is "Asia/Makassar" (WITA, UTC+8)'
        case "role":
            message = f"no role `{value}`"
            label = "the only role is `reserve`"
            hint = "write `role reserve`, or remove the line"
        case "during-in-phase":
            message = "`during` has no meaning inside a phase"
            label = "this guard already belongs to the phase"
            hint = "remove `during ...`, or move the guard to the top level"
    return Diagnostic(code=codes.INVALID_VALUE, message=message, span=span, label=label, help=hint)


def parent_loop(
    units: list[str], shown: list[str], parents: dict[str, tuple[str, Span]]
) -> Diagnostic:
    """`units` are each other's parent in a loop (the first `shown`); `parents`: each
    unit's parent and where it is given."""
    if len(units) == 1:
        message = f"unit `{units[0]}` is its own parent"
    else:
        more = f" -> ... ({len(units) - len(shown):,} more)" if len(units) > len(shown) else ""
        names = " -> ".join(f"`{name}`" for name in shown)
        message = f"units are each other's parent in a loop: {names}{more} -> `{units[0]}`"
    return Diagnostic(
        code=codes.PARENT_LOOP,
        message=message,
        span=parents[units[0]][1],
        label="this `parent` is on the loop",
        related=tuple(
            Label(span=parents[name][1], message=f"`{name}` has parent `{parents[name][0]}`")
            for name in shown[1:]
        ),
        help="remove the `parent` of the unit at the top of the hierarchy",
    )
