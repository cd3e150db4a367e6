"""Pause Python's cyclic garbage collector while a plan is read and checked.

Reading a national plan creates millions of long-lived objects (sites, spans, posts). The
collector runs every 700 allocations and its full passes walk all of them, which made
loading super-linear: measured on 820,000 sites, 5.0 s of 7.9 s was collection. The
objects form no cycles worth collecting (reference counting frees them), so the
collector is paused for the run's pipeline and restored after. Pauses nest: only the
outermost one turns the collector back on, so load-then-check is one pause (resuming in
between made the next collection walk every object the load had made: 2 s nationally).

The `ttuplan` program itself (`cli.entry`) keeps the collector off for its whole short
life, rendering included, for the same reason.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
