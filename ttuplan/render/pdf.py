"""PDFs: Typst sources compiled by typst, each in a child process of its own, and a
document made of several parts merged into one file, each part as soon as it is made
(its objects copied as typst wrote them, references renumbered; pypdf reads its pages
and bookmarks).

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
import re
import subprocess
import sys
import threading
from bisect import bisect_right
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing, contextmanager, nullcontext
from dataclasses import field
from itertools import islice, pairwise
from pathlib import Path
from typing import Any, BinaryIO

from ttuplan.records import dataclass

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
    sys.stdout.buffer.flush()
    os._exit(0)  # the PDF is out: no tearing down of what typst laid out (4 ms a child)
except KeyboardInterrupt:
    sys.exit(130)
except Exception as error:  # typst's own diagnostic says where, with the line
    said = getattr(error, "diagnostic", "") or str(error) or type(error).__name__
    sys.stderr.write(said[:4000])
    sys.exit(3)
"""


class TypstFailed(Exception):
    """typst refused a source: a template's mistake (its message says where)."""


def compile_each(
    sources: Iterable[bytes],
    root: Path,
    timestamp: int,
    tags: bool = True,
    at_once: int = 1,
    alone: bool = False,
) -> Generator[bytes, None, None]:
    """Typst sources to PDFs, each in a child process, `at_once` of them at a time; each
    PDF is yielded in the order of the sources as soon as it is made, so the caller reads
    and merges one part while the next ones compile. A source is taken from `sources`
    when there is room ahead of the children (a national plan's sources, tens of
    megabytes in all, are made as they are needed); `alone`: no other child runs
    meanwhile (a part up to twice the usual size). On a failure, Ctrl-C or SIGTERM
    (KeyboardInterrupt here) or the caller's stopping early, every child of this call
    still running is killed; another document's children are left to finish (a failed
    build's are killed by `stop_all`), so the message is this failure's, not theirs."""
    argv = [sys.executable, "-I", "-c", _CHILD, str(root), str(timestamp), "1" if tags else "0"]
    argv.append(str(os.getpid()))
    running: set[subprocess.Popen[bytes]] = set()  # this call's children
    lock = _LOCK

    def one(source: bytes) -> bytes:
        with _slots(AT_ONCE if alone else 1):  # AT_ONCE children at most, in all
            with lock:
                process = subprocess.Popen(
                    argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
                )
                running.add(process)
                _RUNNING.add(process)
            try:
                out, err = process.communicate(source)
            finally:
                with lock:
                    running.discard(process)
                    _RUNNING.discard(process)
        if process.returncode != 0:
            message = err.decode("utf-8", "replace").strip()
            raise TypstFailed(message or f"typst ended with status {process.returncode}")
        return out

    if at_once <= 1:
        try:
            for source in sources:
                yield one(source)
        except BaseException:
            _kill(running, lock)
            raise
        return
    pool = ThreadPoolExecutor(max_workers=at_once, thread_name_prefix="ttuplan-typst")
    # Futures ahead of the one awaited: twice the children, so that a part finished
    # before the one awaited is followed at once by the next rather than by an idle core.
    ahead: deque[Future[bytes]] = deque()
    iterator = iter(sources)
    try:
        while True:
            for source in islice(iterator, 2 * at_once - len(ahead)):
                ahead.append(pool.submit(one, source))
            if not ahead:
                return
            yield ahead.popleft().result()
    except BaseException:  # a failure, Ctrl-C, SIGTERM, the caller gone: no child outlives it
        for future in ahead:
            future.cancel()
        _kill(running, lock)
        raise
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


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
    return read_part(pdf).marks


@dataclass(frozen=True, slots=True)
class _Read:
    """A part read once by pypdf: its page count and its own bookmarks (depth from 0,
    title, page from 1), in order, and the reader its pages are copied from."""

    pages: int
    marks: list[tuple[int, str, int]]
    reader: Any
    data: bytes


def read_part(pdf: bytes) -> _Read:
    """A part read once by pypdf: its pages, its bookmarks, its reader."""
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
    return _Read(len(reader.pages), found, reader, pdf)


class _Merge:
    """Parts merged into one document as they come: each part's pages and what they
    need (renumbered, a part's shared fonts once) written into `out` as soon as the part
    is taken, in whatever order the parts are taken; the page tree, in the document's
    own order, and the outline at the end. Memory holds one part, not the document.
    Deterministic: no clock, no random id; the same parts taken in the same order give
    the same bytes."""

    CATALOG, TREE, OUTLINES, INFO = 1, 2, 3, 4

    def __init__(self, out: BinaryIO) -> None:
        self.writer = _Stream(out, self.TREE)
        self.writer.raw(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        self.writer.next_id = 5

    def take(self, part: _Read) -> list[int]:
        """The part's pages written; their numbers in the merged document. Copied as
        bytes (`_copy_bytes`: a tenth of the time) when the part has the plain form
        typst writes; else object by object, through pypdf."""
        first = self.writer.next_id
        try:
            return _copy_bytes(self.writer, part)
        except _Unusual:
            self.writer.next_id = first  # nothing was written: numbered again
        copied: dict[int, int] = {}
        pages: list[int] = []
        for page in part.reader.pages:
            ref = page.indirect_reference
            assert ref is not None
            pages.append(self.writer.copy(ref, copied))
            self.writer.flush_pending(copied)  # this page and what it needs that is new
        return pages

    def finish(self, pages: list[int], marks: Sequence[Mark], title: str, author: str) -> None:
        """The document: `pages` (as `take` numbered them) in order, `marks` its outline."""
        writer = self.writer
        writer.obj(self.TREE, f"<< /Type /Pages /Count {len(pages)} /Kids [".encode()
                   + b" ".join(b"%d 0 R" % p for p in pages) + b"] >>")  # fmt: skip
        _write_outline(writer, self.OUTLINES, marks, pages)
        entries = [b"/Title " + _text(title), b"/Producer " + _text("ttuplan (typst)")]
        if author:
            entries.append(b"/Author " + _text(author))
        writer.obj(self.INFO, b"<< " + b" ".join(entries) + b" >>")
        writer.obj(
            self.CATALOG,
            b"<< /Type /Catalog /Pages %d 0 R /Outlines %d 0 R /PageMode /UseOutlines >>"
            % (self.TREE, self.OUTLINES),
        )
        writer.finish(self.CATALOG, self.INFO)


class _Unusual(Exception):
    """A part not in the plain form `_copy_bytes` copies (an object stream, a
    generation other than 0, a reference to no object, an offset that points at another
    object, an object without `endobj`, a string before stream data): copied through
    pypdf."""


# An indirect reference `12 0 R`, not part of a name or a number before it.
_REF = re.compile(rb"(?<![^\s\[\]<>(){}])(\d+)\s+(\d+)\s+R(?![^\s/\[\]<>(){}%])")
_HEADER = re.compile(rb"\s*(\d+)\s+(\d+)\s+obj\b")
_STREAM = re.compile(rb"(?<![A-Za-z])stream(?:\r\n|\n|\r)")
_PARENT = re.compile(rb"/Parent\s*\Z")


def _copy_bytes(writer: _Stream, part: _Read) -> list[int]:
    """The part's pages and every object they reach copied as the bytes typst wrote,
    each reference renumbered (outside strings and stream data); a page's /Parent
    becomes the merged page tree. What pypdf would parse into objects and write out
    again, unchanged. All or nothing: raises _Unusual, having written nothing, for a
    part not in the plain form (a classic cross-reference table, generation 0)."""
    reader, data = part.reader, part.data
    if reader.xref_objStm or set(reader.xref) - {0, 65535}:
        raise _Unusual
    offsets: dict[int, int] = reader.xref.get(0, {})
    ends = [*sorted(offsets.values()), len(data)]
    copied: dict[int, int] = {}
    queue: deque[tuple[int, int, bool]] = deque()
    bodies: list[tuple[int, bytes]] = []

    def number(old: int, page: bool = False) -> int:
        new = copied.get(old)
        if new is None:
            if old not in offsets:
                raise _Unusual
            new = copied[old] = writer.reserve()
            queue.append((old, new, page))
        return new

    pages = []
    for page in reader.pages:
        ref = page.indirect_reference
        if ref is None or ref.generation != 0:
            raise _Unusual
        pages.append(number(ref.idnum, page=True))
        while queue:
            old, new, is_page = queue.popleft()
            parent = writer.tree if is_page else None
            bodies.append((new, _renumbered(data, offsets[old], ends, old, parent, number)))
    for new, body in bodies:
        writer.obj(new, body)
    return pages


def _renumbered(
    data: bytes,
    at: int,
    ends: list[int],
    old: int,
    parent: int | None,
    number: Callable[[int], int],
) -> bytes:
    """Object `old`, at offset `at` of `data`, its references renumbered by `number`;
    a page's (`parent` given) /Parent made `parent`."""
    end = ends[bisect_right(ends, at)]
    head = _HEADER.match(data, at, end)
    if head is None or int(head[1]) != old or head[2] != b"0":
        raise _Unusual
    stop = data.rfind(b"endobj", head.end(), end)
    if stop < 0:
        raise _Unusual
    return _renumber(data[head.end() : stop].strip(), parent, number)


def _renumber(body: bytes, parent: int | None, number: Callable[[int], int]) -> bytes:
    """An object's body with each reference renumbered by `number`, and a page's
    /Parent (`parent` given) made `parent`; literal strings, comments and stream data
    as they are."""
    stream = _STREAM.search(body) if body.startswith(b"<<") else None
    scanned = body[: stream.start()] if stream else body  # stream data copied as it is
    if stream and b"(" in scanned:  # the keyword might have been inside a string
        raise _Unusual
    pieces: list[bytes] = []
    last = 0
    for start, stop in _outside_strings(scanned):
        for ref in _REF.finditer(scanned, start, stop):
            if ref[2] != b"0":
                raise _Unusual
            pieces.append(body[last : ref.start()])
            before = max(0, ref.start() - 16), ref.start()
            if parent is not None and _PARENT.search(scanned, *before):
                pieces.append(b"%d 0 R" % parent)
            else:
                pieces.append(b"%d 0 R" % number(int(ref[1])))
            last = ref.end()
    pieces.append(body[last:])
    return b"".join(pieces)


def _outside_strings(body: bytes) -> list[tuple[int, int]]:
    """The stretches of `body` outside its literal strings `( ... )` (balanced, with
    backslash escapes) and comments, where a reference may stand (a hex string holds
    no `R`)."""
    if b"(" not in body and b"%" not in body:
        return [(0, len(body))]
    spans: list[tuple[int, int]] = []
    start = index = 0
    while index < len(body):
        char = body[index]
        if char == 0x25:  # % a comment, to the end of its line
            spans.append((start, index))
            while index < len(body) and body[index] not in b"\r\n":
                index += 1
            start = index
        elif char == 0x28:  # (
            spans.append((start, index))
            depth = 0
            while index < len(body):
                char = body[index]
                if char == 0x5C:  # \ escapes the next byte
                    index += 1
                elif char == 0x28:
                    depth += 1
                elif char == 0x29:
                    depth -= 1
                    if depth == 0:
                        break
                index += 1
            index += 1
            start = index
        else:
            index += 1
    spans.append((start, len(body)))
    return spans


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
        self.tree = tree
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


Compile = Callable[..., Generator[bytes, None, None]]  # sources to PDFs, in order
Key = tuple[str, int]  # a part: ("cover", 0), ("sheets", first sheet), ("back", part)


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
    compile_parts: Compile,
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
    block) over the blocks. `compile_parts` yields each part's PDF in order as it is
    made (`compile_each`), and each is merged into `out` (seekable, written from its
    start) while the next ones compile.

    Page numbers and the total every page prints must be known before a part is
    compiled. A part's page count does not depend on its numbers, so the back matter,
    whose length only layout tells, is compiled first when it is one part (its own last
    page is the total), else once to count its pages; then the cover, the back matter's
    parts with their numbers (when there are several) and the sheets. A cover or sheet
    that runs over is found from the bookmarks and everything worked out again, `out`
    written anew (at most twice)."""
    gc.freeze()  # see _let_go
    try:
        _paged(render, compile_parts, sheets, groups, blocks, sections, title, author, out)
    finally:
        gc.unfreeze()


@dataclass
class _Attempt:
    """One attempt at the document: its parts as predicted (pages per sheet, of the
    cover, per back-matter part), what they turned out to be, and the pages merged."""

    lengths: list[int]
    cover: int
    back: list[int]
    last: bool  # taken as it is: a document with a wrong number or two
    found: list[int] = field(init=False)
    found_cover: int = field(init=False)
    found_back: list[int] = field(init=False)
    titles: list[str] = field(default_factory=list)  # each sheet's bookmark
    back_marks: list[list[tuple[int, str, int]]] = field(default_factory=list)
    ids: dict[Key, list[int]] = field(default_factory=dict)  # the pages merged, by part
    kept: bool = True  # every part so far as predicted: its pages are in the output

    def __post_init__(self) -> None:
        self.found, self.found_cover = list(self.lengths), self.cover
        self.found_back = list(self.back)

    def add(self, kind: str, first: int, count: int, read: _Read, merged: _Merge) -> None:
        """A part made: what it is checked against the prediction, its pages merged
        while every part so far is as predicted."""
        key = (kind, first)
        if kind == "cover":
            self.found_cover = read.pages
            same = read.pages == self.cover
        elif kind == "back":
            key = (kind, len(self.back_marks))  # the back matter's parts, counted
            self.found_back[key[1]] = read.pages
            same = read.pages == self.back[key[1]]
            self.back_marks.append(read.marks)
        else:
            marks = [mark for mark in read.marks if mark[0] == 0]
            self.titles += [label for _, label, _ in marks]
            span = slice(first, first + count)
            if len(marks) == count:
                begins = [page for _, _, page in marks] + [read.pages + 1]
                self.found[span] = [end - start for start, end in pairwise(begins)]
            same = self.found[span] == self.lengths[span]
        self.kept = self.kept and (same or self.last)
        if self.kept:
            self.ids[key] = merged.take(read)


def _paged(
    render: Callable[[Part], bytes],
    compile_parts: Compile,
    sheets: int,
    groups: Sequence[tuple[str, int]],
    blocks: Sequence[int],
    sections: Sequence[tuple[str, int]],
    title: str,
    author: str,
    out: BinaryIO,
) -> None:
    back_parts = _chunks(blocks)
    chunks = [(a, min(PART_PAGES, sheets - a)) for a in range(0, sheets, PART_PAGES)]
    lengths = [1] * sheets  # pages per sheet, as predicted, then as found
    cover = 1
    back_pages: list[int] | None = None  # pages per back-matter part, once known
    alone: _Read | None = None  # the back matter compiled alone, with its final numbers
    for attempt in range(3):
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

        if back_pages is None:
            back_pages, alone = _count_back(part, compile_parts, back_parts, back_first)
        total = back_first - 1 + sum(back_pages)
        firsts = [back_first + sum(back_pages[:k]) for k in range(len(back_parts))]
        out.seek(0)
        out.truncate()
        merged = _Merge(out)
        now = _Attempt(lengths, cover, back_pages, last=attempt == 2)
        todo = [("cover", 0, 0, 1)]
        if alone is not None:  # made already, with these very numbers
            now.add("back", 0, len(blocks), alone, merged)
            alone = None  # another attempt compiles it again, with its new numbers
        else:
            todo += [("back", a, n, f) for (a, n), f in zip(back_parts, firsts, strict=True)]
        todo += [("sheets", a, n, starts[a]) for a, n in chunks]
        sources = (part(kind, a, n, f, total) for kind, a, n, f in todo)
        with closing(compile_parts(sources)) as made:
            for (kind, a, n, _), data in zip(todo, made, strict=True):
                _let_go()  # the part before: its reader's objects are in reference cycles
                now.add(kind, a, n, read_part(data), merged)
        if now.kept:
            break
        lengths, cover, back_pages = now.found, now.found_cover, now.found_back
    marks = _marks(groups, starts, now.titles, 0)
    block_marks: list[tuple[str, int]] = []
    for read_marks, first in zip(now.back_marks, firsts, strict=True):
        block_marks += [(label, first + page - 1) for _, label, page in read_marks]
    marks += _marks(
        sections, [page for _, page in block_marks], [label for label, _ in block_marks],
        len(marks),
    )  # fmt: skip
    order = [("cover", 0)] + [("sheets", a) for a, _ in chunks]
    order += [("back", k) for k in range(len(back_parts))]
    merged.finish([page for key in order for page in now.ids[key]], marks, title, author)


def _count_back(
    part: Callable[..., bytes],
    compile_parts: Compile,
    back_parts: list[tuple[int, int]],
    back_first: int,
) -> tuple[list[int], _Read | None]:
    """The pages of each back-matter part, and the one part, read, when there is one: compiled
    alone (up to twice a part: nothing beside), with its final numbers, its own last
    page the total. More parts are compiled to count their pages only: the numbers do
    not change the layout."""
    if len(back_parts) == 1:
        [data] = compile_parts([part("back", *back_parts[0], back_first)], alone=True)
        alone = read_part(data)
        return [alone.pages], alone
    pages: list[int] = []
    if back_parts:
        with closing(compile_parts([part("back", a, n) for a, n in back_parts])) as made:
            for data in made:
                _let_go()
                pages.append(read_part(data).pages)
    return pages, None


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
