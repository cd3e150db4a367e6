"""Plans built directly as model values, for tests of the checks (no text involved)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from ttuplan import model as m
from ttuplan.deployment import Deployment
from ttuplan.diagnostics.model import Diagnostic

VOTING = m.Phase(
    name="p",
    label="Pemungutan",
    start=dt.datetime(2024, 2, 14, 6),
    end=dt.datetime(2024, 2, 15, 6),
    guards=(m.Guard(targets=("tps",), by_risk=True),),
)


def plan(
    *,
    units: Sequence[m.Unit],
    sites: Sequence[m.Site],
    districts: Sequence[str] = ("d1",),
    rules: Sequence[m.Rule] = (m.Rule(force="polri", amount=1, per=3, kind="tps"),),
    rayons: Sequence[m.Rayon] = (),
    phases: Sequence[m.Phase] = (VOTING,),
    forces: Sequence[str] = ("polri",),
) -> m.Plan:
    return m.Plan(
        info=m.PlanInfo(name="t", label="T"),
        forces=tuple(m.Force(name=f, label=f) for f in forces),
        kinds=(m.Kind(name="tps", label="TPS"),),
        risks=(m.RiskClass(name="biasa", label="Biasa", rank=0, rules=tuple(rules)),),
        districts=tuple(m.District(name=d, label=d) for d in districts),
        sites=tuple(sites),
        units=tuple(units),
        rayons=tuple(rayons),
        phases=tuple(phases),
    )


def tps(count: int, district: str = "d1", village: str = "v", start: int = 1) -> list[m.Site]:
    return [
        m.Site(
            id=f"tps_{district}_{village}_{i:03d}",
            label=f"TPS {i}",
            kind="tps",
            district=district,
            risk="biasa",
            village=village,
        )
        for i in range(start, start + count)
    ]


def unit(
    name: str,
    strength: int | None,
    covers: Sequence[str] = (),
    *,
    covers_all: bool = False,
    final: bool = True,
    force: str = "polri",
    **extra: object,
) -> m.Unit:
    return m.Unit(
        name=name,
        label=name,
        force=force,
        strength=strength,
        covers=tuple(covers),
        covers_all=covers_all,
        final=final,
        **extra,
    )  # type: ignore[arg-type]


def deploy(p: m.Plan) -> tuple[Deployment, list[Diagnostic]]:
    """The plan's deployment and every problem the checks find."""
    from ttuplan.check import check

    allocation, problems = check(p)
    return allocation.deployment, problems
