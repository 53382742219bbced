"""The rules of a review round as data: which actions each phase allows, and what an
assignment's or a conflict's state permits. Pure: plain values in, booleans out.

Statuses are the values of ``models.RoundStatus``, ``models.AssignmentStatus`` and
``models.ConflictKind`` (string enums), so rows and plain strings both work here.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Final, Protocol

DRAFT: Final = "draft"
REVIEWING: Final = "reviewing"
DELIBERATION: Final = "deliberation"
FINALIZED: Final = "finalized"

PENDING_CONFIRMATION: Final = "pending_confirmation"
ACTIVE: Final = "active"
RECUSED: Final = "recused"
SUBMITTED: Final = "submitted"
MISSED: Final = "missed"

#: Assignments that count towards an idea's reviewers (all but the recused).
LIVE: Final = (PENDING_CONFIRMATION, ACTIVE, SUBMITTED, MISSED)
#: Assignments whose sheet is still expected.
OPEN: Final = (PENDING_CONFIRMATION, ACTIVE)
#: Conflicts found by the application (the secretary may set them aside with a reason).
AUTOMATIC_CONFLICTS: Final = ("author", "unit", "registrant")

#: Round-level action → the phases in which it may happen.
PHASES: Final[Mapping[str, frozenset[str]]] = {
    "configure": frozenset({DRAFT}),
    "update": frozenset({DRAFT, REVIEWING, DELIBERATION}),
    "add_ideas": frozenset({DRAFT}),
    "add_reviewers": frozenset({DRAFT, REVIEWING, DELIBERATION}),
    "conflict": frozenset({DRAFT, REVIEWING, DELIBERATION}),
    "auto_assign": frozenset({DRAFT, REVIEWING}),
    "assign": frozenset({DRAFT, REVIEWING, DELIBERATION}),
    "open": frozenset({DRAFT}),
    "remind": frozenset({REVIEWING, DELIBERATION}),
    "reopen": frozenset({REVIEWING, DELIBERATION}),
    "deliberate": frozenset({REVIEWING}),
    "ranking": frozenset({DELIBERATION, FINALIZED}),
    "discuss": frozenset({DELIBERATION}),
    "decide": frozenset({DELIBERATION}),
    "finalize": frozenset({DELIBERATION}),
    "score": frozenset({REVIEWING, DELIBERATION}),
}

#: Settings that may still change after the round has opened.
LATE_FIELDS: Final = frozenset(
    {
        "chair_id",
        "deadline",
        "show_details_to_submitters",
        "document",
        "name",
        "appeal_days",
        # The public vote's dates (its weight is part of the method: frozen once open).
        "vote_opens_at",
        "vote_closes_at",
    }
)


class HasStatus(Protocol):
    @property
    def status(self) -> str: ...


class ConflictLike(Protocol):
    @property
    def kind(self) -> str: ...

    @property
    def dismissed_at(self) -> datetime | None: ...


def allowed(round: HasStatus, action: str) -> bool:
    """May ``action`` happen in the round's current phase (an unknown action never may)."""
    return round.status in PHASES.get(action, frozenset())


def is_draft(round: HasStatus) -> bool:
    return round.status == DRAFT


def is_finalized(round: HasStatus) -> bool:
    return round.status == FINALIZED


def is_live(assignment: HasStatus) -> bool:
    return assignment.status in LIVE


def is_open(assignment: HasStatus) -> bool:
    """The sheet is still expected (not submitted, missed or recused)."""
    return assignment.status in OPEN


def has_ended(assignment: HasStatus) -> bool:
    """The reviewer was taken off this idea (a conflict, a withdrawal)."""
    return assignment.status == RECUSED


def needs_confirmation(assignment: HasStatus) -> bool:
    return assignment.status == PENDING_CONFIRMATION


def shows_idea(assignment: HasStatus) -> bool:
    """Only a confirmed (or finished) assignment shows the idea beyond its title."""
    return assignment.status not in (PENDING_CONFIRMATION, RECUSED)


def can_confirm(assignment: HasStatus, round: HasStatus) -> bool:
    return needs_confirmation(assignment) and allowed(round, "score")


def can_score(assignment: HasStatus, round: HasStatus) -> bool:
    return assignment.status == ACTIVE and allowed(round, "score")


def is_submitted(assignment: HasStatus) -> bool:
    return assignment.status == SUBMITTED


def can_withdraw(assignment: HasStatus) -> bool:
    return is_open(assignment)


def can_dismiss(conflict: ConflictLike) -> bool:
    """Only an automatic conflict that still stands may be set aside."""
    return conflict.kind in AUTOMATIC_CONFLICTS and conflict.dismissed_at is None


def late_change(round: HasStatus, fields: frozenset[str] | set[str]) -> frozenset[str]:
    """The given settings that may no longer change in the round's phase."""
    if is_draft(round):
        return frozenset()
    return frozenset(fields) - LATE_FIELDS
