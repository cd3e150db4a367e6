"""Posts: the sites a phase guards, grouped as the plan's rules say, each with its need.

`guard KIND by risk`: sites of one risk class and kind in one village (the district when
a site has no village), in id order, make posts of at most B sites, B from the class's
first rule for that kind; every rule `A per B` of the class then needs ceil(A*k/B) on a
post of k sites. `guard KIND with N force`: one post per site, needing N.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from operator import itemgetter, neg

from ttuplan import model as m
from ttuplan.deployment import Post

_ID = itemgetter(0)  # of a Site or a Post; the first of a post's sites
_DISTRICT, _VILLAGE, _RANK, _SITES = (itemgetter(i) for i in (2, 3, 6, 7))  # of a Post
_KIND = itemgetter(2)  # of a Site
_GROUP = itemgetter(4, 2, 3, 5)  # of a Site: risk, kind, district, village


@dataclass(frozen=True, slots=True)
class Unruled:
    """Sites guarded by risk whose class has no rule for their kind (they get nobody)."""

    guard: m.Guard
    risk: str
    kind: str
    sites: int


class SiteIndex:
    """Sites by kind and by id, in id order, built once per plan."""

    def __init__(self, sites: Iterable[m.Site]) -> None:
        self.ordered = sorted(sites)  # a Site is a tuple whose first field is its id
        self.by_kind: dict[str, list[m.Site]] = defaultdict(list)
        for kind, site in zip(map(_KIND, self.ordered), self.ordered, strict=True):
            self.by_kind[kind].append(site)

    @functools.cached_property
    def by_id(self) -> dict[str, m.Site]:
        """Only a guard that names a site by id needs this."""
        return dict(zip(map(_ID, self.ordered), self.ordered, strict=True))

    def targeted(self, guard: m.Guard) -> list[m.Site]:
        """The sites a guard names: all of a kind, or one by id; id order, each once.

        The common `guard tps by risk` names one kind, whose list is already in id order.
        """
        if len(guard.targets) == 1 and guard.targets[0] in self.by_kind:
            return list(self.by_kind[guard.targets[0]])  # (kinds and site ids share names)
        chosen: dict[str, m.Site] = {}
        for target in guard.targets:
            if target in self.by_id:
                chosen[target] = self.by_id[target]
            for site in self.by_kind.get(target, ()):
                chosen[site.id] = site
        return sorted(chosen.values())  # ids are unique, so tuples sort by id


def active_guards(plan: m.Plan, phase: m.Phase) -> list[m.Guard]:
    """The phase's own guards, then the top-level guards that hold in it."""
    top = [g for g in plan.guards if not g.during or phase.name in g.during]
    return [*phase.guards, *top]


def form_posts(plan: m.Plan, phase: m.Phase, index: SiteIndex) -> tuple[list[Post], list[Unruled]]:
    """Every post of a phase, in staffing order: district, most severe first, village, id."""
    risks = {r.name: r for r in plan.risks}
    fixed_rank = len(plan.risks)
    posts: list[Post] = []
    unruled: list[Unruled] = []
    taken: dict[str, int] = {}
    for guard in active_guards(plan, phase):
        sites = index.targeted(guard)
        if guard.by_risk:
            new, missing = _risk_posts(guard, sites, risks, phase.name)
            posts.extend(new)
            unruled.extend(missing)
        else:
            need = tuple(guard.amounts)
            for site in sites:
                posts.append(
                    Post(
                        id=f"{phase.name}/{site.id}/guard",
                        phase=phase.name,
                        district=site.district,
                        village=site.village,
                        kind=site.kind,
                        risk=None,
                        rank=fixed_rank,
                        sites=(site.id,),
                        need=need,
                        span=guard.span,
                    )
                )
    order: defaultdict[str, int] = defaultdict(lambda: len(plan.districts))
    order.update((d.name, i) for i, d in enumerate(plan.districts))
    # Sorted by (district order, most severe first, village, first site): the keys are
    # built with C-level maps and the sort is by index, stable, as sorting the posts by a
    # key function would be, without 300,000 calls of it in a national plan.
    keys = list(
        zip(
            map(order.__getitem__, map(_DISTRICT, posts)),
            map(neg, map(_RANK, posts)),
            map(_VILLAGE, posts),
            map(_ID, map(_SITES, posts)),
            strict=True,
        )
    )
    posts = list(map(posts.__getitem__, sorted(range(len(posts)), key=keys.__getitem__)))
    if len(set(map(_ID, posts))) == len(posts):  # the usual case: no site guarded twice
        return posts, unruled
    return [_unique(post, taken) for post in posts], unruled


def _risk_posts(
    guard: m.Guard, sites: list[m.Site], risks: dict[str, m.RiskClass], phase: str
) -> tuple[list[Post], list[Unruled]]:
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
        members = tuple(group)
        for start in range(0, len(members), size):
            chunk = members[start : start + size]
            need = needs.get(len(chunk))
            if need is None:
                need = needs[len(chunk)] = post_need(rules, len(chunk))
            # A tuple built directly: a national plan makes a post here some 300,000 times.
            append(
                new(
                    Post,
                    (
                        f"{phase}/{chunk[0]}",
                        phase,
                        district,
                        village,
                        kind,
                        risk_name,
                        risk.rank,
                        chunk,
                        need,
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
    """A site guarded twice in one phase gets a second post with its own id."""
    count = taken.get(post.id, 0)
    taken[post.id] = count + 1
    if not count:
        return post
    return post._replace(id=f"{post.id}/{count + 1}")
