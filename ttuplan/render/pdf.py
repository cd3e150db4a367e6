"""PDFs: Typst sources compiled by typst, each in a child process of its own, one at a
time, and a document made of several parts merged into one file (pypdf).

Why a child process: typst keeps what it laid out in a cache that lives as long as the
process (the Python binding never clears it), about 1.5 MB per page, so 317 pages of
rosters took 700 MB in the build's own process and 30,000 sites passed 24 GB. A child
gives all of it back when it exits, and a long document is compiled in parts of at
most PART_PAGES pages, so the memory a build needs no longer grows with the plan.
Ctrl-C or SIGTERM ends the child at once (the build is interrupted, nothing written).

Tags (the accessibility structure of a tagged PDF) are left out: for the sample's 317
pages of rosters they were 10 of 12.5 MB (71,000 structure elements), and for its
briefing 0.6 of 0.8 MB; both are orders to print and sign, and the sample's two PDFs
must stay under 3 MB together with a personnel table's names in them.
"""

from __future__ import annotations

import gc
import io
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from itertools import chain, pairwise
from pathlib import Path
from typing import Any, BinaryIO

PART_PAGES = 30  # sheets per part: about 100 MB in the child that compiles it
AT_ONCE = min(2, os.cpu_count() or 1)  # children compiling at the same time
_SLOTS = threading.BoundedSemaphore(AT_ONCE)  # shared by every document being compiled
_TAKING = threading.Lock()
_RUNNING: set[subprocess.Popen[bytes]] = set()
_LOCK = threading.Lock()

# The child: read the source on stdin, write the PDF on stdout, a failure on stderr.
# Run isolated (-I): nothing from the working folder or the environment is imported.
_CHILD = """
import sys
try:
    import ctypes, os, signal
    try:  # Linux: killed with the build's thread that started it, whatever ends it
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (AttributeError, OSError):
        pass
    if os.getppid() != int(sys.argv[4]):
        sys.exit(130)  # the build is gone already
    import typst
    root, timestamp, tags = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
    source = sys.stdin.buffer.read()
    pdf = typst.compile(
        source, root=root, ignore_system_fonts=True, timestamp=timestamp, pdf_tags=tags
    )
    sys.stdout.buffer.write(pdf)
except KeyboardInterrupt:
    sys.exit(130)
except Exception as error:  # typst's own diagnostic says where, with the line
    said = getattr(error, "diagnostic", "") or str(error) or type(error).__name__
    sys.stderr.write(said[:4000])
    sys.exit(3)
"""


class TypstFailed(Exception):
    """typst refused a source: a template's mistake (its message says where)."""


def compile_all(
    sources: Iterable[bytes],
    root: Path,
    timestamp: int,
    tags: bool = True,
    at_once: int = 1,
    alone: bool = False,
) -> list[bytes]:
    """Typst sources to PDFs, each in a child process, `at_once` of them at a time (a
    source is taken from `sources` as a child is started for it: a generator's next
    source is made while the children compile); `alone`: no other child runs meanwhile
    (a part up to twice the usual size). On Ctrl-C or SIGTERM (KeyboardInterrupt here)
    every child still running is killed."""
    argv = [sys.executable, "-I", "-c", _CHILD, str(root), str(timestamp), "1" if tags else "0"]
    argv.append(str(os.getpid()))
    running = _RUNNING
    lock = _LOCK

    def one(source: bytes) -> bytes:
        with _slots(AT_ONCE if alone else 1):  # AT_ONCE children at most, in all
            with lock:
                process = subprocess.Popen(
                    argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
                )
                running.add(process)
            try:
                out, err = process.communicate(source)
            finally:
                with lock:
                    running.discard(process)
        if process.returncode != 0:
            message = err.decode("utf-8", "replace").strip()
            raise TypstFailed(message or f"typst ended with status {process.returncode}")
        return out

    if at_once <= 1:
        try:
            return [one(source) for source in sources]
        except BaseException:
            _kill(running, lock)
            raise
    pool = ThreadPoolExecutor(max_workers=at_once, thread_name_prefix="ttuplan-typst")
    futures: list[Future[bytes]] = []
    window = threading.Semaphore(at_once + 1)  # sources made ahead of the children

    def run(source: bytes) -> bytes:
        try:
            return one(source)
        finally:
            window.release()

    try:
        for source in _each_when(window, sources):
            futures.append(pool.submit(run, source))
        return [future.result() for future in futures]
    except BaseException:  # a failure, Ctrl-C, SIGTERM: no child outlives the build
        for future in futures:
            future.cancel()
        _kill(running, lock)
        raise
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _each_when(window: threading.Semaphore, sources: Iterable[bytes]) -> Iterable[bytes]:
    """Each source, made only when the window has room (a national plan's sources are
    tens of megabytes: made as the children take them, not all at once)."""
    iterator = iter(sources)
    while True:
        window.acquire()
        try:
            source = next(iterator)
        except StopIteration:
            window.release()
            return
        yield source


def _kill(running: set[subprocess.Popen[bytes]], lock: threading.Lock) -> None:
    with lock:
        for process in running:
            process.kill()


@contextmanager
def _slots(count: int) -> Iterator[None]:
    """`count` of the AT_ONCE places for a child; taking several is done one taker at a
    time, so two takers never hold part of them each and wait for ever."""
    with _TAKING if count > 1 else nullcontext():
        for _ in range(count):
            _SLOTS.acquire()
    try:
        yield
    finally:
        for _ in range(count):
            _SLOTS.release()


def stop_all() -> None:
    """Kill every typst child still running (a build interrupted or failed)."""
    _kill(_RUNNING, _LOCK)


@dataclass(frozen=True, slots=True)
class Mark:
    """A bookmark of the merged document: `title` at page `page` (from 1), under the
    bookmark `parent` (an index into the list of marks) or at the top."""

    title: str
    page: int
    parent: int | None = None


def outline(pdf: bytes) -> list[tuple[int, str, int]]:
    """The part's own bookmarks: (depth from 0, title, page from 1), in order."""
    return read_part(pdf)[1]


def read_part(pdf: bytes) -> tuple[int, list[tuple[int, str, int]]]:
    """A part's page count and its own bookmarks (depth from 0, title, page from 1), in
    order: what the merge needs of it, read once."""
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    found: list[tuple[int, str, int]] = []
    stack: list[tuple[int, object]] = [(0, item) for item in reversed(reader.outline)]
    while stack:
        depth, item = stack.pop()
        if isinstance(item, list):
            stack.extend((depth + 1, child) for child in reversed(item))
            continue
        page = reader.get_destination_page_number(item)  # type: ignore[arg-type]
        if page is not None:
            found.append((depth, str(item.title), page + 1))  # type: ignore[attr-defined]
    return len(reader.pages), found


def merge(
    parts: Sequence[tuple[bytes, Sequence[int] | None]],
    marks: Sequence[Mark],
    title: str,
    author: str,
    out: BinaryIO,
) -> None:
    """The parts' pages in order (each part's pages, or the ones listed, from 1), written
    into `out` as one document with `marks` as its outline. Streamed: each part's objects
    are copied (renumbered, a part's shared fonts once) as the part is read, so memory
    holds one part, not the whole document. Deterministic: no clock, no random id."""
    import pypdf

    catalog, tree, outlines, info = 1, 2, 3, 4
    writer = _Stream(out, tree)
    writer.raw(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    writer.next_id = 5
    pages: list[int] = []
    for data, chosen in parts:
        _let_go()  # the part before: its reader's objects are in reference cycles
        reader = pypdf.PdfReader(io.BytesIO(data))
        numbers = range(1, len(reader.pages) + 1) if chosen is None else chosen
        copied: dict[int, int] = {}
        for number in numbers:
            page = reader.pages[number - 1]
            ref = page.indirect_reference
            assert ref is not None
            pages.append(writer.copy(ref, copied))
            writer.flush_pending(copied)  # this page and what it needs that is new
    writer.obj(tree, f"<< /Type /Pages /Count {len(pages)} /Kids [".encode()
               + b" ".join(b"%d 0 R" % p for p in pages) + b"] >>")  # fmt: skip
    _write_outline(writer, outlines, marks, pages)
    entries = [b"/Title " + _text(title), b"/Producer " + _text("ttuplan (typst)")]
    if author:
        entries.append(b"/Author " + _text(author))
    writer.obj(info, b"<< " + b" ".join(entries) + b" >>")
    writer.obj(
        catalog,
        b"<< /Type /Catalog /Pages %d 0 R /Outlines %d 0 R /PageMode /UseOutlines >>"
        % (tree, outlines),
    )
    writer.finish(catalog, info)


def _text(value: str) -> bytes:
    """A PDF text string: UTF-16BE with its byte order mark, as a hex string."""
    return b"<" + ("\ufeff" + value).encode("utf-16-be").hex().upper().encode() + b">"


def _write_outline(writer: _Stream, root: int, marks: Sequence[Mark], pages: list[int]) -> None:
    """The outline tree: each mark an item under its parent (or the root), in order."""
    ids = [writer.reserve() for _ in marks]
    children: dict[int | None, list[int]] = {}
    for index, mark in enumerate(marks):
        children.setdefault(mark.parent, []).append(index)
    for index, mark in enumerate(marks):
        siblings = children[mark.parent]
        at = siblings.index(index)
        parent = root if mark.parent is None else ids[mark.parent]
        fields = [b"/Title " + _text(mark.title), b"/Parent %d 0 R" % parent]
        if at > 0:
            fields.append(b"/Prev %d 0 R" % ids[siblings[at - 1]])
        if at + 1 < len(siblings):
            fields.append(b"/Next %d 0 R" % ids[siblings[at + 1]])
        kids = children.get(index, [])
        if kids:
            fields.append(
                b"/First %d 0 R /Last %d 0 R /Count -%d" % (ids[kids[0]], ids[kids[-1]], len(kids))
            )
        page = pages[min(max(mark.page, 1), len(pages)) - 1] if pages else 0
        fields.append(b"/Dest [%d 0 R /Fit]" % page)
        writer.obj(ids[index], b"<< " + b" ".join(fields) + b" >>")
    top = children.get(None, [])
    body = b"<< /Type /Outlines"
    if top:
        body += b" /First %d 0 R /Last %d 0 R /Count %d" % (ids[top[0]], ids[top[-1]], len(top))
    writer.obj(root, body + b" >>")


class _Raw(bytes):
    """PDF syntax written as it is (a reference to an object of the merged document)."""


class _Stream:
    """A PDF written as it goes: objects numbered on first sight, each written once, the
    cross-reference table at the end."""

    def __init__(self, out: BinaryIO, tree: int) -> None:
        self.out, self.at, self.next_id = out, 0, 1
        self.parent = {"/Parent": _Raw(b"%d 0 R" % tree)}  # every page's, in the new tree
        self.offsets: dict[int, int] = {}
        self.pending: list[tuple[int, Any, dict[str, Any]]] = []

    def raw(self, data: bytes) -> None:
        self.out.write(data)
        self.at += len(data)

    def reserve(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def obj(self, number: int, body: bytes) -> None:
        self.offsets[number] = self.at
        self.raw(b"%d 0 obj\n" % number + body + b"\nendobj\n")

    def copy(self, ref: Any, copied: dict[int, int]) -> int:
        """The new number of an object of the part being read, queued to be copied with
        everything it refers to; a page's /Parent becomes the new page tree."""
        number = copied.get(ref.idnum)
        if number is None:
            number = copied[ref.idnum] = self.reserve()
            value = ref.get_object()
            page = isinstance(value, dict) and value.get("/Type") == "/Page"
            self.pending.append((number, value, self.parent if page else {}))
        return number

    def flush_pending(self, copied: dict[int, int]) -> None:
        while self.pending:
            number, value, replace = self.pending.pop()
            self.obj(number, self.serialise(value, copied, replace))

    def serialise(
        self, value: Any, copied: dict[int, int], replace: dict[str, Any] | None = None
    ) -> bytes:
        from pypdf import generic

        if isinstance(value, _Raw):
            return bytes(value)
        if isinstance(value, generic.IndirectObject):
            return b"%d 0 R" % self.copy(value, copied)
        if isinstance(value, generic.StreamObject):
            entries = {k: v for k, v in value.items() if k != "/Length"}
            data = value._data  # the stream as stored (still encoded: no re-compression)
            head = self.serialise(generic.DictionaryObject(entries), copied)[:-2]
            return head + b"/Length %d >>\nstream\n" % len(data) + data + b"\nendstream"
        if isinstance(value, generic.DictionaryObject):
            parts = [b"<<"]
            for key, kept in value.items():
                item = (replace or {}).get(key, kept)
                parts.append(
                    self.serialise(generic.NameObject(key), copied)
                    + b" "
                    + self.serialise(item, copied)
                )
            return b" ".join(parts) + b" >>"
        if isinstance(value, generic.ArrayObject):
            return b"[" + b" ".join(self.serialise(item, copied) for item in value) + b"]"
        buffer = io.BytesIO()
        value.write_to_stream(buffer)
        return buffer.getvalue()

    def finish(self, root: int, info: int) -> None:
        start = self.at
        size = self.next_id
        lines = [b"xref\n0 %d\n" % size, b"0000000000 65535 f \n"]
        for number in range(1, size):
            offset = self.offsets.get(number)
            lines.append(
                b"%010d 00000 n \n" % offset if offset is not None else b"0000000000 65535 f \n"
            )
        self.raw(b"".join(lines))
        self.raw(
            b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (size, root, info, start)
        )


@dataclass(frozen=True, slots=True)
class Part:
    """One compile of a document in parts: the cover, up to PART_PAGES sheets (a sheet is
    meant to be one page; one that runs over is found and the numbers worked out again),
    or back matter: blocks (lists, reserve sheets, the index) of about PART_PAGES pages.
    Each sheet and each block carries exactly one bookmark; the merge files them under
    their phase or section."""

    kind: str  # "cover", "sheets" or "back"
    start: int = 0  # the part's first sheet or block
    count: int = 0  # sheets or blocks in it
    first_page: int = 1  # the number its first page shows
    total: int = 0  # pages of the whole document (0: the part's own last page)
    back_page: int = 0  # the number of the first page of the back matter
    sheet_pages: tuple[int, ...] = ()  # the page of every sheet (for the cover and index)


def paged_document(
    render: Callable[[Part], bytes],
    compile_parts: Callable[..., list[bytes]],
    sheets: int,
    groups: Sequence[tuple[str, int]],
    blocks: Sequence[int],
    sections: Sequence[tuple[str, int]],
    title: str,
    author: str,
    out: BinaryIO,
) -> None:
    """A document of a cover, `sheets` one-page sheets and back-matter `blocks` (each its
    estimated pages), compiled in parts of about PART_PAGES pages and merged with one
    outline: `groups` (title, first sheet) over the sheets, `sections` (title, first
    block) over the blocks.

    Page numbers and the total every page prints must be known before a part is
    compiled. A part's page count does not depend on its numbers, so the back matter,
    whose length only layout tells, is compiled first when it is one part (its own last
    page is the total), else once to count its pages and again with them; then the
    sheets and the cover. A cover or sheet that runs over is found from the bookmarks
    and everything worked out again (at most twice)."""
    gc.freeze()  # see _let_go
    try:
        _paged(render, compile_parts, sheets, groups, blocks, sections, title, author, out)
    finally:
        gc.unfreeze()


class _Reads:
    """`read_part`, once per part: what the pages and bookmarks of a part kept for the
    merge are (the part held beside its answer, so that its id is never another's)."""

    def __init__(self) -> None:
        self.found: dict[int, tuple[bytes, tuple[int, list[tuple[int, str, int]]]]] = {}

    def __call__(self, data: bytes) -> tuple[int, list[tuple[int, str, int]]]:
        if id(data) not in self.found:
            self.found[id(data)] = (data, read_part(data))
        return self.found[id(data)][1]


def _paged(
    render: Callable[[Part], bytes],
    compile_parts: Callable[..., list[bytes]],
    sheets: int,
    groups: Sequence[tuple[str, int]],
    blocks: Sequence[int],
    sections: Sequence[tuple[str, int]],
    title: str,
    author: str,
    out: BinaryIO,
) -> None:
    back_parts = _chunks(blocks)
    lengths = [1] * sheets  # pages per sheet, as predicted, then as found
    cover = 1
    back_pages: list[int] | None = None
    back: list[bytes] = []
    for _ in range(3):
        facts = _Reads()  # this round's parts
        starts = [cover + 1 + sum(lengths[:i]) for i in range(sheets)]
        back_first = cover + sum(lengths) + 1

        pages = tuple(starts)

        def part(
            kind: str,
            start: int = 0,
            count: int = 0,
            first: int = 1,
            total: int = 0,
            back_page: int = back_first,
            sheet_pages: tuple[int, ...] = pages,
        ) -> bytes:
            return render(Part(kind, start, count, first, total, back_page, sheet_pages))

        done = False  # the back matter compiled with its final numbers
        if back_pages is None and len(back_parts) == 1:
            only = part("back", *back_parts[0], first=back_first)
            back = compile_parts([only], alone=True)  # up to twice a part: nothing beside
            back_pages, done = [facts(back[0])[0]], True
        elif back_pages is None and not back_parts:
            back_pages, back, done = [], [], True
        elif back_pages is None:  # count first: the numbers do not change the layout
            counted = compile_parts([part("back", a, n) for a, n in back_parts])
            back_pages = [read_part(data)[0] for data in counted]
        total = back_first - 1 + sum(back_pages)
        firsts = [back_first + sum(back_pages[:k]) for k in range(len(back_parts))]
        chunks = [(a, min(PART_PAGES, sheets - a)) for a in range(0, sheets, PART_PAGES)]
        todo = [] if done else list(zip(back_parts, firsts, strict=True))
        sources = chain(
            (part("back", a, n, f, total) for (a, n), f in todo),
            (part("sheets", a, n, starts[a], total) for a, n in chunks),
            (part("cover", total=total) for _ in (1,)),
        )
        made = compile_parts(sources)
        if not done:
            back, made = made[: len(back_parts)], made[len(back_parts) :]
        sheet_parts, cover_pdf = made[:-1], made[-1]
        found = list(lengths)
        titles: list[str] = []
        for (first, count), data in zip(chunks, sheet_parts, strict=True):
            _let_go()
            count_read, read = facts(data)
            marks = [mark for mark in read if mark[0] == 0]
            titles += [label for _, label, _ in marks]
            begins = [page for _, _, page in marks] + [count_read + 1]
            if len(marks) == count:
                found[first : first + count] = [b - a for a, b in pairwise(begins)]
        found_cover, found_back = facts(cover_pdf)[0], [facts(data)[0] for data in back]
        if found == lengths and found_cover == cover and found_back == back_pages:
            break
        lengths, cover, back_pages = found, found_cover, found_back
    marks_out = _marks(groups, starts, titles, 0)
    block_marks: list[tuple[str, int]] = []
    for data, first in zip(back, firsts, strict=True):
        block_marks += [(label, first + page - 1) for _, label, page in facts(data)[1]]
    marks_out += _marks(
        sections, [page for _, page in block_marks], [label for label, _ in block_marks],
        len(marks_out),
    )  # fmt: skip
    pieces: list[tuple[bytes, Sequence[int] | None]] = [(cover_pdf, None)]
    pieces += [(data, None) for data in sheet_parts]
    pieces += [(data, None) for data in back]
    merge(pieces, marks_out, title, author, out)


def _let_go() -> None:
    """Free what reading a part with pypdf left in reference cycles. The program runs
    with the cyclic collector off (ttuplan.gcpause: the plan's millions of objects made
    its passes slow); the document's maker froze those objects first, so a collection
    here walks only what the PDFs made since: a national plan's readers no longer
    pile up (hundreds of megabytes at 30,000 sites)."""
    gc.collect()


def _chunks(blocks: Sequence[int]) -> list[tuple[int, int]]:
    """The back matter in parts of about PART_PAGES pages: (first block, blocks); one
    up to twice that (a regency's: compiled once, alone, before the sheets, where more
    parts are compiled twice, to count their pages first); none when there is none."""
    if sum(blocks) <= 2 * PART_PAGES:  # one part, compiled once (its last page the total)
        return [(0, len(blocks))] if blocks else []
    parts: list[tuple[int, int]] = []
    first, weight = 0, 0
    for index, pages in enumerate(blocks):
        if weight and weight + pages > PART_PAGES:
            parts.append((first, index - first))
            first, weight = index, 0
        weight += pages
    if blocks:
        parts.append((first, len(blocks) - first))
    return parts


def _marks(
    groups: Sequence[tuple[str, int]], pages: list[int], titles: list[str], offset: int
) -> list[Mark]:
    """Bookmarks: each group's title at its first item, the items under it."""
    found: list[Mark] = []
    heads = {first: label for label, first in groups}
    parent: int | None = None
    for index, page in enumerate(pages):
        if index in heads:
            found.append(Mark(heads[index], page))
            parent = offset + len(found) - 1
        label = titles[index] if index < len(titles) else str(index + 1)
        found.append(Mark(label, page, parent))
    return found
