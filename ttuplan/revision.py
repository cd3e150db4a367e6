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
    """Write the plan's folder at `revision` under `into`; return the entry file there."""
    folder = Path(os.path.dirname(os.path.abspath(entry)))
    root = Path(_git(folder, "rev-parse", "--show-toplevel").decode().strip())
    relative = folder.resolve().relative_to(root.resolve())
    archive = _git(root, "archive", "--format=tar", revision, "--", relative.as_posix() or ".")
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    old_entry = into / relative / os.path.basename(entry)
    if not old_entry.is_file():
        raise RevisionError(f"{relative / os.path.basename(entry)} did not exist at {revision}")
    return str(old_entry)
