"""Syntax layer, stage 2: a Lark tree to typed, immutable nodes with spans."""

from ttuplan.syntax.builder import build

__all__ = ["build"]
