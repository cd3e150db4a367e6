"""Posts: the sites a phase guards, grouped as the plan's rules say, each with its need.

`guard KIND by risk`: sites of one risk class and kind in one village (the district when
a site has no village), in id order, make posts of at most B sites, B from the class's
first rule for that kind; every rule `A per B` of the class then needs ceil(A*k/B) on a
post of k sites. `guard KIND with N force`: one post per site, needing N. A guard inside
a phase replaces, in that phase, the top-level guards of the kinds and sites it names
(`domain.guards_in_force`). With shifts, a post needs its complement per shift.

Ids are in natural order: a run of digits compares by its value (`tps_8` before `tps_10`).
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Iterable
from operator import itemgetter, neg

from ttuplan import model as m
from ttuplan.deployment import Post
from ttuplan.domain import GuardInForce, guards_in_force
from ttuplan.duties import shifts_of
from ttuplan.records import dataclass

_ID = itemgetter(m.Site._fields.index("id"))  # the first field of a Site, as of a tuple
_KIND = itemgetter(m.Site._fields.index("kind"))
_GROUP = itemgetter(*(m.Site._fields.index(f) for f in ("risk", "kind", "district", "village")))
_POST_DISTRICT, _POST_VILLAGE, _POST_RANK, _POST_KIND = (
    itemgetter(Post._fields.index(f)) for f in ("district", "village", "rank", "kind")
)
_DIGITS = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple[str | int, ...]:
    """`tps_10` -> ('tps_', 10, ''): runs of digits compare by value."""
    return tuple(int(part) if i % 2 else part for i, part in enumerate(_DIGITS.split(text)))


def in_natural_order(ids: list[str]) -> list[str]:
    """Ids (sorted as text) in natural order: left alone when they all have one shape."""
    if len(ids) < 2 or one_shape(ids):
        return ids
    return sorted(ids, key=natural_key)


def one_shape(ids: list[str]) -> bool:
    """Do all these ids have their digits in the same places (the same length too)? Then
    text order is natural order. Checked on all of them at once, in C: a national kind
    has 820,000 ids."""
    shape = ids[0].encode("utf-8").translate(_SHAPE) + b"\n"
    joined = ("\n".join(ids) + "\n").encode("utf-8").translate(_SHAPE)
    return joined == shape * len(ids)


_SHAPE = bytes.maketrans(b"0123456789", b"0000000000")


@dataclass(frozen=True, slots=True)
class Unruled:
    """Sites guarded by risk whose class has no rule for their kind (they get nobody)."""

    guard: m.Guard
    risk: str
    kind: str
    sites: int


class SiteIndex:
    """Sites by kind and by id, in id order (as text; posts put ids in natural order
    where it matters, inside a village), built once per plan."""

    def __init__(self, sites: Iterable[m.Site]) -> None:
        self.ordered = sorted(sites)  # a Site is a tuple whose first field is its id
        self.by_kind: dict[str, list[m.Site]] = defaultdict(list)
        for kind, site in zip(map(_KIND, self.ordered), self.ordered, strict=True):
            self.by_kind[kind].append(site)
        self._one_shape: dict[str, bool] = {}

    def one_shape(self, kind: str) -> bool:
        """Are the kind's ids all of one shape (so text order is natural order)?"""
        if kind not in self._one_shape:
            ids = list(map(_ID, self.by_kind.get(kind, ())))
            self._one_shape[kind] = not ids or one_shape(ids)
        return self._one_shape[kind]

    @functools.cached_property
    def by_id(self) -> dict[str, m.Site]:
        """Only a guard that names a site by id needs this."""
        return dict(zip(map(_ID, self.ordered), self.ordered, strict=True))

    def targeted(self, held: GuardInForce) -> list[m.Site]:
        """The sites a guard names in a phase: all of a kind, or one by id; id order, each
        once; without the sites a guard of the phase names instead."""
        guard = held.guard
        if len(guard.targets) == 1 and guard.targets[0] in self.by_kind and not held.excluded:
            return list(self.by_kind[guard.targets[0]])  # (kinds and site ids share names)
        chosen: dict[str, m.Site] = {}
        for target in guard.targets:
            if target in self.by_id:
                chosen[target] = self.by_id[target]
            for site in self.by_kind.get(target, ()):
                chosen[site.id] = site
        for name in held.excluded:
            chosen.pop(name, None)
        return sorted(chosen.values())  # ids are unique, so tuples sort by id


def shift_count(plan: m.Plan, phase: m.Phase) -> int:
    """Crews a post of the phase needs: one per shift (a phase without shifts is one)."""
    return max(len(shifts_of(plan, phase)), 1)


def form_posts(plan: m.Plan, phase: m.Phase, index: SiteIndex) -> tuple[list[Post], list[Unruled]]:
    """Every post of a phase, in staffing order: district, most severe first, village, id."""
    risks = {r.name: r for r in plan.risks}
    fixed_rank = len(plan.risks)
    shifts = shift_count(plan, phase)
    posts: list[Post] = []
    unruled: list[Unruled] = []
    for held in guards_in_force(plan, phase):
        guard = held.guard
        sites = index.targeted(held)
        # Posts of a top-level guard are one duty with its posts at the same sites in
        # phases that overlap this one; a phase's own guard's posts are its alone.
        statement = "" if held.statement is None else f"*{held.statement}"
        if guard.by_risk:
            uniform = all(map(index.one_shape, set(map(_KIND, sites))))
            new, missing = _risk_posts(guard, sites, risks, phase.name, shifts, statement, uniform)
            posts.extend(new)
            unruled.extend(missing)
        else:
            need = tuple(guard.amounts)
            if len(set(map(len, map(_ID, sites)))) > 1:  # ids of several lengths
                sites.sort(key=lambda site: natural_key(site.id))
            for site in sites:
                post_id = f"{phase.name}/{site.id}/guard"
                posts.append(
                    Post(
                        post_id,
                        phase.name,
                        site.district,
                        site.village,
                        site.kind,
                        None,
                        fixed_rank,
                        (site.id,),
                        need,
                        shifts,
                        f"{statement}/{site.id}/guard" if statement else post_id,
                        guard.span,
                    )
                )
    return _in_staffing_order(plan, posts), unruled


def _in_staffing_order(plan: m.Plan, posts: list[Post]) -> list[Post]:
    order: defaultdict[str, int] = defaultdict(lambda: len(plan.districts))
    order.update((d.name, i) for i, d in enumerate(plan.districts))
    # Sorted by (district order, most severe first, village, kind, then as made: each
    # kind's sites in natural id order): the keys are built with C-level maps and the sort
    # is by index, stable, without 300,000 calls of a key function in a national plan.
    keys = list(
        zip(
            map(order.__getitem__, map(_POST_DISTRICT, posts)),
            map(neg, map(_POST_RANK, posts)),
            map(_POST_VILLAGE, posts),
            map(_POST_KIND, posts),
            range(len(posts)),
            strict=True,
        )
    )
    posts = list(map(posts.__getitem__, sorted(range(len(posts)), key=keys.__getitem__)))
    if len(set(map(_ID, posts))) == len(posts):  # the usual case: no site guarded twice
        return posts
    taken: dict[str, int] = {}
    return [_unique(post, taken) for post in posts]


def _risk_posts(
    guard: m.Guard,
    sites: list[m.Site],
    risks: dict[str, m.RiskClass],
    phase: str,
    shifts: int,
    statement: str,
    uniform: bool,
) -> tuple[list[Post], list[Unruled]]:
    """Risk posts of one guard; `uniform`: every id has one shape per kind, so a group's
    ids (from one kind) are already in natural order."""
    groups: dict[tuple[str, str, str, str], list[str]] = defaultdict(list)
    for key, site_id in zip(map(_GROUP, sites), map(_ID, sites), strict=True):
        groups[key].append(site_id)
    posts: list[Post] = []
    append, new = posts.append, tuple.__new__
    unruled: dict[tuple[str, str], int] = defaultdict(int)
    # Per class and kind: its rules, and the need of a post by its number of sites.
    known: dict[tuple[str, str], tuple[list[m.Rule], dict[int, tuple[tuple[str, int], ...]]]] = {}
    for (risk_name, kind, district, village), group in groups.items():
        risk = risks[risk_name]
        if (risk_name, kind) not in known:
            known[(risk_name, kind)] = ([r for r in risk.rules if r.kind == kind], {})
        rules, needs = known[(risk_name, kind)]
        if not rules:
            unruled[(risk_name, kind)] += len(group)
            continue
        size = rules[0].per
        members = tuple(group if uniform else in_natural_order(group))
        for start in range(0, len(members), size):
            chunk = members[start : start + size]
            need = needs.get(len(chunk))
            if need is None:
                need = needs[len(chunk)] = post_need(rules, len(chunk))
            post_id = f"{phase}/{chunk[0]}"
            duty = f"{statement}/{'+'.join(chunk)}" if statement else post_id
            # A tuple built directly, in Post._fields order (tests/test_check.py holds it
            # equal to make_post): a national plan makes a post here 300,000 times.
            append(
                new(
                    Post,
                    (
                        post_id,
                        phase,
                        district,
                        village,
                        kind,
                        risk_name,
                        risk.rank,
                        chunk,
                        need,
                        shifts,
                        duty,
                        guard.span,
                    ),
                )
            )
    missing = [Unruled(guard, risk, kind, count) for (risk, kind), count in unruled.items()]
    return posts, missing


def post_need(rules: list[m.Rule], sites: int) -> tuple[tuple[str, int], ...]:
    """People per force on a post of `sites` sites: ceil(A*k/B) for every rule, summed."""
    need: dict[str, int] = {}
    for rule in rules:
        need[rule.force] = need.get(rule.force, 0) - (-rule.amount * sites // rule.per)
    return tuple(need.items())


def _unique(post: Post, taken: dict[str, int]) -> Post:
    """A site guarded by two guards of one phase gets a second post with its own id."""
    count = taken.get(post.id, 0)
    taken[post.id] = count + 1
    if not count:
        return post
    new_id = f"{post.id}/{count + 1}"
    return post._replace(id=new_id, duty=new_id if post.duty == post.id else post.duty)
