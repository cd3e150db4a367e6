"""Pause Python's cyclic garbage collector while a plan is read and checked.

Reading a national plan creates millions of long-lived objects (sites, spans, posts). The
collector runs every 700 allocations and its full passes walk all of them, which made
loading super-linear: measured on 820,000 sites, 5.0 s of 7.9 s was collection. The
objects form no cycles worth collecting (reference counting frees them), so the
collector is paused for the run's pipeline and restored after. Pauses nest: only the
outermost one turns the collector back on, so load-then-check is one pause (resuming in
between made the next collection walk every object the load had made: 2 s nationally).

The `ttuplan` program itself (`cli.entry`) sets FREEZE_AFTER: when the pause ends, what
the pipeline made is moved out of the collector's sight (`gc.freeze`), so rendering runs
with the collector on but never walks the plan again. Measured against keeping the
collector off for the whole process (interleaved, same run): a national check 9.65/9.74 s
CPU before, 9.60/9.79 s after; a 100,000-site build 52.5/53.8 s before, 55.2/56.5 s after
(on a machine loaded by other work); the TTU build 1.05 s both.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

FREEZE_AFTER = False  # set by a one-shot process: what the pipeline made is never collected


@contextmanager
def paused_gc() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if FREEZE_AFTER:
                gc.freeze()
            gc.enable()
