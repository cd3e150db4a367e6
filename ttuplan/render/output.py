"""Writing a build: every document is written into a staging folder first; only when all
are written does each go in place by rename, so a failed build leaves the previous
outputs as they were."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def write_outputs(folder: Path, files: dict[str, Callable[[BinaryIO], None]]) -> list[Path]:
    """Run each writer of `files` (relative path -> writer) into its file under `folder`;
    returns the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".ttuplan-build-", dir=folder))
    written = []
    try:
        for name, write in sorted(files.items()):
            staged = staging / name
            staged.parent.mkdir(parents=True, exist_ok=True)
            with staged.open("wb") as out:
                write(out)
        for name in sorted(files):
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / name, target)
            written.append(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return written
