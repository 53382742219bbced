"""Plain values exchanged with the search service (no Whoosh, no database)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

SORTS = ("relevance", "newest", "score")
FACETS = ("area", "year", "district_id", "status", "level")


def _iso(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.isoformat()


@dataclass(frozen=True)
class IdeaDoc:
    """What the index knows about one idea. Built by the ideas service from the database.

    ``people`` holds the authors' names and the unit's name. ``published`` is the public
    visibility decided by the ideas rules; ``level`` the recognised level code (or None).
    """

    id: int
    title: str = ""
    summary: str = ""
    description: str = ""
    novelty: str = ""
    benefits: str = ""
    code: str | None = None
    people: tuple[str, ...] = ()
    unit_id: int | None = None
    district_id: int | None = None
    area: str | None = None
    year: int | None = None
    status: str = "draft"
    published: bool = False
    level: str | None = None
    final_score: float | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.people, tuple):
            object.__setattr__(self, "people", tuple(self.people or ()))

    def stamp(self) -> str:
        """A fingerprint of everything indexed: differs as soon as the index is stale."""
        payload = [
            self.id,
            self.code,
            self.title,
            self.summary,
            self.description,
            self.novelty,
            self.benefits,
            list(self.people),
            self.unit_id,
            self.district_id,
            self.area,
            self.year,
            self.status,
            bool(self.published),
            self.level,
            None if self.final_score is None else round(float(self.final_score), 4),
            _iso(self.created_at),
            _iso(self.updated_at),
        ]
        raw = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        return hashlib.blake2b(raw.encode("utf-8"), digest_size=8).hexdigest()


@dataclass(frozen=True)
class Visibility:
    """Which ideas a caller may see; applied inside every query.

    An idea is visible when ``all`` is set, or it is published and ``published`` is set, or
    its unit is in ``unit_ids`` (and its status in ``unit_statuses`` when that is given), or
    its id is in ``idea_ids``. Callers expand units to the units below them.
    """

    all: bool = False
    published: bool = True
    unit_ids: frozenset[int] = frozenset()
    idea_ids: frozenset[int] = frozenset()
    unit_statuses: frozenset[str] | None = None

    def __post_init__(self) -> None:
        for name in ("unit_ids", "idea_ids"):
            value = getattr(self, name)
            if not isinstance(value, frozenset):
                object.__setattr__(self, name, frozenset(value or ()))
        if self.unit_statuses is not None and not isinstance(self.unit_statuses, frozenset):
            object.__setattr__(self, "unit_statuses", frozenset(self.unit_statuses))

    @classmethod
    def anonymous(cls) -> Visibility:
        return cls(published=True)

    @classmethod
    def everything(cls) -> Visibility:
        return cls(all=True)

    def allows(
        self, idea_id: int, published: bool, unit_id: int | None, status: str | None
    ) -> bool:
        if self.all or (published and self.published) or idea_id in self.idea_ids:
            return True
        return unit_id in self.unit_ids and (
            self.unit_statuses is None or status in self.unit_statuses
        )


@dataclass(frozen=True)
class Filters:
    """Narrowing chosen by the user (all optional). ``unit_ids``: a unit and those below it."""

    area: str | None = None
    year: int | None = None
    district_id: int | None = None
    unit_ids: frozenset[int] | None = None
    status: str | None = None
    level: str | None = None

    def __post_init__(self) -> None:
        if self.unit_ids is not None and not isinstance(self.unit_ids, frozenset):
            object.__setattr__(self, "unit_ids", frozenset(self.unit_ids))


@dataclass
class Hit:
    id: int
    code: str | None
    title: str
    summary: str
    area: str | None
    year: int | None
    district_id: int | None
    unit_id: int | None
    status: str
    level: str | None
    final_score: float | None
    published: bool
    score: float
    highlights: dict[str, str] = field(default_factory=dict)


@dataclass
class SearchResult:
    items: list[Hit]
    total: int
    page: int
    per_page: int
    facets: dict[str, dict[str, int]]
    suggestion: str | None = None
    match: str = "all"  # how the query was matched: all, phrase, words, some, none
    # syllables typed with marks that no result holds as typed (results are approximate)
    unmatched_marks: list[str] = field(default_factory=list)


@dataclass
class SimilarItem:
    id: int
    code: str | None
    title: str
    score: float


@dataclass
class CheckReport:
    """Differences between the database and the index."""

    missing: list[int] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)
    extra: list[int] = field(default_factory=list)
    broken: str | None = None  # the index could not be read at all

    @property
    def ok(self) -> bool:
        return not (self.missing or self.stale or self.extra or self.broken)

    def to_repair(self) -> list[int]:
        return sorted(set(self.missing) | set(self.stale))


def expected_from(docs: Iterable[IdeaDoc]) -> list[tuple[int, str]]:
    return [(d.id, d.stamp()) for d in docs]
