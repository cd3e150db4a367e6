"""`reserve within`: can a reserve reach each site of the class in time, in every phase
the site is guarded? Travel time is great-circle distance x detour / speed.

A reserve without coordinates cannot be measured: when no reserve with coordinates is in
reach, the rule cannot be verified (TP407, naming the reserves that have none) rather
than failed. Times are shown rounded up to a tenth of a minute, never down to the limit.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from itertools import chain

from ttuplan import model as m
from ttuplan.check.allocate import Allocation
from ttuplan.deployment import Deployment, PhaseDeployment
from ttuplan.diagnostics.builders.coverage import reserve_out_of_reach, reserve_unverifiable
from ttuplan.diagnostics.model import Diagnostic, Label
from ttuplan.domain import available
from ttuplan.records import dataclass
from ttuplan.source import NOWHERE, Span

EARTH_KM = 6371.0088
CELL_DEGREES = 0.25
NEAR_KM = 30.0  # where the nearest reserve is first looked for (then everywhere)


@dataclass(frozen=True, slots=True)
class Reserve:
    """Where a reserve stands in a phase (no coordinates: lat/lon None)."""

    label: str
    lat: float | None
    lon: float | None
    span: Span
    owner: str = ""  # the rayon or `role reserve` unit it is


@dataclass(frozen=True, slots=True)
class Reach:
    """A site's nearest reserve in a phase, as `reserve within` measures it."""

    holder: str  # the rayon's or the `role reserve` unit's name
    km: float  # great-circle distance
    minutes: float  # travel time: distance x detour at the plan's speed


def travel_minutes(plan: m.Plan, km: float) -> float:
    """The one estimate of travel time: great-circle km x `travel detour` at `travel speed`."""
    return km * plan.info.detour / plan.info.speed_kmh * 60


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine), as the reach rule measures it."""
    found = _closest(lat1, lon1, [Reserve("", lat2, lon2, NOWHERE)])
    assert found is not None
    return found[0]


def nearest_reserves(plan: m.Plan, deployment: Deployment) -> dict[tuple[str, str], Reach]:
    """(phase, site id) -> the nearest reserve standing in the phase, for every guarded
    site with coordinates: what the rosters print beside each post, worked out with the
    check's own grid and estimate."""
    phases = {p.name: p for p in plan.phases}
    sites = {s.id: s for s in plan.sites}
    found: dict[tuple[str, str], Reach] = {}
    for phase_deployment in deployment.phases:
        located = [
            r
            for r in reserves_in(plan, phases[phase_deployment.phase], phase_deployment)
            if r.lat is not None and r.lon is not None
        ]
        if not located:
            continue
        grid = _Grid(located)
        for post in phase_deployment.posts:
            for site_id in post.sites:
                site = sites.get(site_id)
                if site is None or site.lat is None or site.lon is None:
                    continue
                best = grid.nearest(site.lat, site.lon, NEAR_KM)
                if best is not None:
                    km, reserve = best
                    found[(phase_deployment.phase, site_id)] = Reach(
                        reserve.owner, km, travel_minutes(plan, km)
                    )
    return found


def reserves_in(plan: m.Plan, phase: m.Phase, deployment: PhaseDeployment) -> list[Reserve]:
    """Rayon posts holding people in the phase, and bases of available `role reserve` units."""
    holding = {hold.holder for hold in deployment.holds if hold.people}
    found = [
        Reserve(f"{r.label} ({r.post.label})", r.post.lat, r.post.lon, r.post.span, r.name)
        for r in plan.rayons
        if r.name in holding and r.post is not None
    ]
    districts = {d.name: d for d in plan.districts}
    for unit in plan.units:
        if unit.role == "reserve" and (unit.strength or 0) > 0 and available(unit, phase):
            base = districts.get(unit.base or "")
            found.append(
                Reserve(
                    f"{unit.label} ({base.label if base else 'no base'})",
                    base.lat if base else None,
                    base.lon if base else None,
                    unit.span,
                    unit.name,
                )
            )
    return found


class _Grid:
    """Reserves with coordinates in cells of CELL_DEGREES, for nearby look-ups."""

    def __init__(self, reserves: Sequence[Reserve]) -> None:
        self.cells: dict[tuple[int, int], list[Reserve]] = defaultdict(list)
        self.all = [r for r in reserves if r.lat is not None and r.lon is not None]
        for reserve in self.all:
            assert reserve.lat is not None and reserve.lon is not None
            self.cells[_cell(reserve.lat, reserve.lon)].append(reserve)
        # The reserves near each cell, found once per cell (a national plan asks 22,000
        # times, mostly from the same cells).
        self.near: dict[tuple[int, int, int], list[Reserve]] = {}

    def within(self, lat: float, lon: float, within_km: float) -> list[Reserve]:
        """Every reserve within `within_km` of the point (great circle)."""
        found = []
        for reserve in self._near(lat, lon, within_km):
            best = _closest(lat, lon, (reserve,))
            if best is not None and best[0] <= within_km:
                found.append(reserve)
        return found

    def nearest(self, lat: float, lon: float, within_km: float) -> tuple[float, Reserve] | None:
        """The nearest reserve; cells near the site first, every reserve if none is in range."""
        best = _closest(lat, lon, self._near(lat, lon, within_km))
        if best is None or best[0] > within_km:
            best = _closest(lat, lon, self.all)
        return best

    def _near(self, lat: float, lon: float, within_km: float) -> list[Reserve]:
        """The reserves in the cells that a circle of `within_km` around the point touches."""
        reach = (
            math.ceil(within_km / (111.0 * CELL_DEGREES * max(math.cos(math.radians(lat)), 0.2)))
            + 1
        )
        row, col = _cell(lat, lon)
        near = self.near.get((row, col, reach))
        if near is None:
            if (2 * reach + 1) ** 2 > len(self.cells):
                # a bound wider than the reserves' spread: look only at cells that have some
                near = [
                    r
                    for (r_row, r_col), found in self.cells.items()
                    if abs(r_row - row) <= reach and abs(r_col - col) <= reach
                    for r in found
                ]
            else:
                near = [
                    r
                    for dr in range(-reach, reach + 1)
                    for dc in range(-reach, reach + 1)
                    for r in self.cells.get((row + dr, col + dc), ())
                ]
            self.near[(row, col, reach)] = near
        return near


def _cell(lat: float, lon: float) -> tuple[int, int]:
    return math.floor(lat / CELL_DEGREES), math.floor(lon / CELL_DEGREES)


def _closest(lat: float, lon: float, reserves: Sequence[Reserve]) -> tuple[float, Reserve] | None:
    """The nearest reserve (ties by label) and its great-circle distance in km (haversine),
    the site's own terms worked out once for all the reserves."""
    best: tuple[float, Reserve] | None = None
    radians, sin, cos = math.radians, math.sin, math.cos
    p1 = radians(lat)
    cos1 = cos(p1)
    for reserve in reserves:
        assert reserve.lat is not None and reserve.lon is not None
        p2 = radians(reserve.lat)
        dl = radians(reserve.lon - lon)
        h = sin((p2 - p1) / 2) ** 2 + cos1 * cos(p2) * sin(dl / 2) ** 2
        km = 2 * EARTH_KM * math.asin(math.sqrt(min(1.0, h)))
        if best is None or km < best[0] or (km == best[0] and reserve.label < best[1].label):
            best = (km, reserve)
    return best


def minutes_text(minutes: float) -> str:
    """Minutes rounded up to a tenth: 30.03 is "30.1 min", never "30 min"."""
    return f"{math.ceil(minutes * 10 - 1e-9) / 10:.1f} min"


def out_of_reach(plan: m.Plan, allocation: Allocation) -> Iterable[Diagnostic]:
    """TP406 for sites no reserve reaches in time; TP407 where that cannot be known."""
    risks = {r.name: r for r in plan.risks if r.reserve_within is not None}
    if not risks:
        return
    deployments = allocation.deployment.phases
    phases = {p.name: p for p in plan.phases}
    sites = {s.id: s for s in plan.sites if s.risk in risks}
    late: dict[str, list[tuple[str, float, Reserve | None]]] = defaultdict(list)
    unverifiable: dict[str, list[tuple[str, tuple[Reserve, ...]]]] = defaultdict(list)
    # Phases whose reserves stand in the same places share a grid and its answers.
    grids: dict[tuple[Reserve, ...], tuple[_Grid, dict[str, tuple[float, Reserve] | None]]] = {}
    for deployment in deployments:
        # Posts of the classes that need a reserve near, and fixed guards (of any site).
        posts = (p.sites for p in deployment.posts if p.risk in risks or p.risk is None)
        guarded = {site for site in chain.from_iterable(posts) if site in sites}
        if not guarded:
            continue
        reserves = reserves_in(plan, phases[deployment.phase], deployment)
        key = tuple(reserves)
        if key not in grids:
            grids[key] = (_Grid(reserves), {})
        grid, answers = grids[key]
        unlocated = tuple(r for r in reserves if r.lat is None or r.lon is None)
        for site_id in sorted(guarded):
            site = sites[site_id]
            risk = risks[site.risk]
            assert risk.reserve_within is not None
            if not reserves:
                late[site_id].append((deployment.phase, math.inf, None))
                continue
            if site.lat is None or site.lon is None:
                unverifiable[site_id].append((deployment.phase, ()))
                continue
            nearest = None
            if grid.all:
                within_km = risk.reserve_within / 60 * plan.info.speed_kmh / plan.info.detour
                if site_id not in answers:
                    answers[site_id] = grid.nearest(site.lat, site.lon, within_km)
                nearest = answers[site_id]
            minutes = math.inf if nearest is None else travel_minutes(plan, nearest[0])
            if minutes <= risk.reserve_within:
                continue
            if unlocated:  # one of them may be near: it cannot be known
                unverifiable[site_id].append((deployment.phase, unlocated))
            else:
                late[site_id].append((deployment.phase, minutes, nearest[1] if nearest else None))
    for site_id, found in late.items():
        yield _late(plan, sites[site_id], risks[sites[site_id].risk], found)
    for site_id, where in unverifiable.items():
        yield _unverifiable(plan, sites[site_id], risks[sites[site_id].risk], where)


def _late(
    plan: m.Plan, site: m.Site, risk: m.RiskClass, found: list[tuple[str, float, Reserve | None]]
) -> Diagnostic:
    phase, minutes, reserve = max(found, key=lambda item: item[1])
    names = ", ".join(f"`{p}`" for p, _, _ in found)
    related = [
        Label(
            span=risk.reserve_within_span or risk.span,
            message=f"`{risk.name}` asks for a reserve within {risk.reserve_within} min",
        )
    ]
    if reserve is None:
        detail = f"no reserve stands anywhere in `{phase}`"
    else:
        km = minutes / 60 * plan.info.speed_kmh / plan.info.detour
        detail = (
            f"the nearest reserve in `{phase}`, {reserve.label}, is {km:.1f} km away, "
            f"{minutes_text(minutes)}"
        )
        related.append(
            Label(span=reserve.span, message=f"nearest reserve: {minutes_text(minutes)}")
        )
    return reserve_out_of_reach(
        site.span,
        site.id,
        site.label,
        names,
        detail,
        risk.reserve_within,
        plan.info.detour,
        plan.info.speed_kmh,
        tuple(related),
    )


def _unverifiable(
    plan: m.Plan, site: m.Site, risk: m.RiskClass, where: list[tuple[str, tuple[Reserve, ...]]]
) -> Diagnostic:
    phases = ", ".join(f"`{p}`" for p, _ in where)
    unlocated = {r.label: r for _, found in where for r in found}
    located = site.lat is not None and site.lon is not None
    return reserve_unverifiable(
        site.span,
        site.id,
        risk.reserve_within,
        phases,
        risk.reserve_within_span or risk.span,
        tuple((label, r.span) for label, r in sorted(unlocated.items())),
        ", ".join(sorted(unlocated)) if located else None,
    )


def nearest_minutes(
    plan: m.Plan, phases: Sequence[PhaseDeployment]
) -> dict[tuple[str, str], float]:
    """(phase, site) -> minutes to the nearest reserve with coordinates, for every guarded
    site whose class asks for a reserve `within` a time; `math.inf` where no reserve stands
    at all. Sites that cannot be measured (no coordinates, or no located reserve) are left
    out. What `diff` compares as "reserve reach"."""
    risks = {r.name: r.reserve_within for r in plan.risks if r.reserve_within is not None}
    found: dict[tuple[str, str], float] = {}
    if not risks:
        return found
    by_name = {p.name: p for p in plan.phases}
    sites = {s.id: s for s in plan.sites if s.risk in risks}
    grids: dict[tuple[Reserve, ...], _Grid] = {}
    for deployment in phases:
        posts = (p.sites for p in deployment.posts if p.risk in risks or p.risk is None)
        guarded = sorted({site for site in chain.from_iterable(posts) if site in sites})
        if not guarded:
            continue
        reserves = reserves_in(plan, by_name[deployment.phase], deployment)
        grid = grids.setdefault(tuple(reserves), _Grid(reserves))
        for site_id in guarded:
            site = sites[site_id]
            if not reserves:
                found[(deployment.phase, site_id)] = math.inf
            elif site.lat is not None and site.lon is not None and grid.all:
                within = risks[site.risk] or 0
                km = within / 60 * plan.info.speed_kmh / plan.info.detour
                nearest = grid.nearest(site.lat, site.lon, km)
                assert nearest is not None
                found[(deployment.phase, site_id)] = _minutes(plan, nearest[0])
    return found


def _minutes(plan: m.Plan, km: float) -> float:
    return km * plan.info.detour / plan.info.speed_kmh * 60
