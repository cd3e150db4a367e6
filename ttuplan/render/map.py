"""The briefing's map, drawn by ttuplan as SVG: the kecamatan (their centroids and names,
from the plan), the posts of the phase guarded by risk coloured by their class, fixed
sites, rayon posts and reserve bases with the rings that `reserve within` asks for.

No web tiles, no GIS library, no boundaries (the plan has none to draw; none are made
up): a plain equirectangular projection, x scaled by the cosine of the middle latitude,
which for a regency (tens of kilometres) is true to a few parts in a thousand. Every text
a plan supplies is escaped for XML here, so the SVG can be embedded in HTML as it is and
handed to typst as data.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from xml.sax.saxutils import escape

from ttuplan import model as m
from ttuplan.deployment import Deployment, PhaseDeployment
from ttuplan.domain import available
from ttuplan.records import dataclass

MAX_POSTS = 5_000  # beyond this the map shows the kecamatan and reserves only
WIDTH = 760.0  # drawing units (the SVG scales to its box)
MARGIN = 18.0
KM_PER_DEGREE = 111.195  # on the sphere the reach rule uses (6,371 km)
# Least severe first: green, amber, orange, red, then darker reds for more classes.
PALETTE = ("#2e7d32", "#f2a900", "#ef6c00", "#c62828", "#8e0000", "#4a0000")


@dataclass(frozen=True, slots=True)
class MapWords:
    """The map's own words, from the briefing's catalogue."""

    title: str
    posts: str  # "posts", for the legend's counts
    fixed: str
    rayon: str
    reserve: str
    ring: str  # "{minutes} min at {speed} km/h x {detour}"
    kecamatan: str
    note: str  # projection, no boundaries
    north: str
    too_many: str  # "{posts} posts: too many to draw"
    unlocated: str = ""  # "{posts} posts without coordinates are not drawn"


Point = tuple[float, float, str, str]  # lat, lon, what ("post", "fixed"), class
Base = tuple[float, float, str, str]  # lat, lon, label, what ("rayon", "unit")


def draw_map(
    plan: m.Plan, deployment: Deployment, phase: PhaseDeployment | None, words: MapWords
) -> str:
    """The map as SVG text ("" when nothing in the plan has coordinates)."""
    posts = phase.posts if phase is not None else ()
    drawn = len(posts) <= MAX_POSTS
    points = _points(plan, phase) if drawn else []
    bases = _bases(plan, phase)
    districts = [
        (d.lat, d.lon, d.label) for d in plan.districts if d.lat is not None and d.lon is not None
    ]
    located = [(p[0], p[1]) for p in points] + [(b[0], b[1]) for b in bases]
    located += [(d[0], d[1]) for d in districts]
    if not located:
        return ""
    within = [r.reserve_within for r in plan.risks if r.reserve_within is not None]
    ring_km = min(within) / 60 * plan.info.speed_kmh / plan.info.detour if within else 0.0
    frame = _Frame(located, ring_km if bases else 0.0)
    height = frame.height + 96
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH:g} {height:.0f}" '
        f'width="{WIDTH:g}" height="{height:.0f}" font-family="Libertinus Serif, DejaVu Serif, '
        'Times New Roman, serif" role="img">',
        f"<title>{escape(words.title)}</title>",
        f'<rect x="0" y="0" width="{WIDTH:g}" height="{height:.0f}" fill="#ffffff"/>',
        f'<rect x="{MARGIN}" y="{MARGIN}" width="{WIDTH - 2 * MARGIN:g}" '
        f'height="{frame.height - 2 * MARGIN:.1f}" fill="#f7f7f4" stroke="#888" '
        'stroke-width="0.8"/>',
    ]
    if ring_km:
        radius = frame.scale * ring_km / KM_PER_DEGREE
        for lat, lon, _, _ in bases:
            x, y = frame.xy(lat, lon)
            out.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}" fill="#1565c0" '
                'fill-opacity="0.05" stroke="#1565c0" stroke-width="0.8" '
                'stroke-dasharray="4 3"/>'
            )
    for lat, lon, _ in districts:
        x, y = frame.xy(lat, lon)
        out.append(
            f'<path d="M{x - 3:.1f} {y:.1f}h6M{x:.1f} {y - 3:.1f}v6" stroke="#777" '
            'stroke-width="0.8"/>'
        )
    out += _marks(plan, points, frame)
    for lat, lon, label in districts:
        x, y = frame.xy(lat, lon)
        out.append(_text(x, y - 5, label, 8.5, "#333", anchor="middle", halo=True))
    out += _base_marks(bases, frame)
    counts = Counter(post.risk for post in posts if post.risk is not None)
    out += _legend(plan, counts, frame, words, ring_km, drawn, len(posts))
    unlocated = sum(counts.values()) - sum(1 for p in points if p[2] == "post")
    if drawn and unlocated and words.unlocated:
        note = words.unlocated.format(posts=unlocated)
        out.append(_text(WIDTH - MARGIN, frame.height + 80, note, 8, "#555", anchor="end"))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _points(plan: m.Plan, phase: PhaseDeployment | None) -> list[Point]:
    """Each post of the phase at its first site, with its class (a fixed guard: its
    site's class)."""
    sites = {s.id: s for s in plan.sites}
    found: list[Point] = []
    for post in phase.posts if phase is not None else ():
        site = sites.get(post.sites[0])
        if site is None or site.lat is None or site.lon is None:
            continue
        risk = post.risk if post.risk is not None else site.risk
        found.append((site.lat, site.lon, "post" if post.risk else "fixed", risk))
    return found


def _bases(plan: m.Plan, phase: PhaseDeployment | None) -> list[Base]:
    """Rayon posts holding people in the phase, and the bases of `role reserve` units
    there: where `reserve within` measures from."""
    holding = {h.holder for h in phase.holds if h.people} if phase else set()
    found: list[Base] = []
    for rayon in plan.rayons:
        stand = rayon.post
        if stand is None or stand.lat is None or stand.lon is None:
            continue
        if phase is None or rayon.name in holding:
            found.append((stand.lat, stand.lon, rayon.label, "rayon"))
    where = {d.name: d for d in plan.districts}
    phases = {p.name: p for p in plan.phases}
    for unit in plan.units:
        base = where.get(unit.base or "")
        if unit.role != "reserve" or not unit.strength or base is None:
            continue
        if base.lat is None or base.lon is None:
            continue
        if phase is None or available(unit, phases[phase.phase]):
            found.append((base.lat, base.lon, unit.label, "unit"))
    return found


def _marks(plan: m.Plan, points: list[Point], frame: _Frame) -> Iterable[str]:
    """The posts, least severe first, so the most severe are drawn on top."""
    ranks = {r.name: r.rank for r in plan.risks}
    for lat, lon, kind, risk in sorted(points, key=lambda p: ranks.get(p[3], 0)):
        x, y = frame.xy(lat, lon)
        colour = _colour(ranks.get(risk, 0), len(plan.risks))
        if kind == "fixed":
            yield (
                f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" '
                f'fill="{colour}" stroke="#000" stroke-width="0.7"/>'
            )
        else:
            yield (
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.6" fill="{colour}" '
                'stroke="#000" stroke-width="0.35"/>'
            )


def _base_marks(bases: list[Base], frame: _Frame) -> Iterable[str]:
    for lat, lon, label, kind in bases:
        x, y = frame.xy(lat, lon)
        if kind == "rayon":  # a triangle
            shape = f"M{x:.1f} {y - 6:.1f}L{x + 5.5:.1f} {y + 4:.1f}L{x - 5.5:.1f} {y + 4:.1f}Z"
        else:  # a diamond
            shape = (
                f"M{x:.1f} {y - 6:.1f}L{x + 6:.1f} {y:.1f}L{x:.1f} {y + 6:.1f}L{x - 6:.1f} {y:.1f}Z"
            )
        yield f'<path d="{shape}" fill="#1565c0" stroke="#fff" stroke-width="1"/>'
        yield _text(x + 8, y + 3, label, 8.5, "#0d47a1", weight="bold", halo=True)


class _Frame:
    """The projection: degrees to drawing units, the points (and rings) inside margins."""

    def __init__(self, located: list[tuple[float, float]], ring_km: float) -> None:
        lats = [p[0] for p in located]
        lons = [p[1] for p in located]
        self.cos = math.cos(math.radians((min(lats) + max(lats)) / 2))
        pad = ring_km / KM_PER_DEGREE
        self.south, self.north = min(lats) - pad, max(lats) + pad
        self.west = min(lons) - pad / max(self.cos, 0.2)
        east = max(lons) + pad / max(self.cos, 0.2)
        span_x = max((east - self.west) * self.cos, 1e-6)
        span_y = max(self.north - self.south, 1e-6)
        inner = WIDTH - 2 * MARGIN - 40
        self.scale = inner / max(span_x, span_y * 1.1)  # units per degree of latitude
        self.height = min(span_y * self.scale, WIDTH * 1.2) + 2 * MARGIN + 40
        self.left = MARGIN + 20 + (inner - span_x * self.scale) / 2

    def xy(self, lat: float, lon: float) -> tuple[float, float]:
        x = self.left + (lon - self.west) * self.cos * self.scale
        y = MARGIN + 20 + (self.north - lat) * self.scale
        return x, y


def _colour(rank: int, classes: int) -> str:
    """Least severe green, most severe red, whatever the number of classes."""
    if classes <= 1:
        return PALETTE[3]
    if classes <= 4:
        steps = {2: (0, 3), 3: (0, 1, 3), 4: (0, 1, 2, 3)}[classes]
        return PALETTE[steps[rank]]
    return PALETTE[min(rank, len(PALETTE) - 1)]


def _text(
    x: float,
    y: float,
    text: str,
    size: float,
    fill: str,
    anchor: str = "start",
    weight: str = "normal",
    halo: bool = False,
) -> str:
    stroke = ' stroke="#ffffff" stroke-width="2.2" paint-order="stroke"' if halo else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size:g}" fill="{fill}" '
        f'text-anchor="{anchor}" font-weight="{weight}"{stroke}>{escape(text)}</text>'
    )


def _legend(
    plan: m.Plan,
    counts: Counter[str],
    frame: _Frame,
    words: MapWords,
    ring_km: float,
    drawn: bool,
    posts: int,
) -> Iterable[str]:
    top = frame.height + 6
    x = MARGIN
    for risk in plan.risks:
        colour = _colour(risk.rank, len(plan.risks))
        yield (
            f'<circle cx="{x + 4:.1f}" cy="{top + 8:.1f}" r="3.5" fill="{colour}" '
            'stroke="#000" stroke-width="0.4"/>'
        )
        label = f"{risk.label} ({counts[risk.name]} {words.posts})"
        yield _text(x + 11, top + 11, label, 9, "#222")
        x += 24 + 5.2 * len(label)
    yield (
        f'<rect x="{x:.1f}" y="{top + 4:.1f}" width="7" height="7" fill="#bbb" '
        'stroke="#000" stroke-width="0.7"/>'
    )
    yield _text(x + 11, top + 11, words.fixed, 9, "#222")
    second = top + 28
    yield (
        f'<path d="M{MARGIN + 4:.1f} {second - 5:.1f}L{MARGIN + 9:.1f} {second + 4:.1f}'
        f'L{MARGIN - 1:.1f} {second + 4:.1f}Z" fill="#1565c0"/>'
    )
    yield _text(MARGIN + 13, second + 3, words.rayon, 9, "#222")
    x2 = MARGIN + 24 + 5.2 * len(words.rayon)
    yield (
        f'<path d="M{x2 + 4:.1f} {second - 5:.1f}L{x2 + 9:.1f} {second:.1f}L{x2 + 4:.1f} '
        f'{second + 5:.1f}L{x2 - 1:.1f} {second:.1f}Z" fill="#1565c0"/>'
    )
    yield _text(x2 + 13, second + 3, words.reserve, 9, "#222")
    if ring_km:
        x3 = x2 + 30 + 5.2 * len(words.reserve)
        yield (
            f'<circle cx="{x3 + 6:.1f}" cy="{second:.1f}" r="6" fill="none" stroke="#1565c0" '
            'stroke-dasharray="3 2"/>'
        )
        yield _text(x3 + 16, second + 3, words.ring, 9, "#222")
    third = second + 22
    # scale bar: a round number of km near a fifth of the width
    km_per_unit = KM_PER_DEGREE / frame.scale
    target = (WIDTH - 2 * MARGIN) / 5 * km_per_unit
    bar_km = next((k for k in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000) if k >= target / 2), 1000)
    bar = bar_km / km_per_unit
    yield (
        f'<path d="M{MARGIN:.1f} {third:.1f}h{bar:.1f}M{MARGIN:.1f} {third - 3:.1f}v6'
        f'M{MARGIN + bar:.1f} {third - 3:.1f}v6" stroke="#222" stroke-width="1.2"/>'
    )
    yield _text(MARGIN + bar + 6, third + 3, f"{bar_km} km", 9, "#222")
    yield _text(WIDTH - MARGIN, third + 3, words.note, 8, "#555", anchor="end")
    if not drawn:
        yield _text(
            WIDTH / 2,
            MARGIN + 14,
            words.too_many.format(posts=posts),
            10,
            "#b0001a",
            anchor="middle",
        )
    # north arrow, top right inside the frame
    nx, ny = WIDTH - MARGIN - 16, MARGIN + 14
    yield f'<path d="M{nx:.1f} {ny - 8:.1f}l5 12h-10z" fill="#222"/>'
    yield _text(nx, ny + 14, words.north, 9, "#222", anchor="middle", weight="bold")
