"""Text bound for a terminal: what a plan supplies is shown, never obeyed by the terminal.

A label, a table cell or a file name may hold control characters (an escape sequence
that retitles the window or moves the cursor, a carriage return that hides what went
before), bidirectional overrides that make text read backwards (U+202E, "Trojan
Source"), or, in a file name that is not UTF-8, undecodable bytes (lone surrogates, which
a strict UTF-8 stream refuses). `visible` turns each into one visible character, so
columns and underlines stay aligned: C0 controls into their Unicode pictures (␀, ␛, ␍),
DEL into ␡, and the rest into U+FFFD. Every piece of text ttuplan prints goes through it.
"""

from __future__ import annotations

import re

_REPLACEMENT = "\ufffd"
# Characters that reorder or hide text: the bidi embeddings, overrides and isolates, the
# directional marks, and the line and paragraph separators some terminals break lines at.
_BIDI_AND_SEPARATORS = (
    0x061C,
    0x200E,
    0x200F,
    *range(0x202A, 0x202F),
    *range(0x2066, 0x206A),
    0x2028,
    0x2029,
)

_SHOWN: dict[int, str] = {
    **{code: chr(0x2400 + code) for code in range(0x20)},  # ␀ .. ␟
    0x09: " ",  # a tab is a space: one column, so underlines stay aligned
    0x7F: "\u2421",  # ␡
    **dict.fromkeys(range(0x80, 0xA0), _REPLACEMENT),  # C1 controls (0x9B is a CSI)
    **dict.fromkeys(_BIDI_AND_SEPARATORS, _REPLACEMENT),
    **dict.fromkeys(range(0xD800, 0xE000), _REPLACEMENT),  # undecodable bytes of a name
}
# For whole lines of output: their own line ends and tabs are kept.
_SHOWN_IN_LINES = {code: shown for code, shown in _SHOWN.items() if code not in (0x09, 0x0A)}


def _any_of(table: dict[int, str]) -> re.Pattern[str]:
    """One character class of the table's characters, runs written as ranges (the
    surrogates alone are 2,048: compiled one by one they cost milliseconds at start-up)."""
    runs: list[list[int]] = []
    for code in sorted(table):
        if runs and runs[-1][1] == code - 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return re.compile(
        "["
        + "".join(
            re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
            for a, b in runs
        )
        + "]"
    )


# Most text holds none of them: one search (a tenth of a translate) says so.
_FOUND, _FOUND_IN_LINES = _any_of(_SHOWN), _any_of(_SHOWN_IN_LINES)


def visible(text: str, *, lines: bool = False) -> str:
    """`text` with nothing a terminal would act on: each such character shown as one
    visible character. `lines`: the text is whole lines of output, whose line ends
    and tabs are its own and stay; otherwise (a fragment: a label, a message, a source
    line) those are shown too."""
    if (_FOUND_IN_LINES if lines else _FOUND).search(text) is None:
        return text
    return text.translate(_SHOWN_IN_LINES if lines else _SHOWN)
