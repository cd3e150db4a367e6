"""A plan as it was at a git revision (`ttuplan diff --git REV PLAN`), exported to a folder."""

from __future__ import annotations

import io
import os
import subprocess
import tarfile
from pathlib import Path


class RevisionError(Exception):
    """Git cannot give the plan at that revision (a usage error)."""


def _git(folder: Path, *args: str) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=folder, capture_output=True, check=False)
    except OSError as error:
        raise RevisionError(f"cannot run git: {error.strerror}") from error
    if done.returncode != 0:
        raise RevisionError(done.stderr.decode("utf-8", "replace").strip() or "git failed")
    return done.stdout


def export_plan(entry: str, revision: str, into: Path) -> str:
    """Write the plan's folder at `revision` under `into`; return the entry file there.

    The revision is never read as an option (`--output=FILE` would make git write
    there), and a link that the export may not make (an absolute one, one leading out
    of `into`) is left out, as if the file were not there.
    """
    if not revision or revision.startswith("-"):
        raise RevisionError(f"`{revision}` is not a revision: a revision cannot start with `-`")
    folder = Path(os.path.dirname(os.path.abspath(entry)))
    root = Path(_git(folder, "rev-parse", "--show-toplevel").decode().strip())
    relative = folder.resolve().relative_to(root.resolve())
    archive = _git(root, "archive", "--format=tar", revision, "--", relative.as_posix() or ".")
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter=_within)
    old_entry = into / relative / os.path.basename(entry)
    if not old_entry.is_file():
        raise RevisionError(f"{relative / os.path.basename(entry)} did not exist at {revision}")
    return str(old_entry)


def _within(member: tarfile.TarInfo, into: str) -> tarfile.TarInfo | None:
    """tarfile's `data` filter, leaving out (instead of failing on) what it refuses."""
    try:
        return tarfile.data_filter(member, into)
    except tarfile.FilterError:
        return None
