"""Syntax layer, stage 2: a Lark tree to typed, immutable nodes with spans."""

from ttuplan.build.builder import build

__all__ = ["build"]
