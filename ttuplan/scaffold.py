"""`ttuplan init`: a new plan folder from the skeleton in templates/init, clean as it stands."""

from __future__ import annotations

import os
from pathlib import Path

from ttuplan.resources import resource_dir


class FolderNotEmpty(Exception):
    """The folder already holds a file init would write (a usage error)."""


def create_plan(folder: Path, title: str) -> list[Path]:
    """Copy the skeleton into `folder` with the plan's title; returns the files written.

    Nothing is ever written over: a folder holding any of the files is refused before
    anything is written. A failure while writing (a read-only folder, a full disk)
    removes what this call wrote and raises the OSError.
    """
    skeleton = resource_dir("templates") / "init"
    sources = sorted(p for p in skeleton.rglob("*") if p.is_file())
    targets = [folder / source.relative_to(skeleton) for source in sources]
    taken = [
        source.relative_to(skeleton).as_posix()
        for source, target in zip(sources, targets, strict=True)
        if os.path.lexists(target)
    ]
    if taken:
        raise FolderNotEmpty(
            f"{folder} already has {', '.join(taken)}; init writes only into a folder without them"
        )
    quoted = title.replace("\\", "\\\\").replace('"', '\\"')
    written: list[Path] = []
    made: list[Path] = []
    try:
        for source, target in zip(sources, targets, strict=True):
            for parent in reversed([target.parent, *target.parent.parents]):
                if not parent.exists():
                    parent.mkdir()
                    made.append(parent)
            text = source.read_text(encoding="utf-8").replace("__TITLE__", quoted)
            with target.open("x", encoding="utf-8") as out:  # "x": never over a file
                written.append(target)
                out.write(text)
    except BaseException:
        for path in reversed(written):
            path.unlink(missing_ok=True)
        for path in reversed(made):
            path.rmdir()
        raise
    return written
