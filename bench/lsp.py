"""The language server, measured: keystroke to diagnostics through `ttuplan lsp` beside a
plain in-process `check` of the same plan, and the server's memory with a plan open beside
`ttuplan check`'s peak.

    python bench/lsp.py                         # TTU and 100,000 sites; memory at national size
    python bench/lsp.py --sizes ttu --memory ttu --keystrokes 20

A keystroke types a digit into the first `strength` of the plan's units file and the next
one deletes it, so that every check is a full one (a plan with an error stops before the
allocation and would flatter the server); keystrokes come 100 ms apart (`--pace-ms`: a
fast typist; one in-process check of the plan is timed in each pause, so that both
see the same load), and on TTU also back to back, where the server's debounce holds
each one for 10 ms. The round trip is from sending `didChange` to receiving the
`publishDiagnostics` of that version.
Targets (issue 14): on TTU the median round trip at most 2x the in-process check, and its
95th percentile under 150 ms; the server's memory with the national plan open at most
1.5x the peak of `ttuplan check` on it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import (  # bench/ is not a package: run.py is found beside this file
    NATIONAL_SITES,
    PlanCase,
    parse_size,
    prepare,
    progress,
    run_measured,
    ttuplan_command,
)

ROUND_TRIP_RATIO = 2.0
ROUND_TRIP_P95_MS = 150.0
MEMORY_RATIO = 1.5


class Server:
    """`ttuplan lsp` in a child process, spoken to over its pipes."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [ttuplan_command(), "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        self.next_id = 0
        self.request("initialize", {"processId": os.getpid(), "capabilities": {}})
        self.notify("initialized", {})

    def send(self, message: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n%b" % (len(body), body))
        self.process.stdin.flush()

    def receive(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        length = 0
        while line := self.process.stdout.readline().strip():
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        if not length:
            raise SystemExit("bench: the server closed its output")
        message: dict[str, Any] = json.loads(self.process.stdout.read(length))
        return message

    def request(self, method: str, params: dict[str, Any]) -> Any:
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        while True:
            message = self.receive()
            if message.get("id") == self.next_id and "method" not in message:
                return message.get("result")

    def notify(self, method: str, params: dict[str, Any]) -> None:
        self.send({"method": method, "params": params})

    def diagnostics(self, uri: str, version: int) -> list[Any]:
        """Wait for the diagnostics of one version of a document."""
        while True:
            message = self.receive()
            params = message.get("params") or {}
            if (
                message.get("method") == "textDocument/publishDiagnostics"
                and params.get("uri") == uri
                and params.get("version") == version
            ):
                return list(params["diagnostics"])

    def memory(self) -> tuple[float, float]:
        """Resident and peak resident memory now, in MiB (Linux /proc)."""
        found = {}
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            name, _, value = line.partition(":")
            if name in {"VmRSS", "VmHWM"}:
                found[name] = int(value.split()[0]) / 1024
        return found["VmRSS"], found["VmHWM"]

    def close(self) -> None:
        self.request("shutdown", {})
        self.notify("exit", {})
        self.process.wait(timeout=60)


@dataclass
class Typing:
    label: str
    check_ms: list[float]
    round_trip_ms: list[float]
    opened_s: float

    @property
    def check(self) -> float:
        return statistics.median(self.check_ms)

    @property
    def median(self) -> float:
        return statistics.median(self.round_trip_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.round_trip_ms)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def copy_plan(case: PlanCase, scratch: Path) -> Path:
    """A copy of the plan to type into (the cached plans stay as generated)."""
    target = scratch / case.label
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(case.folder, target)
    return target


def in_process_check(folder: Path) -> float:
    """Milliseconds of one `check_plan` of the plan in this process."""
    from ttuplan.api import check_plan

    started = time.perf_counter()
    result = check_plan(str(folder))
    elapsed = (time.perf_counter() - started) * 1000
    if result.errors:
        raise SystemExit(f"bench: {folder} has errors")
    return elapsed


def measure_typing(
    case: PlanCase, keystrokes: int, check_ms: list[float], scratch: Path, pace: float
) -> Typing:
    """Keystrokes `pace` ms apart; with a pace, one in-process check of the plan is made
    in each pause (appended to `check_ms`), so that both see the machine's same load."""
    folder = copy_plan(case, scratch)
    units = folder / "units.ttup"
    text = units.read_text(encoding="utf-8")
    at = text.index("strength ") + len("strength ")
    at = next(i for i in range(at, len(text)) if not text[i].isdigit())
    typed = text[:at] + "7" + text[at:]
    uri = units.resolve().as_uri()
    progress(f"{case.label}: opening {units.name} in the server, then {keystrokes} keystrokes")
    server = Server()
    started = time.perf_counter()
    server.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": "ttuplan", "version": 1, "text": text}},
    )
    if server.diagnostics(uri, 1):
        raise SystemExit(f"bench: {case.label} is not clean in the server")
    opened = time.perf_counter() - started
    round_trips = []
    for version in range(2, keystrokes + 2):
        content = typed if version % 2 == 0 else text
        if pace:  # the writer's next keystroke comes after a pause
            paused = time.perf_counter()
            check_ms.append(in_process_check(case.folder))
            time.sleep(max(pace / 1000 - (time.perf_counter() - paused), 0))
        started = time.perf_counter()
        server.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"text": content}],
            },
        )
        server.diagnostics(uri, version)
        round_trips.append((time.perf_counter() - started) * 1000)
    server.close()
    label = case.label if pace else f"{case.label}, keystrokes back to back"
    return Typing(label, check_ms, round_trips, opened)


@dataclass
class Memory:
    label: str
    check_mib: float
    resident_mib: float
    peak_mib: float
    opened_s: float
    typing_peak_mib: float
    recheck_s: float


def measure_memory(case: PlanCase) -> Memory:
    progress(f"{case.label}: ttuplan check (peak memory)")
    check = run_measured([ttuplan_command(), "check", "--quiet", str(case.folder)])
    entry = (case.folder / "plan.ttup").resolve()
    progress(f"{case.label}: the server with {entry.name} open")
    server = Server()
    started = time.perf_counter()
    uri = entry.as_uri()
    server.notify(
        "textDocument/didOpen",
        {
            "textDocument": {
                "uri": uri,
                "languageId": "ttuplan",
                "version": 1,
                "text": entry.read_text(encoding="utf-8"),
            }
        },
    )
    server.diagnostics(uri, 1)
    opened = time.perf_counter() - started
    time.sleep(1.0)  # let it settle (the worker thread's garbage, if any, freed)
    resident, peak = server.memory()
    progress(f"{case.label}: one keystroke (a check while the last one is still held)")
    started = time.perf_counter()
    server.notify(
        "textDocument/didChange",
        {
            "textDocument": {"uri": uri, "version": 2},
            "contentChanges": [{"text": entry.read_text(encoding="utf-8") + "\n"}],
        },
    )
    server.diagnostics(uri, 2)
    rechecked = time.perf_counter() - started
    _, typing_peak = server.memory()
    server.close()
    return Memory(case.label, check.mib, resident, peak, opened, typing_peak, rechecked)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def report(typing: Sequence[Typing], memory: Sequence[Memory]) -> None:
    print(
        "| plan | check in-process ms | keystroke→diagnostics median ms | p95 ms | ratio | open s |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for row in typing:
        print(
            f"| {row.label} | {row.check:.1f} | {row.median:.1f} | {row.p95:.1f} | "
            f"{row.median / row.check:.2f}x | {row.opened_s:.2f} |"
        )
    if memory:
        print()
        print(
            "| plan | `check` peak MiB | server resident MiB | peak, opening | "
            "peak, after a keystroke | open s | keystroke s |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|")
        for row in memory:
            print(
                f"| {row.label} | {row.check_mib:.0f} | {row.resident_mib:.0f} | "
                f"{row.peak_mib:.0f} | {row.typing_peak_mib:.0f} | {row.opened_s:.1f} | "
                f"{row.recheck_s:.1f} |"
            )
    print()
    print("| target | measured | limit | |")
    print("|---|---:|---:|---|")
    for row in typing:
        if row.label == "ttu":
            ratio = row.median / row.check
            print(
                f"| TTU keystroke→diagnostics / in-process check (median) | {ratio:.2f}x | "
                f"≤ {ROUND_TRIP_RATIO:g}x | {verdict(ratio <= ROUND_TRIP_RATIO)} |"
            )
            print(
                f"| TTU keystroke→diagnostics p95 | {row.p95:.0f} ms | < {ROUND_TRIP_P95_MS:g} ms"
                f" | {verdict(row.p95 < ROUND_TRIP_P95_MS)} |"
            )
    for row in memory:
        ratio = row.resident_mib / row.check_mib
        print(
            f"| {row.label}: server memory with the plan open / `check` peak | {ratio:.2f}x | "
            f"≤ {MEMORY_RATIO:g}x | {verdict(ratio <= MEMORY_RATIO)} |"
        )
        for what, value in (("opening it", row.peak_mib), ("a keystroke", row.typing_peak_mib)):
            print(
                f"| {row.label}: server peak after {what} / `check` peak | "
                f"{value / row.check_mib:.2f}x | — | (for information) |"
            )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="ttu,100000", help="plans to type into")
    parser.add_argument("--memory", default="national", help="plans to measure memory on")
    parser.add_argument("--keystrokes", type=int, default=40)
    parser.add_argument(
        "--pace-ms", type=float, default=100, help="pause before each keystroke (typing speed)"
    )
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "ttuplan-bench"
    )
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args(argv)
    workdir: Path = args.workdir.resolve()
    sizes = [parse_size(w) for w in args.sizes.split(",") if w.strip()]
    memory_sizes = [parse_size(w) for w in args.memory.split(",") if w.strip()]
    typing = []
    with tempfile.TemporaryDirectory(prefix="ttuplan-lsp-bench-") as scratch:
        for size in sizes:
            case = prepare(size, workdir, args.seed)
            large = (size or 0) >= 100_000
            keystrokes = max(args.keystrokes // 4, 4) if large else args.keystrokes
            in_process_check(case.folder)  # warm: modules imported, tables loaded
            check_ms: list[float] = []
            typing.append(measure_typing(case, keystrokes, check_ms, Path(scratch), args.pace_ms))
            if size is None:
                typing.append(measure_typing(case, keystrokes, check_ms, Path(scratch), 0))
    memory = [measure_memory(prepare(size, workdir, args.seed)) for size in memory_sizes]
    print(f"ttuplan lsp, {os.cpu_count()} cores, national = {NATIONAL_SITES:,} sites")
    report(typing, memory)


if __name__ == "__main__":
    main()
