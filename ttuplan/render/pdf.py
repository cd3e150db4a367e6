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

import io
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from itertools import chain, pairwise
from pathlib import Path

PART_PAGES = 30  # sheets per part: about 100 MB in the child that compiles it
AT_ONCE = min(2, os.cpu_count() or 1)  # children compiling at the same time

# The child: read the source on stdin, write the PDF on stdout, a failure on stderr.
# Run isolated (-I): nothing from the working folder or the environment is imported.
_CHILD = """
import sys
try:
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


def compile_typst(source: bytes, root: Path, timestamp: int, tags: bool = True) -> bytes:
    """One Typst source to PDF, in a child process that ends with it."""
    return compile_all([source], root, timestamp, tags)[0]


def compile_all(
    sources: Iterable[bytes], root: Path, timestamp: int, tags: bool = True, at_once: int = 1
) -> list[bytes]:
    """Typst sources to PDFs, each in a child process, `at_once` of them at a time (a
    source is taken from `sources` as a child is started for it: a generator's next
    source is made while the children compile); on
    Ctrl-C or SIGTERM (KeyboardInterrupt here) every child still running is killed."""
    argv = [sys.executable, "-I", "-c", _CHILD, str(root), str(timestamp), "1" if tags else "0"]
    running: set[subprocess.Popen[bytes]] = set()
    lock = threading.Lock()

    def one(source: bytes) -> bytes:
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
    try:
        futures = [pool.submit(one, source) for source in sources]
        return [future.result() for future in futures]
    except BaseException:  # a failure, Ctrl-C, SIGTERM: no child outlives the build
        for future in futures:
            future.cancel()
        _kill(running, lock)
        raise
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _kill(running: set[subprocess.Popen[bytes]], lock: threading.Lock) -> None:
    with lock:
        for process in running:
            process.kill()


@dataclass(frozen=True, slots=True)
class Mark:
    """A bookmark of the merged document: `title` at page `page` (from 1), under the
    bookmark `parent` (an index into the list of marks) or at the top."""

    title: str
    page: int
    parent: int | None = None


def page_count(pdf: bytes) -> int:
    import pypdf

    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def outline(pdf: bytes) -> list[tuple[int, str, int]]:
    """The part's own bookmarks: (depth from 0, title, page from 1), in order."""
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
    return found


def merge(
    parts: Sequence[tuple[bytes, Sequence[int] | None]],
    marks: Sequence[Mark],
    title: str,
    author: str,
) -> bytes:
    """The parts' pages in order (each part's pages, or the ones listed, from 1), one
    document with `marks` as its outline; deterministic (no clock, no random id)."""
    import pypdf

    writer = pypdf.PdfWriter()
    for data, pages in parts:
        reader = pypdf.PdfReader(io.BytesIO(data))
        chosen = range(1, len(reader.pages) + 1) if pages is None else pages
        for number in chosen:
            writer.add_page(reader.pages[number - 1])
    made: list[object] = []
    for mark in marks:
        parent = made[mark.parent] if mark.parent is not None else None
        made.append(
            writer.add_outline_item(
                title=mark.title,
                page_number=mark.page - 1,
                parent=parent,  # type: ignore[arg-type]
                is_open=False,
            )
        )
    metadata = {"/Title": title, "/Producer": "ttuplan (typst, pypdf)"}
    if author:
        metadata["/Author"] = author
    writer.add_metadata(metadata)
    writer.page_mode = "/UseOutlines"
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


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
    compile_parts: Callable[[Iterable[bytes]], list[bytes]],
    sheets: int,
    groups: Sequence[tuple[str, int]],
    blocks: Sequence[int],
    sections: Sequence[tuple[str, int]],
    title: str,
    author: str,
) -> bytes:
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
    back_parts = _chunks(blocks)
    lengths = [1] * sheets  # pages per sheet, as predicted, then as found
    cover = 1
    back_pages: list[int] | None = None
    back: list[bytes] = []
    for _ in range(3):
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
            back = compile_parts([part("back", *back_parts[0], first=back_first)])
            back_pages, done = [page_count(back[0])], True
        elif back_pages is None and not back_parts:
            back_pages, back, done = [], [], True
        elif back_pages is None:  # count first: the numbers do not change the layout
            counted = compile_parts([part("back", a, n) for a, n in back_parts])
            back_pages = [page_count(data) for data in counted]
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
            marks = [mark for mark in outline(data) if mark[0] == 0]
            titles += [label for _, label, _ in marks]
            begins = [page for _, _, page in marks] + [page_count(data) + 1]
            if len(marks) == count:
                found[first : first + count] = [b - a for a, b in pairwise(begins)]
        found_back = [page_count(data) for data in back]
        found_cover = page_count(cover_pdf)
        if found == lengths and found_cover == cover and found_back == back_pages:
            break
        lengths, cover, back_pages = found, found_cover, found_back
    marks_out = _marks(groups, starts, titles, 0)
    block_marks: list[tuple[str, int]] = []
    for data, first in zip(back, firsts, strict=True):
        block_marks += [(label, first + page - 1) for _, label, page in outline(data)]
    marks_out += _marks(
        sections, [page for _, page in block_marks], [label for label, _ in block_marks],
        len(marks_out),
    )  # fmt: skip
    pieces: list[tuple[bytes, Sequence[int] | None]] = [(cover_pdf, None)]
    pieces += [(data, None) for data in sheet_parts]
    pieces += [(data, None) for data in back]
    return merge(pieces, marks_out, title, author)


def _chunks(blocks: Sequence[int]) -> list[tuple[int, int]]:
    """The back matter in parts of about PART_PAGES pages: (first block, blocks); none
    when there is none."""
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
