"""README, "How a plan is checked", as a contract: each hand-worked example is a test.

Each test builds the small plan its example describes (as `.ttup` text, the language the
README speaks), runs the real checker (`ttuplan.api.check_plan`) and asserts the figures
and codes the example states; its docstring quotes the README sentence it proves. An
example already proven elsewhere is listed in `ELSEWHERE` with the test that proves it.
The last tests guard the contract's shape: every italic example is proven by some test,
and every code a rule names exists, is not retired, and every rule the checker has is
named there. (The audit behind it: notes-rules-audit.md.)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import re
from collections import defaultdict
from pathlib import Path
from textwrap import dedent

import pytest

from tests.conftest import REPO
from ttuplan.api import CheckResult, check_plan
from ttuplan.deployment import Deployment, PhaseDeployment
from ttuplan.diagnostics import codes
from ttuplan.diagnostics.model import Diagnostic, Family
from ttuplan.summary import summary_data, summary_text

HEADER = """\
plan t "README example" {{
  authority "Kapolres"
{settings}}}
force polri "Polri"
"""


def checked(
    tmp_path: Path, body: str, *, settings: str = "", files: dict[str, str] | None = None
) -> CheckResult:
    """Check the plan `body` (after a plan block and `force polri`) in its own folder."""
    text = HEADER.format(settings=dedent(settings)) + dedent(body)
    (tmp_path / "plan.ttup").write_text(text, encoding="utf-8")
    for name, content in (files or {}).items():
        (tmp_path / name).write_text(dedent(content).lstrip(), encoding="utf-8")
    return check_plan(str(tmp_path))


def codes_of(result: CheckResult) -> list[str]:
    return [d.code.id for d in result.diagnostics]


def only(result: CheckResult, code: str) -> Diagnostic:
    [found] = [d for d in result.diagnostics if d.code.id == code]
    return found


def deployed(result: CheckResult) -> Deployment:
    assert result.deployment is not None, codes_of(result)
    return result.deployment


def phase_of(result: CheckResult, name: str) -> PhaseDeployment:
    found = deployed(result).phase(name)
    assert found is not None
    return found


def given(phase: PhaseDeployment) -> dict[str, int]:
    """People each unit gives to the phase's posts, in all."""
    found: dict[str, int] = defaultdict(int)
    for a in phase.assignments:
        found[a.unit] += a.people
    return dict(found)


def peak(result: CheckResult, unit: str) -> int:
    """The most people `unit` has out at any moment of the operation."""
    return max(
        load.peak for phase in deployed(result).phases for load in phase.loads if load.unit == unit
    )


KPU = """
kind kpu "Kantor KPU"
risk biasa "Biasa"
district d1 "Distrik Satu"
site kpu_1 "Kantor KPU" {
  kind kpu
  district d1
  risk biasa
}
"""


# ── Time ─────────────────────────────────────────────────────────────────────


def test_a_period_that_ends_before_it_starts_is_tp601(tmp_path: Path) -> None:
    """README, Time: "a phase, or a unit's `available` window, that ends when or before it
    starts is TP601: *`phase p "P" 2024-02-14 18:00 .. 2024-02-14 06:00`*"."""
    result = checked(
        tmp_path,
        """
        unit u "U" {
          force polri
          available from 2024-02-14 until 2024-02-13
          final
        }
        phase p "P" 2024-02-14 18:00 .. 2024-02-14 06:00
        """,
    )
    assert codes_of(result) == ["TP601", "TP601"]
    unit, phase = result.diagnostics
    # `until 2024-02-13` is the whole of that day: it ends as the window starts
    assert unit.message == (
        "the availability of `u` ends when it starts (2024-02-14 00:00): it lasts no time"
    )
    assert phase.message == (
        "phase `p` ends (2024-02-14 06:00) before it starts (2024-02-14 18:00)"
    )


def test_a_date_alone_is_the_whole_day(tmp_path: Path) -> None:
    """README, Time: "Phases run from their start to their end (a date alone: the whole
    day)"."""
    result = checked(
        tmp_path,
        """
        unit u "U" {
          force polri
          final
        }
        phase p "P" 2024-02-14 .. 2024-02-15
        """,
    )
    assert result.diagnostics == () and result.plan
    [phase] = result.plan.phases
    assert (phase.start, phase.end) == (dt.datetime(2024, 2, 14), dt.datetime(2024, 2, 16))


def test_phases_that_never_meet_are_never_counted_together(tmp_path: Path) -> None:
    """README, Time: "The operation is cut at every phase boundary into intervals in which
    the same phases are in force, and a unit's people are counted per interval: reserves
    held, fixed guards and posts of every phase in force then. *Phases `pa` (14 Feb), `pb`
    (14 Feb 12:00 .. 15 Feb 12:00) and `pc` (15 Feb), a unit with 6 on `pa` and 6 on `pc`:
    `pa` and `pc` never meet, so it never has more than 6 out.*" (tests/test_allocation.py
    proves the same with a fourth phase over the whole operation,
    fixtures/allocation/no-false-overcommit.)"""
    result = checked(
        tmp_path,
        KPU
        + """
        unit u "U" {
          force polri
          strength 10
          covers d1
          final
        }
        phase pa "A" 2024-02-14 .. 2024-02-14 {
          guard kpu with 6 polri
        }
        phase pb "B" 2024-02-14 12:00 .. 2024-02-15 12:00
        phase pc "C" 2024-02-15 .. 2024-02-15 {
          guard kpu with 6 polri
        }
        """,
    )
    assert result.diagnostics == ()
    assert result.allocation is not None
    cut = [(i.start.day, i.start.hour, i.phases) for i in result.allocation.intervals]
    assert cut == [(14, 0, ("pa",)), (14, 12, ("pa", "pb")), (15, 0, ("pb", "pc")),
                   (15, 12, ("pc",))]  # fmt: skip
    assert given(phase_of(result, "pa")) == given(phase_of(result, "pc")) == {"u": 6}
    assert peak(result, "u") == 6  # never 12


RESERVE_AND_GUARD = """
rayon r1 "Rayon Satu" {
  post "Pos Satu" in d1
  districts d1
  reserve 4 from u
  escalates to u
}
guard kpu with 2 polri
phase pa "A" 2024-02-14 .. 2024-02-14
phase pb "B" 2024-02-14 12:00 .. 2024-02-15 12:00
"""


def test_a_reserve_or_guard_in_phases_that_overlap_is_counted_once(tmp_path: Path) -> None:
    """README, Time: "A reserve or top-level guard that holds in phases that overlap is the
    same people, counted once: *a rayon's `reserve 4 from u` and a top-level `guard kpu with
    2 polri`, both in force in `pa` and `pb`, keep 6 of `u` out at once, not 12.*"."""
    result = checked(
        tmp_path,
        KPU
        + 'unit u "U" {\n  force polri\n  strength 6\n  covers d1\n  final\n}\n'
        + RESERVE_AND_GUARD,
    )
    assert result.diagnostics == ()  # no TP402 for the guard, no TP405 for the unit
    for name in ("pa", "pb"):
        phase = phase_of(result, name)
        assert given(phase) == {"u": 2}
        assert [(h.holder, h.people) for h in phase.holds] == [("r1", 4)]
    assert peak(result, "u") == 6


def test_reserves_held_at_once_beyond_a_units_strength_are_tp405(tmp_path: Path) -> None:
    """README, Time: "A unit with more people held by reserves at once than its strength is
    reported (TP405), naming the interval and the phases in force: *`u` (6) with 4 held by
    `r1` during `pa` and 4 by `r2` during `pb`: "8 are committed at once, 2024-02-14 12:00
    .. 24:00 (phases `pa`, `pb` in force)".*"."""
    result = checked(
        tmp_path,
        """
        district d1 "Distrik Satu"
        unit u "U" {
          force polri
          strength 6
          covers d1
          final
        }
        rayon r1 "Rayon Satu" {
          post "Pos Satu" in d1
          districts d1
          reserve 4 from u during pa
          escalates to u
        }
        rayon r2 "Rayon Dua" {
          post "Pos Dua" in d1
          districts d1
          reserve 4 from u during pb
          escalates to u
        }
        phase pa "A" 2024-02-14 .. 2024-02-14
        phase pb "B" 2024-02-14 12:00 .. 2024-02-15 12:00
        """,
    )
    assert codes_of(result) == ["TP405"]
    assert result.diagnostics[0].message == (
        "`u` has 6 people but 8 are committed at once, 2024-02-14 12:00 .. 24:00 (phases "
        "`pa`, `pb` in force): 4 held by `r1` in `pa`, 4 held by `r2` in `pb`"
    )


# ── Posts ────────────────────────────────────────────────────────────────────


def test_sites_without_a_village_make_posts_per_district_sized_by_the_first_rule(
    tmp_path: Path,
) -> None:
    """README, Posts: "`guard KIND by risk` groups that kind's sites per village (the
    district when a site has no village), per risk class, in natural id order (`tps_8`
    before `tps_10`), into posts of at most B sites, B from the class's first rule for the
    kind. Every rule `A per B` then needs ceil(A·k/B) people on a post of k sites"."""
    sites = "".join(
        f'site tps_{n} "TPS {n}" {{\n  kind tps\n  district d1\n  risk biasa\n}}\n'
        for n in (8, 9, 10)
    )
    result = checked(
        tmp_path,
        """
        force linmas "Linmas"
        kind tps "TPS"
        risk biasa "Biasa" {
          linmas 3 per 2 tps
          polri 1 per tps
        }
        district d1 "Distrik Satu"
        unit u "U" {
          force polri
          strength 10
          covers d1
          final
        }
        unit l "Linmas" {
          force linmas
          strength 10
          covers d1
        }
        phase p "P" 2024-02-14 06:00 .. 2024-02-14 18:00 {
          guard tps by risk
        }
        """
        + sites,
    )
    assert result.diagnostics == ()
    posts = phase_of(result, "p").posts
    # B = 2 from the first rule (linmas); no village: one group for the district
    assert [(p.sites, p.need) for p in posts] == [
        (("tps_8", "tps_9"), (("linmas", 3), ("polri", 2))),
        (("tps_10",), (("linmas", 2), ("polri", 1))),
    ]


def test_sites_whose_class_has_no_rule_for_their_kind_are_tp408(tmp_path: Path) -> None:
    """README, Posts: "Sites whose class has no rule for their kind get nobody, a warning
    (TP408): *`guard gudang by risk` where `rawan` has rules only for `tps`.*"."""
    result = checked(
        tmp_path,
        """
        kind tps "TPS"
        kind gudang "Gudang"
        risk rawan "Rawan" {
          polri 1 per tps
        }
        district d1 "Distrik Satu"
        site gudang_1 "Gudang" {
          kind gudang
          district d1
          risk rawan
        }
        unit u "U" {
          force polri
          strength 10
          covers d1
          final
        }
        phase p "P" 2024-02-14 06:00 .. 2024-02-14 18:00 {
          guard gudang by risk
        }
        """,
    )
    assert codes_of(result) == ["TP408"]
    assert phase_of(result, "p").posts == ()
    assert result.diagnostics[0].message == (
        "1 `gudang` site of class `rawan` is guarded by risk, but `rawan` has no rule for `gudang`"
    )


def test_a_top_level_guard_holds_in_its_during_phases_only(tmp_path: Path) -> None:
    """README, Posts: "`guard KIND with N force` (or `guard SITE with ...`) puts N on every
    such site. Guards at the top level hold in every phase, or in their `during` ones"."""
    result = checked(
        tmp_path,
        KPU
        + """
        site kpu_2 "Kantor KPU Dua" {
          kind kpu
          district d1
          risk biasa
        }
        unit u "U" {
          force polri
          strength 20
          covers d1
          final
        }
        guard kpu with 3 polri
        guard kpu_2 with 1 polri during pb
        phase pa "A" 2024-02-14 06:00 .. 2024-02-14 18:00
        phase pb "B" 2024-02-15 06:00 .. 2024-02-15 18:00
        """,
    )
    assert result.diagnostics == ()
    posts = {
        name: [(p.sites, p.need) for p in phase_of(result, name).posts] for name in ("pa", "pb")
    }
    assert posts == {
        "pa": [(("kpu_1",), (("polri", 3),)), (("kpu_2",), (("polri", 3),))],
        "pb": [
            (("kpu_1",), (("polri", 3),)),
            (("kpu_2",), (("polri", 3),)),
            (("kpu_2",), (("polri", 1),)),
        ],
    }


GUARDED_TWICE = """
force linmas "Linmas"
kind kpu "Kantor KPU"
risk biasa "Biasa"
district d1 "Distrik Satu"
site kpu_ttu "Kantor KPU TTU" {
  kind kpu
  district d1
  risk biasa
}
site kpu_b "Kantor KPU B" {
  kind kpu
  district d1
  risk biasa
}
unit u "U" {
  force polri
  strength 50
  covers d1
  final
}
unit l "Linmas" {
  force linmas
  strength 50
  covers d1
}
"""


def test_a_phase_guard_by_site_replaces_the_top_level_guard_of_that_site_only(
    tmp_path: Path,
) -> None:
    """README, Posts: "a `guard` inside a phase replaces, in that phase, the top-level
    guards of the sites it guards, whether it names them by kind or by id": a top-level
    `guard kpu with 6 polri` and, in the phase, `guard kpu_ttu with 4 polri, 2 linmas`."""
    result = checked(
        tmp_path,
        GUARDED_TWICE
        + """
        guard kpu with 6 polri
        phase p "P" 2024-02-14 06:00 .. 2024-02-14 18:00 {
          guard kpu_ttu with 4 polri, 2 linmas
        }
        """,
    )
    assert result.diagnostics == ()
    assert sorted((p.sites, p.need) for p in phase_of(result, "p").posts) == [
        (("kpu_b",), (("polri", 6),)),
        (("kpu_ttu",), (("polri", 4), ("linmas", 2))),
    ]


def test_a_phase_guard_by_kind_replaces_the_top_level_guard_of_a_site_of_that_kind(
    tmp_path: Path,
) -> None:
    """README, Posts: "a `guard` inside a phase replaces, in that phase, the top-level
    guards of the sites it guards, whether it names them by kind or by id": a top-level
    `guard kpu_ttu with 6 polri` and, in the phase, `guard kpu with 4 polri, 2 linmas` make
    one post at the KPU TTU office there, needing 4 Polri and 2 Linmas (it was two posts,
    10 Polri, before domain.guards_in_force looked at the kind of a site named by id)."""
    result = checked(
        tmp_path,
        GUARDED_TWICE
        + """
        guard kpu_ttu with 6 polri
        phase p "P" 2024-02-14 06:00 .. 2024-02-14 18:00 {
          guard kpu with 4 polri, 2 linmas
        }
        """,
    )
    assert result.diagnostics == ()
    assert sorted((p.sites, p.need) for p in phase_of(result, "p").posts) == [
        (("kpu_b",), (("polri", 4), ("linmas", 2))),
        (("kpu_ttu",), (("polri", 4), ("linmas", 2))),
    ]


# ── Shifts ───────────────────────────────────────────────────────────────────

UNIT_U = """
unit u "U" {
  force polri
  strength 50
  covers d1
  final
}
"""


def test_a_guard_over_two_shifts_takes_its_people_twice(tmp_path: Path) -> None:
    """README, Shifts: "a phase with shifts needs every post's people per shift: *`guard kpu
    with 4 polri` over `pagi 06:00 .. 18:00` and `malam 18:00 .. 06:00` takes 8 Polri, 4 on
    duty at a time.*"."""
    result = checked(
        tmp_path,
        KPU
        + UNIT_U
        + """
        phase p "P" 2024-02-11 .. 2024-02-13 {
          guard kpu with 4 polri
          shift pagi 06:00 .. 18:00
          shift malam 18:00 .. 06:00
        }
        """,
    )
    assert result.diagnostics == ()
    phase = phase_of(result, "p")
    [post] = phase.posts
    assert (post.need_of("polri"), post.shifts, post.people_of("polri")) == (4, 2, 8)
    assert given(phase) == {"u": 8}
    [line] = phase.classes
    assert (line.by_posts, line.in_all, line.allocated) == (4, 8, 8)


def test_a_phase_without_shifts_of_its_own_takes_the_plans(tmp_path: Path) -> None:
    """README, Shifts: "A phase's shifts are its own, or else the plan's top-level ones
    [...] A phase without shifts is one shift"."""
    result = checked(
        tmp_path,
        KPU
        + UNIT_U
        + """
        guard kpu with 2 polri
        shift pagi 06:00 .. 18:00
        shift malam 18:00 .. 06:00
        phase pa "A" 2024-02-11 .. 2024-02-12
        phase pb "B" 2024-02-13 06:00 .. 2024-02-13 18:00 {
          shift siang 06:00 .. 18:00
        }
        """,
    )
    assert result.diagnostics == ()
    assert [phase_of(result, n).posts[0].shifts for n in ("pa", "pb")] == [2, 1]
    assert [given(phase_of(result, n)) for n in ("pa", "pb")] == [{"u": 4}, {"u": 2}]


def test_shifts_repeat_daily_and_24_00_is_midnight(tmp_path: Path) -> None:
    """README, Shifts: "Shifts repeat daily (`18:00 .. 06:00` runs past midnight; a shift
    that ends when it starts, `06:00 .. 06:00`, lasts the whole day, as does `00:00 ..
    24:00`: `24:00` as an end is midnight)"."""
    from ttuplan.duties import shift_length

    result = checked(
        tmp_path,
        """
        shift a 18:00 .. 06:00
        shift b 06:00 .. 06:00
        shift c 00:00 .. 24:00
        shift d 06:00 .. 24:00
        """,
    )
    assert result.plan is not None
    assert [shift_length(s) / 60 for s in result.plan.shifts] == [12, 24, 24, 18]


def test_shifts_must_cover_the_phase_without_gaps_or_overlaps(tmp_path: Path) -> None:
    """README, Shifts: "and must cover the phase without gaps (TP603) or overlaps (TP604):
    *in a phase on 14 Feb, `pagi 06:00 .. 24:00` alone lasts 18 hours and leaves 00:00 ..
    06:00 to nobody (TP603); `pagi 06:00 .. 18:00` and `siang 12:00 .. 20:00` overlap
    (TP604).*"."""
    result = checked(
        tmp_path,
        KPU
        + UNIT_U
        + """
        phase p "P" 2024-02-14 .. 2024-02-14 {
          guard kpu with 1 polri
          shift pagi 06:00 .. 24:00
        }
        phase q "Q" 2024-02-15 06:00 .. 2024-02-15 20:00 {
          guard kpu with 1 polri
          shift pagi 06:00 .. 18:00
          shift siang 12:00 .. 20:00
        }
        """,
    )
    assert codes_of(result) == ["TP603", "TP604"]
    gap, overlap = result.diagnostics
    assert gap.message == "no shift of phase `p` covers 2024-02-14 00:00 .. 06:00"
    assert overlap.message == "shifts `pagi` and `siang` overlap"


def test_nobody_is_on_two_shifts_at_once_nor_on_a_shift_no_phase_has(tmp_path: Path) -> None:
    """README, Shifts: "nobody may be on two shifts on duty at the same moment (TP605), nor
    on a shift no phase has (TP606): *`pagi;jaga`, with `jaga 12:00 .. 20:00` in a phase
    that overlaps `pagi`'s, is TP605; `sore`, which no phase has, TP606.*"."""
    result = checked(
        tmp_path,
        """
        district d1 "Distrik Satu"
        unit u "U" {
          force polri
          strength 2
          covers d1
          final
        }
        personnel "personel.csv"
        phase p "P" 2024-02-11 .. 2024-02-13 {
          shift pagi 06:00 .. 18:00
          shift malam 18:00 .. 06:00
        }
        phase q "Q" 2024-02-12 12:00 .. 2024-02-12 20:00 {
          shift jaga 12:00 .. 20:00
        }
        """,
        files={
            "personel.csv": """
            nrp,name,rank,unit,shift
            80010001,Ani,BRIPDA,u,pagi;jaga
            80010002,Budi,BRIPDA,u,sore
            """
        },
    )
    assert codes_of(result) == ["TP605", "TP606"]
    both, unknown = result.diagnostics
    assert both.message == "Ani (80010001) is on `pagi` of `p` and `jaga` of `q` at the same time"
    assert unknown.message == "Budi (80010002) is put on shift `sore`, which no phase has"


# ── Duty and rest ────────────────────────────────────────────────────────────

VOTING_DAY = """
phase p "Pemungutan" 2024-02-14 06:00 .. 2024-02-15 12:00 {{
  guard kpu with 4 polri{limit}
}}
"""


@pytest.mark.parametrize("limit", ["", "\n  duty limit 30h"], ids=["default", "phase-allows"])
def test_the_voting_day_without_shifts_is_one_duty_of_30_hours(tmp_path: Path, limit: str) -> None:
    """README, Duty and rest: "Where a phase has posts, nobody is on duty longer than the
    plan's `duty limit` (default 24h) at a stretch: a shift is one stretch; a phase without
    shifts is one stretch from start to end (TP607), unless the phase sets its own limit:
    *the voting day, `2024-02-14 06:00 .. 2024-02-15 12:00` without shifts, is one duty of
    30 hours: TP607, unless the phase says `duty limit 30h`.*"."""
    result = checked(tmp_path, KPU + UNIT_U + VOTING_DAY.format(limit=limit))
    if limit:
        assert result.diagnostics == ()
    else:
        assert codes_of(result) == ["TP607"]
        assert result.diagnostics[0].message == (
            "phase `p`, which has no shifts, is one duty of 30h, longer than the duty limit of 24h"
        )


def test_a_20_hour_shift_leaves_its_crew_4_hours_of_rest(tmp_path: Path) -> None:
    """README, Duty and rest: "A shift's crew works it every day of the phase and must rest
    at least the plan's `rest` (default 8h) before its next duty when the shift comes round
    again in the phase: *a 20-hour shift leaves 4 hours* (TP608)"."""
    result = checked(
        tmp_path,
        KPU
        + UNIT_U
        + """
        phase p "P" 2024-02-11 .. 2024-02-13 {
          guard kpu with 2 polri
          shift panjang 06:00 .. 02:00
          shift pendek 02:00 .. 06:00
        }
        phase q "Q" 2024-02-14 06:00 .. 2024-02-15 04:00 {
          guard kpu with 2 polri
          shift sekali 06:00 .. 02:00
          shift sisa 02:00 .. 04:00
        }
        phase r "R" 2024-02-16 .. 2024-02-18 {
          shift lama 06:00 .. 02:00
          shift singkat 02:00 .. 06:00
        }
        """,
    )
    # `sekali` (20 hours too) comes round once in `q`: no next duty to rest for; `lama`
    # (20 hours, every day of `r`) is in a phase with no posts: nobody works it
    assert codes_of(result) == ["TP608"]
    assert result.diagnostics[0].message == (
        "the crew of shift `panjang` (20h every day) rests only 4h before its next duty; the "
        "plan's rest is 8h"
    )


def test_a_person_on_two_listed_shifts_must_rest_between_them(tmp_path: Path) -> None:
    """README, Duty and rest: "so must a person between the shifts the personnel table
    lists: *on `pagi;malam` (06-18, 18-06), 0 hours between `malam` and the next `pagi`*
    (TP610)"."""
    result = checked(
        tmp_path,
        """
        district d1 "Distrik Satu"
        unit u "U" {
          force polri
          strength 1
          covers d1
          final
        }
        personnel "personel.csv"
        phase p "P" 2024-02-11 .. 2024-02-13 {
          shift pagi 06:00 .. 18:00
          shift malam 18:00 .. 06:00
        }
        """,
        files={"personel.csv": "nrp,name,rank,unit,shift\n80010001,Citra,BRIPDA,u,pagi;malam\n"},
    )
    assert codes_of(result) == ["TP610"]
    assert result.diagnostics[0].message == (
        "Citra (80010001) rests only 0h between `malam` of `p` (until 2024-02-11 06:00) and "
        "`pagi` of `p` (from 2024-02-11 06:00); the plan's rest is 8h"
    )


def test_a_reserve_standing_by_is_not_a_duty_at_a_post(tmp_path: Path) -> None:
    """README, Duty and rest: "Reserves stand by and are not duties at posts: *a rayon
    that holds 16 through the campaign (28 Nov .. 10 Feb, 75 days) without shifts is no
    TP607.*"."""
    result = checked(
        tmp_path,
        """
        district d1 "Distrik Satu"
        unit u "U" {
          force polri
          strength 16
          covers d1
          final
        }
        rayon r1 "Rayon Satu" {
          post "Pos Satu" in d1
          districts d1
          reserve 16 from u
          escalates to u
        }
        phase kampanye "Kampanye" 2023-11-28 .. 2024-02-10
        """,
    )
    assert result.diagnostics == ()
    assert result.plan is not None
    [phase] = result.plan.phases
    assert (phase.end - phase.start).days == 75
    assert [(h.holder, h.people) for h in phase_of(result, "kampanye").holds] == [("r1", 16)]


# ── Rostering ────────────────────────────────────────────────────────────────


def crew(result: CheckResult, phase: str) -> list[tuple[str, str, bool]]:
    """(shift, name or "", leader) of every place on the phase's one post."""
    roster = deployed(result).roster
    assert roster is not None
    [members] = [m for (p, _), m in roster.posts.items() if p == phase]
    return [(m.shift, m.person.name if m.person else "", m.leader) for m in members]


def test_places_go_to_one_who_may_lead_then_to_one_from_the_district(tmp_path: Path) -> None:
    """README, Rostering: "every place is given a person of its unit, in time order: one who
    is free [...]; while the unit's part of the crew has nobody who may lead (`leader`), one
    who may, the least senior first; then one from the post's district [...]. The crew's
    leader is its most senior member (Polri ranks, Bharada to Jenderal; a rank not among
    them is below every one): *a post in `d1` needs 2 of a unit that lists Ani (Aipda,
    leader, `d2`), Budi (Bripda, leader, `d2`), Citra (Brigpol, `d1`) and Dedi (Bripka,
    `d2`): Budi first (the least senior who may lead), then Citra (from `d1`); Citra, the
    more senior, leads.*"."""
    result = checked(
        tmp_path,
        KPU
        + """
        district d2 "Distrik Dua"
        unit u "U" {
          force polri
          strength 4
          covers d1
          final
        }
        personnel "personel.csv"
        phase p "P" 2024-02-14 06:00 .. 2024-02-14 18:00 {
          guard kpu with 2 polri
        }
        """,
        files={
            "personel.csv": """
            nrp,name,rank,unit,district,leader
            80010001,Ani,AIPDA,u,d2,ya
            80010002,Budi,BRIPDA,u,d2,ya
            80010003,Citra,BRIGPOL,u,d1,
            80010004,Dedi,BRIPKA,u,d2,
            """
        },
    )
    assert result.diagnostics == ()
    assert crew(result, "p") == [("", "Budi", False), ("", "Citra", True)]


def test_then_the_fewest_hours_then_the_first_in_the_table(tmp_path: Path) -> None:
    """README, Rostering: "then the one with the fewest hours on duty so far; then the first
    in the table": two people, a 12-hour guard of 1 on two days. Ani, first in the table,
    takes the first day; Budi, with no hours yet, the second (Ani is rested by then)."""
    result = checked(
        tmp_path,
        KPU
        + """
        unit u "U" {
          force polri
          strength 2
          covers d1
          final
        }
        personnel "personel.csv"
        guard kpu with 1 polri
        phase p1 "Satu" 2024-02-14 06:00 .. 2024-02-14 18:00
        phase p2 "Dua" 2024-02-15 06:00 .. 2024-02-15 18:00
        """,
        files={"personel.csv": "nrp,name,rank,unit\n80010001,Ani,AIPDA,u\n80010002,Budi,AIPDA,u\n"},
    )
    assert result.diagnostics == ()
    assert [crew(result, p) for p in ("p1", "p2")] == [[("", "Ani", True)], [("", "Budi", True)]]


def test_the_fewest_hours_come_before_the_least_senior(tmp_path: Path) -> None:
    """README, Rostering: "the fewest hours on duty so far; then the least senior": a
    12-hour guard of 1 on two days with Ani (Bripda) and Budi (Iptu). Ani, the least
    senior, takes the first day; Budi, with no hours yet, the second, though Ani is the
    least senior and rested by then."""
    result = checked(
        tmp_path,
        KPU
        + """
        unit u "U" {
          force polri
          strength 2
          covers d1
          final
        }
        personnel "personel.csv"
        guard kpu with 1 polri
        phase p1 "Satu" 2024-02-14 06:00 .. 2024-02-14 18:00
        phase p2 "Dua" 2024-02-15 06:00 .. 2024-02-15 18:00
        """,
        files={"personel.csv": "nrp,name,rank,unit\n80010001,Budi,IPTU,u\n80010002,Ani,BRIPDA,u\n"},
    )
    assert result.diagnostics == ()
    assert [crew(result, p) for p in ("p1", "p2")] == [[("", "Ani", True)], [("", "Budi", True)]]


def test_then_the_least_senior(tmp_path: Path) -> None:
    """README, Rostering: "then the least senior (places are filled from the bottom up, so
    officers stay free to lead): *a guard of 1 with Ani (Iptu) and Budi (Bripda) listed, in
    that order: Budi*"."""
    result = checked(
        tmp_path,
        KPU
        + """
        unit u "U" {
          force polri
          strength 2
          covers d1
          final
        }
        personnel "personel.csv"
        phase p "P" 2024-02-14 06:00 .. 2024-02-14 18:00 {
          guard kpu with 1 polri
        }
        """,
        files={"personel.csv": "nrp,name,rank,unit\n80010001,Ani,IPTU,u\n80010002,Budi,BRIPDA,u\n"},
    )
    assert result.diagnostics == ()
    assert crew(result, "p") == [("", "Budi", True)]


def test_a_rank_that_is_not_a_polri_rank_is_below_every_one(tmp_path: Path) -> None:
    """README, Rostering: "The crew's leader is its most senior member (Polri ranks, Bharada
    to Jenderal; a rank not among them is below every one)"."""
    result = checked(
        tmp_path,
        KPU
        + """
        unit u "U" {
          force polri
          strength 2
          covers d1
          final
        }
        personnel "personel.csv"
        phase p "P" 2024-02-14 06:00 .. 2024-02-14 18:00 {
          guard kpu with 2 polri
        }
        """,
        files={
            "personel.csv": "nrp,name,rank,unit\n80010001,Ani,KAPTEN,u\n80010002,Budi,BHARADA,u\n"
        },
    )
    assert result.diagnostics == ()
    assert crew(result, "p") == [("", "Ani", False), ("", "Budi", True)]


RESTING = """
unit u "U" {
  force polri
  strength 2
  covers d1
  escalates to r
}
unit r "Polres" {
  force polri
  strength 10
  covers all
  final
}
guard kpu with 2 polri
personnel "personel.csv"
phase p1 "Satu" 2024-02-13 18:00 .. 2024-02-14 06:00
phase p2 "Dua" 2024-02-14 06:00 .. 2024-02-14 18:00
"""


def test_a_unit_resting_after_one_phase_leaves_the_next_to_another(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """README, Rostering: "A unit whose table lists its whole strength but whose people
    cannot all take their places (resting after an earlier duty, [...]) gives fewer people
    in that phase (the summary's `resting` column; they are not spare) and the allocation is
    made again (four allocations at most), so another unit takes those places if it can:
    *`u` (2 people, both listed) guards the KPU in `p1`, which ends when `p2` begins; with 8
    hours' rest, `p2`'s 2 places go to the Polres-wide `r`*."
    (tests/test_roster.py proves the same on a plan built as values.)"""
    import ttuplan.check

    calls = []
    allocate = ttuplan.check.allocate
    monkeypatch.setattr(ttuplan.check, "allocate", lambda *a: calls.append(1) or allocate(*a))
    table = {"personel.csv": "nrp,name,rank,unit\n80010001,Ani,BRIPDA,u\n80010002,Budi,BRIPDA,u\n"}
    result = checked(tmp_path, KPU + RESTING, files=table)
    assert result.diagnostics == ()
    assert [given(phase_of(result, p)) for p in ("p1", "p2")] == [{"u": 2}, {"r": 2}]
    load = next(x for x in phase_of(result, "p2").loads if x.unit == "u")
    assert (load.resting, load.spare) == (2, 0)
    assert result.plan is not None
    text = summary_text(summary_data(result.plan, deployed(result)))
    assert re.search(r"\n    u +2 +0 +0 +0 +2\n", text), text
    assert len(calls) == 2  # the first allocation, then one without u's resting people

    # However many people keep turning out to be resting, four allocations at most.
    calls.clear()
    monkeypatch.setattr(ttuplan.check.roster, "resting_people", lambda *a: {("u", "p2"): 1})
    checked(tmp_path, KPU + RESTING, files=table)
    assert len(calls) == 4


def test_people_kept_off_a_shift_by_the_table_count_as_resting_too(tmp_path: Path) -> None:
    """README, Rostering: "A unit whose table lists its whole strength but whose people
    cannot all take their places ([...] or kept off the shift by the table's `shift`
    column) gives fewer people in that phase": both people of `u` are listed on `pagi`
    only, so `malam`'s place goes to `r`."""
    result = checked(
        tmp_path,
        KPU
        + """
        unit u "U" {
          force polri
          strength 2
          covers d1
          escalates to r
        }
        unit r "Polres" {
          force polri
          strength 10
          covers all
          final
        }
        guard kpu with 1 polri
        personnel "personel.csv"
        phase p "P" 2024-02-13 06:00 .. 2024-02-14 06:00 {
          shift pagi 06:00 .. 18:00
          shift malam 18:00 .. 06:00
        }
        """,
        files={
            "personel.csv": "nrp,name,rank,unit,shift\n80010001,Ani,BRIPDA,u,pagi\n"
            "80010002,Budi,BRIPDA,u,pagi\n"
        },
    )
    assert result.diagnostics == ()
    assert given(phase_of(result, "p")) == {"u": 1, "r": 1}
    load = next(x for x in phase_of(result, "p").loads if x.unit == "u")
    assert (load.posted, load.resting, load.spare) == (1, 1, 0)
    assert crew(result, "p") == [("pagi", "Ani", True), ("malam", "", False)]


def test_a_place_nobody_can_take_is_tp609_person_by_person(tmp_path: Path) -> None:
    """README, Rostering: "A place nobody can take stays to be named, and a warning (TP609)
    says, person by person, what keeps them, and, when the solver proved it, that no roster
    of the people listed fills more places (a unit whose table lists fewer people than its
    strength is told so): *three people for two crews of two on pagi (06-18) and malam
    (18-06): the fourth place is left, both pagi people "within the rest of `pagi`"*."
    (tests/test_roster.py proves the same on a plan built as values.)"""
    result = checked(
        tmp_path,
        KPU
        + """
        unit u "U" {
          force polri
          strength 20
          covers d1
          final
        }
        personnel "personel.csv"
        phase p "P" 2024-02-11 .. 2024-02-13 {
          guard kpu with 2 polri
          shift pagi 06:00 .. 18:00
          shift malam 18:00 .. 06:00
        }
        """,
        files={
            "personel.csv": """
            nrp,name,rank,unit
            80010001,P1,BRIPDA,u
            80010002,P2,BRIPDA,u
            80010003,P3,BRIPDA,u
            """
        },
    )
    assert codes_of(result) == ["TP609"]
    [problem] = result.diagnostics
    assert problem.message == (
        "1 place of `u` has nobody in the personnel table (`p` shift `malam`: 1): the table "
        "lists 3 of its strength of 20"
    )
    reasons, proof = problem.notes
    assert reasons == (
        "`p` shift `malam`, 1 place: P1 (80010001) within the rest of `pagi` of `p` "
        "(p/kpu_1/guard); P2 (80010002) within the rest of `pagi` of `p` (p/kpu_1/guard)"
    )
    assert proof.startswith("no roster of the 3 listed fills more places")
    assert [n for _, n, _ in crew(result, "p")] == ["P1", "P2", "P3", ""]


def test_without_a_personnel_table_places_are_numbered_per_unit_and_phase(
    tmp_path: Path,
) -> None:
    """README, Rostering: "Without a personnel table, places are numbered per unit and
    phase: *a guard of 3 in two phases is places 1, 2 and 3 of its unit in each.*"."""
    from ttuplan.crews import numbered

    result = checked(
        tmp_path,
        KPU
        + UNIT_U
        + """
        guard kpu with 3 polri
        phase p1 "Satu" 2024-02-14 06:00 .. 2024-02-14 18:00
        phase p2 "Dua" 2024-02-15 06:00 .. 2024-02-15 18:00
        """,
    )
    assert result.diagnostics == () and result.plan
    assert deployed(result).roster is None
    places = numbered(result.plan, deployed(result)).posts
    assert {key: [(m.unit, m.number, m.person) for m in v] for key, v in places.items()} == {
        ("p1", "p1/kpu_1/guard"): [("u", 1, None), ("u", 2, None), ("u", 3, None)],
        ("p2", "p2/kpu_1/guard"): [("u", 1, None), ("u", 2, None), ("u", 3, None)],
    }


# ── Who may staff what ───────────────────────────────────────────────────────


def test_covers_base_role_reserve_and_availability_decide_who_may_staff(
    tmp_path: Path,
) -> None:
    """README, Who may staff what: "A unit staffs the districts in its `covers` (`covers
    all`: every district); a unit with no `covers` staffs its `base` district. Units with
    `role reserve` stand by and are never posted. A unit is there in a phase when its
    `available from ... until ...` covers the whole phase: *`polsek_a` (`base d2`, `covers
    d1`) staffs only `d1` and `polsek_b` (`base d2`) only `d2`; `brimob` (`role reserve`,
    `covers all`) staffs nothing, nor `bko` (`covers all`, `available from 2024-02-14
    12:00`) in a phase from 06:00 that day: a TPS in `d3`, which only they cover, is short
    (TP402).*"."""
    from ttuplan.domain import available, staffing

    sites = "".join(
        f'site tps_{d} "TPS {d}" {{\n  kind tps\n  district {d}\n  risk biasa\n}}\n'
        for d in ("d1", "d2", "d3")
    )
    result = checked(
        tmp_path,
        """
        kind tps "TPS"
        risk biasa "Biasa" {
          polri 1 per tps
        }
        district d1 "Distrik Satu"
        district d2 "Distrik Dua"
        district d3 "Distrik Tiga"
        unit polsek_a "Polsek A" {
          force polri
          strength 5
          base d2
          covers d1
          final
        }
        unit polsek_b "Polsek B" {
          force polri
          strength 5
          base d2
          final
        }
        unit brimob "Brimob" {
          force polri
          strength 25
          covers all
          role reserve
          final
        }
        unit bko "BKO" {
          force polri
          strength 25
          covers all
          available from 2024-02-14 12:00
          final
        }
        phase p "P" 2024-02-14 06:00 .. 2024-02-14 18:00 {
          guard tps by risk
        }
        """
        + sites,
    )
    assert result.plan is not None
    assert staffing(result.plan) == {
        "polsek_a": ("d1",),
        "polsek_b": ("d2",),
        "brimob": (),
        "bko": ("d1", "d2", "d3"),
    }
    phase = phase_of(result, "p")
    assert sorted((a.post, a.unit) for a in phase.assignments) == [
        ("p/tps_d1", "polsek_a"),
        ("p/tps_d2", "polsek_b"),
    ]
    problem = only(result, "TP402")
    assert problem.message == (
        "district `d3` needs 1 polri in phase `p`; no unit that may staff it is there in this "
        "phase: short 1"
    )
    assert [r.message for r in problem.related] == [
        "`bko` may staff it but is not there in `p` (there from 2024-02-14 12:00)"
    ]
    # `until` too: the window must cover the whole phase
    [p] = result.plan.phases
    bko = next(u for u in result.plan.units if u.name == "bko")
    assert not available(bko, p)
    leaves = dataclasses.replace(
        bko, available_from=None, available_until=dt.datetime(2024, 2, 14, 17)
    )
    assert not available(leaves, p)
    assert available(dataclasses.replace(leaves, available_until=p.end), p)


# ── Who staffs them ──────────────────────────────────────────────────────────


def test_reserves_are_held_from_their_units_in_order_and_an_overdrawn_one_is_tp404(
    tmp_path: Path,
) -> None:
    """README, Who staffs them: "Reserves (`reserve N from ...` of rayons, then of pools)
    are held first, per phase, from their units in the order listed; a reserve larger than
    what they have left is TP404: *`reserve 20 from polsek, polres` with 12 and 10 holds 12
    of `polsek` and 8 of `polres`; a pool's `reserve 5 from polsek, polres` then gets 2
    (TP404).*"."""
    result = checked(
        tmp_path,
        """
        district d1 "Distrik Satu"
        unit polsek "Polsek" {
          force polri
          strength 12
          covers d1
          escalates to polres
        }
        unit polres "Polres" {
          force polri
          strength 10
          covers d1
          final
        }
        pool cs "Calling System" {
          reserve 5 from polsek, polres
          escalates to polres
        }
        rayon r1 "Rayon Satu" {
          post "Pos Satu" in d1
          districts d1
          reserve 20 from polsek, polres
          escalates to polres
        }
        phase p "P" 2024-02-14 06:00 .. 2024-02-14 18:00
        """,
    )
    assert codes_of(result) == ["TP404"]
    assert result.diagnostics[0].message == (
        "`cs` holds back 5 but its units have only 2 left in `p`"
    )
    holds = [(h.holder, h.unit, h.people) for h in phase_of(result, "p").holds]
    assert holds == [("r1", "polsek", 12), ("r1", "polres", 8), ("cs", "polres", 2)]


def test_phases_that_overlap_never_give_a_unit_more_at_once_than_it_has(
    tmp_path: Path,
) -> None:
    """README, Who staffs them: "phases that overlap are solved together as an integer
    program (HiGHS), so a unit is never given more at once than it has left: *`pa` and `pb`
    overlap for 12 hours and each needs 4 in `d1`; the local Polsek (4) gives its 4 once,
    Polres the other 4.*" (fixtures/allocation/shared-unit-over-time is the same with a
    6-hour overlap.)"""
    sites = "".join(
        f'site tps_{n} "TPS {n}" {{\n  kind tps\n  district d1\n  risk biasa\n}}\n'
        for n in range(1, 5)
    )
    result = checked(
        tmp_path,
        """
        kind tps "TPS"
        risk biasa "Biasa" {
          polri 1 per tps
        }
        district d1 "Distrik Satu"
        district d2 "Distrik Dua"
        unit polres "Polres" {
          force polri
          strength 100
          covers all
          final
        }
        unit polsek "Polsek" {
          force polri
          strength 4
          covers d1
          escalates to polres
        }
        phase pa "A" 2024-02-14 06:00 .. 2024-02-15 06:00 {
          guard tps by risk
        }
        phase pb "B" 2024-02-14 18:00 .. 2024-02-15 18:00 {
          guard tps by risk
        }
        """
        + sites,
    )
    assert codes_of(result) == ["TP203"]  # d2, there only to make Polres less local
    pa, pb = phase_of(result, "pa"), phase_of(result, "pb")
    assert sum(given(pa).values()) == sum(given(pb).values()) == 4
    assert given(pa).get("polsek", 0) + given(pb).get("polsek", 0) == 4
    assert given(pa).get("polres", 0) + given(pb).get("polres", 0) == 4
    assert peak(result, "polsek") == 4


# ── Shortfalls ───────────────────────────────────────────────────────────────


def test_the_posts_left_short_are_listed_most_severe_first(tmp_path: Path) -> None:
    """README, Shortfalls: "then which posts stay short, most severe first": one person for
    a rawan TPS (1 Polri) and two sangat rawan TPS (2 Polri each) goes to a sangat rawan
    post."""
    result = checked(
        tmp_path,
        """
        kind tps "TPS"
        risk rawan "Rawan" {
          polri 1 per tps
        }
        risk sangat_rawan "Sangat Rawan" {
          polri 2 per tps
        }
        district d1 "Distrik Satu"
        site tps_1 "TPS 1" {
          kind tps
          district d1
          village "Desa A"
          risk rawan
        }
        site tps_2 "TPS 2" {
          kind tps
          district d1
          village "Desa B"
          risk sangat_rawan
        }
        site tps_3 "TPS 3" {
          kind tps
          district d1
          village "Desa C"
          risk sangat_rawan
        }
        unit u "U" {
          force polri
          strength 1
          covers d1
          final
        }
        phase p "P" 2024-02-14 06:00 .. 2024-02-14 18:00 {
          guard tps by risk
        }
        """,
    )
    problem = only(result, "TP402")
    assert problem.notes == (
        "left short in `d1`: 2 Sangat Rawan posts (p/tps_2, p/tps_3), 3 polri missing",
        "left short in `d1`: 1 Rawan post (p/tps_1), 1 polri missing",
    )


def test_a_district_no_unit_may_staff_is_tp401_and_short_in_the_summary(
    tmp_path: Path,
) -> None:
    """README, Shortfalls: "A district no unit of the force may staff at all is TP401
    instead (and the summary lists it as short, "no polri unit covers it"): *a TPS in `d2`
    when the only Polri unit covers `d1`.*"."""
    result = checked(
        tmp_path,
        """
        kind tps "TPS"
        risk biasa "Biasa" {
          polri 1 per tps
        }
        district d1 "Distrik Satu"
        district d2 "Distrik Dua"
        site tps_1 "TPS 1" {
          kind tps
          district d2
          risk biasa
        }
        unit u "U" {
          force polri
          strength 5
          covers d1
          final
        }
        phase p "P" 2024-02-14 06:00 .. 2024-02-14 18:00 {
          guard tps by risk
        }
        """,
    )
    assert codes_of(result) == ["TP401"]
    assert result.diagnostics[0].message == (
        "no polri unit covers district `d2`, which has sites to guard in `p`"
    )
    assert result.plan is not None
    text = summary_text(summary_data(result.plan, deployed(result)))
    assert "SHORT: d2 needs 1 polri, has 0 (no polri unit covers it)" in text


def test_a_shortfall_from_phases_that_overlap_names_moving_them_apart(tmp_path: Path) -> None:
    """README, Shortfalls: "Its remedies work: more people in a unit that staffs the short
    district; the phases that overlap it moved apart, when they hold those units' people;
    [...] or less demand": `pa` and `pb` overlap, each needs 4 in `d1`, and only `polsek`
    (4) may staff it."""
    sites = "".join(
        f'site tps_{n} "TPS {n}" {{\n  kind tps\n  district d1\n  risk biasa\n}}\n'
        for n in range(1, 5)
    )
    result = checked(
        tmp_path,
        """
        kind tps "TPS"
        risk biasa "Biasa" {
          polri 1 per tps
        }
        district d1 "Distrik Satu"
        unit polsek "Polsek" {
          force polri
          strength 4
          covers d1
          final
        }
        phase pa "A" 2024-02-14 06:00 .. 2024-02-15 06:00 {
          guard tps by risk
        }
        phase pb "B" 2024-02-14 18:00 .. 2024-02-15 18:00 {
          guard tps by risk
        }
        """
        + sites,
    )
    assert codes_of(result) == ["TP402"]
    [short] = result.diagnostics
    assert short.message == (
        "district `d1` needs 4 polri in phase `pb`; the only unit that can staff it (`polsek` "
        "0) gives all it has left, 0 (4 on posts of phases overlapping `pb` at the same "
        "time): short 4"
    )
    assert short.help == (
        "raise the strength of `polsek` by 4, move `pb` or the phases overlapping it apart "
        "in time, or lower the demand (risk-class rules, fixed guards)"
    )


# ── Reach ────────────────────────────────────────────────────────────────────

REACH = """
kind tps "TPS"
risk sangat_rawan "Sangat Rawan" {{
  polri 1 per tps
  reserve within 30m
}}
district d1 "Distrik Satu" {{
  at -9.45, 124.48
}}
site tps_1 "TPS 1" {{
  kind tps
  district d1
  risk sangat_rawan
  at -9.5786, 124.48
}}
unit polres "Polres" {{
  force polri
  strength 10
  covers d1
  final
}}
unit brimob "Brimob" {{
  force polri
  strength 25
  base d1
  role reserve
  available from {arrives}
  final
}}
phase p "P" 2024-02-14 06:00 .. 2024-02-14 18:00 {{
  guard tps by risk
}}
phase q "Q" 2024-02-15 06:00 .. 2024-02-15 18:00
"""


@pytest.mark.parametrize(
    ("arrives", "detour", "found"),
    [
        ("2024-02-14", "", "the nearest reserve in `p`, Brimob (Distrik Satu), is 14.3 km "
         "away, 30.1 min"),
        ("2024-02-14 12:00", "", "no reserve stands anywhere in `p`"),
        ("2024-02-14", "  travel detour 1.3\n", None),
    ],
    ids=["just-too-far", "not-there-yet", "in-reach"],
)  # fmt: skip
def test_reach_is_from_the_base_district_of_a_role_reserve_unit_that_is_there(
    tmp_path: Path, arrives: str, detour: str, found: str | None
) -> None:
    """README, Reach: "`reserve within 30m` holds for a site guarded in a phase if a rayon
    post holding people then, or the base district of an available `role reserve` unit with
    people, is within 30 minutes: great-circle distance [times] `travel detour` (default
    1.4) at `travel speed` (default 40 km/h); otherwise TP406": `brimob`'s base district
    `d1` is 14.3 km from the TPS, 30.03 min at the default detour of 1.4 and 27.9 min at
    1.3; the TPS is not guarded in `q`, so not checked there."""
    result = checked(tmp_path, REACH.format(arrives=arrives), settings=detour)
    if found is None:
        assert result.diagnostics == ()
    else:
        assert codes_of(result) == ["TP406"]
        assert result.diagnostics[0].message == (
            f"site `tps_1` (TPS 1) is out of reach of every reserve in `p`: {found}"
        )


def test_a_reserve_without_coordinates_makes_reach_unverifiable(tmp_path: Path) -> None:
    """README, Reach: "When no reserve with coordinates is in reach and some reserve has
    none (or the site has none), the rule cannot be verified: a warning (TP407) names them:
    *`r1`'s post is 111 km away and `r2`'s has no coordinates: "these have none: Rayon Dua
    (Pos Dua)".*" (fixtures/allocation/reach-unlocated-rayon is the same plan.)"""
    result = checked(
        tmp_path,
        """
        kind tps "TPS"
        risk sangat_rawan "Sangat Rawan" {
          polri 1 per tps
          reserve within 30m
        }
        district d1 "Distrik Satu"
        district d2 "Distrik Dua"
        site tps_1 "TPS 1" {
          kind tps
          district d2
          risk sangat_rawan
          at -10.45, 124.48
        }
        unit polres "Polres" {
          force polri
          strength 10
          covers all
          final
        }
        rayon r1 "Rayon Satu" {
          post "Pos Satu" in d1 at -9.45, 124.48
          districts d1
          reserve 2 from polres
          escalates to polres
        }
        rayon r2 "Rayon Dua" {
          post "Pos Dua" in d2
          districts d2
          reserve 2 from polres
          escalates to polres
        }
        phase p "P" 2024-02-14 06:00 .. 2024-02-14 18:00 {
          guard tps by risk
        }
        """,
    )
    assert codes_of(result) == ["TP407"]
    assert result.diagnostics[0].message == (
        "cannot verify `reserve within 30m` for site `tps_1` in `p`: no reserve with "
        "coordinates is within 30 min, and these have none: Rayon Dua (Pos Dua)"
    )
    from ttuplan.check.reach import Reserve, _closest
    from ttuplan.source import NOWHERE

    found = _closest(-10.45, 124.48, [Reserve("Pos Satu", -9.45, 124.48, NOWHERE)])
    assert found is not None and round(found[0]) == 111  # 1 degree of latitude


def test_a_district_with_guarded_sites_in_no_rayon_is_tp403(tmp_path: Path) -> None:
    """README, Reach: "A plan with rayons puts every district whose sites are guarded in
    one; one in none is a warning (TP403): *rayon `r1` lists `d1`, and `d2`'s 2 guarded TPS
    are "in no rayon".*"."""
    sites = "".join(
        f'site tps_{n} "TPS {n}" {{\n  kind tps\n  district d2\n  risk biasa\n}}\n' for n in (1, 2)
    )
    result = checked(
        tmp_path,
        """
        kind tps "TPS"
        risk biasa "Biasa" {
          polri 1 per tps
        }
        district d1 "Distrik Satu"
        district d2 "Distrik Dua"
        unit u "U" {
          force polri
          strength 10
          covers all
          final
        }
        rayon r1 "Rayon Satu" {
          post "Pos Satu" in d1
          districts d1
          reserve 2 from u
          escalates to u
        }
        phase p "P" 2024-02-14 06:00 .. 2024-02-14 18:00 {
          guard tps by risk
        }
        """
        + sites,
    )
    assert codes_of(result) == ["TP403"]
    assert result.diagnostics[0].message == "district `d2` (2 guarded sites) is in no rayon"


# ── Escalation ───────────────────────────────────────────────────────────────


def test_a_during_edge_replaces_the_unqualified_ones_and_is_drawn_so(tmp_path: Path) -> None:
    """README, Escalation: "One graph per phase: `escalates to X during P` applies in phase
    P and replaces the unit's unqualified edges there: *`polres` with `escalates to polda`
    and `escalates to brimob during pemungutan` escalates to `brimob` alone in `pemungutan`,
    to `polda` in the other phases.* [...] The briefing, Mermaid and `ttuplan graph` draw
    these same per-phase edges."
    (tests/test_check.py proves the replacement on a plan built as values.)"""
    from ttuplan.graph import escalation_drawing, mermaid, phase_labels

    result = checked(
        tmp_path,
        """
        unit polres "Polres" {
          force polri
          escalates to polda
          escalates to brimob during pemungutan
        }
        unit brimob "Brimob" {
          force polri
          escalates to polda
        }
        unit polda "Polda" {
          force polri
          final
        }
        phase kampanye "Kampanye" 2024-02-01 .. 2024-02-10
        phase pemungutan "Pemungutan" 2024-02-14 06:00 .. 2024-02-15 12:00 {
          duty limit 30h
        }
        """,
    )
    assert result.diagnostics == () and result.plan
    analysis = deployed(result).escalation
    edges = {p.phase: sorted(e for e in p.edges if e[0] == "polres") for p in analysis.phases}
    assert edges == {"kampanye": [("polres", "polda")], "pemungutan": [("polres", "brimob")]}
    drawn = mermaid(escalation_drawing(result.plan, analysis), phase_labels(result.plan))
    assert 'n0 -. "Kampanye" .-> n2' in drawn  # polres -> polda, only in kampanye
    assert 'n0 -. "Pemungutan" .-> n1' in drawn  # polres -> brimob, only in pemungutan
    assert "n1 --> n2" in drawn  # brimob -> polda, in every phase


def test_loops_dead_ends_and_absent_targets(tmp_path: Path) -> None:
    """README, Escalation: "Every unit, rayon and pool must reach a `final` unit without a
    loop (TP501, once per loop, every hop shown up to 12), through units that are there in
    the phase (TP504); a command that is there and not final must escalate to someone
    (TP502): *`a` escalates to `b` and `b` to `a`: TP501 "a -> b -> a"; `c`, not final,
    escalates to nobody: TP502; `d` escalates to `brimob`, there from 15 Feb, in a phase on
    14 Feb: TP504.*"."""
    result = checked(
        tmp_path,
        """
        district d1 "Distrik Satu"
        unit a "A" {
          force polri
          escalates to b
        }
        unit b "B" {
          force polri
          escalates to a
        }
        unit c "C" {
          force polri
          strength 1
          covers d1
        }
        unit d "D" {
          force polri
          escalates to brimob
        }
        unit brimob "Brimob" {
          force polri
          available from 2024-02-15
          final
        }
        pool cs "Calling System" {
          reserve 1 from c
        }
        phase p "P" 2024-02-14 06:00 .. 2024-02-14 18:00
        phase q "Q" 2024-02-14 18:00 .. 2024-02-14 20:00
        """,
    )
    assert codes_of(result) == ["TP501", "TP502", "TP504", "TP502"]
    loop, dead, absent, pool = result.diagnostics
    assert loop.message == "escalation runs in a loop in `p`, `q`: a -> b -> a"  # once
    assert dead.message == "`c` escalates to nobody in `p`, `q` and is not `final`"
    assert absent.message == (
        "`d` escalates to `brimob` in `p`, `q`, but `brimob` is not there then"
    )
    assert pool.message == "`cs` escalates to nobody in `p`, `q` and is not `final`"


def test_a_loop_shows_twelve_hops_and_counts_the_rest(tmp_path: Path) -> None:
    """README, Escalation: "(TP501, once per loop, every hop shown up to 12)": a loop of 14
    units."""
    units = "".join(
        f'unit u{n:02d} "U{n}" {{\n  force polri\n  escalates to u{(n + 1) % 14:02d}\n}}\n'
        for n in range(14)
    )
    result = checked(tmp_path, units + 'phase p "P" 2024-02-14 06:00 .. 2024-02-14 18:00\n')
    [loop] = result.diagnostics
    assert loop.message == (
        "escalation runs in a loop in `p`: "
        + " -> ".join(f"u{n:02d}" for n in range(13))
        + " -> ... (2 more hops)"
    )
    assert 1 + len(loop.related) == 12  # each shown hop at its own statement


def test_a_chain_from_a_guarded_site_longer_than_the_limit_is_tp503(tmp_path: Path) -> None:
    """README, Escalation: "A chain may have at most `escalation limit` hops (default 6):
    the longest chain from each command nobody escalates to, and from each unit that guards
    sites (a site's report to its guard is the first hop), is reported once if it is longer,
    at its first `escalates to` (TP503): *with `escalation limit 2`, a TPS guarded by
    `polsek`, which escalates to `polres` and it to `polda` (`final`): "a site -> polsek ->
    polres -> polda", 3 hops.*"."""
    result = checked(
        tmp_path,
        """
        kind tps "TPS"
        risk biasa "Biasa" {
          polri 1 per tps
        }
        district d1 "Distrik Satu"
        site tps_1 "TPS 1" {
          kind tps
          district d1
          risk biasa
        }
        unit polsek "Polsek" {
          force polri
          strength 1
          covers d1
          escalates to polres
        }
        unit polres "Polres" {
          force polri
          escalates to polda
        }
        unit polda "Polda" {
          force polri
          final
        }
        phase p "P" 2024-02-14 06:00 .. 2024-02-14 18:00 {
          guard tps by risk
        }
        """,
        settings="  escalation limit 2\n",
    )
    assert codes_of(result) == ["TP503"]
    [chain] = result.diagnostics
    assert chain.message == (
        "an escalation chain in `p` has 3 hops, more than the limit 2: "
        "a site -> polsek -> polres -> polda"
    )
    lines = (tmp_path / "plan.ttup").read_text(encoding="utf-8").splitlines()
    assert lines[chain.span.line - 1] == "  escalates to polres"  # polsek's, the first hop
    assert lines[chain.span.line - 5] == 'unit polsek "Polsek" {'


@pytest.mark.parametrize("hops", [6, 7])
def test_only_the_longest_chain_from_a_start_is_reported_by_default_past_6(
    tmp_path: Path, hops: int
) -> None:
    """README, Escalation: "A chain may have at most `escalation limit` hops (default 6):
    the longest chain from each command nobody escalates to [...] is reported once if it is
    longer": `a` escalates to `b` and to `c`, each the start of a chain of the same length
    to `top`."""
    units = 'unit a "A" {\n  force polri\n  escalates to b1\n  escalates to c1\n}\n'
    for branch in "bc":
        for n in range(1, hops):
            after = f"{branch}{n + 1}" if n + 1 < hops else "top"
            units += f'unit {branch}{n} "X" {{\n  force polri\n  escalates to {after}\n}}\n'
    units += 'unit top "Top" {\n  force polri\n  final\n}\n'
    result = checked(tmp_path, units + 'phase p "P" 2024-02-14 06:00 .. 2024-02-14 18:00\n')
    if hops == 6:
        assert result.diagnostics == ()
    else:
        assert codes_of(result) == ["TP503"]  # one of the two, not both
        assert "has 7 hops, more than the limit 6: a -> c1 -> " in result.diagnostics[0].message


LINMAS = """
force linmas "Linmas"
district d1 "Distrik Satu"
unit polres "Polres" {{
  force polri
  strength 5
  covers d1
  {polres}
}}
unit linmas_ttu "Linmas TTU" {{
  force linmas
  strength 50
  covers d1
}}
unit linmas_kota "Linmas Kota" {{
  force linmas
  strength 50
  covers d1
  {kota}
}}
phase p "P" 2024-02-14 06:00 .. 2024-02-14 18:00
"""


@pytest.mark.parametrize(
    ("kota", "found"), [("", []), ("escalates to polres", ["TP502"])], ids=["none", "one"]
)
def test_a_force_that_never_escalates_is_outside_the_checks(
    tmp_path: Path, kota: str, found: list[str]
) -> None:
    """README, Escalation: "A force none of whose units escalates or is `final` (often
    Linmas) is outside the escalation checks, unless a chain enters it: *`linmas_ttu`, with
    no `escalates to`, is no TP502 while no Linmas unit escalates or is `final`; but if
    `polres` escalates to `linmas_ttu`, a report stops there: TP502 at `linmas_ttu`.*" (the
    second half: the test below)."""
    result = checked(tmp_path, LINMAS.format(polres="final", kota=kota))
    assert codes_of(result) == found
    if found:
        assert result.diagnostics[0].message.startswith("`linmas_ttu` escalates to nobody")


def test_a_chain_into_a_force_outside_the_checks_must_still_reach_a_final_unit(
    tmp_path: Path,
) -> None:
    """README, Escalation: "Every unit, rayon and pool must reach a `final` unit": `polres`
    escalates to `linmas_ttu`, which escalates to nobody and is not `final`, so a report
    from `polres` stops at `linmas_ttu` (TP502 there), although no Linmas unit escalates."""
    result = checked(tmp_path, LINMAS.format(polres="escalates to linmas_ttu", kota=""))
    assert codes_of(result) == ["TP502"]
    assert result.diagnostics[0].message.startswith("`linmas_ttu` escalates to nobody")


# ── the contract's shape ─────────────────────────────────────────────────────

# Examples proven by a test of another file, word for word (a change to one of them in the
# README fails `test_every_example_is_proven_by_a_test` until that test is checked again).
ELSEWHERE = {
    "at `polri 1 per 3 tps`, 7 TPS in one village make posts of 3, 3 and 1 needing 3 Polri "
    "(by ratio, 7/3).": (
        "tests.test_check",
        "test_seven_tps_at_1_per_3_make_posts_of_3_3_1_needing_3",
    ),
    "top-level `guard kpu with 4 polri` and, in `pemungutan`, `guard kpu with 4 polri, 2 "
    "linmas` make one KPU post there, needing 4 Polri and 2 Linmas.": (
        "tests.test_allocation",
        "test_a_phase_guard_replaces_the_top_level_guard_of_its_kind",
    ),
    "pagi (06-18) and malam (18-06) need 2 each; P1 and P2 may take either, P3 and P4 only "
    "pagi, all of one rank; in table order P1 and P2 take pagi and malam is left to nobody; "
    "solved at once, P3 and P4 take pagi and P1 and P2 malam": (
        "tests.test_roster",
        "test_where_the_greedy_order_leaves_a_place_the_solver_fills_it",
    ),
    "`u` (2 people) may staff `d1` (2 rawan TPS, 1 Polri each) and `d2` (1 sangat rawan "
    "TPS, 2 Polri): `d2`'s post gets both, whether `u` says `covers d1, d2` or `covers d2, "
    "d1`.": (
        "tests.test_allocation",
        "test_the_most_severe_posts_are_staffed_first_whatever_the_covers_order",
    ),
    '"districts `d1` and `d2` together need 4 polri in phase `p`; the only unit that can '
    'staff them (`u` 2) gives all 2: short 2"': (
        "tests.test_allocation",
        "test_the_most_severe_posts_are_staffed_first_whatever_the_covers_order",
    ),
    '`bko`, there from 20 Feb, gets "make `bko` available for `p`", never "raise the '
    'strength of `bko`".': (
        "tests.test_allocation",
        "test_remedies_name_the_window_of_an_absent_unit_and_a_unit_with_spare_people",
    ),
    "In the sample plan, without `rayon_2` (17 held) 2 sangat rawan TPS have no reserve "
    "within 30 min in `pemungutan`; the nearest then is 43.1 min away; without a Polsek "
    "nothing breaks, as Polres has people to spare in every district.": (
        "tests.test_contingency",
        "test_contingency_of_the_sample_plan_worst_first",
    ),
    "A site 14.3 km from the only rayon post: 14.3 × 1.4 / 40 × 60 = 30.03 min, shown as "
    '"30.1 min", never rounded down to the limit.': (
        "tests.test_allocation",
        "test_a_time_over_the_limit_is_never_rounded_down_to_it",
    ),
}


def contract() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.index("## How a plan is checked")
    return readme[start : readme.index("\n## ", start + 1)]


def rules() -> list[str]:
    """The section's bullets, each a paragraph of rules, whitespace collapsed."""
    bullets = re.split(r"\n- ", contract())[1:]
    return [" ".join(b.split()) for b in bullets]


def examples() -> list[str]:
    """The hand-worked examples: the section's italic spans (`**` is bold, not italic)."""
    return [
        " ".join(found.split())
        for found in re.findall(r"(?<!\*)\*(?!\*)(.+?)(?<!\*)\*(?!\*)", contract(), flags=re.S)
    ]


def test_the_section_has_a_rule_per_bullet_and_examples() -> None:
    """The parsing the tests below rely on finds the section's eleven bullets and their
    examples."""
    assert [b.split(".**")[0] for b in rules()] == [
        "**Time", "**Posts", "**Shifts", "**Duty and rest", "**Rostering",
        "**Who may staff what", "**Who staffs them", "**Shortfalls", "**Reach",
        "**Contingency (N-1)", "**Escalation",
    ]  # fmt: skip
    assert len(examples()) >= 30


def test_every_bullet_has_an_example_and_names_only_codes_that_exist() -> None:
    """Every bullet of "How a plan is checked" carries a hand-worked example, and every code
    it names exists in ttuplan/diagnostics/codes.py and is not retired."""
    for bullet in rules():
        assert re.search(r"(?<!\*)\*(?!\*)", bullet.replace("**", "")), bullet[:40]
        for code in re.findall(r"\bTP\d{3}\b", bullet):
            assert code in codes.BY_ID, f"{code} in {bullet[:40]!r} is no code"
            assert not codes.BY_ID[code].retired, f"{code} in {bullet[:40]!r} is retired"


def test_every_rule_the_checker_has_is_in_the_contract() -> None:
    """Every code the graph checks raise (coverage, escalation, time), unless retired, is
    named by a rule of "How a plan is checked"."""
    named = set(re.findall(r"\bTP\d{3}\b", " ".join(rules())))
    checked_by_rules = {
        c.id
        for c in codes.ALL_CODES
        if c.family in (Family.COVERAGE, Family.ESCALATION, Family.TIME) and not c.retired
    }
    assert sorted(checked_by_rules - named) == []


def test_every_example_is_proven_by_a_test() -> None:
    """Each italic example of "How a plan is checked" is quoted in the docstring of a test
    of this file, or listed in ELSEWHERE with a test of another file that proves it."""
    docstrings = [
        " ".join((value.__doc__ or "").split())
        for name, value in globals().items()
        if name.startswith("test_") and callable(value)
    ]
    for example in examples():
        if example in ELSEWHERE:
            module, name = ELSEWHERE[example]
            assert callable(getattr(importlib.import_module(module), name, None)), name
            continue
        assert any(example in doc for doc in docstrings), f"no test quotes: {example}"
    assert set(ELSEWHERE) <= set(examples())  # no entry left over from an older README
