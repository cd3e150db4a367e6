"""`ttuplan fmt`: plan files rewritten in one canonical style, comments and meaning kept."""

from ttuplan.fmt.formatter import FormatResult, UnsafeFormat, format_text

__all__ = ["FormatResult", "UnsafeFormat", "format_text"]
