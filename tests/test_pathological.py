"""Pathological inputs end in diagnostics, capped: never a traceback, a hang or a memory blow-up.

Each case runs the real command line, `python -m ttuplan check` (or fmt, build, graph:
`bounded`), in a child process: a
traceback would show on its stderr, a hang is killed after TIMEOUT_SECONDS, and the child's
own peak memory is measured (os.wait4) against a bound. Every case also checks that the
output is the capped text report (at most SHOWN diagnostics, then "... and N more"), that
every code is a known one, and that nothing from the plan reaches the terminal as a control
character. The big inputs are written into tmp_path.

The cases, in the order of the issue: a 10 MB line; 100,000 nested or repeated blocks; a
million-digit number; NUL bytes; invalid UTF-8; a byte order mark; CRLF line ends; an
include outside the plan folder; an include through a symbolic link; an include cycle; a
table with a million bad rows; a table past the size limit. Then issue 16's: the check
stage's costs (phases, shifts, the calendar's ends, reach, an escalation loop); named
pipes and /dev/zero where plan files are looked for; tables whose bad rows or columns
cost more than their size; numbers of people past plausibility; a parent loop and a
parent chain of 50,000 units; `survive loss of any unit` over 10,000 units (N-1).

The inputs that are big by design (the 10 MB lines, 100,000 blocks, 2,000 and 1,000
files, a million lines or rows, a plan repeated 2,000 times, a 256 MiB table, 1,500
overlapping phases, a loop of 50,000 units) are marked `slow`: CI runs them (pytest -m
slow), the default run does not.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.fuzzing import KNOWN_CODES

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX: wait4, rlimits, links")

TIMEOUT_SECONDS = 60  # a hang is killed, and fails, after this
MEMORY_MB = 512  # peak RSS of one check; the interpreter and ttuplan alone take about 45 MB
ADDRESS_SPACE = 4 * 2**30  # a limit on the child, so a blow-up fails instead of swapping
SHOWN = 50  # the text report's default --max-diagnostics
TEN_MB = 10 * 2**20
# ru_maxrss is in kilobytes on Linux, in bytes on macOS.
RSS_PER_MB = 2**20 if sys.platform == "darwin" else 2**10

HEADER = 'plan p "P" {\n  authority "A"\n}\n'
PLAN = HEADER + 'force polri "Polri"\nunit u "U" {\n  force polri\n  final\n}\n'
SITES_PLAN = (
    PLAN + 'kind tps "TPS"\nrisk r "R" {\n  polri 1 per 3 tps\n}\ndistrict d "D"\nsites "tps.csv"\n'
)
SITES_HEADER = "id,name,kind,district,risk\n"
PERSONNEL_PLAN = PLAN + 'personnel "people.csv"\n'


@dataclass(frozen=True)
class Run:
    """What one `ttuplan check` printed, how it ended, and what it cost."""

    exit_code: int
    stdout: str
    stderr: str
    seconds: float
    peak_mb: float

    @property
    def shown(self) -> list[str]:
        """The codes of the diagnostics printed, in order."""
        return re.findall(r"^(?:error|warning)\[(TP\d{3})\]", self.stdout, re.MULTILINE)

    @property
    def counts(self) -> Counter[str]:
        return Counter(self.shown)

    @property
    def hidden(self) -> int:
        """How many diagnostics the report left out ("... and N more")."""
        match = re.search(r"^\.\.\. and (\d+) more \(show them", self.stdout, re.MULTILINE)
        return int(match.group(1)) if match else 0

    @property
    def total(self) -> int:
        return len(self.shown) + self.hidden


# The check runs under a small parent that limits its memory and reports its own peak: run
# straight from the test process, the child's peak would include the test process's (Linux
# keeps the resident size of the forked copy across exec).
_RUNNER = """
import json, os, resource, subprocess, sys
_, hard = resource.getrlimit(resource.RLIMIT_AS)
if hard == resource.RLIM_INFINITY or hard > {limit}:
    try:
        resource.setrlimit(resource.RLIMIT_AS, ({limit}, hard))
    except (ValueError, OSError):  # not every system limits address space
        pass
child = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(child.pid, 0)
child.returncode = os.waitstatus_to_exitcode(status)
with open(sys.argv[1], "w") as report:
    json.dump({{"exit": child.returncode, "maxrss": usage.ru_maxrss}}, report)
"""


def bounded(*args: str, memory_mb: int = MEMORY_MB, timeout: float = TIMEOUT_SECONDS) -> Run:
    """`python -m ttuplan ARGS` in a child process, killed if it hangs, its peak memory
    measured; never a traceback, always exit 0, 1 or 2."""
    command = [sys.executable, "-m", "ttuplan", *args]
    runner = [sys.executable, "-c", _RUNNER.format(limit=ADDRESS_SPACE)]
    with tempfile.TemporaryDirectory() as scratch:
        report, out, err = (Path(scratch) / name for name in ("report", "out", "err"))
        started = time.monotonic()
        with out.open("wb") as stdout, err.open("wb") as stderr:
            process = subprocess.Popen(
                [*runner, str(report), *command],
                stdout=stdout,
                stderr=stderr,
                start_new_session=True,  # a process group: a hang is killed with its child
            )
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                pytest.fail(f"ttuplan {args[0]} hung: killed after {timeout} s")
        seconds = time.monotonic() - started
        assert process.returncode == 0, err.read_text(errors="replace")  # the runner's own
        ended = json.loads(report.read_text())
        run = Run(
            exit_code=ended["exit"],
            stdout=out.read_bytes().decode("utf-8", "backslashreplace"),
            stderr=err.read_bytes().decode("utf-8", "backslashreplace"),
            seconds=seconds,
            peak_mb=ended["maxrss"] / RSS_PER_MB,
        )
    # Shown with -rP or on failure: the figures of each case.
    print(f"{seconds:.2f} s, peak {run.peak_mb:.0f} MB, exit {run.exit_code}: {run.counts}")
    assert "Traceback" not in run.stderr, run.stderr[-3000:]
    assert run.exit_code in {0, 1, 2}, run.stdout[-3000:]
    assert run.peak_mb < memory_mb, f"peak memory {run.peak_mb:.0f} MB"
    return run


def check(plan: Path, *, limit: int = SHOWN, memory_mb: int = MEMORY_MB) -> Run:
    """`python -m ttuplan check PLAN`, bounded, and what every check must hold."""
    options = ["--color", "never"] + (["--max-diagnostics", str(limit)] if limit != SHOWN else [])
    run = bounded("check", *options, str(plan), memory_mb=memory_mb)
    assert run.stderr == "", run.stderr[-3000:]
    assert run.exit_code in {0, 1}, run.stdout[-3000:]
    assert set(run.shown) <= KNOWN_CODES
    assert len(run.shown) <= limit
    if run.hidden:
        assert len(run.shown) == limit
        assert f"(show them with --max-diagnostics {run.total})" in run.stdout
    assert run.stdout.endswith("\n")
    last = run.stdout.splitlines()[-1]
    assert last.startswith(f"{plan}: "), last
    assert (run.exit_code == 0) == ("error" not in last.removeprefix(f"{plan}: ")), last
    assert not any(c < " " and c != "\n" for c in run.stdout), "a control character was printed"
    return run


def write(folder: Path, files: dict[str, str | bytes]) -> Path:
    """Write the files (text as UTF-8, exactly as given) and return folder/plan.ttup."""
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return folder / "plan.ttup"


# ── a 10 MB line ────────────────────────────────────────────────────────────

# Made when the case runs (not at import, which would keep them all in memory).
TEN_MB_LINES: dict[str, tuple[Callable[[], str], dict[str, int]]] = {
    # A label of ten million characters once took 3 GB: the label's regular expression kept
    # a backtracking frame per character.
    "label": (lambda: HEADER + 'force polri "' + "x" * TEN_MB + '"\n', {"TP203": 1}),
    "label of escapes": (
        lambda: HEADER + 'force polri "' + '\\"' * (TEN_MB // 2) + '"\n',
        {"TP203": 1},
    ),
    "comment": (lambda: PLAN + "# " + "x" * TEN_MB + "\n", {}),
    # The message quotes the name; the report cuts a long quoted piece (it held 10 MB).
    "name": (lambda: HEADER + "force " + "a" * TEN_MB + ' "Polri"\n', {"TP203": 1}),
    # Close matches to suggest are not looked for (difflib indexed all of it: 450 MB).
    "misspelt keyword": (
        lambda: PLAN.replace("  final\n", "  final\n  strenght" + "h" * TEN_MB + " 4\n"),
        {"TP105": 1},
    ),
    "undefined name": (
        lambda: PLAN.replace("  force polri\n", "  force polri\n  parent " + "p" * TEN_MB + "\n"),
        {"TP201": 1},
    ),
    "number": (
        lambda: PLAN.replace("  final\n", "  strength " + "9" * TEN_MB + "\n"),
        {"TP111": 1},
    ),
    "unterminated label": (lambda: HEADER + 'force polri "' + "x" * TEN_MB + "\n", {"TP103": 1}),
    "bad characters": (lambda: PLAN + "@" * TEN_MB + "\n", {"TP102": 1}),
    # Five million bad characters between blanks: once a lexer error each, past the cap too.
    "bad characters between blanks": (lambda: PLAN + "@ " * (TEN_MB // 2) + "\n", {"TP102": 26}),
}


@pytest.mark.slow
@pytest.mark.parametrize("shape", TEN_MB_LINES)
def test_a_10_mb_line(tmp_path: Path, shape: str) -> None:
    make, expected = TEN_MB_LINES[shape]
    run = check(write(tmp_path, {"plan.ttup": make()}))
    assert run.counts == expected
    assert len(run.stdout) < 20_000  # the line is shown as a window, quoted names are cut
    if shape == "bad characters between blanks":
        assert f"... and {TEN_MB // 2 - 25} more characters or labels" in run.stdout


# ── 100,000 nested or repeated blocks ───────────────────────────────────────

NESTED = {
    "braces on one line": (HEADER + "{" * 100_000 + "\n", {"TP101": 1}, 0),
    "braces on their own lines": (HEADER + "{\n" * 100_000, {"TP101": 1}, 0),
    "closing braces": (HEADER + "}\n" * 100_000, {"TP101": 1}, 0),
    # Each block left open is reported up to the parser's cap, then "... and more".
    "blocks never closed": (PLAN + 'unit u "U" {\n' * 100_000, {"TP104": 50}, 1),
}


@pytest.mark.slow
@pytest.mark.parametrize("shape", NESTED)
def test_100_000_nested_blocks(tmp_path: Path, shape: str) -> None:
    text, expected, hidden = NESTED[shape]
    run = check(write(tmp_path, {"plan.ttup": text}))
    assert run.counts == expected
    assert run.hidden == hidden


@pytest.mark.slow
def test_100_000_repeated_blocks(tmp_path: Path) -> None:
    run = check(
        write(tmp_path, {"plan.ttup": PLAN + 'district d "D" {\n}\n' * 100_000}), memory_mb=1024
    )
    assert run.counts == {"TP202": SHOWN - 1, "TP203": 1}  # `d` is also never used
    assert run.total == 99_999 + 1


@pytest.mark.slow
def test_an_include_chain_2000_files_deep(tmp_path: Path) -> None:
    """Nested includes: once a RecursionError past a thousand files, now read as a list."""
    files: dict[str, str | bytes] = {"plan.ttup": PLAN + 'include "f0.ttup"\n'}
    files |= {f"f{i}.ttup": f'include "f{i + 1}.ttup"\n' for i in range(1999)}
    files["f1999.ttup"] = 'kind deepest "Deepest"\n'
    run = check(write(tmp_path, files))
    assert run.counts == {"TP203": 1}
    assert "f1999.ttup:1:6" in run.stdout and "`deepest` is never used" in run.stdout


# ── a million-digit number ──────────────────────────────────────────────────


MILLION_DIGITS = "9" * 10**6
MILLION_DIGIT_NUMBERS = {
    "whole": (PLAN.replace("  final\n", f"  final\n  strength {MILLION_DIGITS}\n"), "TP111"),
    "negative with a fraction": (
        PLAN.replace("  final\n", f"  final\n  strength -{MILLION_DIGITS}.5\n"),
        "TP111",
    ),
    "a duration": (HEADER + f'risk r "R" {{\n  reserve within {MILLION_DIGITS}m\n}}\n', "TP110"),
    "a count of people": (
        PLAN
        + f'phase p "P" 2024-02-14 .. 2024-02-15 {{\n  guard u with {MILLION_DIGITS} polri\n}}\n',
        "TP111",
    ),
}


@pytest.mark.parametrize("shape", MILLION_DIGIT_NUMBERS)
def test_a_million_digit_number(tmp_path: Path, shape: str) -> None:
    text, code = MILLION_DIGIT_NUMBERS[shape]
    run = check(write(tmp_path, {"plan.ttup": text}))
    assert run.counts == {code: 1}


def test_million_digit_coordinates(tmp_path: Path) -> None:
    text = PLAN + 'district d "D" {\n  at ' + "9" * 10**6 + ", 1." + "5" * 10**6 + "\n}\n"
    run = check(write(tmp_path, {"plan.ttup": text}))
    assert run.counts == {"TP111": 2}


def test_huge_numbers_in_a_table(tmp_path: Path) -> None:
    """Past Python's 4,300-digit limit on int(), and floats that overflow to infinity."""
    big = "9" * 100_000
    table = (
        "id,name,kind,district,risk,voters,lat,lon\n"
        f"t1,T 1,tps,d,r,{big},{big},1.{big}\nt2,T 2,tps,d,r,1,1e999,-1e999\n"
    )
    run = check(write(tmp_path, {"plan.ttup": SITES_PLAN, "tps.csv": table}))
    assert run.counts == {"TP304": 4}


# ── NUL bytes ───────────────────────────────────────────────────────────────


def test_nul_bytes_in_a_plan(tmp_path: Path) -> None:
    text = PLAN.replace("\n", "\x00\n") + "\x00" * 100_000 + 'kind k "K\x00"\n'
    run = check(write(tmp_path, {"plan.ttup": text}))
    assert run.counts == {"TP102": 9}
    assert "U+0000" in run.stdout and "\u2400" in run.stdout  # shown as ␀, never sent raw


@pytest.mark.parametrize("statement", ["include", "sites", "personnel"])
def test_a_nul_byte_in_a_file_name(tmp_path: Path, statement: str) -> None:
    """The operating system refuses such a path outright: once a ValueError traceback."""
    run = check(write(tmp_path, {"plan.ttup": PLAN + f'{statement} "a\x00b.ttup"\n'}))
    assert run.counts == {"TP001": 1}
    assert "a file name cannot hold a NUL character" in run.stdout


def test_nul_bytes_in_a_table(tmp_path: Path) -> None:
    table = SITES_HEADER + "t1,T\x001,tps,d,r\nt2\x00,T 2,tps,d,r\n\x00\x00\x00\n"
    run = check(write(tmp_path, {"plan.ttup": SITES_PLAN, "tps.csv": table}))
    assert run.counts == {"TP304": 1, "TP305": 1}


@pytest.mark.slow
def test_a_plan_saved_as_utf16_without_a_byte_order_mark(tmp_path: Path) -> None:
    """Valid UTF-8 with a NUL after every character: capped, with a count of the rest."""
    run = check(write(tmp_path, {"plan.ttup": (PLAN * 2_000).encode("utf-16-le")}))
    assert run.counts["TP102"] == 26
    assert "more characters or labels that could not be read" in run.stdout


# ── invalid UTF-8 ───────────────────────────────────────────────────────────

INVALID_UTF8 = {
    "a byte that starts no character": PLAN.encode() + b'kind k "\xff\xfe"\n',
    "a character cut off at the end": PLAN.encode() + b'kind k "\xe2\x82',
    "an overlong encoding": PLAN.encode() + b'kind k "\xc0\xaf"\n',
    "an encoded surrogate": PLAN.encode() + b'kind k "\xed\xa0\x80"\n',
    "Latin-1": (PLAN + 'kind k "Kécamatan"\n').encode("latin-1"),
    "UTF-16 with its byte order mark": PLAN.encode("utf-16"),
}


@pytest.mark.parametrize("content", INVALID_UTF8)
def test_invalid_utf8(tmp_path: Path, content: str) -> None:
    run = check(write(tmp_path, {"plan.ttup": INVALID_UTF8[content]}))
    assert run.counts == {"TP004": 1}
    assert "is not UTF-8 text" in run.stdout


@pytest.mark.slow
def test_invalid_utf8_after_a_million_lines(tmp_path: Path) -> None:
    data = PLAN.encode() + b"# a comment\n" * 1_000_000 + b"\x80\n"
    run = check(write(tmp_path, {"plan.ttup": data}))
    assert run.counts == {"TP004": 1}
    assert "plan.ttup:1000009:1" in run.stdout


def test_invalid_utf8_in_an_included_file_and_a_table(tmp_path: Path) -> None:
    run = check(
        write(
            tmp_path,
            {
                "plan.ttup": SITES_PLAN + 'include "more.ttup"\n',
                "more.ttup": b'kind k "\xff"\n',
                "tps.csv": SITES_HEADER.encode() + b"t1,\xff,tps,d,r\n",
            },
        )
    )
    assert run.counts == {"TP004": 1}  # the included file; the table is not read after it
    plan = write(
        tmp_path / "table", {"plan.ttup": SITES_PLAN, "tps.csv": SITES_HEADER.encode() + b"\xff\n"}
    )
    assert check(plan).counts["TP004"] == 1


# ── a byte order mark ───────────────────────────────────────────────────────


@pytest.mark.parametrize(
    "text",
    [
        "\ufeff" + PLAN,
        "\ufeff\ufeff" + PLAN,  # a second one is a blank
        PLAN.replace("force polri", "force\ufeffpolri"),
        "\ufeff" + PLAN.replace("\n", "\r\n"),
    ],
    ids=["at the start", "twice", "between words", "with CRLF"],
)
def test_a_byte_order_mark(tmp_path: Path, text: str) -> None:
    run = check(write(tmp_path, {"plan.ttup": text}))
    assert run.exit_code == 0 and run.shown == []
    assert run.stdout.endswith(": no problems (0 sites, 1 unit, 0 rayons, 0 phases)\n")


def test_a_byte_order_mark_in_an_included_file_and_a_table(tmp_path: Path) -> None:
    run = check(
        write(
            tmp_path,
            {
                "plan.ttup": "\ufeff" + SITES_PLAN + 'include "more.ttup"\n',
                "more.ttup": '\ufeffphase ph "P" 2024-02-14 .. 2024-02-14 {\n'
                "  guard tps by risk\n}\n",
                "tps.csv": "\ufeff" + SITES_HEADER + "t1,T 1,tps,d,r\n",
            },
        )
    )
    assert run.shown == ["TP401"]  # both were read: a phase guards the table's site in `d`


def test_an_error_after_a_byte_order_mark_points_at_its_column(tmp_path: Path) -> None:
    run = check(write(tmp_path, {"plan.ttup": "\ufeff" + PLAN + "force polri Polri\n"}))
    assert run.shown == ["TP106"]
    assert "plan.ttup:9:13" in run.stdout


# ── CRLF line ends ──────────────────────────────────────────────────────────


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["CRLF", "CR alone"])
def test_crlf_line_ends(tmp_path: Path, newline: str) -> None:
    run = check(write(tmp_path, {"plan.ttup": PLAN.replace("\n", newline)}))
    assert run.exit_code == 0 and run.shown == []


def test_an_error_in_a_crlf_file_is_where_it_is_with_lf(tmp_path: Path) -> None:
    text = PLAN + 'unit v "V" {\n  strength = 4\n}\n'
    lf = check(write(tmp_path / "lf", {"plan.ttup": text}))
    crlf = check(write(tmp_path / "crlf", {"plan.ttup": text.replace("\n", "\r\n")}))
    assert crlf.shown == lf.shown == ["TP107"]
    # No \r and no ␍: the same report.
    assert crlf.stdout.replace(str(tmp_path / "crlf"), str(tmp_path / "lf")) == lf.stdout


def test_an_error_in_a_file_of_cr_line_ends(tmp_path: Path) -> None:
    """Old Mac line ends are line ends: the error is on its own line, as with LF."""
    text = PLAN + 'unit v "V" {\n  strength = 4\n}\n'
    lf = check(write(tmp_path / "lf", {"plan.ttup": text}))
    cr = check(write(tmp_path / "cr", {"plan.ttup": text.replace("\n", "\r")}))
    assert cr.shown == lf.shown == ["TP107"]
    assert cr.stdout.replace(str(tmp_path / "cr"), str(tmp_path / "lf")) == lf.stdout


def test_a_comment_in_a_file_of_cr_line_ends_ends_at_its_line(tmp_path: Path) -> None:
    """Read as one line, everything after the first `#` was a comment: no problems."""
    text = (PLAN + '# a comment\nforce polri "Polri again"\n').replace("\n", "\r")
    run = check(write(tmp_path, {"plan.ttup": text}))
    assert run.shown == ["TP202"]
    assert "plan.ttup:10:7" in run.stdout


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["CRLF", "CR alone"])
def test_crlf_in_a_table(tmp_path: Path, newline: str) -> None:
    table = (SITES_HEADER + "t1,T 1,tps,d,r\nt2,T 2,tps,d\n").replace("\n", newline)
    run = check(write(tmp_path, {"plan.ttup": SITES_PLAN, "tps.csv": table}))
    assert run.counts == {"TP305": 1}
    assert "tps.csv:3:1" in run.stdout


# ── an include outside the plan folder ──────────────────────────────────────


@pytest.mark.parametrize(
    "statement",
    [
        'include "../outside.ttup"',
        'include "parts/../../outside.ttup"',
        'include "{outside}"',
        'sites "../outside.ttup"',
        'personnel "{outside}"',
        'include "/etc/passwd"',
        'include "/dev/zero"',
    ],
)
def test_an_include_outside_the_plan_folder(tmp_path: Path, statement: str) -> None:
    outside = tmp_path / "outside.ttup"
    outside.write_text('kind secret "SECRET CONTENT"\n', encoding="utf-8")
    (tmp_path / "plan" / "parts").mkdir(parents=True)
    text = PLAN + statement.format(outside=outside) + "\n"
    run = check(write(tmp_path / "plan", {"plan.ttup": text}))
    assert run.counts == {"TP002": 1}
    assert "SECRET" not in run.stdout


# ── an include through a symbolic link ──────────────────────────────────────


@pytest.mark.parametrize(
    ("statement", "link", "to", "expected"),
    [
        ('include "link.ttup"', "link.ttup", "../outside.ttup", "TP002"),
        ('sites "data/tps.csv"', "data", "../elsewhere", "TP002"),
        ('include "zero.ttup"', "zero.ttup", "/dev/zero", "TP002"),
        ('include "loop.ttup"', "loop.ttup", "loop.ttup", "TP001"),
        ('include "dangling.ttup"', "dangling.ttup", "nowhere.ttup", "TP001"),
        ('include "parts/../link.ttup"', "link.ttup", "../outside.ttup", "TP002"),
    ],
    ids=["to a file outside", "to a folder outside", "to a device", "to itself", "dangling", ".."],
)
def test_an_include_through_a_symbolic_link(
    tmp_path: Path, statement: str, link: str, to: str, expected: str
) -> None:
    (tmp_path / "outside.ttup").write_text('kind secret "SECRET CONTENT"\n', encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "tps.csv").write_text(SITES_HEADER + "secret,SECRET,tps,d,r\n")
    plan = write(tmp_path / "plan", {"plan.ttup": PLAN + statement + "\n"})
    (tmp_path / "plan" / "parts").mkdir()
    os.symlink(to, tmp_path / "plan" / link)
    run = check(plan)
    assert run.counts == {expected: 1}
    assert "SECRET" not in run.stdout


def test_a_named_pipe_is_not_read(tmp_path: Path) -> None:
    """Reading a FIFO would wait for a writer forever: it is not a file, so not read."""
    plan = write(tmp_path, {"plan.ttup": PLAN + 'include "pipe.ttup"\n'})
    os.mkfifo(tmp_path / "pipe.ttup")
    assert check(plan).counts == {"TP001": 1}


def test_a_symbolic_link_that_stays_inside_is_followed(tmp_path: Path) -> None:
    plan = write(
        tmp_path, {"plan.ttup": PLAN + 'include "alias.ttup"\n', "real.ttup": 'kind k "K"\n'}
    )
    os.symlink("real.ttup", tmp_path / "alias.ttup")
    assert check(plan).counts == {"TP203": 1}


# ── an include cycle ────────────────────────────────────────────────────────


def test_a_file_that_includes_itself(tmp_path: Path) -> None:
    run = check(write(tmp_path, {"plan.ttup": PLAN + 'include "plan.ttup"\n'}))
    assert run.counts == {"TP003": 1}


def test_an_include_cycle_through_a_symbolic_link(tmp_path: Path) -> None:
    plan = write(
        tmp_path, {"plan.ttup": PLAN + 'include "a.ttup"\n', "a.ttup": 'include "link.ttup"\n'}
    )
    os.symlink("a.ttup", tmp_path / "link.ttup")
    assert check(plan).counts == {"TP003": 1}


@pytest.mark.parametrize("files", [2, 100, pytest.param(1000, marks=pytest.mark.slow)])
def test_an_include_cycle(tmp_path: Path, files: int) -> None:
    ring: dict[str, str | bytes] = {"plan.ttup": PLAN + 'include "f0.ttup"\n'}
    ring |= {f"f{i}.ttup": f'include "f{(i + 1) % files}.ttup"\n' for i in range(files)}
    run = check(write(tmp_path, ring))
    assert run.counts == {"TP003": 1}
    assert f"f{files - 1}.ttup -> " in run.stdout  # the loop is named whole


# ── a table with a million bad rows ─────────────────────────────────────────


@pytest.mark.slow
@pytest.mark.parametrize(
    ("plan_text", "table", "header"),
    [
        (SITES_PLAN, "tps.csv", SITES_HEADER),
        (PERSONNEL_PLAN, "people.csv", "nrp,name,rank,unit,phone\n"),
    ],
    ids=["sites", "personnel"],
)
def test_a_table_with_a_million_bad_rows(
    tmp_path: Path, plan_text: str, table: str, header: str
) -> None:
    rows = header + "x,y\n" * 1_000_000
    # The table caps its own problems: 40 rows, then one diagnostic with the count, which
    # the text report shows within its own cap of 50.
    run = check(write(tmp_path, {"plan.ttup": plan_text, table: rows}))
    assert run.counts["TP305"] == 40 and run.counts["TP308"] == 1
    assert run.total < SHOWN  # so nothing, the count included, is cut from the report
    assert "... and 999,960 more bad rows" in run.stdout
    assert "1,000,000 bad rows in all" in run.stdout


# ── a file past the size limit ──────────────────────────────────────────────


@pytest.mark.slow
def test_a_table_past_the_size_limit(tmp_path: Path) -> None:
    """One byte past 256 MiB (a sparse file): refused once the limit is read, not decoded."""
    from ttuplan.resolve.files import MAX_FILE_BYTES

    plan = write(tmp_path, {"plan.ttup": SITES_PLAN})
    with (tmp_path / "tps.csv").open("wb") as table:
        table.truncate(MAX_FILE_BYTES + 1)
    run = check(plan)
    assert run.counts["TP006"] == 1
    assert "tps.csv` is too large" in run.stdout and "over 256 MiB" in run.stdout


# ── a cell past the csv module's limit of 131,072 characters ───────────────
# csv.reader refuses a field over its limit ("field larger than field limit"): the table
# reports the row where the runaway cell starts and reads no further.

OVERSIZED_CELLS: dict[str, Callable[[], str]] = {
    "a 10 MB cell": lambda: SITES_HEADER + "t1," + "x" * TEN_MB + ",tps,d,r\n",
    # One stray quote: the cell runs on over every row after it.
    "a quote never closed": lambda: SITES_HEADER + 't0,"T 0,tps,d,r\n' + "t1,T,tps,d,r\n" * 20_000,
    "a million-digit number": lambda: (
        "id,name,kind,district,risk,voters\nt1,T 1,tps,d,r," + "9" * 10**6 + "\n"
    ),
}


@pytest.mark.parametrize("table", OVERSIZED_CELLS)
def test_a_table_cell_past_the_csv_field_limit(tmp_path: Path, table: str) -> None:
    run = check(write(tmp_path, {"plan.ttup": SITES_PLAN, "tps.csv": OVERSIZED_CELLS[table]()}))
    assert run.exit_code == 1
    assert "TP305" in run.shown or "TP304" in run.shown


# ── time and the allocation (issue 16's cost items of the check stage) ──────


@pytest.mark.slow
def test_thousands_of_overlapping_phases(tmp_path: Path) -> None:
    """100 units and 1,500 phases that all overlap, a reserve and a top-level guard in all
    of them: counted per interval (3,000 intervals), allocated as one integer program.
    The check that summed every pair of overlapping phases took 20 s; this one about 3."""
    lines = [
        HEADER,
        'force polri "Polri"\nkind kpu "KPU"\nrisk r "R" {\n  polri 1 per kpu\n}\n',
        'district d "D"\nsite k "KPU" {\n  kind kpu\n  district d\n  risk r\n}\n',
        "guard kpu with 2 polri\n",
        "shift pagi 06:00 .. 18:00\nshift malam 18:00 .. 06:00\n",
        *(
            f'unit u{i} "U{i}" {{\n  force polri\n  strength 10\n  covers d\n  final\n}}\n'
            for i in range(100)
        ),
        'rayon r1 "R1" {\n  post "Pos" in d\n  districts d\n  reserve 5 from u0, u1\n'
        "  escalates to u0\n}\n",
    ]
    start = dt.datetime(2024, 1, 1)
    for i in range(1500):
        begins = start + dt.timedelta(hours=i)
        ends = begins + dt.timedelta(days=90)
        lines.append(f'phase p{i} "P{i}" {begins:%Y-%m-%d %H:%M} .. {ends:%Y-%m-%d %H:%M}\n')
    run = check(write(tmp_path, {"plan.ttup": "".join(lines)}))
    assert run.counts == Counter()
    assert run.seconds < 20


def test_shifts_over_thousands_of_years(tmp_path: Path) -> None:
    """A phase of 8,000 years with a shift that leaves a gap every day, and a person on two
    shifts of two overlapping 30-year phases: counted from the daily pattern, not day by
    day (that took 135 s and 1.3 GB, and more than 600 s for the person)."""
    plan = (
        PLAN.replace("  final\n", "  strength 5\n  final\n")
        + 'phase a "A" 2000-01-01 .. 9999-12-30 {\n  shift pagi 06:00 .. 18:00\n}\n'
        + 'phase b "B" 2000-01-01 .. 2030-01-01 {\n  shift siang 12:00 .. 20:00\n'
        + "  shift malam 20:00 .. 12:00\n}\n"
        + 'personnel "people.csv"\n'
    )
    people = "nrp,name,rank,unit,phone,shift\n80010001,Yosef Taek,BRIPDA,u,,pagi;siang\n"
    run = check(write(tmp_path, {"plan.ttup": plan, "people.csv": people}))
    assert run.counts == Counter({"TP603": 1, "TP605": 1})
    assert "(2,921,940 such gaps in all)" in run.stdout
    assert run.seconds < 10


def test_the_first_and_last_moments_of_the_calendar(tmp_path: Path) -> None:
    """A phase from 0001-01-01 with shifts, another to the last hours of 9999-12-31, and a
    unit there until then: no arithmetic past the calendar's ends."""
    plan = (
        PLAN.replace("  final\n", "  strength 5\n  final\n  available until 9999-12-31 12:00\n")
        + 'phase a "A" 0001-01-01 00:00 .. 9999-12-31 00:00 {\n'
        + "  shift pagi 06:00 .. 18:00\n  shift malam 18:00 .. 06:00\n}\n"
        + 'phase b "B" 9999-12-30 00:00 .. 9999-12-31 12:00\n'
    )
    run = check(write(tmp_path, {"plan.ttup": plan}))
    assert run.counts == Counter()


def test_a_reserve_bound_wider_than_the_world(tmp_path: Path) -> None:
    """`reserve within 999999h` with 2,000 sites and 50 rayon posts: the search for nearby
    reserves stops at the cells that have any (it grew with the square of the bound)."""
    lines = [
        HEADER,
        'force polri "Polri"\nkind tps "TPS"\n',
        'risk r "R" {\n  polri 1 per tps\n  reserve within 999999h\n}\ndistrict d "D"\n',
        *(
            f'site s{i} "S" {{\n  kind tps\n  district d\n  risk r\n'
            f"  at {-9 - i * 0.01:.4f}, {124 + i * 0.01:.4f}\n}}\n"
            for i in range(2000)
        ),
        'unit u "U" {\n  force polri\n  strength 3000\n  covers d\n  final\n}\n',
        *(
            f'rayon r{j} "R{j}" {{\n  post "P" in d at {-9 - j * 0.3:.4f}, {124 + j * 0.3:.4f}\n'
            "  districts d\n  reserve 1 from u\n  escalates to u\n}\n"
            for j in range(50)
        ),
        'phase p "P" 2024-02-14 06:00 .. 2024-02-15 06:00 {\n  guard tps by risk\n}\n',
    ]
    run = check(write(tmp_path, {"plan.ttup": "".join(lines)}))
    assert run.counts == Counter()
    assert run.seconds < 10


@pytest.mark.slow
def test_an_escalation_loop_of_fifty_thousand_units(tmp_path: Path) -> None:
    """One TP501 for a loop through 50,000 units lists 12 hops and counts the rest (it
    printed 4.6 MB)."""
    count = 50_000
    units = "".join(
        f'unit u{i} "U" {{\n  force polri\n  escalates to u{(i + 1) % count}\n}}\n'
        for i in range(count)
    )
    plan = HEADER + 'force polri "Polri"\n' + units + 'unit top "T" {\n  force polri\n  final\n}\n'
    run = check(write(tmp_path, {"plan.ttup": plan + 'phase p "P" 2024-02-14 .. 2024-02-15\n'}))
    assert run.counts == Counter({"TP501": 1})
    assert "(49,988 more hops)" in run.stdout
    assert len(run.stdout) < 5_000


# ── named pipes where a plan file is looked for ─────────────────────────────
# Opening a pipe for reading waits for a writer: fmt, build and graph waited for ever.


def test_fmt_of_a_folder_with_a_named_pipe(tmp_path: Path) -> None:
    write(tmp_path, {"plan.ttup": PLAN})
    os.mkfifo(tmp_path / "pipe.ttup")
    run = bounded("fmt", str(tmp_path))
    assert run.exit_code == 1
    assert "cannot read `" in run.stderr and "pipe.ttup`: a named pipe, not a file" in run.stderr


@pytest.mark.parametrize("command", ["check", "build", "graph"])
def test_a_plan_file_that_is_a_named_pipe(tmp_path: Path, command: str) -> None:
    os.mkfifo(tmp_path / "plan.ttup")
    extra = ["-o", str(tmp_path / "out")] if command == "build" else []
    run = bounded(command, str(tmp_path), *extra)
    assert run.exit_code == 1
    assert "a named pipe, not a file" in run.stdout


def test_fmt_of_a_link_to_dev_zero(tmp_path: Path) -> None:
    """Read to the end, /dev/zero ended in a MemoryError; named, it is not read at all."""
    os.symlink("/dev/zero", tmp_path / "zero.ttup")
    run = bounded("fmt", str(tmp_path / "zero.ttup"))
    assert run.exit_code == 1
    run = bounded("fmt", "/dev/zero")
    assert run.exit_code == 1 and "a device, not a file" in run.stderr


# ── tables that cost more than their size ───────────────────────────────────

DISTRICTS = 5_000


def _many_districts(folder: Path, table: str) -> Path:
    districts = "".join(f'district kecamatan_{i:05d} "K {i}"\n' for i in range(DISTRICTS))
    return write(folder, {"plan.ttup": SITES_PLAN + districts, "tps.csv": table})


def test_a_thousand_misspelt_districts_among_5000(tmp_path: Path) -> None:
    """ "Did you mean" ran for every bad row, though 40 are listed: 204 s."""
    rows = "".join(f"t{i},T {i},tps,kecamatan_{i:05d}x,r\n" for i in range(1_000))
    run = check(_many_districts(tmp_path, SITES_HEADER + rows), limit=DISTRICTS + 100)
    assert run.counts["TP302"] == 40 and run.counts["TP308"] == 1
    assert "did you mean `kecamatan_00000`?" in run.stdout
    assert run.seconds < 20


def test_a_30000_site_table_with_its_districts_in_capitals(tmp_path: Path) -> None:
    """Every row went the slow path with a "did you mean": 25 s against 1.2 s."""
    rows = "".join(f"t{i},T {i},tps,KECAMATAN_{i % DISTRICTS:05d},r\n" for i in range(30_000))
    run = check(_many_districts(tmp_path, SITES_HEADER + rows), limit=DISTRICTS + 100)
    assert run.counts["TP302"] == 40 and run.counts["TP308"] == 1
    assert "did you mean `kecamatan_00000`?" in run.stdout
    assert run.seconds < 10


def test_a_header_of_20000_unknown_columns(tmp_path: Path) -> None:
    """A TP306 per column, each with a "did you mean" and the header scanned again: 99 s
    and 20,003 warnings. Now 10, then one that counts the rest."""
    columns = ",".join(f"extra{i}" for i in range(20_000))
    table = f"id,name,kind,district,risk,{columns}\nt1,T 1,tps,d,r" + "," * 20_000 + "\n"
    run = check(write(tmp_path, {"plan.ttup": SITES_PLAN, "tps.csv": table}))
    assert run.counts == {"TP306": 11}
    assert "... and 19,990 more columns ttuplan does not use" in run.stdout
    assert run.seconds < 20


def test_a_header_that_repeats_a_column_20000_times(tmp_path: Path) -> None:
    table = "id,name,kind,district,risk" + ",risk" * 20_000 + "\n"
    run = check(write(tmp_path, {"plan.ttup": SITES_PLAN, "tps.csv": table}))
    assert run.counts == {"TP309": 10, "TP203": 2}  # the table is not read: `d`, `r` unused


# ── numbers past plausibility ───────────────────────────────────────────────


@pytest.mark.parametrize(
    "statement",
    [
        "guard tps with 1000000 polri",
        'risk r2 "R2" {\n  polri 1000000 per tps\n}',
        'unit big "Big" {\n  force polri\n  strength 5000000\n  final\n}',
        'rayon ry "Ry" {\n  districts d\n  reserve 5000000 from u\n  escalates to u\n}',
    ],
    ids=["guard", "rule", "strength", "reserve"],
)
def test_a_number_of_people_past_plausibility(tmp_path: Path, statement: str) -> None:
    """`guard tps with 1000000 polri`, a 400-byte plan, wrote a 115 MB rosters.csv."""
    table = SITES_HEADER + "t1,T 1,tps,d,r\n"
    plan = write(tmp_path, {"plan.ttup": SITES_PLAN + statement + "\n", "tps.csv": table})
    run = check(plan)
    assert run.counts["TP207"] == 1
    assert "than ttuplan accepts" in run.stdout
    built = bounded("build", str(plan), "-o", str(tmp_path / "out"), "--formats", "csv")
    assert built.exit_code == 1 and not (tmp_path / "out").exists()


# ── a command hierarchy of 50,000 units ─────────────────────────────────────


def test_a_parent_loop_of_50000_units(tmp_path: Path) -> None:
    """Named by its first units and a count, not by all of them."""
    units = "".join(
        f'unit u{i} "U" {{\n  force polri\n  parent u{(i + 1) % 50_000}\n  final\n}}\n'
        for i in range(50_000)
    )
    run = check(write(tmp_path, {"plan.ttup": HEADER + 'force polri "Polri"\n' + units}))
    assert run.counts == {"TP208": 1}
    assert "-> ... (49,990 more) -> `u0`" in run.stdout
    assert len(run.stdout) < 10_000


def test_a_parent_chain_50000_deep(tmp_path: Path) -> None:
    units = "".join(
        f'unit u{i} "U" {{\n  force polri\n'
        + (f"  parent u{i - 1}\n" if i else "")
        + "  final\n}\n"
        for i in range(50_000)
    )
    run = check(write(tmp_path, {"plan.ttup": HEADER + 'force polri "Polri"\n' + units}))
    assert run.exit_code == 0


# ── N-1 contingency over thousands of units ──────────────────────────────────


@pytest.mark.slow
def test_survive_the_loss_of_any_of_10000_units(tmp_path: Path) -> None:
    """Each unit staffs its own district alone, so losing any one of them leaves a
    district short: 10,000 losses, each solved again in its own component (never the
    whole plan again; once 3 minutes, quadratic), listed up to the code's cap of 100."""
    count = 10_000
    parts = [
        HEADER.replace("}\n", "  survive loss of any unit, any rayon\n}\n", 1),
        'force polri "Polri"\nkind tps "TPS"\nrisk b "B" {\n  polri 1 per tps\n'
        "  reserve within 30m\n}\n",
        'phase p "P" 2024-02-14 06:00 .. 2024-02-15 06:00 {\n  guard tps by risk\n}\n',
    ]
    for i in range(count):
        where = f"at -9.{i % 90:02d}, 124.{i % 97:02d}"
        parts.append(
            f'district d{i} "D" {{\n  {where}\n}}\n'
            f'site s{i} "S" {{\n  kind tps\n  district d{i}\n  risk b\n  {where}\n}}\n'
            f'unit u{i} "U" {{\n  force polri\n  strength 2\n  covers d{i}\n  final\n}}\n'
        )
    for i in range(50):
        parts.append(
            f'rayon r{i} "R" {{\n  post "P" in d{i} at -9.{i:02d}, 124.{i:02d}\n'
            f"  districts d{i}\n  reserve 1 from u{i}\n  escalates to u0\n}}\n"
        )
    run = check(write(tmp_path, {"plan.ttup": "".join(parts)}))
    assert run.exit_code == 1
    assert run.counts == {"TP410": 50}  # the first 50 shown: a unit's loss each


# ── a PDF of a thousand sheets ──────────────────────────────────────────────


@pytest.mark.slow
def test_a_rosters_pdf_of_a_thousand_sheets_is_compiled_in_bounded_memory(
    tmp_path: Path,
) -> None:
    """3,000 sites took 2.7 GB and 30,000 passed 24 GB: typst kept every page it laid out
    in the build's own process. Now each part of 30 sheets is compiled in a child that
    gives its memory back, and the briefing's annex stops at 1,000 posts."""
    districts = "".join(f'district d{n} "D{n}"\n' for n in range(40))
    rows = "".join(f"s{n},TPS {n},tps,d{n % 40},v{n % 200},r\n" for n in range(3_000))
    plan = write(
        tmp_path,
        {
            "plan.ttup": HEADER.replace("}", "  duty limit 48h\n}")
            + 'force polri "Polri"\nkind tps "TPS"\nrisk r "R" {\n  polri 1 per 3 tps\n}\n'
            + districts
            + 'sites "tps.csv"\nunit u "U" {\n  force polri\n  strength 2000\n'
            + "  covers all\n  final\n}\n"
            + 'phase p "P" 2024-02-14 06:00 .. 2024-02-15 12:00 {\n  guard tps by risk\n}\n',
            "tps.csv": SITES_HEADER.replace("risk", "village,risk") + rows,
        },
    )
    run = bounded(
        "build", str(plan), "-o", str(tmp_path / "out"), "--formats", "pdf", "-q",
        memory_mb=400, timeout=300,
    )  # fmt: skip
    assert run.exit_code == 0, run.stderr
    assert run.peak_mb < 300, run.peak_mb  # the build or any one typst child
    import pypdf

    pages = len(pypdf.PdfReader(tmp_path / "out" / "rosters.pdf").pages)
    assert pages > 1_000
