"""The scoring engine: criteria sets as plain data, score sheets, aggregation, ranking.

Pure Python on plain numbers and dataclasses: nothing here imports Flask, SQLAlchemy or the
application, so every formula can be read and tested on its own. The review service calls
:func:`rank_round` with plain values; the criteria service turns a stored set into a
:class:`Rubric`.
"""

from scoring.aggregation import (
    Aggregation,
    IdeaScore,
    Note,
    RoundStats,
    ScoredReview,
    aggregate_totals,
    mean,
    median,
    population_std,
    spread,
    trimmed_mean,
)
from scoring.numbers import display, format_number, round_half_up, to_fraction
from scoring.ranking import (
    IdeaInput,
    Move,
    RankedIdea,
    ReviewInput,
    RoundRanking,
    WhatIf,
    compare,
    explain,
    rank_round,
    what_if,
)
from scoring.reliability import Reliability, alpha_interval, reliability
from scoring.rubric import (
    Band,
    Criterion,
    InvalidRubric,
    Problem,
    RecognitionLevel,
    Rubric,
    parse_rubric,
    problems_to_fields,
    rubric_to_dict,
)
from scoring.sheet import InvalidScoreSheet, SheetPlan, review_total, validate_sheet

__all__ = [
    "Aggregation",
    "Band",
    "Criterion",
    "IdeaInput",
    "IdeaScore",
    "InvalidRubric",
    "InvalidScoreSheet",
    "Move",
    "Note",
    "Problem",
    "RankedIdea",
    "RecognitionLevel",
    "Reliability",
    "ReviewInput",
    "RoundRanking",
    "RoundStats",
    "Rubric",
    "ScoredReview",
    "SheetPlan",
    "WhatIf",
    "aggregate_totals",
    "alpha_interval",
    "compare",
    "display",
    "explain",
    "format_number",
    "mean",
    "median",
    "parse_rubric",
    "population_std",
    "problems_to_fields",
    "rank_round",
    "reliability",
    "review_total",
    "round_half_up",
    "rubric_to_dict",
    "spread",
    "to_fraction",
    "trimmed_mean",
    "validate_sheet",
    "what_if",
]
