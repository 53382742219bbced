"""Properties of the automatic assignment, checked on random panels and against brute force."""

from __future__ import annotations

import itertools
import random
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ideadb.reviews.assign import (
    AssignmentInfeasible,
    Bottleneck,
    PanelTooSmall,
    TooFewEligible,
    Underloaded,
    assign,
    balanced_bounds,
)


@st.composite
def panels(draw, max_ideas=30, max_reviewers=12, conflict_rate=None):
    n_ideas = draw(st.integers(1, max_ideas))
    n_reviewers = draw(st.integers(1, max_reviewers))
    per_idea = draw(st.integers(1, 4))
    ideas = draw(st.lists(st.integers(1, 10_000), min_size=n_ideas, max_size=n_ideas, unique=True))
    reviewers = draw(
        st.lists(st.integers(1, 10_000), min_size=n_reviewers, max_size=n_reviewers, unique=True)
    )
    rate = conflict_rate if conflict_rate is not None else draw(st.sampled_from([0, 0.1, 0.3]))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = random.Random(seed)
    conflicts = {(i, r) for i in ideas for r in reviewers if rng.random() < rate}
    units = {r: rng.choice([None, 1, 2, 3]) for r in reviewers}
    return ideas, reviewers, per_idea, conflicts, units


def duplicates(pairs, units) -> int:
    """Pairs of reviewers of one unit on the same idea, counted as extra members per unit."""
    by_idea: dict[int, Counter] = {}
    for i, r in pairs:
        if units.get(r) is not None:
            by_idea.setdefault(i, Counter())[units[r]] += 1
    return sum(c - 1 for counter in by_idea.values() for c in counter.values())


def check_rules(pairs, ideas, reviewers, per_idea, conflicts, existing=()):
    everything = list(pairs) + list(existing)
    assert len(set(everything)) == len(everything), "a pair assigned twice"
    per = Counter(i for i, _ in everything)
    assert all(per[i] == per_idea for i in ideas), "an idea without exactly per_idea reviewers"
    assert not set(everything) & set(conflicts), "a conflicted pair was assigned"
    loads = Counter(r for _, r in everything)
    spread = [loads.get(r, 0) for r in reviewers]
    assert max(spread) - min(spread) <= 1, f"loads differ by more than one: {spread}"


def brute_force_best(ideas, reviewers, per_idea, conflicts, units):
    """The fewest unit duplicates over every valid assignment, or None when none exists."""
    total = len(ideas) * per_idea
    lo, hi = balanced_bounds(total, len(reviewers))
    choices = [
        [
            c
            for c in itertools.combinations(reviewers, per_idea)
            if not any((i, r) in conflicts for r in c)
        ]
        for i in ideas
    ]
    best = None
    for combo in itertools.product(*choices):
        loads = Counter(r for c in combo for r in c)
        if any(not lo <= loads.get(r, 0) <= hi for r in reviewers):
            continue
        pairs = [(i, r) for i, c in zip(ideas, combo, strict=True) for r in c]
        d = duplicates(pairs, units)
        best = d if best is None else min(best, d)
    return best


@settings(max_examples=300, deadline=None)
@given(panels())
def test_every_assignment_meets_the_rules_or_the_error_names_the_ideas(panel):
    ideas, reviewers, per_idea, conflicts, units = panel
    try:
        pairs = assign(ideas, reviewers, per_idea, conflicts=conflicts, reviewer_units=units)
    except AssignmentInfeasible as exc:
        assert exc.problems
        assert str(exc)
        assert set(exc.idea_ids) <= set(ideas)
        return
    check_rules(pairs, ideas, reviewers, per_idea, conflicts)


@settings(max_examples=300, deadline=None)
@given(panels(max_ideas=4, max_reviewers=5))
def test_assignment_exists_exactly_when_brute_force_finds_one_with_as_few_unit_duplicates(panel):
    ideas, reviewers, per_idea, conflicts, units = panel
    per_idea = min(per_idea, 2)
    best = brute_force_best(ideas, reviewers, per_idea, conflicts, units)
    try:
        pairs = assign(ideas, reviewers, per_idea, conflicts=conflicts, reviewer_units=units)
    except AssignmentInfeasible:
        assert best is None, "assign gave up although a valid assignment exists"
        return
    assert best is not None
    check_rules(pairs, ideas, reviewers, per_idea, conflicts)
    assert duplicates(pairs, units) == best


@settings(max_examples=150, deadline=None)
@given(panels(), st.randoms(use_true_random=False))
def test_the_same_panel_in_any_order_gets_the_same_assignment(panel, rnd):
    ideas, reviewers, per_idea, conflicts, units = panel
    try:
        first = assign(ideas, reviewers, per_idea, conflicts=conflicts, reviewer_units=units)
    except AssignmentInfeasible as exc:
        first = str(exc)
    ideas2, reviewers2, conflicts2 = list(ideas), list(reviewers), list(conflicts)
    for seq in (ideas2, reviewers2, conflicts2):
        rnd.shuffle(seq)
    units2 = dict(reversed(list(units.items())))
    try:
        second = assign(ideas2, reviewers2, per_idea, conflicts=conflicts2, reviewer_units=units2)
    except AssignmentInfeasible as exc:
        second = str(exc)
    assert first == second


@settings(max_examples=150, deadline=None)
@given(panels(max_ideas=20, max_reviewers=10, conflict_rate=0.1), st.integers(0, 2**32 - 1))
def test_assignment_completes_kept_pairs_without_moving_them(panel, seed):
    ideas, reviewers, per_idea, conflicts, units = panel
    rng = random.Random(seed)
    existing = set()
    for i in ideas:
        free = [r for r in reviewers if (i, r) not in conflicts]
        if free and rng.random() < 0.3:
            existing.add((i, rng.choice(free)))
    try:
        pairs = assign(
            ideas,
            reviewers,
            per_idea,
            conflicts=conflicts,
            reviewer_units=units,
            existing=existing,
        )
    except AssignmentInfeasible:
        return
    assert not set(pairs) & existing
    check_rules(pairs, ideas, reviewers, per_idea, conflicts, existing)


def test_reviewers_from_different_units_are_preferred_on_one_idea():
    units = {10: 1, 11: 1, 12: 2, 13: 2}
    pairs = assign([1, 2], [10, 11, 12, 13], 2, reviewer_units=units)
    for idea in (1, 2):
        assert {units[r] for i, r in pairs if i == idea} == {1, 2}


def test_neighbouring_ideas_get_different_reviewers():
    pairs = assign(range(1, 5), range(10, 16), 3)
    by_idea = {i: {r for j, r in pairs if j == i} for i in range(1, 5)}
    assert by_idea[1] != by_idea[2]


def test_an_idea_with_too_few_reviewers_free_of_conflict_is_named():
    with pytest.raises(AssignmentInfeasible) as info:
        assign([1, 2, 3], [10, 11, 12], 2, conflicts=[(2, 10), (2, 11)])
    assert info.value.idea_ids == (2,)
    (problem,) = info.value.problems
    assert problem == TooFewEligible(2, 2, (12,), (10, 11))
    assert "idea 2 needs 2 more reviewers but only 1" in str(info.value)


def test_ideas_competing_for_reviewers_at_the_maximum_load_are_explained():
    # Reviewer 10 may review nothing, so 11 and 12 would need three reviews each (max 2).
    with pytest.raises(AssignmentInfeasible) as info:
        assign([1, 2, 3], [10, 11, 12], 2, conflicts=[(1, 10), (2, 10), (3, 10)])
    (problem,) = info.value.problems
    assert isinstance(problem, Bottleneck)
    assert problem.competing_idea_ids == (1, 2, 3)
    assert problem.reviewer_ids == (11, 12)
    assert problem.max_load == 2
    assert problem.missing == 2
    assert info.value.idea_ids == problem.short_idea_ids


def test_a_reviewer_who_cannot_reach_the_minimum_load_is_named():
    with pytest.raises(AssignmentInfeasible) as info:
        assign([1, 2, 3, 4], [10, 11, 12], 1, conflicts=[(i, 12) for i in (1, 2, 3, 4)])
    (problem,) = info.value.problems
    assert problem == Underloaded((12,), (0,), (0,), 1)


def test_a_panel_smaller_than_reviewers_per_idea_is_refused():
    with pytest.raises(AssignmentInfeasible) as info:
        assign([1], [10, 11], 3)
    assert info.value.problems == [PanelTooSmall(2, 3)]


def test_no_ideas_need_no_reviewers():
    assert assign([], [1, 2], 2) == []


def test_large_round_balances_loads_exactly():
    rng = random.Random(7)
    ideas, reviewers = range(1, 601), range(1000, 1023)
    units = {r: r % 5 for r in reviewers}
    conflicts = {(i, r) for i in ideas for r in reviewers if rng.random() < 0.08}
    pairs = assign(ideas, reviewers, 3, conflicts=conflicts, reviewer_units=units)
    check_rules(pairs, ideas, reviewers, 3, conflicts)
    assert duplicates(pairs, units) == 0


# --- mixing the panel: pairs of reviewers overlap ---------------------------------------------


def shared_pairs(pairs) -> Counter:
    by_idea: dict[int, list[int]] = {}
    for i, r in pairs:
        by_idea.setdefault(i, []).append(r)
    return Counter(
        pair for members in by_idea.values() for pair in itertools.combinations(sorted(members), 2)
    )


def test_four_reviewers_two_per_idea_mix_into_all_six_pairs():
    pairs = assign(range(1, 13), [10, 11, 12, 13], 2)
    shared = shared_pairs(pairs)
    assert set(shared) == set(itertools.combinations([10, 11, 12, 13], 2))
    assert set(shared.values()) == {2}  # twelve ideas: every pair shares exactly two
    assert set(Counter(r for _, r in pairs).values()) == {6}


def test_mixing_never_uses_a_conflicted_pair_and_stays_balanced():
    conflicts = {(1, 10), (2, 11), (3, 12), (5, 13)}
    pairs = assign(range(1, 9), [10, 11, 12, 13], 2, conflicts=conflicts)
    check_rules(pairs, list(range(1, 9)), [10, 11, 12, 13], 2, conflicts)
    assert len(shared_pairs(pairs)) == 6


@settings(max_examples=150, deadline=None)
@given(
    st.integers(2, 12),
    st.integers(2, 5),
    st.integers(1, 60),
    st.lists(st.integers(1, 10_000), min_size=12, max_size=12, unique=True),
)
def test_every_pair_of_reviewers_shares_ideas_where_the_panel_allows(n_rev, per_idea, n, ids):
    """Without conflicts, once there are enough ideas (each idea brings C(k, 2) pairs; 2.5 times
    the C(R, 2) pairs of the panel), every two reviewers share at least one idea."""
    reviewers = ids[:n_rev]
    per_idea = min(per_idea, n_rev)
    ideas = list(range(1, n + 1))
    pairs = assign(ideas, reviewers, per_idea)
    check_rules(pairs, ideas, reviewers, per_idea, ())
    panel_pairs = n_rev * (n_rev - 1) // 2
    if n * per_idea * (per_idea - 1) // 2 >= 2.5 * panel_pairs:
        assert len(shared_pairs(pairs)) == panel_pairs
    # Deterministic: the same panel in another order gets the same assignment.
    assert assign(list(reversed(ideas)), list(reversed(reviewers)), per_idea) == pairs


@settings(max_examples=100, deadline=None)
@given(panels(max_ideas=25, max_reviewers=8))
def test_mixing_keeps_the_rules_with_conflicts_and_units(panel):
    ideas, reviewers, per_idea, conflicts, units = panel
    try:
        pairs = assign(ideas, reviewers, per_idea, conflicts=conflicts, reviewer_units=units)
    except AssignmentInfeasible:
        return
    check_rules(pairs, ideas, reviewers, per_idea, conflicts)
