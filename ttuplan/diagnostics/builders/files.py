"""Builders of the files family (TP0xx): reading the files a plan names."""

from __future__ import annotations

from ttuplan.diagnostics import codes
from ttuplan.diagnostics.model import Diagnostic, Label
from ttuplan.source import Span


def file_not_found(
    span: Span | None, name: str, why: str, *, unreadable: bool = False
) -> Diagnostic:
    """`name` names no file (`why`: where it was looked for); or, `unreadable`, the file
    is there but reading it failed (`why`: the system's reason)."""
    if unreadable:
        return Diagnostic(
            code=codes.FILE_NOT_FOUND,
            message=f"cannot read `{name}`: {why}",
            span=span,
            label=why,
            help="check that the file exists and can be read",
        )
    return Diagnostic(
        code=codes.FILE_NOT_FOUND,
        message=f"no file `{name[:80]}`",
        span=span,
        label=why,
        help="paths are relative to the file that names them; check the spelling",
    )


def outside_plan_folder(span: Span | None, name: str, why: str, *, folder: str = "") -> Diagnostic:
    """`name` leads outside the plan's folder (`why`: how); for `fmt`, whose files are
    given on the command line, `folder` is the folder the symbolic link `name` leaves."""
    if folder:
        return Diagnostic(
            code=codes.OUTSIDE_PLAN_FOLDER,
            message=f"`{name}` is a symbolic link to a file outside `{folder}`",
            help="format the file in its own folder; fmt does not follow links out of one",
        )
    return Diagnostic(
        code=codes.OUTSIDE_PLAN_FOLDER,
        message=f"`{name}` is outside the plan's folder",
        span=span,
        label=why,
        help="copy the file into the plan's folder and name it by a relative path",
    )


def include_cycle(span: Span, names: str, hops: tuple[Label, ...]) -> Diagnostic:
    """The include at `span` closes a loop of files (`names`, joined by arrows)."""
    return Diagnostic(
        code=codes.INCLUDE_CYCLE,
        message=f"files include each other in a loop: {names}",
        span=span,
        label="this include closes the loop",
        related=hops,
        help="remove the include that closes the loop",
    )


def not_utf8(path: str, span: Span, byte: int) -> Diagnostic:
    """`path` holds `byte` at `span`, which cannot start a UTF-8 character."""
    return Diagnostic(
        code=codes.NOT_UTF8,
        message=f"`{path}` is not UTF-8 text",
        span=span,
        label=f"byte 0x{byte:02X} cannot start a UTF-8 character",
        help='save the file as UTF-8 (in a spreadsheet: "CSV UTF-8")',
    )


def duplicate_include(span: Span, name: str, first: Span | None) -> Diagnostic:
    related = (Label(span=first, message="first included here"),) if first else ()
    return Diagnostic(
        code=codes.DUPLICATE_INCLUDE,
        message=f"`{name}` is already included",
        span=span,
        label="included again",
        related=related,
        help="remove this include",
    )


def file_too_large(span: Span | None, path: str, why: str | None) -> Diagnostic:
    return Diagnostic(
        code=codes.FILE_TOO_LARGE,
        message=f"`{path}` is too large: {why}",
        span=span,
        label=why or "too large",
        help="split the file, or check that it is the file you meant",
    )
