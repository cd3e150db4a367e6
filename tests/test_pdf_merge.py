"""The merge of a document compiled in parts: typst's parts copied as bytes, their
references renumbered, read exactly as the same parts copied object by object through
pypdf; anything not in that plain form copied through pypdf."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pypdf
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypdf import generic

from ttuplan.render import pdf

TYPST = b"""#set page(height: 10cm)
= One <one>
#link("https://example.org/a(b)\\\\c")[out] #link(<two>)[to two]
#text(font: "DejaVu Sans Mono")[mono] #text(font: "Libertinus Serif", weight: "bold")[bold]
#table(columns: 2, [a], [b], [1 0 R], [(2 0 R)])
#pagebreak()
= Two <two>
#link(<one>)[back]
#image(bytes(SVG), format: "svg")
"""
SVG = b"<svg xmlns='http://www.w3.org/2000/svg' width='9' height='9'><rect width='9'/></svg>"


def typst_part(extra: str) -> bytes:
    import typst

    source = TYPST.replace(b"SVG", b'"' + SVG + b'"') + extra.encode()
    made = typst.compile(source, ignore_system_fonts=True, pdf_tags=False, timestamp=0)
    assert isinstance(made, bytes)
    return made


def merged(parts: list[bytes]) -> bytes:
    out = io.BytesIO()
    merge = pdf._Merge(out)
    pages: list[int] = []
    for data in parts:
        pages += merge.take(pdf.read_part(data))
    merge.finish(pages, [pdf.Mark("One", 1)], "Merged", "")
    return out.getvalue()


def resolved(value: Any, seen: frozenset[int] = frozenset()) -> Any:
    """A PDF value with every reference followed (a page's /Parent left out): what a
    reader makes of it, whatever the objects' numbers."""
    if isinstance(value, generic.IndirectObject):
        if value.idnum in seen:
            return "cycle"
        seen = seen | {value.idnum}
        value = value.get_object()
    if isinstance(value, generic.StreamObject):
        head = {k: v for k, v in value.items() if k != "/Length"}
        return ("stream", value.get_data(), resolved(generic.DictionaryObject(head), seen))
    if isinstance(value, dict):
        return tuple(sorted((k, resolved(v, seen)) for k, v in value.items() if k != "/Parent"))
    if isinstance(value, list):
        return tuple(resolved(item, seen) for item in value)
    return repr(value)


def pages_of(data: bytes) -> list[Any]:
    reader = pypdf.PdfReader(io.BytesIO(data), strict=True)
    return [resolved(page.indirect_reference) for page in reader.pages]


def through_pypdf(monkeypatch: pytest.MonkeyPatch) -> None:
    def unusual(*args: object) -> list[int]:
        raise pdf._Unusual

    monkeypatch.setattr(pdf, "_copy_bytes", unusual)


def test_parts_copied_as_bytes_read_as_the_same_parts_copied_through_pypdf(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two parts sharing nothing (fonts, images, links, outlines each their own): every
    page, with all it reaches, is the same whichever way it was copied; and the bytes
    way was the one taken."""
    parts = [typst_part("first"), typst_part("second")]
    taken: list[bool] = []
    copy = pdf._copy_bytes

    def counted(*args: Any) -> list[int]:
        pages = copy(*args)
        taken.append(True)
        return pages

    monkeypatch.setattr(pdf, "_copy_bytes", counted)
    as_bytes = merged(parts)
    assert taken == [True, True]
    through_pypdf(monkeypatch)
    as_objects = merged(parts)
    assert len(pages_of(as_bytes)) == 4
    assert pages_of(as_bytes) == pages_of(as_objects)
    reader = pypdf.PdfReader(io.BytesIO(as_bytes), strict=True)
    tree = reader.trailer["/Root"]["/Pages"].indirect_reference
    assert all(page["/Parent"].indirect_reference == tree for page in reader.pages)
    assert "second" in reader.pages[3].extract_text()
    link = reader.pages[0]["/Annots"][0].get_object()
    assert link["/A"]["/URI"] == "https://example.org/a(b)\\c"  # a string as it was


def number_plus(offset: int) -> Any:
    return lambda old: old + offset


def test_a_reference_is_renumbered_and_text_that_looks_like_one_is_not() -> None:
    body = (
        b"<</A 5 0 R/S(see 5 0 R \\) (6 0 R) end)/B[7 0 R 8 0 R]/N/F1 9 0 R"
        b"/H<3520302052>%10 0 R\n/C 11 0 R>>"
    )
    assert pdf._renumber(body, None, number_plus(100)) == (
        b"<</A 105 0 R/S(see 5 0 R \\) (6 0 R) end)/B[107 0 R 108 0 R]/N/F1 109 0 R"
        b"/H<3520302052>%10 0 R\n/C 111 0 R>>"
    )


def test_a_pages_parent_becomes_the_merged_tree_and_stream_data_is_left_alone() -> None:
    page = b"<</Type/Page/Parent 1 0 R/Contents 4 0 R>>"
    assert pdf._renumber(page, 2, number_plus(10)) == b"<</Type/Page/Parent 2 0 R/Contents 14 0 R>>"
    stream = b"<</Length 7/Font 3 0 R>>\nstream\n1 0 R 2\nendstream"
    assert pdf._renumber(stream, None, number_plus(10)) == (
        b"<</Length 7/Font 13 0 R>>\nstream\n1 0 R 2\nendstream"
    )


def test_a_generation_other_than_0_is_left_to_pypdf() -> None:
    with pytest.raises(pdf._Unusual):
        pdf._renumber(b"[4 1 R]", None, number_plus(1))


def tiny_pdf(objects: dict[tuple[int, int], bytes], root: int) -> bytes:
    """A PDF written by hand: the objects given, a classic cross-reference table."""
    out = bytearray(b"%PDF-1.7\n")
    offsets: dict[int, tuple[int, int]] = {}
    for (number, generation), body in sorted(objects.items()):
        offsets[number] = (len(out), generation)
        out += b"%d %d obj\n%s\nendobj\n" % (number, generation, body)
    size = max(offsets) + 1
    start = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        at, generation = offsets.get(number, (0, 65535))
        out += b"%010d %05d %s \n" % (at, generation, b"n" if number in offsets else b"f")
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, root, start)
    return bytes(out)


def test_a_part_not_in_the_plain_form_is_copied_through_pypdf(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A content stream of generation 1: not what typst writes; the part is copied as
    pypdf reads it, and nothing half-copied by bytes is left in the document."""
    content = b"BT /F1 12 Tf 10 10 Td (gen one) Tj ET"
    odd = tiny_pdf(
        {
            (1, 0): b"<< /Type /Catalog /Pages 2 0 R >>",
            (2, 0): b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
            (3, 0): b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] "
            b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 1 R >>",
            (4, 1): b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
            (5, 0): b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        },
        root=1,
    )
    with pytest.raises(pdf._Unusual):
        pdf._copy_bytes(pdf._Merge(io.BytesIO()).writer, pdf.read_part(odd))
    both = merged([typst_part("first"), odd])
    reader = pypdf.PdfReader(io.BytesIO(both), strict=True)
    assert len(reader.pages) == 3
    assert "gen one" in reader.pages[2].extract_text()
    size = reader.trailer["/Size"]
    assert set(reader.xref[0]) == set(range(1, size))  # no number left unused


# A body made of tokens: references, numbers, names, and literal strings (nested or
# escaped parentheses) and comments holding text that looks like a reference.


@st.composite
def literal(draw: st.DrawFn, depth: int = 0) -> bytes:
    parts: list[bytes] = []
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["text", "escape", "nested", "ref"]))
        if kind == "text":
            parts.append(draw(st.text(alphabet="ab 0R12%", max_size=6)).encode())
        elif kind == "escape":
            parts.append(draw(st.sampled_from([b"\\(", b"\\)", b"\\\\", b"\\n"])))
        elif kind == "nested" and depth < 2:
            parts.append(draw(literal(depth + 1)))
        else:
            parts.append(b"%d 0 R" % draw(st.integers(0, 99)))
    return b"(" + b"".join(parts) + b")"


@st.composite
def body(draw: st.DrawFn) -> tuple[bytes, bytes]:
    """A body, and the same body with each reference's number plus 1000."""
    source: list[bytes] = []
    expected: list[bytes] = []
    for _ in range(draw(st.integers(0, 12))):
        kind = draw(st.sampled_from(["ref", "number", "name", "string", "comment", "hex"]))
        if kind == "ref":
            number = draw(st.integers(0, 999))
            token, renumbered = b"%d 0 R" % number, b"%d 0 R" % (number + 1000)
        elif kind == "number":
            token = renumbered = str(draw(st.integers(0, 999))).encode()
        elif kind == "name":
            token = renumbered = b"/" + draw(st.text(alphabet="Fab01", min_size=1)).encode()
        elif kind == "string":
            token = renumbered = draw(literal())
        elif kind == "comment":
            token = renumbered = b"%" + draw(st.text(alphabet="ab 0R12()", max_size=9)).encode()
            token, renumbered = token + b"\n", renumbered + b"\n"
        else:
            token = renumbered = b"<" + draw(st.text(alphabet="0123abcdef ")).encode() + b">"
        gap = draw(st.sampled_from([b" ", b"\n", b"", b"[", b"]"]))
        if gap == b"" and kind in {"ref", "number", "name"}:
            gap = b" "  # two such tokens side by side would run into one
        source += [token, gap]
        expected += [renumbered, gap]
    return b"[" + b"".join(source) + b"]", b"[" + b"".join(expected) + b"]"


@given(body())
def test_renumbering_changes_the_references_and_nothing_else(case: tuple[bytes, bytes]) -> None:
    source, expected = case
    assert pdf._renumber(source, None, number_plus(1000)) == expected


def test_an_object_not_where_the_table_says_or_a_string_before_stream_data_is_unusual() -> None:
    """What the byte copy does not trust goes to pypdf: an offset that points at another
    object, an object without its end, a stream whose dictionary holds a string (its
    `stream` keyword could be inside it)."""
    data = b"%PDF-1.7\n4 0 obj\n[1 0 R]\nendobj\n5 0 obj\n<< /A 1 0 R"
    ends = [9, 32, len(data)]
    assert pdf._renumbered(data, 9, ends, 4, None, number_plus(1)) == b"[2 0 R]"
    with pytest.raises(pdf._Unusual):
        pdf._renumbered(data, 9, ends, 7, None, number_plus(1))  # the table says 7
    with pytest.raises(pdf._Unusual):
        pdf._renumbered(data, 32, ends, 5, None, number_plus(1))  # no endobj
    with pytest.raises(pdf._Unusual):
        pdf._renumber(b"<< /T (x) /Length 3 >>\nstream\nabc\nendstream", None, number_plus(1))


def test_sources_compiled_one_at_a_time_come_in_order_and_a_failure_says_why(
    tmp_path: Path,
) -> None:
    """`compile_each` with one child at a time (as on a one-core machine): each PDF in
    the order of its source; typst's refusal raised with its own message, after the
    PDFs made before it."""
    made = pdf.compile_each([b"first", b"second", b"#undefined-thing"], tmp_path, 0, False, 1)
    assert "first" in pypdf.PdfReader(io.BytesIO(next(made))).pages[0].extract_text()
    assert "second" in pypdf.PdfReader(io.BytesIO(next(made))).pages[0].extract_text()
    with pytest.raises(pdf.TypstFailed, match="unknown variable"):
        next(made)
