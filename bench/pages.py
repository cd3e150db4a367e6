"""Every page type of the documents, as pictures to look at (issue 13: "look at the pages").

Builds a plan (the sample by default) in both of its PDFs and its HTML, then renders to
PNG, with poppler's `pdftoppm`:
  briefing.pdf  the cover, the first page of every section and subsection, the last page;
  rosters.pdf   the cover, the first page of every phase and back-matter section, the
                first sheet that runs over a page (if one does), the last page;
  *.html        briefing.html and rosters.html printed by headless Chromium (`--html`),
                their first pages, as a browser prints them.
Nothing is compared: the pictures are for a person to read (does the text fit its cell,
is the classification marked once, is a table cut). The pictures are written outside
the repository and never committed.

    python bench/pages.py [--plan DIR] [--out DIR] [--language id|en] [--dpi 60] [--html]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from ttuplan.render.pdf import read_part  # noqa: E402 (after the repository is on the path)

SAMPLE = REPO / "plans" / "ttu-pemilu-2024"

Mark = tuple[int, str, int]  # depth from 0, title, page from 1


SUBSECTION_PAGES = 4  # pages where subsections start, at most, per section


def briefing_pages(marks: list[Mark], pages: int) -> list[tuple[int, str]]:
    """The briefing's page types: the cover, where each section starts and where its
    subsections start (the first few pages of them: an annex of one subsection per
    kecamatan repeats one type), the last page; each page once, under the first title
    that starts on it."""
    chosen = [(1, "cover")]
    section: set[int] = set()
    for depth, title, page in marks:
        if depth == 0:
            section = {page}
        elif depth > 1 or (page not in section and len(section) > SUBSECTION_PAGES):
            continue
        section.add(page)
        chosen.append((page, title))
    chosen.append((pages, "last page"))
    return _once(chosen)


def rosters_pages(marks: list[Mark], pages: int) -> list[tuple[int, str]]:
    """The rosters' page types: the cover, the first page of every phase and back-matter
    section, the first sheet that runs over a page, the last page."""
    chosen = [(1, "cover")]
    chosen += [(page, title) for depth, title, page in marks if depth == 0]
    for index, (depth, title, here) in enumerate(marks):
        after = next((page for _, _, page in marks[index + 1 :] if page > here), pages + 1)
        if depth == 1 and after - here > 1:
            chosen.append((here + 1, f"{title}, its second page"))
            break
    chosen.append((pages, "last page"))
    return _once(chosen)


def _once(chosen: list[tuple[int, str]]) -> list[tuple[int, str]]:
    seen: dict[int, str] = {}
    for page, title in chosen:
        seen.setdefault(page, title)
    return sorted(seen.items())


def render(pdf: Path, page: int, dpi: int, prefix: Path) -> Path:
    """One page as PNG (pdftoppm names it prefix-NNN.png, padded to the page count)."""
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", "-f", str(page), "-l", str(page), "-singlefile",
         str(pdf), str(prefix)],
        check=True,
    )  # fmt: skip
    return prefix.with_suffix(".png")


def slug(text: str) -> str:
    kept = "".join(c.lower() if c.isalnum() else "-" for c in text)
    return "-".join(part for part in kept.split("-") if part)[:40]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plan", type=Path, default=SAMPLE, help="plan folder (the sample)")
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "ttuplan-pages")
    parser.add_argument("--language", choices=("id", "en"), help="the plan's own by default")
    parser.add_argument("--dpi", type=int, default=60, help="pixels per inch (60: a page to read)")
    parser.add_argument("--html", action="store_true", help="also the HTML, printed by Chromium")
    args = parser.parse_args()
    if shutil.which("pdftoppm") is None:
        sys.stderr.write("pages: pdftoppm not found (Debian: apt install poppler-utils)\n")
        return 2
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if args.html and browser is None:
        sys.stderr.write("pages: --html needs chromium on the PATH\n")
        return 2
    shutil.rmtree(args.out, ignore_errors=True)
    built = args.out / "documents"
    command = [sys.executable, "-m", "ttuplan", "build", str(args.plan), "-o", str(built)]
    command += ["--formats", "pdf,html", "--quiet"]
    if args.language:
        command += ["--lang", args.language]
    if subprocess.run(command, check=False).returncode != 0:  # 1: errors, nothing written
        sys.stderr.write("pages: the build failed\n")
        return 1
    shown: list[tuple[Path, str, int, str]] = []
    for name, choose in (("briefing", briefing_pages), ("rosters", rosters_pages)):
        pdf = built / f"{name}.pdf"
        read = read_part(pdf.read_bytes())
        for page, title in choose(read.marks, read.pages):
            prefix = args.out / f"{name}-p{page:03d}-{slug(title)}"
            shown.append((render(pdf, page, args.dpi, prefix), f"{name}.pdf", page, title))
    if args.html and browser is not None:
        for name in ("briefing", "rosters"):
            printed = args.out / f"{name}.html.pdf"
            subprocess.run(
                [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                 f"--print-to-pdf={printed}", (built / f"{name}.html").as_uri()],
                check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            for page in range(1, min(2, read_part(printed.read_bytes()).pages) + 1):
                prefix = args.out / f"{name}-html-p{page:03d}"
                shown.append((render(printed, page, args.dpi, prefix), f"{name}.html", page, ""))
    width = max(len(str(path)) for path, *_ in shown)
    for path, document, page, title in shown:
        sys.stdout.write(f"{path!s:<{width}}  {document:<13} p.{page:<4} {title}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
