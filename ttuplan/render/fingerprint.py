"""The plan fingerprint printed on every document: a hash of every file the plan read."""

from __future__ import annotations

import hashlib
import os

from ttuplan.source import SourceMap


def fingerprint(sources: SourceMap, entry: str) -> str:
    """16 hex digits in groups of four, over each file's path (relative to the plan's
    folder, so the same plan gives the same fingerprint on any machine) and its text."""
    root = os.path.dirname(os.path.abspath(entry))
    digest = hashlib.sha256()
    for path in sorted(sources.paths(), key=lambda p: os.path.relpath(os.path.abspath(p), root)):
        source = sources.get(path)
        assert source is not None
        relative = os.path.relpath(os.path.abspath(path), root).replace(os.sep, "/")
        # The name as the file system has it (a name that is not UTF-8 holds surrogates).
        digest.update(os.fsencode(relative) + b"\0" + source.text.encode("utf-8") + b"\0")
    hexed = digest.hexdigest()[:16]
    return " ".join(hexed[i : i + 4] for i in range(0, 16, 4))
