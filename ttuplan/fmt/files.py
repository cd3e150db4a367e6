"""Plan files on disk for `ttuplan fmt`: found under folders, read, diffed, replaced atomically."""

from __future__ import annotations

import difflib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

SUFFIX = ".ttup"


def find_plan_files(paths: Iterable[str]) -> tuple[dict[str, str], tuple[str, ...]]:
    """The files to format, each with the folder it must stay in, and what was not found
    (a path that does not exist, a folder that cannot be searched), said in words.

    A file named is taken as it is, and stays in its own folder; a folder gives its
    `.ttup` files, sorted, searched through every folder below it whose name does not
    start with `.`, and they stay in it.
    """
    found: dict[str, str] = {}
    refused: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            for file in _under(path, refused):
                found.setdefault(file, path)
        elif os.path.lexists(path):
            found.setdefault(path, os.path.dirname(path) or ".")
        else:
            refused.append(f"no such file or folder: {path}")
    return found, tuple(refused)


def outside(path: str, folder: str) -> bool:
    """Does `path` lead out of `folder` once symbolic links are followed? (As for a
    plan's includes: fmt never reads or rewrites a file elsewhere through a link.)"""
    real = Path(os.path.realpath(path))
    return not real.is_relative_to(os.path.realpath(folder))


def _under(folder: str, refused: list[str]) -> list[str]:
    files: list[str] = []
    problems: list[OSError] = []
    for root, folders, names in os.walk(folder, onerror=problems.append):
        folders[:] = [name for name in folders if not name.startswith(".")]
        files.extend(os.path.join(root, name) for name in names if name.endswith(SUFFIX))
    refused.extend(f"cannot search {error.filename}: {error.strerror}" for error in problems)
    return sorted(os.path.normpath(file) for file in files)


def replace_text(path: str, text: str) -> None:
    """Write `text` (UTF-8) over the file atomically: a temporary file beside it, renamed.

    The file keeps its permissions; a symbolic link stays a link and its target is written.
    """
    target = os.path.realpath(path)
    folder, name = os.path.split(target)
    handle, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(text.encode("utf-8"))
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, os.stat(target).st_mode & 0o7777)
        os.replace(temporary, target)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


def unified_diff(path: str, before: str, after: str) -> str:
    """A unified diff from `a/PATH` to `b/PATH`, as `git diff` would show it."""
    shown = path.replace(os.sep, "/")
    lines = difflib.unified_diff(
        _lines(before),
        _lines(after),
        fromfile=f"a/{shown}",
        tofile=f"b/{shown}",
    )
    out: list[str] = []
    for line in lines:
        out.append(line)
        if not line.endswith("\n"):
            out.append("\n\\ No newline at end of file\n")
    return "".join(out)


def _lines(text: str) -> list[str]:
    """Lines split at LF only (a label may hold other line separators), with their ends."""
    parts = text.split("\n")
    return [part + "\n" for part in parts[:-1]] + ([parts[-1]] if parts[-1] else [])
