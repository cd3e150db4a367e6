"""`ttuplan init`: a new plan folder from the skeleton in templates/init, clean as it stands."""

from __future__ import annotations

from pathlib import Path

from ttuplan.resources import resource_dir


class FolderNotEmpty(Exception):
    """The folder already holds a plan (a usage error)."""


def create_plan(folder: Path, title: str) -> list[Path]:
    """Copy the skeleton into `folder` with the plan's title; returns the files written."""
    if (folder / "plan.ttup").exists():
        raise FolderNotEmpty(f"{folder} already has a plan.ttup")
    skeleton = resource_dir("templates") / "init"
    quoted = title.replace("\\", "\\\\").replace('"', '\\"')
    written = []
    for source in sorted(p for p in skeleton.rglob("*") if p.is_file()):
        target = folder / source.relative_to(skeleton)
        target.parent.mkdir(parents=True, exist_ok=True)
        text = source.read_text(encoding="utf-8").replace("__TITLE__", quoted)
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written
