"""The idea lifecycle as data: the transition table, and the plan of one transition.

``plan_transition`` is pure: from an idea's current values it works out what a transition sets,
what its audit event records before and after, and which notices go to whom. It reads no
database; the service applies a plan to an ``Idea`` and bulk loading applies it to a row, so a
dossier moves the same way whichever path writes it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from ideadb.core.errors import InvalidTransition
from ideadb.core.text import N_
from ideadb.ideas.labels import STATUS_NAMES
from ideadb.ideas.models import IdeaStatus

S = IdeaStatus


@dataclass(frozen=True)
class Transition:
    action: str
    source: str
    target: str
    permission: str  # the permission rule the actor must pass (owner, screener, secretary)


TRANSITIONS: tuple[Transition, ...] = (
    Transition("submit", S.DRAFT, S.SUBMITTED, "idea.submit"),
    Transition("submit", S.NEEDS_REVISION, S.SUBMITTED, "idea.submit"),
    Transition("screen_eligible", S.SUBMITTED, S.ELIGIBLE, "idea.screen"),
    Transition("screen_ineligible", S.SUBMITTED, S.INELIGIBLE, "idea.screen"),
    Transition("screen_needs_revision", S.SUBMITTED, S.NEEDS_REVISION, "idea.screen"),
    Transition("withdraw", S.DRAFT, S.WITHDRAWN, "idea.withdraw"),
    Transition("withdraw", S.SUBMITTED, S.WITHDRAWN, "idea.withdraw"),
    Transition("withdraw", S.NEEDS_REVISION, S.WITHDRAWN, "idea.withdraw"),
    Transition("withdraw", S.ELIGIBLE, S.WITHDRAWN, "idea.withdraw"),
    Transition("start_review", S.ELIGIBLE, S.IN_REVIEW, "idea.review"),
    Transition("release", S.IN_REVIEW, S.ELIGIBLE, "idea.review"),
    Transition("recognize", S.IN_REVIEW, S.RECOGNIZED, "idea.review"),
    # Nominated upward (đề nghị): recognised again by a round of a higher scope.
    Transition("recognize", S.RECOGNIZED, S.RECOGNIZED, "idea.review"),
    Transition("not_recognize", S.IN_REVIEW, S.NOT_RECOGNIZED, "idea.review"),
    # An upheld appeal replaces the decision either way.
    Transition("recognize", S.NOT_RECOGNIZED, S.RECOGNIZED, "idea.review"),
    Transition("not_recognize", S.RECOGNIZED, S.NOT_RECOGNIZED, "idea.review"),
)
TRANSITION_TABLE: dict[tuple[str, str], Transition] = {(t.source, t.action): t for t in TRANSITIONS}
ACTION_PERMISSION: dict[str, str] = {t.action: t.permission for t in TRANSITIONS}
ACTIONS: tuple[str, ...] = tuple(dict.fromkeys(t.action for t in TRANSITIONS))
EDITABLE_STATES = frozenset({S.DRAFT, S.NEEDS_REVISION})
SCREEN_DECISIONS: dict[str, str] = {
    "eligible": "screen_eligible",
    "ineligible": "screen_ineligible",
    "needs_revision": "screen_needs_revision",
}
SCREEN_MESSAGES: dict[str, str] = {
    "eligible": N_("Hồ sơ %(label)s đã được xác nhận đủ điều kiện xét chọn."),
    "ineligible": N_("Hồ sơ %(label)s không đủ điều kiện xét chọn."),
    "needs_revision": N_("Hồ sơ %(label)s cần bổ sung, vui lòng xem yêu cầu và nộp lại."),
}
SCREEN_MESSAGES_WITH_NOTE: dict[str, str] = {
    "eligible": N_("Hồ sơ %(label)s đã được xác nhận đủ điều kiện xét chọn. Ghi chú: %(note)s"),
    "ineligible": N_("Hồ sơ %(label)s không đủ điều kiện xét chọn. Ghi chú: %(note)s"),
    "needs_revision": N_(
        "Hồ sơ %(label)s cần bổ sung, vui lòng xem yêu cầu và nộp lại. Ghi chú: %(note)s"
    ),
}
# How a recognition notice names its level (a message itself, translated when shown).
RECOGNISED_AT: dict[str, str] = {
    "co_so": N_("cấp cơ sở"),
    "huyen": N_("cấp huyện"),
    "tinh": N_("cấp tỉnh"),
    "trung_uong": N_("cấp trung ương"),
}

# The fields a revision snapshot records, in the order of the registration form.
CONTENT_FIELDS: tuple[str, ...] = (
    "title",
    "summary",
    "description",
    "novelty",
    "benefits",
    "area",
    "year",
    "district_id",
    "unit_id",
    "applied_from",
    "publish_consent",
    "owner_name",
    "field_of_application",
    "application_conditions",
    "confidential_info",
)


def transition_for(status: str, action: str) -> Transition | None:
    return TRANSITION_TABLE.get((status, action))


def is_editable(status: str) -> bool:
    """Whether a dossier in this state may still be edited (content and files)."""
    return status in EDITABLE_STATES


def idea_label(title: str | None, code: str | None) -> str:
    """How notices name a dossier: “title” (code)."""
    return f"“{title}”" + (f" ({code})" if code else "")


def jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def snapshot_values(
    values: Mapping[str, Any], authors: Sequence[Mapping[str, Any]], status: str, code: str | None
) -> dict[str, Any]:
    """What a revision and the creation audit event record of a dossier."""
    data = {f: jsonable(values[f]) for f in CONTENT_FIELDS}
    data["authors"] = [
        {"name": a["name"], "unit": a["unit"], "share": a["share"], "user_id": a["user_id"]}
        for a in authors
    ]
    data["status"] = status
    data["code"] = code
    return data


@dataclass(frozen=True)
class IdeaState:
    """The values of an idea a transition reads."""

    status: str
    code: str | None
    title: str | None
    version: int


Audience = Literal["officers", "people"]


# The submitter's result page of a round (scores and reasons), named by its endpoint.
RESULTS_PAGE = "reviews.idea_results"


@dataclass(frozen=True)
class Notice:
    """A notification to send. ``officers``: the unit officers nearest the idea's unit, the
    actor left out; ``people``: the registrant and the authors with an account."""

    audience: Audience
    #: The Vietnamese message (a msgid), its %(name)s places filled from ``params``.
    message: str
    #: The page it leads to when not the idea's own page (an endpoint taking ``idea_id``).
    endpoint: str | None = None
    params: Mapping[str, Any] | None = None
    #: The params that are messages too (translated when shown).
    translate: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The notice as a Vietnamese reader gets it."""
        return self.message % dict(self.params) if self.params is not None else self.message


@dataclass(frozen=True)
class Plan:
    """What one transition does: fields to set, the audit event, the notices."""

    action: str
    permission: str
    changes: dict[str, Any]
    before: dict[str, Any]
    after: dict[str, Any]
    notices: tuple[Notice, ...]

    @property
    def audit_action(self) -> str:
        return f"idea.{self.action}"


def refusal(status: str) -> InvalidTransition:
    return InvalidTransition(
        "Không thể thực hiện thao tác này khi hồ sơ ở trạng thái "
        f"“{STATUS_NAMES.get(status, status)}”."
    )


def plan_transition(
    idea: IdeaState,
    action: str,
    *,
    now: datetime,
    actor_id: int | None = None,
    note: str | None = None,
    new_code: str | None = None,
    round_id: int | None = None,
    scope: str | None = None,
    level: str | None = None,
) -> Plan:
    """The plan of ``action`` on ``idea``; InvalidTransition when its state does not allow it.

    submit: ``new_code`` is the code a first submit assigns. screen_*: ``note`` is the
    screener's note. start_review/release: ``round_id``. recognize: ``scope`` and ``level``;
    not_recognize: ``scope``.
    """
    transition = transition_for(idea.status, action)
    if transition is None:
        raise refusal(idea.status)
    code = idea.code
    changes: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    notices: list[Notice] = []
    if action == "submit":
        first = code is None
        if first:
            code = new_code
            changes["code"] = code
        changes["submitted_at"] = now
        label = idea_label(idea.title, code)
        text = (
            N_("Hồ sơ %(label)s đã được nộp và đang chờ sàng lọc.")
            if first
            else N_("Hồ sơ %(label)s đã được bổ sung và nộp lại.")
        )
        notices.append(Notice("officers", text, params={"label": label}))
    elif action.startswith("screen_"):
        decision = action.removeprefix("screen_")
        changes.update(screening_note=note, screened_at=now, screened_by_id=actor_id)
        label = idea_label(idea.title, code)
        if note:
            text = SCREEN_MESSAGES_WITH_NOTE[decision]
            notices.append(Notice("people", text, params={"label": label, "note": note}))
        else:
            notices.append(Notice("people", SCREEN_MESSAGES[decision], params={"label": label}))
    elif action in ("start_review", "release"):
        extra = {"round_id": round_id}
    elif action == "recognize":
        if scope is None or level is None:
            raise ValueError("recognize needs a scope and a level")
        extra = {"round_id": round_id, "scope": scope, "level": level}
        changes.update(
            recognized_level=level,
            recognized_scope=scope,
            recognized_round_id=round_id,
            recognized_at=now,
        )
        label = idea_label(idea.title, code)
        text = N_("Sáng kiến %(label)s đã được công nhận (%(scope)s). Xem điểm và lý do.")
        notices.append(
            Notice(
                "people",
                text,
                RESULTS_PAGE if round_id else None,
                params={"label": label, "scope": RECOGNISED_AT.get(scope, scope)},
                translate=("scope",),
            )
        )
    elif action == "not_recognize":
        extra = {"round_id": round_id, "scope": scope}
        if idea.status == S.RECOGNIZED:  # withdrawn by an upheld appeal
            changes.update(
                recognized_level=None,
                recognized_scope=None,
                recognized_round_id=None,
                recognized_at=None,
            )
        label = idea_label(idea.title, code)
        text = N_("Hồ sơ %(label)s chưa được công nhận trong đợt xét chọn này. Xem điểm và lý do.")
        notices.append(
            Notice("people", text, RESULTS_PAGE if round_id else None, params={"label": label})
        )
    changes.update(status=transition.target, version=idea.version + 1, updated_at=now)
    before = {"status": idea.status, "code": code}
    after: dict[str, Any] = {"status": transition.target, "code": code}
    if note:
        after["note"] = note
    after.update(extra)
    return Plan(action, transition.permission, changes, before, after, tuple(notices))
