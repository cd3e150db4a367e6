"""Writing a build: everything is rendered in memory first; then each file goes in place
by rename, so a failed build leaves the previous outputs as they were."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


def write_outputs(folder: Path, files: dict[str, bytes]) -> list[Path]:
    """Write `files` (relative path -> bytes) under `folder`; returns the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".ttuplan-build-", dir=folder))
    written = []
    try:
        for name, data in sorted(files.items()):
            staged = staging / name
            staged.parent.mkdir(parents=True, exist_ok=True)
            staged.write_bytes(data)
        for name in sorted(files):
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / name, target)
            written.append(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return written
