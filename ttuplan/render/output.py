"""Writing a build, all or nothing: every document is written into a staging folder first;
then each goes in place by rename, the previous one kept aside, and a failure at any
step renames everything back, so a failed build leaves the previous documents as they
were.

A build holds a shared lock on the output folder while it runs; staging folders left by
a build that was killed (SIGKILL, a power cut) are removed by the next build that finds
no other build running there.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

STAGING_PREFIX = ".ttuplan-build-"
_PREVIOUS = ".previous"  # inside the staging folder: the documents being replaced


class SwapError(OSError):
    """A document could not be moved into place, and the previous ones were put back."""


class _Unrestored(SwapError):
    """The swap failed and not every previous document could be put back."""


def write_outputs(folder: Path, files: dict[str, Callable[[BinaryIO], None]]) -> list[Path]:
    """Run each writer of `files` (file name -> writer), in their order, into its file
    under `folder`; returns the paths written, in name order. Raises OSError, with
    `folder` as it was before."""
    folder.mkdir(parents=True, exist_ok=True)
    with _building(folder):
        held = _Held()  # a Ctrl-C between making staging and the try would leave it
        try:
            staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=folder))
        except BaseException:
            held.release()
            raise
        keep = False
        try:
            held.release()  # one held back is handled now, inside the try
            for name, write in files.items():
                with (staging / name).open("wb") as out:
                    write(out)
            return _swap(folder, staging, sorted(files))
        except _Unrestored:
            keep = True  # it holds the previous documents that could not be put back
            raise
        finally:
            if not keep:
                shutil.rmtree(staging, ignore_errors=True)


_HELD = (signal.SIGINT, signal.SIGTERM)


class _Held:
    """Ctrl-C and SIGTERM noted instead of handled, until `release` (on the main thread,
    where Python handles signals; elsewhere nothing is held). Blocking them with the
    signal mask would not do: the system gives a signal to any thread that does not
    block it (the PDFs' threads), and Python then handles it on the main thread anyway."""

    def __init__(self) -> None:
        self.previous: dict[int, Any] = {}
        self.seen: int | None = None
        if threading.current_thread() is threading.main_thread():
            for number in _HELD:
                self.previous[number] = signal.signal(number, self._note)

    def _note(self, number: int, frame: object) -> None:
        self.seen = self.seen or number

    def release(self) -> None:
        """The handlers as they were; a signal noted meanwhile is handled now, by them."""
        for number, handler in self.previous.items():
            signal.signal(number, signal.SIG_DFL if handler is None else handler)
        seen, self.seen, self.previous = self.seen, None, {}
        if seen is not None:
            signal.raise_signal(seen)


def _swap(folder: Path, staging: Path, names: list[str]) -> list[Path]:
    """Move each staged document over its target, keeping the target in staging/.previous;
    on any failure (an exception, Ctrl-C) undo every move made, in reverse."""
    for name in names:
        target = folder / name
        if target.is_dir() and not target.is_symlink():
            raise SwapError(0, "a folder of that name is in the way", str(target))
    previous = staging / _PREVIOUS
    previous.mkdir()
    moves: list[tuple[Path, Path]] = []
    try:
        for name in names:
            target = folder / name
            if os.path.lexists(target):
                os.replace(target, previous / name)
                moves.append((target, previous / name))
            os.replace(staging / name, target)
            moves.append((staging / name, target))
    except BaseException as error:
        failed = _undo(moves)
        if failed:
            raise _Unrestored(
                0,
                f"{error}; and {', '.join(failed)} could not be put back: the previous "
                f"documents are in {previous}",
                str(folder),
            ) from error
        raise
    return [folder / name for name in names]


def _undo(moves: list[tuple[Path, Path]]) -> list[str]:
    """Rename each move back, last first; the names that could not be."""
    failed = []
    for source, destination in reversed(moves):
        try:
            os.replace(destination, source)
        except OSError:
            failed.append(source.name)
    return failed


@contextlib.contextmanager
def _building(folder: Path) -> Iterator[None]:
    """A shared lock on `folder` for the build; first, if no other build holds one,
    the staging folders of builds that died are removed."""
    if sys.platform == "win32":  # no flock: no lock, and no staging folders cleaned
        yield
        return
    import fcntl

    descriptor = os.open(folder, os.O_RDONLY)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            pass  # another build is running here: its staging folder is not stale
        else:
            _remove_stale(folder)
        fcntl.flock(descriptor, fcntl.LOCK_SH)
        yield
    finally:
        os.close(descriptor)  # releases the lock


def _remove_stale(folder: Path) -> None:
    for entry in os.scandir(folder):
        if entry.name.startswith(STAGING_PREFIX) and entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
