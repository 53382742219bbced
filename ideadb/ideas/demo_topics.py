"""Demo data only: topics, places and names of a mountainous province, for the text generator.

The texts are package data (``data/demo_topics.json``), read once when this module is imported.
Clauses start in lower case and carry no final full stop; the generator assembles sentences.
A number range is written ``{lo-hi}`` and is drawn when a clause is used.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib.resources import files
from typing import Any, NamedTuple


class S(NamedTuple):
    """One solution of a topic and the problems, results and novelty that go with it."""

    phrase: str  # what is done, as a verb phrase for titles
    how: str  # how it is done, as a clause
    problems: tuple[int, ...]  # indexes into the topic's problems
    results: tuple[int, ...]  # indexes into the topic's results
    novelty: tuple[int, ...] = ()  # indexes into the topic's novelty clauses
    goals: tuple[int, ...] = ()  # indexes into the topic's goals (empty: any)
    districts: tuple[str, ...] = ()  # only in these districts (empty: the topic's)


@dataclass(frozen=True)
class Topic:
    key: str
    area: str
    # Unit kinds that register ideas of this topic; "org:CODE" names one member organisation.
    kinds: tuple[str, ...]
    # Districts where the topic belongs (empty: everywhere).
    districts: tuple[str, ...]
    people: tuple[str, ...]  # who benefits: "các hộ trồng quế"
    goals: tuple[str, ...]  # "nâng cao giá trị vỏ quế"
    problems: tuple[str, ...]
    solutions: tuple[S, ...]
    scale: tuple[str, int, int]  # ("hộ", 5, 60): applied at 5–60 households
    results: tuple[str, ...]
    novelty: tuple[str, ...]
    workplaces: tuple[str, ...]  # authors' workplaces: {commune} {district} {village}
    conditions: tuple[str, ...] = ()
    confidential: tuple[str, ...] = ()


def _tuples(value: Any) -> Any:
    """JSON arrays as tuples (the generator's data is immutable), all the way down."""
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    if isinstance(value, dict):
        return {k: _tuples(v) for k, v in value.items()}
    return value


def _topic(raw: dict[str, Any]) -> Topic:
    solutions = tuple(S(**solution) for solution in raw["solutions"])
    return Topic(**{**raw, "solutions": solutions})


_DATA: dict[str, Any] = _tuples(
    json.loads(files("ideadb.ideas").joinpath("data/demo_topics.json").read_text("utf-8"))
)

AREA_WEIGHTS: dict[str, int] = _DATA["AREA_WEIGHTS"]
# district code -> (full name as written in a sentence, short name, communes in full form)
PLACES: dict[str, tuple[str, str, tuple[str, ...]]] = _DATA["PLACES"]
VILLAGES: tuple[str, ...] = _DATA["VILLAGES"]
# district code -> weights of the peoples in ETHNIC_ORDER
ETHNIC_MIX: dict[str, tuple[int, int, int, int, int]] = _DATA["ETHNIC_MIX"]
# (surnames, male middle names, male given names, female middle names, female given names)
NAMES: dict[str, tuple[tuple[str, ...], ...]] = _DATA["NAMES"]
ETHNIC_ORDER: tuple[str, ...] = _DATA["ETHNIC_ORDER"]
# Generic clauses per area, used with every topic of that area.
SOCIAL_BENEFITS: dict[str, tuple[str, ...]] = _DATA["SOCIAL_BENEFITS"]
GENERIC_CONDITIONS: dict[str, tuple[str, ...]] = _DATA["GENERIC_CONDITIONS"]
TOPICS: tuple[Topic, ...] = tuple(_topic(raw) for raw in _DATA["TOPICS"])
