"""Syntax layer, stage 1: text to a Lark syntax tree, with every syntax error as a diagnostic."""

from ttuplan.parse.parser import ParseResult, parse

__all__ = ["ParseResult", "parse"]
