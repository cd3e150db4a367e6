"""N-1 contingency: for each reserve group and each unit in turn, if it is committed
elsewhere, what breaks?

A rayon's reserve committed elsewhere leaves its post empty: the sites only it reached in
time have no reserve within their class's `reserve within`. A pool stands at no post and
its people are on no post: its loss changes nothing here, and is not worked out. A unit
committed elsewhere is all of it gone: its posts, the reserves it gave (each reserve then
takes from its next unit, as when it was held), and, for a `role reserve` unit, its base
as a reserve. What breaks is what is worse than the plan as it is: sites newly without a
reserve in reach, districts newly short.

The allocation is reused, not made again: a unit on no post, in no reserve and not a
reserve itself is skipped; the reserves of a phase are held again only when the unit is
one of their sources; a phase's staffing is solved again only when a unit it changed now
has fewer people than it had on posts there, and then only the components of the flow
those units are in (`allocate.Replanner`); phases that overlap are solved again as their
group. Reach is worked out once per phase: each site's reserves within its time, and a
loss strands the sites all of whose reserves in reach it takes.

Scope: `REQUIRED` works out only the losses the plan's `survive loss of ...` statements
name (every `check`); `RESERVES` also every rayon, pool and `role reserve` unit (the
briefing's table); `ALL` every unit as well (`check --contingency`, whose other losses are
warnings).
"""

from __future__ import annotations

import math
from collections import ChainMap, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace

from ttuplan import model as m
from ttuplan.check.allocate import Allocation, Replanner
from ttuplan.check.reach import Reserve, _closest, _Grid, minutes_text, reserves_in
from ttuplan.constants import ALL, REQUIRED, RESERVES
from ttuplan.deployment import Hold, Loss, Short, Stranded
from ttuplan.diagnostics.builders.coverage import contingency_loss, loss_not_survived
from ttuplan.diagnostics.model import Diagnostic, Label
from ttuplan.domain import available, runs
from ttuplan.records import dataclass

SHOWN = 3  # effects said in a message; the rest in its notes


def analyse(plan: m.Plan, allocation: Allocation, scope: str = REQUIRED) -> tuple[Loss, ...]:
    """Every loss in the scope with what it breaks, worst first (then in plan order)."""
    required = _required(plan)
    candidates = _candidates(plan, scope, required)
    if not candidates:
        return ()
    study = _Study(plan, allocation)
    found = []
    for order, (kind, name) in enumerate(candidates):
        loss = study.loss(kind, name)
        found.append((order, replace(loss, required=tuple(required.get(name, ())))))
    found.sort(key=lambda pair: (not pair[1].breaks, *(-w for w in pair[1].weight()), pair[0]))
    return tuple(loss for _, loss in found)


def _required(plan: m.Plan) -> dict[str, list[str]]:
    """Each resource a `survive` statement names, and the phases it must be survived in."""
    found: dict[str, list[str]] = defaultdict(list)
    everything = [p.name for p in plan.phases]
    kinds = {
        "rayon": [r.name for r in plan.rayons],
        "pool": [p.name for p in plan.pools],
        "unit": [u.name for u in plan.units],
    }
    for statement in plan.info.survive:
        names = [*statement.names, *(n for kind in statement.kinds for n in kinds[kind])]
        for name in names:
            for phase in statement.during or everything:
                if phase not in found[name]:
                    found[name].append(phase)
    return found


def _candidates(plan: m.Plan, scope: str, required: dict[str, list[str]]) -> list[tuple[str, str]]:
    """(kind, name) of every loss to work out, in plan order: rayons, pools, units."""
    found = []
    for kind, items in (("rayon", plan.rayons), ("pool", plan.pools), ("unit", plan.units)):
        for item in items:
            reserve_unit = kind == "unit" and getattr(item, "role", None) == "reserve"
            wanted = (
                item.name in required
                or scope == ALL
                or (scope == RESERVES and (kind != "unit" or reserve_unit))
            )
            if wanted:
                found.append((kind, item.name))
    return found


@dataclass
class _PhaseReach:
    """A phase's reserves and, for each site that needs one, the reserves in its time."""

    reserves: list[Reserve]
    unlocated: set[str]  # owners of reserves without coordinates
    needing: dict[frozenset[str], list[str]]  # owners in reach -> sites (never empty)
    by_owner: dict[str, list[frozenset[str]]]  # owner -> the sets of `needing` it is in


class _Study:
    """What each loss breaks, from one allocation. What every loss asks (who posts, who
    gives to reserves, what each unit has left per phase) is worked out once, so a loss
    costs what it can reach, not the size of the plan."""

    def __init__(self, plan: m.Plan, allocation: Allocation) -> None:
        self.plan = plan
        self.allocation = allocation
        self.replanner = Replanner(plan, allocation)
        self.phases = {p.name: p for p in plan.phases if runs(p)}
        self.deployments = {d.phase: d for d in allocation.deployment.phases}
        self.units = {u.name: u for u in plan.units}
        self.sites = {s.id: s for s in plan.sites}
        self.risks = {r.name: r for r in plan.risks}
        self.district_order = {d.name: i for i, d in enumerate(plan.districts)}
        self._reach: dict[str, _PhaseReach] = {}
        self.posted: dict[str, dict[str, int]] = {}  # phase -> unit -> people on posts
        self.held: dict[str, dict[str, int]] = {}  # phase -> unit -> people in reserves
        self.holding: dict[str, dict[str, int]] = {}  # phase -> holder -> people it holds
        for name, deployment in self.deployments.items():
            posted: dict[str, int] = defaultdict(int)
            for a in deployment.assignments:
                posted[a.unit] += a.people
            held: dict[str, int] = defaultdict(int)
            holding: dict[str, int] = defaultdict(int)
            for hold in deployment.holds:
                held[hold.unit] += hold.people
                holding[hold.holder] += hold.people
            self.posted[name], self.held[name], self.holding[name] = posted, held, holding
        reserves = [
            *(r for rayon in plan.rayons for r in rayon.reserves),
            *(r for pool in plan.pools for r in pool.reserves),
        ]
        self.sources = {  # phase -> the units its reserves draw from
            name: {u for r in reserves if not r.during or name in r.during for u in r.sources}
            for name in self.phases
        }
        self._left: dict[str, dict[str, int]] = {}

    # ── each kind of loss ──

    def loss(self, kind: str, name: str) -> Loss:
        if kind == "rayon":
            return self._rayon(next(r for r in self.plan.rayons if r.name == name))
        if kind == "pool":
            pool = next(p for p in self.plan.pools if p.name == name)
            return Loss(
                resource=name,
                kind="pool",
                label=pool.label,
                people=self._most_held(name),
                skipped="a pool stands at no post and its people are on no post",
                span=pool.span,
            )
        return self._unit(self.units[name])

    def _most_held(self, holder: str) -> int:
        return max((held.get(holder, 0) for held in self.holding.values()), default=0)

    def _rayon(self, rayon: m.Rayon) -> Loss:
        loss = Loss(
            resource=rayon.name,
            kind="rayon",
            label=rayon.label,
            people=self._most_held(rayon.name),
            span=rayon.reserves[0].span if rayon.reserves else rayon.span,
        )
        if rayon.post is None:
            return replace(loss, skipped="the rayon has no post: it reaches no site")
        if not loss.people:
            return replace(loss, skipped="the rayon holds nobody")
        stranded = []
        for phase in self.phases:
            if self.holding[phase].get(rayon.name):
                stranded.extend(self._stranded(phase, {rayon.name}))
        return replace(loss, stranded=tuple(stranded))

    def _unit(self, unit: m.Unit) -> Loss:
        loss = Loss(
            resource=unit.name,
            kind="unit",
            label=unit.label,
            people=unit.strength or 0,
            span=unit.span,
        )
        if not unit.strength:
            return replace(loss, skipped="the unit has no people")
        posts = any(unit.name in posted for posted in self.posted.values())
        gives = any(unit.name in held for held in self.held.values())
        if not posts and not gives and unit.role != "reserve":
            return replace(
                loss, skipped="the unit is on no post and in no reserve, and is not a reserve"
            )
        variant: m.Plan | None = None  # the plan without the unit, made only if needed

        def without() -> m.Plan:
            nonlocal variant
            if variant is None:
                units = tuple(replace(u, strength=0) if u is unit else u for u in self.plan.units)
                variant = replace(self.plan, units=units)
            return variant

        stranded: list[Stranded] = []
        short: list[Short] = []
        missing = 0
        holds: dict[str, list[Hold] | None] = {}  # None: as they were
        for name, phase in self.phases.items():
            if unit.name in self.sources[name]:
                holds[name] = self.replanner.holds(without(), phase)
                now: dict[str, int] = defaultdict(int)
                for hold in holds[name] or ():
                    now[hold.holder] += hold.people
                lost = {h for h, people in self.holding[name].items() if people and not now[h]}
            else:
                holds[name], lost = None, set()
            if unit.role == "reserve" and available(unit, phase):
                lost.add(unit.name)
            if lost:
                stranded.extend(self._stranded(name, lost))
        done: set[str] = set()
        for name, phase in self.phases.items():
            group = self.replanner.groups[name]
            if len(group) > 1:
                if group[0].name not in done:
                    done.add(group[0].name)
                    more, found = self._coupled_short(without, group, holds, unit.name)
                    missing += more
                    short.extend(found)
            else:
                more, found = self._flow_short(phase, holds[name], unit.name)
                missing += more
                short.extend(found)
        return replace(loss, stranded=tuple(stranded), short=tuple(short), people_short=missing)

    # ── staffing ──

    def _base_left(self, phase: m.Phase) -> dict[str, int]:
        """What each unit has for posts in the phase, as the allocation had it."""
        if phase.name not in self._left:
            held = self.held[phase.name]
            self._left[phase.name] = {
                u.name: self._left_of(u, phase, held) for u in self.plan.units
            }
        return self._left[phase.name]

    def _left_of(self, unit: m.Unit, phase: m.Phase, held: Mapping[str, int]) -> int:
        """What a unit has for posts in a phase: its strength, less what reserves hold and
        the people the roster found resting then; nothing when it is away."""
        if not available(unit, phase):
            return 0
        resting = self.replanner.resting.get((unit.name, phase.name), 0)
        return max((unit.strength or 0) - held.get(unit.name, 0) - resting, 0)

    def _flow_short(
        self, phase: m.Phase, holds: list[Hold] | None, lost: str
    ) -> tuple[int, list[Short]]:
        """People newly missing in a phase alone, and the districts whose shortfall grows:
        solved again only where a unit now has fewer people than it had on posts. When
        the phase is as well staffed as before, the posts may be shared out another way
        among equals (another optimum): that is no loss, and nothing is said."""
        base = self._base_left(phase)
        changed = {lost: 0}
        if holds is not None:
            now: dict[str, int] = defaultdict(int)
            for hold in holds:
                now[hold.unit] += hold.people
            before = self.held[phase.name]
            for name in set(now) | set(before):
                if name != lost and now[name] != before.get(name, 0):
                    changed[name] = self._left_of(self.units[name], phase, now)
        posted = self.posted[phase.name]
        lacking = {u for u, left in changed.items() if posted.get(u, 0) > left}
        if not lacking:
            return 0, []  # every changed unit still has what it gave: the allocation stands
        lefts = ChainMap(changed, base)
        found = []
        missing = 0
        for force in sorted({self.units[u].force for u in lacking}):
            mine = {u for u in lacking if self.units[u].force == force}
            if self.replanner.reroutes(phase.name, force, lefts, mine):
                continue  # others with people to spare take their places: none missing
            given = self.replanner.given(
                phase.name, force, lefts, {u for u in changed if self.units[u].force == force}
            )
            had = self.replanner.had(phase.name, force)
            fewer = sum(had.get(d, 0) - given[d] for d in given)
            if fewer <= 0:
                continue
            missing += fewer
            for district in sorted(given, key=self.district_order.__getitem__):
                if given[district] < had.get(district, 0):
                    found.append(
                        Short(
                            phase=phase.name,
                            district=district,
                            force=force,
                            people=had[district] - given[district],
                        )
                    )
        return missing, found

    def _coupled_short(
        self,
        without: Callable[[], m.Plan],
        group: tuple[m.Phase, ...],
        holds: dict[str, list[Hold] | None],
        lost: str,
    ) -> tuple[int, list[Short]]:
        """People newly missing in phases that overlap, and the districts whose shortfall
        grows: their group allocated again, when the lost unit (or a unit whose reserves
        changed) had people on its posts. As in a phase alone, the same shortfall shared
        out another way is no loss."""
        posted = {u for p in group for u in self.posted[p.name]}
        changed = {lost} | {
            h.unit for p in group for h in (*(holds[p.name] or ()), *self.deployments[p.name].holds)
        }
        if not posted & changed:
            return 0, []
        kept: dict[str, list[Hold]] = {}
        for p in group:
            again_held = holds[p.name]
            kept[p.name] = list(
                self.deployments[p.name].holds if again_held is None else again_held
            )
        again = self.replanner.coupled(without(), group, kept)
        before = sum(s.short for p in group for s in self.deployments[p.name].shortfalls)
        missing = sum(s.short for p in group for s in again[p.name]) - before
        if missing <= 0:
            return 0, []
        found = []
        for phase in group:
            was = {(s.district, s.force): s.short for s in self.deployments[phase.name].shortfalls}
            for s in again[phase.name]:
                worse = s.short - was.get((s.district, s.force), 0)
                if worse > 0:
                    found.append(
                        Short(phase=phase.name, district=s.district, force=s.force, people=worse)
                    )
        return missing, found

    # ── reach ──

    def _phase_reach(self, phase: str) -> _PhaseReach:
        if phase not in self._reach:
            self._reach[phase] = self._work_out_reach(phase)
        return self._reach[phase]

    def _work_out_reach(self, phase: str) -> _PhaseReach:
        deployment = self.deployments[phase]
        reserves = reserves_in(self.plan, self.phases[phase], deployment)
        unlocated = {r.owner for r in reserves if r.lat is None or r.lon is None}
        grid = _Grid(reserves)
        needing: dict[frozenset[str], list[str]] = defaultdict(list)
        asks = {r.name: r.reserve_within for r in self.plan.risks if r.reserve_within is not None}
        guarded = sorted(
            {
                site
                for post in deployment.posts
                if post.risk in asks or post.risk is None
                for site in post.sites
                if self.sites[site].risk in asks
            }
        )
        info = self.plan.info
        for site_id in guarded:
            site = self.sites[site_id]
            if site.lat is None or site.lon is None or not grid.all:
                continue
            within = asks[site.risk] or 0
            km = within / 60 * info.speed_kmh / info.detour
            owners = frozenset(r.owner for r in grid.within(site.lat, site.lon, km))
            if owners:  # none: out of reach already (TP406), not this loss's doing
                needing[owners].append(site_id)
        by_owner: dict[str, list[frozenset[str]]] = defaultdict(list)
        for owners in needing:
            for owner in owners:
                by_owner[owner].append(owners)
        return _PhaseReach(
            reserves=reserves, unlocated=unlocated, needing=dict(needing), by_owner=by_owner
        )

    def _stranded(self, phase: str, lost: set[str]) -> list[Stranded]:
        """Sites of the phase all of whose reserves in reach are `lost`, by class and kind."""
        reach = self._phase_reach(phase)
        if reach.unlocated - lost:
            return []  # a reserve without coordinates may reach them: it cannot be known
        sets = {owners for owner in lost for owners in reach.by_owner.get(owner, ())}
        sites = sorted(site for owners in sets if owners <= lost for site in reach.needing[owners])
        if not sites:
            return []
        left = [r for r in reach.reserves if r.owner not in lost and r.lat is not None]
        groups: dict[tuple[str, str], list[str]] = defaultdict(list)
        for site_id in sites:
            site = self.sites[site_id]
            groups[(site.risk, site.kind)].append(site_id)
        info = self.plan.info
        found = []
        for (risk, kind), members in sorted(
            groups.items(), key=lambda kv: -self.risks[kv[0][0]].rank
        ):
            farthest = 0.0
            for site_id in members:
                site = self.sites[site_id]
                assert site.lat is not None and site.lon is not None
                best = _closest(site.lat, site.lon, left)
                minutes = (
                    float("inf") if best is None else best[0] * info.detour / info.speed_kmh * 60
                )
                farthest = max(farthest, minutes)
            found.append(
                Stranded(
                    phase=phase,
                    risk=risk,
                    kind=kind,
                    within=self.risks[risk].reserve_within or 0,
                    sites=tuple(members),
                    nearest=farthest,
                )
            )
        return found


# ── the rules ──


def losses(plan: m.Plan, allocation: Allocation) -> Iterable[Diagnostic]:
    """TP410 for a loss the plan must survive and does not; TP411 (with `--contingency`)
    for any other loss that breaks it."""
    everything = allocation.contingency_scope == ALL
    for loss in allocation.deployment.contingency:
        if loss.breaks and (loss.must_survive or everything):
            yield _diagnostic(plan, loss)


def describe(plan: m.Plan, loss: Loss) -> list[str]:
    """What a loss breaks, one phrase per phase and effect, in words."""
    risks = {r.name: r.label for r in plan.risks}
    parts = []
    for stranded in loss.stranded:
        count = len(stranded.sites)
        then = (
            "no reserve left at all"
            if stranded.nearest == float("inf")
            else f"nearest then {minutes_text(stranded.nearest)}"
        )
        parts.append(
            f"{count} {risks.get(stranded.risk, stranded.risk)} {stranded.kind} "
            f"{'has' if count == 1 else 'have'} no reserve within {stranded.within} min in "
            f"`{stranded.phase}`; {then}"
        )
    grouped: dict[tuple[str, str], list[Short]] = defaultdict(list)
    for short in loss.short:
        grouped[(short.phase, short.force)].append(short)
    for (phase, force), found in grouped.items():
        if len(found) <= SHOWN:
            parts.extend(
                f"district `{s.district}` short {s.people} {force} in `{phase}`" for s in found
            )
            continue
        most = sorted(found, key=lambda s: -s.people)  # stable: plan order among equals
        listed = ", ".join(f"`{s.district}` {s.people}" for s in most[:SHOWN])
        parts.append(
            f"{len(found)} districts short {sum(s.people for s in found):,} {force} in "
            f"`{phase}`: {listed} and {len(found) - SHOWN} more"
        )
    return parts


def headline(loss: Loss) -> str:
    held = "held" if loss.kind != "unit" else "strength"
    return f"without `{loss.resource}` ({loss.label}, {held} {loss.people})"


def _diagnostic(plan: m.Plan, loss: Loss) -> Diagnostic:
    """TP410 for a loss the plan must survive, pointing at the `survive` that says so;
    else TP411."""
    parts = describe(plan, loss)
    statements = plan.info.survive if loss.must_survive else ()
    related = [
        Label(span=s.span, message="the plan must survive this loss")
        for s in statements
        if loss.resource in s.names or loss.kind in s.kinds
    ][:1]
    for s in loss.stranded[:1]:
        site = next((x for x in plan.sites if x.id == s.sites[0]), None)
        if site is not None:
            related.append(Label(span=site.span, message=f"no reserve within {s.within} min then"))
    build = loss_not_survived if loss.must_survive else contingency_loss
    return build(
        loss.span,
        headline(loss),
        tuple(parts),
        SHOWN,
        tuple(related),
        stranded=bool(loss.stranded),
        short=bool(loss.short),
    )


# ── as a report ──


def contingency_text(plan: m.Plan, found: tuple[Loss, ...]) -> str:
    """`check --contingency`: every loss that breaks the plan, worst first, then those
    that break nothing and those not worked out."""
    lines = ["contingency (N-1): if one is committed elsewhere, what breaks, worst first"]
    breaking = [loss for loss in found if loss.breaks]
    for number, loss in enumerate(breaking, start=1):
        must = " (the plan must survive this: TP410)" if loss.must_survive else ""
        lines.append(f"  {number}. {headline(loss)}{must}")
        lines.extend(f"       {part}" for part in describe(plan, loss))
    if not breaking:
        lines.append("  no single loss breaks the plan")
    holding = [f"`{loss.resource}`" for loss in found if not loss.breaks and not loss.skipped]
    if holding:
        lines.append(f"  nothing breaks without: {', '.join(holding)}")
    for loss in found:
        if loss.skipped:
            lines.append(f"  not worked out: `{loss.resource}` ({loss.skipped})")
    return "\n".join(lines) + "\n"


def contingency_data(found: tuple[Loss, ...]) -> list[dict[str, object]]:
    """The same as data, worst first (`check --format json --contingency`)."""
    return [
        {
            "resource": loss.resource,
            "kind": loss.kind,
            "label": loss.label,
            "people": loss.people,
            "breaks": loss.breaks,
            "people_short": loss.people_short,
            "must_survive": loss.must_survive,
            "skipped": loss.skipped or None,
            "stranded": [
                {
                    "phase": s.phase,
                    "risk": s.risk,
                    "kind": s.kind,
                    "within": s.within,
                    "sites": list(s.sites),
                    "nearest": None
                    if s.nearest == float("inf")
                    else math.ceil(s.nearest * 10 - 1e-9) / 10,  # as the text: never down
                }
                for s in loss.stranded
            ],
            "short": [
                {"phase": s.phase, "district": s.district, "force": s.force, "people": s.people}
                for s in loss.short
            ],
        }
        for loss in found
    ]
