"""Jinja2 environments, one per output format (Jinja2 lives in this layer only).

Templates come from the user's `--templates` folder first, then ttuplan's own. Every
`{{ value }}` is escaped for the format by the environment itself (HTML autoescape; a
`finalize` for Markdown, Typst and CSV), so no template can forget. Undefined names fail.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache

from ttuplan.render.escape import Trusted, csv_cell, markdown_text, typst_literal
from ttuplan.render.words import Words
from ttuplan.resources import resource_dir

FINALIZE: dict[str, Callable[[Any], str]] = {
    "md": markdown_text,
    "typ": typst_literal,
    "csv": csv_cell,
}


def template_folders(user: Path | None) -> list[Path]:
    return [*([user] if user else []), resource_dir("templates")]


def environment(kind: str, folders: list[Path], words: Words) -> jinja2.Environment:
    """The environment for `html`, `md`, `typ` or `csv` templates."""
    loader = jinja2.FileSystemLoader([str(folder) for folder in folders])
    common: dict[str, Any] = {
        "loader": loader,
        "undefined": jinja2.StrictUndefined,
        "keep_trailing_newline": True,
        "trim_blocks": True,
        "lstrip_blocks": True,
        "auto_reload": False,
        "bytecode_cache": _bytecode_cache(kind),
    }
    if kind == "html":
        env = jinja2.Environment(autoescape=True, **common)
    else:
        env = jinja2.Environment(autoescape=False, finalize=FINALIZE[kind], **common)
    env.globals.update(t=words, lang=words.language)
    env.filters.update(
        num=words.number,
        date=words.date,
        time=words.time,
        moment=words.moment,
        period=words.period,
        coord=_coordinate,
        # Typst code positions that need a bare number or boolean, not a string literal.
        int=lambda value: Trusted(str(int(value))),
        bool=lambda value: Trusted("true" if value else "false"),
    )
    return env


class _QuietCache(jinja2.FileSystemBytecodeCache):
    """Jinja2's cache of compiled templates; a folder it cannot write is no error."""

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


@functools.cache
def _bytecode_cache(kind: str) -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs, like Lark's parser tables: compiling the
    templates was a third of a regency build. Jinja2's own per-user folder (mode 0700,
    owner checked); entries keyed by the template's name, file and source checksum, and
    here also by the kind and this module's source, since the compiled code depends on
    the environment's escaping settings."""
    salt = hashlib.sha256(Path(__file__).read_bytes() + jinja2.__version__.encode()).hexdigest()
    try:
        return _QuietCache(pattern=f"ttuplan-{kind}-{salt[:12]}-%s.cache")
    except (OSError, RuntimeError):  # no temporary folder of our own: compile every time
        return None


def _coordinate(lat: float | None, lon: float | None) -> str:
    if lat is None or lon is None:
        return ""
    return f"{lat:.5f}, {lon:.5f}"
