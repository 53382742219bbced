"""Automatic assignment of reviewers to the ideas of a round, as a pure function on plain ints.

The problem is a flow: the source gives each idea the reviews it still needs, an idea sends one
review to each reviewer free of conflict with it, and each reviewer passes at most ``max_load``
reviews to the sink. Loads differing by at most one means every reviewer ends between
``min_load = ⌊T/R⌋`` and ``max_load = ⌈T/R⌉`` (T reviews in all, R reviewers). Both the lower
bound and the wish for reviewers of different units on one idea are expressed as costs, and a
minimum-cost flow (primal-dual: Dijkstra on reduced costs, then a blocking flow on the
zero-cost edges) finds an assignment that

* gives every idea exactly ``per_idea`` distinct reviewers, never a conflicted pair;
* fills every reviewer's first ``min_load`` slots before anyone's last slot (a slot past the
  minimum costs more than all unit duplicates together), so loads differ by at most one
  whenever that is possible at all;
* among those, has the fewest pairs of reviewers from one unit on the same idea;
* among those, follows a plan that mixes the panel: ideas are planned one after another, each
  taking the least loaded reviewers and, among them, those who have shared the fewest ideas
  with the reviewers already chosen, so that every pair of reviewers shares ideas where the
  panel allows (with 4 reviewers and 2 per idea, all six pairs rather than two fixed ones).
  Overlapping pairs keep z-score normalisation and the reliability estimate meaningful. Each
  pair outside the plan costs one, less than any unit duplicate.

Inputs are sorted first and edges are laid out in a fixed rotation, so the same input always
yields the same assignment, whatever order it came in. When no assignment exists the error
says which ideas cannot be covered and why (too few reviewers free of conflict, or a group of
ideas whose only possible reviewers are all at the maximum load).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

Pair = tuple[int, int]  # (idea_id, reviewer_id)

_INF = float("inf")


@dataclass(frozen=True)
class TooFewEligible:
    """An idea with fewer reviewers free of conflict (and not already on it) than it needs."""

    idea_id: int
    needed: int
    eligible_reviewer_ids: tuple[int, ...]
    conflicted_reviewer_ids: tuple[int, ...]


@dataclass(frozen=True)
class Bottleneck:
    """Ideas that compete for the same reviewers, all of whom are at the maximum load.

    Every reviewer free of conflict with an idea of ``competing_idea_ids`` is either one of
    ``reviewer_ids`` (each already carrying ``max_load`` reviews) or already assigned to that
    idea, so ``missing`` reviews of ``short_idea_ids`` cannot be placed.
    """

    short_idea_ids: tuple[int, ...]
    missing: int
    competing_idea_ids: tuple[int, ...]
    reviewer_ids: tuple[int, ...]
    max_load: int


@dataclass(frozen=True)
class Underloaded:
    """Reviewers who cannot reach the minimum balanced load (too many conflicts)."""

    reviewer_ids: tuple[int, ...]
    loads: tuple[int, ...]
    eligible_counts: tuple[int, ...]
    min_load: int


@dataclass(frozen=True)
class Overloaded:
    """Reviewers whose kept assignments already exceed the maximum balanced load."""

    reviewer_ids: tuple[int, ...]
    loads: tuple[int, ...]
    max_load: int


@dataclass(frozen=True)
class PanelTooSmall:
    reviewers: int
    per_idea: int


Problem = TooFewEligible | Bottleneck | Underloaded | Overloaded | PanelTooSmall


class AssignmentInfeasible(ValueError):
    """No assignment meets the rules; ``problems`` says why, ``idea_ids`` which ideas."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        ids: set[int] = set()
        for p in problems:
            if isinstance(p, TooFewEligible):
                ids.add(p.idea_id)
            elif isinstance(p, Bottleneck):
                ids.update(p.short_idea_ids)
        self.idea_ids = tuple(sorted(ids))
        super().__init__("; ".join(_describe(p) for p in problems))


def _describe(p: Problem) -> str:
    if isinstance(p, PanelTooSmall):
        return f"the panel has {p.reviewers} reviewers but each idea needs {p.per_idea}"
    if isinstance(p, TooFewEligible):
        return (
            f"idea {p.idea_id} needs {p.needed} more reviewers but only "
            f"{len(p.eligible_reviewer_ids)} are free of conflict with it"
        )
    if isinstance(p, Bottleneck):
        return (
            f"ideas {list(p.short_idea_ids)} lack {p.missing} reviews: ideas "
            f"{list(p.competing_idea_ids)} can only use reviewers {list(p.reviewer_ids)}, "
            f"all at the maximum balanced load of {p.max_load}"
        )
    if isinstance(p, Underloaded):
        return (
            f"reviewers {list(p.reviewer_ids)} cannot reach the minimum balanced load of "
            f"{p.min_load} (free of conflict with {list(p.eligible_counts)} ideas)"
        )
    return (
        f"reviewers {list(p.reviewer_ids)} already carry {list(p.loads)} reviews, above the "
        f"maximum balanced load of {p.max_load}"
    )


@dataclass
class _Graph:
    to: list[int] = field(default_factory=list)
    cap: list[int] = field(default_factory=list)
    cost: list[int] = field(default_factory=list)
    adj: list[list[int]] = field(default_factory=list)

    def node(self) -> int:
        self.adj.append([])
        return len(self.adj) - 1

    def edge(self, u: int, v: int, cap: int, cost: int) -> int:
        e = len(self.to)
        self.to += (v, u)
        self.cap += (cap, 0)
        self.cost += (cost, -cost)
        self.adj[u].append(e)
        self.adj[v].append(e + 1)
        return e


def _min_cost_flow(g: _Graph, s: int, t: int, limit: int) -> int:
    """Push up to ``limit`` units from s to t at minimum cost; returns the flow value."""
    n = len(g.adj)
    to, cap, cost, adj = g.to, g.cap, g.cost, g.adj
    pi: list[float] = [0] * n
    flow = 0
    while flow < limit:
        # Shortest distances on reduced costs (all >= 0 thanks to the potentials).
        dist: list[float] = [_INF] * n
        dist[s] = 0
        heap: list[tuple[float, int]] = [(0, s)]
        while heap:
            d, u = heapq.heappop(heap)
            if d > dist[u]:
                continue
            if u == t:
                break
            pu = pi[u]
            for e in adj[u]:
                if cap[e] > 0:
                    v = to[e]
                    nd = d + cost[e] + pu - pi[v]
                    if nd < dist[v]:
                        dist[v] = nd
                        heapq.heappush(heap, (nd, v))
        dt = dist[t]
        if dt == _INF:
            break
        for v in range(n):
            dv = dist[v]
            pi[v] += dv if dv < dt else dt
        flow += _blocking_flows(g, pi, s, t, limit - flow)
    return flow


def _blocking_flows(g: _Graph, pi: list[float], s: int, t: int, limit: int) -> int:
    """Dinic's algorithm restricted to edges of zero reduced cost (the shortest paths)."""
    to, cap, cost, adj = g.to, g.cap, g.cost, g.adj
    n = len(adj)
    total = 0
    while total < limit:
        level = [-1] * n
        level[s] = 0
        queue = [s]
        for u in queue:
            lu, pu = level[u] + 1, pi[u]
            for e in adj[u]:
                if cap[e] > 0:
                    v = to[e]
                    if level[v] < 0 and cost[e] + pu - pi[v] == 0:
                        level[v] = lu
                        queue.append(v)
        if level[t] < 0:
            return total
        it = [0] * n
        while total < limit:
            path: list[int] = []
            u = s
            while u != t:
                edges = adj[u]
                i = it[u]
                lu, pu = level[u] + 1, pi[u]
                while i < len(edges):
                    e = edges[i]
                    v = to[e]
                    if cap[e] > 0 and level[v] == lu and cost[e] + pu - pi[v] == 0:
                        break
                    i += 1
                it[u] = i
                if i < len(edges):
                    path.append(edges[i])
                    u = to[edges[i]]
                    continue
                if u == s:
                    break
                level[u] = -1  # a dead end for the rest of this phase
                e = path.pop()
                u = to[e ^ 1]
                it[u] += 1
            if u != t:
                break
            f = min(limit - total, *(cap[e] for e in path))
            for e in path:
                cap[e] -= f
                cap[e ^ 1] += f
            total += f
    return total


def balanced_bounds(total: int, reviewers: int) -> tuple[int, int]:
    """(minimum, maximum) load when ``total`` reviews are spread over ``reviewers`` people."""
    return total // reviewers, -(-total // reviewers)


def assign(
    idea_ids: Iterable[int],
    reviewer_ids: Iterable[int],
    per_idea: int,
    *,
    conflicts: Iterable[Pair] = (),
    reviewer_units: Mapping[int, int | None] | None = None,
    existing: Iterable[Pair] = (),
) -> list[Pair]:
    """The new (idea_id, reviewer_id) pairs that complete the round's assignment.

    ``existing`` pairs are kept as they are and count towards each idea's ``per_idea`` and each
    reviewer's load. Raises :class:`AssignmentInfeasible` when no assignment meets the rules.
    """
    ideas = sorted(set(idea_ids))
    reviewers = sorted(set(reviewer_ids))
    units = dict(reviewer_units or {})
    if per_idea < 1:
        raise ValueError("per_idea must be at least 1")
    if not ideas:
        return []
    if len(reviewers) < per_idea:
        raise AssignmentInfeasible([PanelTooSmall(len(reviewers), per_idea)])
    idea_set, reviewer_set = set(ideas), set(reviewers)
    conflicted = {(i, r) for i, r in conflicts if i in idea_set and r in reviewer_set}
    kept = sorted(set(existing))
    on_idea: dict[int, set[int]] = {i: set() for i in ideas}
    load = dict.fromkeys(reviewers, 0)
    for i, r in kept:
        if i not in idea_set or r not in reviewer_set:
            raise ValueError(f"existing pair {(i, r)} is outside the round")
        on_idea[i].add(r)
        load[r] += 1
    need = {i: max(0, per_idea - len(on_idea[i])) for i in ideas}
    total = sum(load.values()) + sum(need.values())
    min_load, max_load = balanced_bounds(total, len(reviewers))

    problems: list[Problem] = []
    over = [r for r in reviewers if load[r] > max_load]
    if over:
        problems.append(Overloaded(tuple(over), tuple(load[r] for r in over), max_load))
    eligible: dict[int, list[int]] = {}
    for i in ideas:
        eligible[i] = [r for r in reviewers if (i, r) not in conflicted and r not in on_idea[i]]
        if len(eligible[i]) < need[i]:
            problems.append(
                TooFewEligible(
                    i,
                    need[i],
                    tuple(eligible[i]),
                    tuple(r for r in reviewers if (i, r) in conflicted),
                )
            )
    if problems:
        raise AssignmentInfeasible(problems)

    # Costs, in order of importance: a reviewer's slot past the minimum load costs more than
    # every unit duplicate and every unplanned pair together, so the lower bound is met whenever
    # it can be; a unit duplicate costs more than all unplanned pairs together.
    wanted = sum(need.values())
    unplanned_cost = 1
    unit_cost = wanted * unplanned_cost + 1
    extra_slot_cost = wanted * per_idea * unit_cost + wanted + 1
    plan = _mixing_plan(ideas, reviewers, need, on_idea, eligible, units, load)
    g = _Graph()
    s, t = g.node(), g.node()
    idea_node = {i: g.node() for i in ideas}
    reviewer_node = {r: g.node() for r in reviewers}
    position = {r: p for p, r in enumerate(reviewers)}
    for r in reviewers:
        base = max(0, min_load - load[r])
        if base:
            g.edge(reviewer_node[r], t, base, 0)
        extra = max_load - max(min_load, load[r])
        if extra > 0:
            g.edge(reviewer_node[r], t, extra, extra_slot_cost)
    pair_edge: dict[Pair, int] = {}
    n_rev = len(reviewers)
    for index, i in enumerate(ideas):
        if not need[i]:
            continue
        u = idea_node[i]
        g.edge(s, u, need[i], 0)
        # Rotate the panel per idea so that neighbouring ideas get different reviewers.
        start = (index * per_idea) % n_rev
        ordered = sorted(eligible[i], key=lambda r: (position[r] - start) % n_rev)
        present_units = {units.get(r) for r in on_idea[i]} - {None}
        groups: dict[int, list[int]] = {}
        singles: list[int | tuple[int, list[int]]] = []
        for r in ordered:
            unit = units.get(r)
            if unit is None:
                singles.append(r)
            elif unit in groups:
                groups[unit].append(r)
            else:
                groups[unit] = [r]
                singles.append((unit, groups[unit]))
        planned = plan[i]
        for item in singles:
            if isinstance(item, int):
                cost = 0 if item in planned else unplanned_cost
                pair_edge[(i, item)] = g.edge(u, reviewer_node[item], 1, cost)
                continue
            unit, members = item
            free = 0 if unit in present_units else 1
            if len(members) == 1 and free:
                r = members[0]
                cost = 0 if r in planned else unplanned_cost
                pair_edge[(i, r)] = g.edge(u, reviewer_node[r], 1, cost)
                continue
            # Each reviewer past the first from one unit on this idea costs a unit duplicate.
            grp = g.node()
            if free:
                g.edge(u, grp, 1, 0)
            if len(members) - free > 0:
                g.edge(u, grp, len(members) - free, unit_cost)
            for r in members:
                cost = 0 if r in planned else unplanned_cost
                pair_edge[(i, r)] = g.edge(grp, reviewer_node[r], 1, cost)

    flow = _min_cost_flow(g, s, t, wanted)
    if flow < wanted:
        raise AssignmentInfeasible(
            [_bottleneck(g, s, ideas, reviewers, idea_node, reviewer_node, need, max_load)]
        )
    pairs = sorted(p for p, e in pair_edge.items() if g.cap[e] == 0)
    for _, r in pairs:
        load[r] += 1
    under = [r for r in reviewers if load[r] < min_load]
    if under:
        counts = {r: 0 for r in under}
        for i in ideas:
            for r in under:
                if (i, r) not in conflicted:
                    counts[r] += 1
        raise AssignmentInfeasible(
            [
                Underloaded(
                    tuple(under),
                    tuple(load[r] for r in under),
                    tuple(counts[r] for r in under),
                    min_load,
                )
            ]
        )
    return pairs


def _mixing_plan(
    ideas: list[int],
    reviewers: list[int],
    need: Mapping[int, int],
    on_idea: Mapping[int, set[int]],
    eligible: Mapping[int, list[int]],
    units: Mapping[int, int | None],
    load: Mapping[int, int],
) -> dict[int, set[int]]:
    """The reviewers each idea would ideally get: a greedy pass that keeps planned loads level,
    avoids a second reviewer of one unit, and pairs reviewers who have shared fewest ideas."""
    planned_load = dict(load)
    shared: dict[Pair, int] = {}

    def together(a: int, b: int) -> int:
        return shared.get((a, b) if a < b else (b, a), 0)

    for members in on_idea.values():
        kept = sorted(members)
        for x, a in enumerate(kept):
            for b in kept[x + 1 :]:
                shared[(a, b)] = shared.get((a, b), 0) + 1
    position = {r: p for p, r in enumerate(reviewers)}
    n_rev = len(reviewers)
    plan: dict[int, set[int]] = {}
    for index, i in enumerate(ideas):
        chosen = sorted(on_idea[i])
        start = index % n_rev
        free = eligible[i]
        picked: set[int] = set()
        for _ in range(need[i]):
            present_units = {units.get(r) for r in chosen} - {None}
            candidates = [r for r in free if r not in picked]
            if not candidates:
                break
            best = min(
                candidates,
                key=lambda r: (
                    planned_load[r],
                    units.get(r) is not None and units.get(r) in present_units,
                    sum(together(r, c) for c in chosen),
                    # First the reviewer with most partners not yet met, so none is left over.
                    -sum(1 for c in candidates if c != r and not together(r, c)),
                    (position[r] - start) % n_rev,
                ),
            )
            for c in chosen:
                key = (best, c) if best < c else (c, best)
                shared[key] = shared.get(key, 0) + 1
            chosen.append(best)
            picked.add(best)
            planned_load[best] += 1
        plan[i] = picked
    return plan


def _bottleneck(g, s, ideas, reviewers, idea_node, reviewer_node, need, max_load) -> Bottleneck:
    """Read the minimum cut of the final residual graph as an explanation."""
    seen = [False] * len(g.adj)
    seen[s] = True
    stack = [s]
    while stack:
        u = stack.pop()
        for e in g.adj[u]:
            v = g.to[e]
            if g.cap[e] > 0 and not seen[v]:
                seen[v] = True
                stack.append(v)
    short, missing = [], 0
    for i in ideas:
        if need[i]:
            # The reverse of the source's edge carries the flow the idea received.
            got = sum(g.cap[e] for e in g.adj[idea_node[i]] if e % 2 == 1 and g.to[e] == s)
            if got < need[i]:
                short.append(i)
                missing += need[i] - got
    return Bottleneck(
        short_idea_ids=tuple(short),
        missing=missing,
        competing_idea_ids=tuple(i for i in ideas if seen[idea_node[i]]),
        reviewer_ids=tuple(r for r in reviewers if seen[reviewer_node[r]]),
        max_load=max_load,
    )


def pick_replacement(
    idea_id: int,
    reviewer_ids: Iterable[int],
    *,
    loads: Mapping[int, int],
    on_idea: Iterable[int],
    conflicts: Iterable[Pair] = (),
    reviewer_units: Mapping[int, int | None] | None = None,
) -> int | None:
    """One more reviewer for an idea: free of conflict and not on it yet, the least loaded,
    preferring a unit not yet on the idea, then the lowest id. None when nobody is free."""
    units = reviewer_units or {}
    taken = set(on_idea)
    conflicted = {r for i, r in conflicts if i == idea_id}
    present = {units.get(r) for r in taken} - {None}
    candidates = [r for r in sorted(set(reviewer_ids)) if r not in taken and r not in conflicted]
    if not candidates:
        return None
    return min(
        candidates,
        key=lambda r: (loads.get(r, 0), units.get(r) is not None and units.get(r) in present, r),
    )
