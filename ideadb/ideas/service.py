"""Ideas: the lifecycle (one transition table), permissions, visibility, edits and files.

Every change runs in one ``unit_of_work``: the change, its audit event, a revision row for
edits, notifications and the search outbox row commit together or not at all.

Hooks other features use:
- ``visible_ideas_filter(session, actor)`` — the SQL condition of the ideas an actor may see
  (search, reports and reviews narrow their queries with it);
- ``register_visibility(name, hook)`` — add a condition, e.g. the reviews work lets a reviewer
  see the ideas assigned to them: ``hook(actor) -> SQL condition on Idea | None``;
- ``mark_in_review``, ``release_from_review`` and ``record_recognition`` for rounds;
- ``idea_document(idea)`` — the plain values the search index holds about an idea;
- ``next_code(session, year)`` — the next registration code (bulk import uses it too).
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

import sqlalchemy as sa
from sqlalchemy.orm import Session, object_session

from ideadb.accounts.models import User, UserRole
from ideadb.accounts.notify import notify
from ideadb.audit.service import record
from ideadb.core.changes import record_idea_change
from ideadb.core.db import unit_of_work, utcnow
from ideadb.core.errors import (
    BadRequest,
    Conflict,
    InvalidTransition,
    NotFound,
    StaleVersion,
    TooLarge,
    ValidationFailed,
)
from ideadb.core.fmt import LOCAL_TZ
from ideadb.core.permissions import (
    Role,
    can,
    has_role,
    is_signed_in,
    is_staff,
    require,
    roles_rule,
    rule,
)
from ideadb.ideas import files
from ideadb.ideas.models import (
    SCOPES,
    AdoptionInterest,
    Attachment,
    Author,
    Idea,
    IdeaCodeCounter,
    IdeaRevision,
    IdeaStatus,
)
from ideadb.units.models import Area, Unit
from ideadb.units.service import descendant_ids, district_of

S = IdeaStatus

# --- the lifecycle -----------------------------------------------------------------------


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
)
TRANSITION_TABLE: dict[tuple[str, str], Transition] = {(t.source, t.action): t for t in TRANSITIONS}
ACTION_PERMISSION: dict[str, str] = {t.action: t.permission for t in TRANSITIONS}
ACTIONS: tuple[str, ...] = tuple(dict.fromkeys(t.action for t in TRANSITIONS))
EDITABLE_STATES = frozenset({S.DRAFT, S.NEEDS_REVISION})
SCREEN_DECISIONS = {
    "eligible": "screen_eligible",
    "ineligible": "screen_ineligible",
    "needs_revision": "screen_needs_revision",
}

STATUS_LABELS = {
    S.DRAFT: "Bản nháp",
    S.SUBMITTED: "Đã nộp, chờ sàng lọc",
    S.NEEDS_REVISION: "Yêu cầu bổ sung",
    S.ELIGIBLE: "Đủ điều kiện xét chọn",
    S.INELIGIBLE: "Không đủ điều kiện",
    S.IN_REVIEW: "Đang chấm điểm",
    S.RECOGNIZED: "Được công nhận",
    S.NOT_RECOGNIZED: "Không được công nhận",
    S.WITHDRAWN: "Đã rút",
}
SCOPE_LABELS = {
    "co_so": "Cấp cơ sở",
    "huyen": "Cấp huyện",
    "tinh": "Cấp tỉnh",
    "trung_uong": "Cấp trung ương",
}


def transition_for(status: str, action: str) -> Transition | None:
    return TRANSITION_TABLE.get((status, action))


def allowed_actions(actor: Any, idea: Idea) -> list[str]:
    """The transitions this actor may take from the idea's current state (for buttons)."""
    return [
        t.action for t in TRANSITIONS if t.source == idea.status and can(actor, t.permission, idea)
    ]


# --- permissions -------------------------------------------------------------------------


def is_published(idea: Idea) -> bool:
    """Public: the authors consented and it is recognised or the secretary marked it public."""
    return bool(idea.publish_consent) and (
        idea.status == S.RECOGNIZED or bool(idea.public_override)
    )


def published_clause():
    return sa.and_(
        Idea.publish_consent.is_(True),
        sa.or_(Idea.status == S.RECOGNIZED.value, Idea.public_override.is_(True)),
    )


def is_owner(actor: Any, idea: Idea) -> bool:
    """The user who registered the idea (for an idea registered on behalf: the officer)."""
    return is_signed_in(actor) and actor.id is not None and idea.registrant_id == actor.id


def is_author_user(actor: Any, idea: Idea) -> bool:
    return is_signed_in(actor) and any(
        a.user_id is not None and a.user_id == actor.id for a in idea.authors
    )


def _ancestor_ids(unit: Unit | None) -> set[int]:
    found: set[int] = set()
    while unit is not None and unit.id not in found:
        found.add(unit.id)
        unit = unit.parent
    return found


def is_unit_officer_of(actor: Any, idea: Idea) -> bool:
    """A unit officer of the idea's unit or of a unit above it."""
    if not has_role(actor, Role.UNIT_OFFICER) or actor.unit_id is None or idea.unit_id is None:
        return False
    unit = idea.unit
    if unit is None:
        session = object_session(idea)
        unit = session.get(Unit, idea.unit_id) if session is not None else None
    return actor.unit_id in _ancestor_ids(unit)


# Extra visibility conditions registered by other features: name -> hook(actor) -> condition.
_visibility_hooks: dict[str, Callable[[Any], Any]] = {}


def register_visibility(name: str, hook: Callable[[Any], Any]) -> None:
    """Let another feature widen what a signed-in actor sees (e.g. reviewers: assigned ideas).

    ``hook(actor)`` returns an SQL condition on ``Idea`` (or None). It is OR-ed into
    ``visible_ideas_filter`` and used by the per-object check behind ``idea.view``.
    """
    _visibility_hooks[name] = hook


def _hook_conditions(actor: Any) -> list[Any]:
    out = []
    for hook in _visibility_hooks.values():
        condition = hook(actor)
        if condition is not None:
            out.append(condition)
    return out


def visible_ideas_filter(session: Session, actor: Any, *, include_public: bool = True):
    """The SQL condition of the ideas ``actor`` may see.

    anonymous → published only; owner/registrant and authors with an account → theirs; unit
    officer → their unit and the units below it; reviewer → published plus what the reviews
    work registers (assigned); secretary/admin → all. ``include_public=False`` leaves out the
    public catalogue (what may be seen in full: confidential fields, attachments).
    """
    conditions = [published_clause()] if include_public else []
    if not is_signed_in(actor):
        return sa.or_(*conditions) if conditions else sa.false()
    if is_staff(actor):
        return sa.true()
    if actor.id is not None:
        conditions.append(Idea.registrant_id == actor.id)
        conditions.append(Idea.id.in_(sa.select(Author.idea_id).where(Author.user_id == actor.id)))
    if has_role(actor, Role.UNIT_OFFICER) and actor.unit_id is not None:
        conditions.append(Idea.unit_id.in_(sorted(descendant_ids(session, actor.unit_id))))
    conditions.extend(_hook_conditions(actor))
    return sa.or_(*conditions) if conditions else sa.false()


def can_see_in_full(actor: Any, idea: Idea) -> bool:
    """Owner, authors, unit officers above it, staff, and what hooks grant (assigned reviewers)."""
    if not is_signed_in(actor):
        return False
    if is_staff(actor) or is_owner(actor, idea) or is_author_user(actor, idea):
        return True
    if is_unit_officer_of(actor, idea):
        return True
    conditions = _hook_conditions(actor)
    session = object_session(idea)
    if not conditions or session is None or idea.id is None:
        return False
    found = session.scalar(sa.select(Idea.id).where(Idea.id == idea.id, sa.or_(*conditions)))
    return found is not None


def can_view(actor: Any, idea: Idea) -> bool:
    return is_published(idea) or can_see_in_full(actor, idea)


rule("idea.view")(lambda actor, idea: can_view(actor, idea))
rule("idea.view_confidential")(lambda actor, idea: can_see_in_full(actor, idea))
rule("attachment.download")(lambda actor, idea: can_see_in_full(actor, idea))
rule("idea.edit")(lambda actor, idea: is_owner(actor, idea))
rule("idea.submit")(lambda actor, idea: is_owner(actor, idea))
rule("idea.withdraw")(lambda actor, idea: is_owner(actor, idea))
rule("idea.screen")(
    lambda actor, idea: has_role(actor, Role.SECRETARY) or is_unit_officer_of(actor, idea)
)
rule("idea.view_interests")(
    lambda actor, idea: (
        is_staff(actor)
        or is_owner(actor, idea)
        or is_author_user(actor, idea)
        or is_unit_officer_of(actor, idea)
    )
)
roles_rule("idea.create", Role.SUBMITTER, Role.UNIT_OFFICER)
roles_rule("idea.review", Role.SECRETARY)
roles_rule("idea.publish", Role.SECRETARY)


# --- values ------------------------------------------------------------------------------

CONTENT_FIELDS = (
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
TEXT_FIELDS = (
    "summary",
    "description",
    "novelty",
    "benefits",
    "field_of_application",
    "application_conditions",
    "confidential_info",
)
MAX_TEXT = 20000
MAX_AUTHORS = 30


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def authors_of(idea: Idea) -> list[dict[str, Any]]:
    return [
        {"name": a.name, "unit": a.unit, "share": a.share, "user_id": a.user_id}
        for a in idea.authors
    ]


def snapshot(idea: Idea) -> dict[str, Any]:
    data = {f: _jsonable(getattr(idea, f)) for f in CONTENT_FIELDS}
    data["authors"] = authors_of(idea)
    data["status"] = idea.status
    data["code"] = idea.code
    return data


def idea_document(idea: Idea) -> dict[str, Any]:
    """The plain values the search index holds about an idea (see ideadb.search IdeaDoc)."""
    people = [a.name for a in idea.authors]
    if idea.unit is not None:
        people.append(idea.unit.name)
    return {
        "id": idea.id,
        "code": idea.code,
        "title": idea.title or "",
        "summary": idea.summary or "",
        "description": idea.description or "",
        "novelty": idea.novelty or "",
        "benefits": idea.benefits or "",
        "people": tuple(people),
        "unit_id": idea.unit_id,
        "district_id": idea.district_id,
        "area": idea.area,
        "year": idea.year,
        "status": idea.status,
        "published": is_published(idea),
        "level": idea.recognized_level,
        "created_at": idea.created_at,
        "updated_at": idea.updated_at,
    }


def idea_link(idea: Idea | int) -> str:
    """The path of an idea's page (used in notifications, which outlive any request)."""
    return f"/y-tuong/{getattr(idea, 'id', idea)}"


def _nfc(value: Any) -> Any:
    return unicodedata.normalize("NFC", value).strip() if isinstance(value, str) else value


def _label(idea: Idea) -> str:
    return f"“{idea.title}”" + (f" ({idea.code})" if idea.code else "")


# --- validation --------------------------------------------------------------------------


def _clean_authors(
    session: Session, raw: Any, errors: dict[str, list[str]]
) -> list[dict[str, Any]] | None:
    if raw is None:
        return None
    if not isinstance(raw, list):
        errors["authors"] = ["Danh sách tác giả không hợp lệ."]
        return None
    if len(raw) > MAX_AUTHORS:
        errors["authors"] = [f"Tối đa {MAX_AUTHORS} tác giả."]
        return None
    out = []
    for i, row in enumerate(raw):
        if not isinstance(row, dict):
            errors[f"authors.{i}"] = ["Thông tin tác giả không hợp lệ."]
            continue
        name = _nfc(row.get("name") or "")
        unit = _nfc(row.get("unit") or "")
        share = row.get("share")
        if not name:
            errors[f"authors.{i}.name"] = ["Vui lòng nhập họ tên tác giả."]
        elif len(name) > 255:
            errors[f"authors.{i}.name"] = ["Họ tên tối đa 255 ký tự."]
        if len(unit) > 255:
            errors[f"authors.{i}.unit"] = ["Tên đơn vị tối đa 255 ký tự."]
        if isinstance(share, str) and share.strip().isdigit():
            share = int(share.strip())
        if isinstance(share, bool) or not isinstance(share, int):
            errors[f"authors.{i}.share"] = ["Tỷ lệ đóng góp phải là số nguyên phần trăm."]
            share = None
        elif not 1 <= share <= 100:
            errors[f"authors.{i}.share"] = ["Tỷ lệ đóng góp phải từ 1 đến 100%."]
        user_id = row.get("user_id")
        if user_id is not None and (
            not isinstance(user_id, int) or session.get(User, user_id) is None
        ):
            errors[f"authors.{i}.user_id"] = ["Người dùng không tồn tại."]
            user_id = None
        out.append({"name": name, "unit": unit, "share": share, "user_id": user_id})
    shares = [a["share"] for a in out]
    if out and all(isinstance(s, int) for s in shares) and sum(shares) != 100:
        errors.setdefault("authors", []).append(
            f"Tổng tỷ lệ đóng góp của các tác giả phải bằng 100% (hiện là {sum(shares)}%)."
        )
    return out


def _clean(
    session: Session, data: dict[str, Any], idea: Idea | None = None
) -> tuple[dict[str, Any], list[dict[str, Any]] | None]:
    """Normalise and check the fields given; raise ValidationFailed listing every problem."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    for key in CONTENT_FIELDS:
        if key in data:
            values[key] = _nfc(data[key])
    if "title" in values or idea is None:
        title = values.get("title") or ""
        if not title:
            errors["title"] = ["Vui lòng nhập tên ý tưởng, sáng kiến."]
        elif len(title) > 500:
            errors["title"] = ["Tên tối đa 500 ký tự."]
    for key in TEXT_FIELDS:
        if key in values:
            if values[key] is None:
                values[key] = ""
            if not isinstance(values[key], str):
                errors[key] = ["Giá trị không hợp lệ."]
            elif len(values[key]) > MAX_TEXT:
                errors[key] = [f"Tối đa {MAX_TEXT} ký tự."]
    if "owner_name" in values:
        values["owner_name"] = values["owner_name"] or None
        if values["owner_name"] and len(values["owner_name"]) > 255:
            errors["owner_name"] = ["Tối đa 255 ký tự."]
    if values.get("area"):
        if session.get(Area, values["area"]) is None:
            errors["area"] = ["Lĩnh vực không hợp lệ."]
    elif "area" in values:
        values["area"] = None
    if values.get("year") is not None:
        year = values["year"]
        this_year = datetime.now(LOCAL_TZ).year
        if isinstance(year, bool) or not isinstance(year, int) or not 1990 <= year <= this_year + 1:
            errors["year"] = [f"Năm phải từ 1990 đến {this_year + 1}."]
    if "publish_consent" in values:
        values["publish_consent"] = bool(values["publish_consent"])
    if "applied_from" in values and values["applied_from"] is not None:
        if not isinstance(values["applied_from"], date):
            errors["applied_from"] = ["Ngày không hợp lệ, hãy nhập theo dạng dd/mm/yyyy."]
        elif values["applied_from"] > datetime.now(LOCAL_TZ).date():
            errors["applied_from"] = ["Ngày áp dụng không thể ở tương lai."]

    unit = None
    if values.get("unit_id") is not None:
        unit = session.get(Unit, values["unit_id"])
        if unit is None:
            errors["unit_id"] = ["Đơn vị không tồn tại."]
    elif "unit_id" in values:
        values["unit_id"] = None
    if values.get("district_id") is not None:
        district = session.get(Unit, values["district_id"])
        if district is None or district.kind != "district":
            errors["district_id"] = ["Huyện không tồn tại."]
    elif "district_id" in values:
        values["district_id"] = None
    if unit is not None:
        district = district_of(unit)
        if district is not None:
            given = values.get("district_id")
            if given is not None and given != district.id and "district_id" not in errors:
                errors["district_id"] = ["Đơn vị không thuộc huyện đã chọn."]
            values["district_id"] = district.id
        elif "district_id" not in values:
            values["district_id"] = None

    authors = _clean_authors(session, data.get("authors"), errors)
    if errors:
        raise ValidationFailed("Thông tin ý tưởng chưa hợp lệ.", errors)
    return values, authors


def _check_complete(idea: Idea) -> None:
    """What a dossier needs before it can be submitted."""
    errors: dict[str, list[str]] = {}
    required = {
        "title": "Vui lòng nhập tên ý tưởng, sáng kiến.",
        "summary": "Vui lòng nhập tóm tắt.",
        "description": "Vui lòng mô tả nội dung giải pháp.",
        "area": "Vui lòng chọn lĩnh vực.",
        "year": "Vui lòng nhập năm.",
        "unit_id": "Vui lòng chọn đơn vị.",
    }
    for key, message in required.items():
        if getattr(idea, key) in (None, ""):
            errors[key] = [message]
    if not idea.authors:
        errors["authors"] = ["Cần ít nhất một tác giả."]
    elif sum(a.share for a in idea.authors) != 100:
        errors["authors"] = ["Tổng tỷ lệ đóng góp của các tác giả phải bằng 100%."]
    if errors:
        raise ValidationFailed("Hồ sơ chưa đủ thông tin để nộp.", errors)


# --- reading -----------------------------------------------------------------------------


def find_idea(session: Session, idea_id: int) -> Idea | None:
    return session.get(Idea, idea_id)


def get_idea(session: Session, actor: Any, idea_id: int) -> Idea:
    """The idea, or NotFound — also when the actor may not see it."""
    idea = session.get(Idea, idea_id) if isinstance(idea_id, int) else None
    if idea is None or not can_view(actor, idea):
        raise NotFound("Không tìm thấy ý tưởng.")
    return idea


def get_public_idea(session: Session, idea_id: int) -> Idea:
    idea = session.get(Idea, idea_id) if isinstance(idea_id, int) else None
    if idea is None or not is_published(idea):
        raise NotFound("Không tìm thấy ý tưởng.")
    return idea


def list_ideas(
    session: Session,
    actor: Any,
    *,
    status: str | Iterable[str] | None = None,
    area: str | None = None,
    year: int | None = None,
    district_id: int | None = None,
    unit_id: int | None = None,
    registrant_id: int | None = None,
    mine: bool = False,
    unit_scope: bool = False,
    query: str | None = None,
):
    """A select of the ideas the actor may see, narrowed by the filters, newest first.

    ``mine``: registered by the actor or naming them as an author. ``unit_scope``: the ideas
    of the actor's unit and the units below it (for unit officers; drafts of others excluded).
    """
    stmt = sa.select(Idea).where(visible_ideas_filter(session, actor))
    if status:
        statuses = [status] if isinstance(status, str) else list(status)
        stmt = stmt.where(Idea.status.in_(statuses))
    if area:
        stmt = stmt.where(Idea.area == area)
    if year:
        stmt = stmt.where(Idea.year == year)
    if district_id:
        stmt = stmt.where(Idea.district_id == district_id)
    if unit_id:
        stmt = stmt.where(Idea.unit_id == unit_id)
    if registrant_id:
        stmt = stmt.where(Idea.registrant_id == registrant_id)
    if mine:
        if not is_signed_in(actor) or actor.id is None:
            return stmt.where(sa.false())
        stmt = stmt.where(
            sa.or_(
                Idea.registrant_id == actor.id,
                Idea.id.in_(sa.select(Author.idea_id).where(Author.user_id == actor.id)),
            )
        )
    if unit_scope:
        if not has_role(actor, Role.UNIT_OFFICER) or actor.unit_id is None:
            return stmt.where(sa.false())
        stmt = stmt.where(
            Idea.unit_id.in_(sorted(descendant_ids(session, actor.unit_id))),
            sa.or_(Idea.status != S.DRAFT.value, Idea.registrant_id == actor.id),
        )
    if query:
        like = f"%{_nfc(query).lower()}%"
        stmt = stmt.where(sa.or_(sa.func.lower(Idea.title).like(like), Idea.code.ilike(like)))
    return stmt.order_by(Idea.updated_at.desc(), Idea.id.desc())


def revisions(session: Session, actor: Any, idea: Idea) -> list[IdeaRevision]:
    require(actor, "idea.view_confidential", idea)
    stmt = (
        sa.select(IdeaRevision)
        .where(IdeaRevision.idea_id == idea.id)
        .order_by(IdeaRevision.version.desc())
    )
    return list(session.scalars(stmt))


def history(session: Session, actor: Any, idea: Idea) -> list[Any]:
    """The idea's audit events, newest first (who did what, when)."""
    from ideadb.audit.models import AuditEvent

    require(actor, "idea.view_confidential", idea)
    stmt = (
        sa.select(AuditEvent)
        .where(AuditEvent.object_type == "idea", AuditEvent.object_id == str(idea.id))
        .order_by(AuditEvent.id.desc())
    )
    return list(session.scalars(stmt))


# --- writing -----------------------------------------------------------------------------


def _revision(session: Session, actor: Any, idea: Idea, action: str) -> None:
    session.add(
        IdeaRevision(
            idea_id=idea.id,
            version=idea.version,
            actor_id=getattr(actor, "id", None),
            action=action,
            snapshot=snapshot(idea),
        )
    )


def _link_accounts(
    authors: list[dict[str, Any]], previous: list[dict[str, Any]], actor: Any
) -> list[dict[str, Any]]:
    """Keep authors' accounts across edits (matched by name); the registrant named is linked."""
    known = {a["name"].casefold(): a["user_id"] for a in previous if a.get("user_id")}
    own = _nfc(getattr(actor, "full_name", "") or "").casefold()
    out = []
    for author in authors:
        if author.get("user_id") is None:
            key = author["name"].casefold()
            user_id = known.get(key) or (getattr(actor, "id", None) if key == own else None)
            author = {**author, "user_id": user_id}
        out.append(author)
    return out


def _set_authors(idea: Idea, authors: list[dict[str, Any]]) -> None:
    idea.authors = [
        Author(position=i, name=a["name"], unit=a["unit"], share=a["share"], user_id=a["user_id"])
        for i, a in enumerate(authors)
    ]


def _touch(idea: Idea) -> None:
    idea.version = (idea.version or 0) + 1
    idea.updated_at = utcnow()


def create_idea(session: Session, actor: Any, data: dict[str, Any]) -> Idea:
    """Register a new idea as a draft. Without ``authors`` the actor is the sole author.

    A unit officer registering on behalf of a person without an account names that person in
    ``authors``; the officer stays the registrant (owner) of the dossier.
    """
    require(actor, "idea.create")
    data = dict(data)
    own_unit = getattr(actor, "unit_id", None)
    if data.get("unit_id") is None and data.get("district_id") is None and own_unit is not None:
        data["unit_id"] = own_unit
    values, authors = _clean(session, data)
    if not authors:
        unit = getattr(actor, "unit", None)
        authors = [
            {
                "name": actor.full_name,
                "unit": unit.name if unit is not None else "",
                "share": 100,
                "user_id": actor.id,
            }
        ]
    else:
        authors = _link_accounts(authors, [], actor)
    if values.get("year") is None:
        values["year"] = datetime.now(LOCAL_TZ).year
    with unit_of_work(session):
        now = utcnow()
        idea = Idea(
            status=S.DRAFT.value,
            registrant_id=actor.id,
            created_at=now,
            updated_at=now,
            version=1,
            **values,
        )
        _set_authors(idea, authors)
        session.add(idea)
        session.flush()
        _revision(session, actor, idea, "create")
        record(session, actor, "idea.create", "idea", idea.id, None, snapshot(idea))
        record_idea_change(session, idea.id)
    return idea


def update_idea(
    session: Session,
    actor: Any,
    idea_id: int,
    data: dict[str, Any],
    *,
    expected_version: int | None = None,
) -> Idea:
    """Edit a draft or a dossier returned for supplement (owner only); one revision per edit."""
    idea = get_idea(session, actor, idea_id)
    require(actor, "idea.edit", idea)
    if idea.status not in EDITABLE_STATES:
        raise InvalidTransition(
            "Chỉ sửa được hồ sơ ở trạng thái bản nháp hoặc yêu cầu bổ sung.",
        )
    if expected_version is not None and expected_version != idea.version:
        raise StaleVersion("Hồ sơ đã được thay đổi ở nơi khác. Vui lòng tải lại trang.")
    values, authors = _clean(session, data, idea)
    if authors is not None and not authors:
        raise ValidationFailed(
            "Thông tin ý tưởng chưa hợp lệ.", {"authors": ["Cần ít nhất một tác giả."]}
        )
    with unit_of_work(session):
        before = snapshot(idea)
        for key, value in values.items():
            setattr(idea, key, value)
        if authors is not None:
            authors = _link_accounts(authors, before["authors"], actor)
        if authors is not None and authors != before["authors"]:
            _set_authors(idea, authors)
        after = snapshot(idea)
        if after == before:
            return idea
        _touch(idea)
        session.flush()
        _revision(session, actor, idea, "update")
        changed = [k for k in after if after[k] != before[k]]
        record(
            session,
            actor,
            "idea.update",
            "idea",
            idea.id,
            {k: before[k] for k in changed},
            {k: after[k] for k in changed},
        )
        record_idea_change(session, idea.id)
    return idea


def _apply(
    session: Session,
    actor: Any,
    idea: Idea,
    action: str,
    *,
    note: str | None = None,
    extra: dict[str, Any] | None = None,
) -> Transition:
    """Check and apply one transition of the table (inside the caller's unit of work)."""
    require(actor, ACTION_PERMISSION[action], idea)
    transition = transition_for(idea.status, action)
    if transition is None:
        raise InvalidTransition(
            f"Không thể thực hiện thao tác này khi hồ sơ ở trạng thái "
            f"“{STATUS_LABELS.get(idea.status, idea.status)}”."
        )
    before = {"status": idea.status, "code": idea.code}
    idea.status = transition.target
    _touch(idea)
    after = {"status": idea.status, "code": idea.code}
    if note:
        after["note"] = note
    if extra:
        after.update(extra)
    session.flush()
    record(session, actor, f"idea.{action}", "idea", idea.id, before, after)
    record_idea_change(session, idea.id)
    return transition


def next_code(session: Session, year: int, prefix: str | None = None) -> str:
    """The next free code ``<PROVINCE>-<year>-<NNNN>``, safe when two submits race.

    One atomic upsert on the counter row: PostgreSQL holds its row lock until the transaction
    ends, so concurrent submits get consecutive numbers; SQLite serialises writers anyway.
    Codes already taken (e.g. imported with their old numbers) are skipped.
    """
    if prefix is None:
        from flask import current_app

        prefix = current_app.config.get("PROVINCE_CODE", "BK")
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    while True:
        stmt = (
            insert(IdeaCodeCounter)
            .values(prefix=prefix, year=year, last=1)
            .on_conflict_do_update(
                index_elements=["prefix", "year"],
                set_={"last": IdeaCodeCounter.last + 1},
            )
            .returning(IdeaCodeCounter.last)
        )
        number = session.execute(stmt).scalar_one()
        code = f"{prefix}-{year}-{number:04d}"
        if session.scalar(sa.select(Idea.id).where(Idea.code == code)) is None:
            return code


def _officers_to_notify(session: Session, idea: Idea) -> list[int]:
    """The unit officers of the nearest unit (the idea's own, then upwards) that has any."""
    unit = idea.unit
    seen: set[int] = set()
    while unit is not None and unit.id not in seen:
        seen.add(unit.id)
        ids = list(
            session.scalars(
                sa.select(User.id).where(
                    User.unit_id == unit.id,
                    User.active.is_(True),
                    User.id.in_(
                        sa.select(UserRole.user_id).where(UserRole.role == Role.UNIT_OFFICER.value)
                    ),
                )
            )
        )
        if ids:
            return ids
        unit = unit.parent
    return []


def _people_of(idea: Idea) -> list[int]:
    ids = [idea.registrant_id] + [a.user_id for a in idea.authors]
    return list(dict.fromkeys(i for i in ids if i is not None))


def submit_idea(session: Session, actor: Any, idea_id: int) -> Idea:
    """Submit (or resubmit after supplement); the code is assigned at the first submit."""
    idea = get_idea(session, actor, idea_id)
    require(actor, "idea.submit", idea)
    if transition_for(idea.status, "submit") is None:
        _apply(session, actor, idea, "submit")  # raises the state error
    _check_complete(idea)
    with unit_of_work(session):
        first = idea.code is None
        if first:
            idea.code = next_code(session, idea.year or datetime.now(LOCAL_TZ).year)
        idea.submitted_at = utcnow()
        _apply(session, actor, idea, "submit")
        text = (
            f"Hồ sơ {_label(idea)} đã được nộp và đang chờ sàng lọc."
            if first
            else f"Hồ sơ {_label(idea)} đã được bổ sung và nộp lại."
        )
        for officer_id in _officers_to_notify(session, idea):
            if officer_id != actor.id:
                notify(session, officer_id, text, idea_link(idea))
    return idea


SCREEN_MESSAGES = {
    "eligible": "Hồ sơ {label} đã được xác nhận đủ điều kiện xét chọn.",
    "ineligible": "Hồ sơ {label} không đủ điều kiện xét chọn.",
    "needs_revision": "Hồ sơ {label} cần bổ sung, vui lòng xem yêu cầu và nộp lại.",
}


def screen_idea(
    session: Session, actor: Any, idea_id: int, decision: str, note: str | None = None
) -> Idea:
    """Unit officer (of its unit or above) or secretary: eligible, ineligible or supplement."""
    idea = get_idea(session, actor, idea_id)
    note = _nfc(note or "") or None
    action = SCREEN_DECISIONS.get(decision)
    if action is None:
        raise ValidationFailed(
            "Quyết định không hợp lệ.",
            {"decision": ["Chọn một trong: eligible, ineligible, needs_revision."]},
        )
    require(actor, "idea.screen", idea)
    if decision == "needs_revision" and not note and transition_for(idea.status, action):
        raise ValidationFailed(
            "Cần ghi rõ nội dung yêu cầu bổ sung.",
            {"note": ["Vui lòng ghi rõ nội dung cần bổ sung."]},
        )
    if note and len(note) > MAX_TEXT:
        raise ValidationFailed("Ghi chú quá dài.", {"note": [f"Tối đa {MAX_TEXT} ký tự."]})
    with unit_of_work(session):
        _apply(session, actor, idea, action, note=note)
        idea.screening_note = note
        idea.screened_at = utcnow()
        idea.screened_by_id = actor.id
        text = SCREEN_MESSAGES[decision].format(label=_label(idea))
        if note:
            text += f" Ghi chú: {note}"
        for user_id in _people_of(idea):
            notify(session, user_id, text, idea_link(idea))
    return idea


def withdraw_idea(session: Session, actor: Any, idea_id: int, note: str | None = None) -> Idea:
    """The owner withdraws a dossier before it goes to review; it is kept, not deleted."""
    idea = get_idea(session, actor, idea_id)
    with unit_of_work(session):
        _apply(session, actor, idea, "withdraw", note=_nfc(note or "") or None)
    return idea


def _ideas_by_id(session: Session, idea_ids: Iterable[int]) -> list[Idea]:
    ids = list(dict.fromkeys(int(i) for i in idea_ids))
    found = {i.id: i for i in session.scalars(sa.select(Idea).where(Idea.id.in_(ids)))}
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound("Không tìm thấy ý tưởng: " + ", ".join(map(str, missing)))
    return [found[i] for i in ids]


def mark_in_review(
    session: Session, actor: Any, idea_ids: Iterable[int], round_id: int | None = None
) -> list[Idea]:
    """A round takes eligible ideas into review (secretary). 409 naming any not eligible."""
    require(actor, "idea.review")
    ideas = _ideas_by_id(session, idea_ids)
    wrong = [i for i in ideas if transition_for(i.status, "start_review") is None]
    if wrong:
        raise Conflict(
            "Chỉ đưa vào đợt xét chọn các ý tưởng đủ điều kiện: "
            + ", ".join(i.code or str(i.id) for i in wrong),
            {"idea_ids": [str(i.id) for i in wrong]},
        )
    with unit_of_work(session):
        for idea in ideas:
            _apply(session, actor, idea, "start_review", extra={"round_id": round_id})
    return ideas


def release_from_review(
    session: Session, actor: Any, idea_ids: Iterable[int], round_id: int | None = None
) -> list[Idea]:
    """An idea taken out of a round before finalisation returns to eligible."""
    require(actor, "idea.review")
    ideas = _ideas_by_id(session, idea_ids)
    with unit_of_work(session):
        for idea in ideas:
            _apply(session, actor, idea, "release", extra={"round_id": round_id})
    return ideas


def record_recognition(
    session: Session,
    actor: Any,
    idea_id: int,
    scope: str,
    level_code: str | None,
    round_id: int | None = None,
) -> Idea:
    """A finalised round's decision: recognised at ``level_code`` in ``scope``, or not (None)."""
    require(actor, "idea.review")
    if scope not in SCOPES:
        raise ValidationFailed("Cấp công nhận không hợp lệ.", {"scope": [f"Một trong {SCOPES}."]})
    idea = session.get(Idea, idea_id)
    if idea is None:
        raise NotFound("Không tìm thấy ý tưởng.")
    with unit_of_work(session):
        if level_code:
            _apply(
                session,
                actor,
                idea,
                "recognize",
                extra={"round_id": round_id, "scope": scope, "level": level_code},
            )
            idea.recognized_level = level_code
            idea.recognized_scope = scope
            idea.recognized_round_id = round_id
            idea.recognized_at = utcnow()
            text = f"Sáng kiến {_label(idea)} đã được công nhận ({SCOPE_LABELS[scope].lower()})."
        else:
            _apply(
                session, actor, idea, "not_recognize", extra={"round_id": round_id, "scope": scope}
            )
            text = f"Hồ sơ {_label(idea)} chưa được công nhận trong đợt xét chọn này."
        for user_id in _people_of(idea):
            notify(session, user_id, text, idea_link(idea))
    return idea


def set_public_override(session: Session, actor: Any, idea_id: int, public: bool) -> Idea:
    """The secretary marks an idea public whatever its status (authors' consent still needed)."""
    idea = get_idea(session, actor, idea_id)
    require(actor, "idea.publish", idea)
    with unit_of_work(session):
        before = {"public_override": idea.public_override}
        idea.public_override = bool(public)
        if before["public_override"] != idea.public_override:
            _touch(idea)
            record(
                session,
                actor,
                "idea.publish" if public else "idea.unpublish",
                "idea",
                idea.id,
                before,
                {"public_override": idea.public_override},
            )
            record_idea_change(session, idea.id)
    return idea


# --- attachments -------------------------------------------------------------------------


def _config(key: str, default: Any) -> Any:
    try:
        from flask import current_app

        return current_app.config.get(key, default)
    except RuntimeError:
        return default


def upload_dir() -> Path:
    return Path(_config("UPLOAD_DIR", "instance/uploads"))


def attachment_path(attachment: Attachment) -> Path:
    name = attachment.stored_name
    return upload_dir() / name[:2] / name


def add_attachment(
    session: Session, actor: Any, idea_id: int, filename: str | None, stream: BinaryIO | bytes
) -> Attachment:
    """Store a file of the dossier (owner, while editable); type judged from the content."""
    idea = get_idea(session, actor, idea_id)
    require(actor, "idea.edit", idea)
    if idea.status not in EDITABLE_STATES:
        raise InvalidTransition("Chỉ thêm tệp khi hồ sơ ở trạng thái bản nháp hoặc bổ sung.")
    limit = int(_config("ATTACHMENTS_PER_IDEA", 5))
    if len(idea.live_attachments) >= limit:
        raise ValidationFailed(
            "Đã đủ số tệp đính kèm.", {"file": [f"Mỗi hồ sơ có tối đa {limit} tệp đính kèm."]}
        )
    max_bytes = int(_config("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))
    data = stream if isinstance(stream, bytes) else stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise TooLarge(
            f"Tệp vượt quá dung lượng cho phép ({max_bytes // (1024 * 1024)} MB).",
            {"file": [f"Tệp vượt quá dung lượng cho phép ({max_bytes // (1024 * 1024)} MB)."]},
        )
    if not data:
        raise ValidationFailed("Tệp rỗng.", {"file": ["Tệp rỗng."]})
    name = files.sanitize_filename(filename)
    kind = files.detect_kind(data)
    if kind is None:
        raise ValidationFailed(
            "Loại tệp không được chấp nhận.",
            {"file": ["Chỉ nhận tệp PDF, DOCX, XLSX, JPG hoặc PNG."]},
        )
    content_type, extensions = files.ALLOWED_TYPES[kind]
    ext = files.extension_of(name)
    if ext not in extensions:
        message = (
            f"Nội dung tệp là {kind.upper()}, không khớp với phần mở rộng “.{ext}”."
            if ext
            else f"Tên tệp cần có phần mở rộng .{extensions[0]}."
        )
        raise ValidationFailed("Loại tệp không khớp với tên tệp.", {"file": [message]})
    stored_name = secrets.token_hex(16) + "." + kind
    digest = hashlib.sha256(data).hexdigest()
    with unit_of_work(session):
        attachment = Attachment(
            idea_id=idea.id,
            original_name=name,
            stored_name=stored_name,
            sha256=digest,
            size=len(data),
            content_type=content_type,
            uploaded_by_id=actor.id,
        )
        session.add(attachment)
        session.flush()
        path = attachment_path(attachment)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".part")
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
        _touch(idea)
        record(
            session,
            actor,
            "idea.attachment_add",
            "idea",
            idea.id,
            None,
            {"attachment_id": attachment.id, "name": name, "sha256": digest, "size": len(data)},
        )
    return attachment


def remove_attachment(session: Session, actor: Any, idea_id: int, attachment_id: int) -> None:
    """Take a file out of the dossier; the file and its row are kept."""
    idea = get_idea(session, actor, idea_id)
    require(actor, "idea.edit", idea)
    attachment = session.get(Attachment, attachment_id)
    if attachment is None or attachment.idea_id != idea.id or attachment.removed_at is not None:
        raise NotFound("Không tìm thấy tệp đính kèm.")
    if idea.status not in EDITABLE_STATES:
        raise InvalidTransition("Chỉ gỡ tệp khi hồ sơ ở trạng thái bản nháp hoặc bổ sung.")
    with unit_of_work(session):
        attachment.removed_at = utcnow()
        attachment.removed_by_id = actor.id
        _touch(idea)
        record(
            session,
            actor,
            "idea.attachment_remove",
            "idea",
            idea.id,
            {"attachment_id": attachment.id, "name": attachment.original_name},
            None,
        )


def attachment_for_download(
    session: Session, actor: Any, attachment_id: int
) -> tuple[Attachment, Path]:
    """The attachment and its file, for those who may see the idea in full; else NotFound."""
    attachment = session.get(Attachment, attachment_id) if isinstance(attachment_id, int) else None
    if attachment is None or attachment.removed_at is not None:
        raise NotFound("Không tìm thấy tệp đính kèm.")
    idea = attachment.idea
    if not can(actor, "attachment.download", idea):
        raise NotFound("Không tìm thấy tệp đính kèm.")
    path = attachment_path(attachment)
    if not path.is_file():
        raise NotFound("Tệp đính kèm không còn trên máy chủ.")
    return attachment, path


# --- adoption interests ------------------------------------------------------------------

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^[0-9 +().\-]{6,20}$")


def add_adoption_interest(session: Session, idea_id: int, data: dict[str, Any]) -> AdoptionInterest:
    """Anyone may ask to apply a published initiative; the owner and unit officers are told."""
    idea = get_public_idea(session, idea_id)
    values = {
        k: _nfc(data.get(k) or "")
        for k in ("organisation", "contact_name", "email", "phone", "message")
    }
    errors: dict[str, list[str]] = {}
    if not values["organisation"]:
        errors["organisation"] = ["Vui lòng nhập tên tổ chức, doanh nghiệp."]
    if not values["contact_name"]:
        errors["contact_name"] = ["Vui lòng nhập người liên hệ."]
    if not values["email"] and not values["phone"]:
        errors["email"] = ["Vui lòng nhập thư điện tử hoặc số điện thoại."]
    if values["email"] and not _EMAIL.match(values["email"]):
        errors["email"] = ["Địa chỉ thư điện tử không hợp lệ."]
    if values["phone"] and not _PHONE.match(values["phone"]):
        errors["phone"] = ["Số điện thoại không hợp lệ."]
    for key, limit in (("organisation", 255), ("contact_name", 255), ("email", 255)):
        if len(values[key]) > limit:
            errors[key] = [f"Tối đa {limit} ký tự."]
    if len(values["message"]) > 4000:
        errors["message"] = ["Tối đa 4000 ký tự."]
    if errors:
        raise ValidationFailed("Thông tin đăng ký áp dụng chưa hợp lệ.", errors)
    with unit_of_work(session):
        interest = AdoptionInterest(
            idea_id=idea.id,
            organisation=values["organisation"],
            contact_name=values["contact_name"],
            email=values["email"] or None,
            phone=values["phone"] or None,
            message=values["message"],
        )
        session.add(interest)
        session.flush()
        record(
            session,
            None,
            "idea.adoption_interest",
            "idea",
            idea.id,
            None,
            {"interest_id": interest.id, "organisation": interest.organisation},
        )
        text = f"{interest.organisation} đăng ký áp dụng sáng kiến {_label(idea)}."
        for user_id in dict.fromkeys(_people_of(idea) + _officers_to_notify(session, idea)):
            notify(session, user_id, text, idea_link(idea))
    return interest


def interest_count(session: Session, idea_id: int) -> int:
    return session.scalar(
        sa.select(sa.func.count())
        .select_from(AdoptionInterest)
        .where(AdoptionInterest.idea_id == idea_id)
    )


def list_adoption_interests(session: Session, actor: Any, idea_id: int) -> list[AdoptionInterest]:
    idea = get_idea(session, actor, idea_id)
    require(actor, "idea.view_interests", idea)
    stmt = (
        sa.select(AdoptionInterest)
        .where(AdoptionInterest.idea_id == idea.id)
        .order_by(AdoptionInterest.id.desc())
    )
    return list(session.scalars(stmt))


def check_bot_fields(honeypot: str | None) -> None:
    """Reject a form whose hidden field was filled in (people never see it)."""
    if honeypot:
        raise BadRequest("Yêu cầu không hợp lệ.")
