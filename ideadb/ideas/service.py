"""Ideas: the use cases — register, edit, submit, screen, withdraw, review, publish.

Every change runs in one ``unit_of_work``: the change, its audit event, a revision row for
edits, notifications and the recorded idea change commit together or not at all. The rules
they apply live beside this module: ``lifecycle`` (transitions as data and their pure plan),
``validation`` (cleaning), ``access`` (who may see and edit), ``attachments``, ``interests``.

Hooks other features use (re-exported here):
- ``visible_ideas_filter(session, actor)`` and ``register_visibility(name, hook)`` (access);
- ``mark_in_review``, ``release_from_review`` and ``record_recognition`` for rounds;
- ``idea_document(idea)`` — the plain values the search index holds about an idea;
- ``next_code(session, year)`` — the next registration code.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, BinaryIO

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ideadb.audit.service import record
from ideadb.core.changes import record_idea_change
from ideadb.core.db import unit_of_work, utcnow
from ideadb.core.errors import (
    Conflict,
    DomainError,
    InvalidTransition,
    NotFound,
    StaleVersion,
    ValidationFailed,
)
from ideadb.core.fmt import LOCAL_TZ
from ideadb.core.permissions import require
from ideadb.core.text import N_
from ideadb.ideas import adoption, coauthors, notices
from ideadb.ideas.access import (
    can_edit,
    can_see_in_full,
    can_view,
    find_idea,
    full_view_ids,
    get_idea,
    get_public_idea,
    history,
    is_author_user,
    is_owner,
    is_published,
    is_unit_officer_of,
    list_ideas,
    published_clause,
    register_visibility,
    revisions,
    visible_ideas_filter,
)
from ideadb.ideas.attachments import (
    CheckedFile,
    add_attachment,
    attach,
    attachment_for_download,
    attachment_path,
    check_file,
    read_upload,
    remove_attachment,
    upload_dir,
)
from ideadb.ideas.codes import next_code, next_codes
from ideadb.ideas.files import sanitize_filename
from ideadb.ideas.interests import (
    add_adoption_interest,
    interest_count,
    list_adoption_interests,
)
from ideadb.ideas.labels import SCOPE_LABELS, STATUS_LABELS
from ideadb.ideas.lifecycle import (
    ACTION_PERMISSION,
    ACTIONS,
    CONTENT_FIELDS,
    EDITABLE_STATES,
    SCREEN_DECISIONS,
    SCREEN_MESSAGES,
    TRANSITION_TABLE,
    TRANSITIONS,
    IdeaState,
    Transition,
    plan_transition,
    refusal,
    snapshot_values,
    transition_for,
)
from ideadb.ideas.models import SCOPES, Idea, IdeaRevision, IdeaStatus
from ideadb.ideas.notices import idea_target
from ideadb.ideas.validation import (
    MAX_AUTHORS,
    MAX_TEXT,
    TEXT_FIELDS,
    as_message,
    at_most_chars,
    check_complete,
    clean_idea,
    nfc,
)
from scoring.messages import Message

S = IdeaStatus

__all__ = [
    "ACTIONS",
    "ACTION_PERMISSION",
    "CONTENT_FIELDS",
    "EDITABLE_STATES",
    "MAX_AUTHORS",
    "MAX_TEXT",
    "SCOPE_LABELS",
    "SCREEN_DECISIONS",
    "SCREEN_MESSAGES",
    "STATUS_LABELS",
    "TEXT_FIELDS",
    "TRANSITIONS",
    "TRANSITION_TABLE",
    "Registration",
    "Transition",
    "Upload",
    "add_adoption_interest",
    "add_attachment",
    "allowed_actions",
    "attachment_for_download",
    "attachment_path",
    "authors_of",
    "can_edit",
    "can_see_in_full",
    "can_view",
    "create_idea",
    "find_idea",
    "full_view_ids",
    "get_idea",
    "get_public_idea",
    "history",
    "idea_document",
    "idea_target",
    "interest_count",
    "is_author_user",
    "is_owner",
    "is_published",
    "is_unit_officer_of",
    "list_adoption_interests",
    "list_ideas",
    "mark_in_review",
    "next_code",
    "next_codes",
    "prepare_registration",
    "published_clause",
    "record_recognition",
    "register_idea",
    "register_visibility",
    "release_from_review",
    "remove_attachment",
    "revisions",
    "save_idea",
    "screen_idea",
    "set_public_override",
    "snapshot",
    "submit_idea",
    "transition_for",
    "update_idea",
    "upload_dir",
    "visible_ideas_filter",
    "withdraw_idea",
]


def allowed_actions(actor: Any, idea: Idea) -> list[str]:
    """The transitions this actor may take from the idea's current state (for buttons)."""
    from ideadb.core.permissions import can

    return [
        t.action for t in TRANSITIONS if t.source == idea.status and can(actor, t.permission, idea)
    ]


def authors_of(idea: Idea) -> list[dict[str, Any]]:
    return [
        {"name": a.name, "unit": a.unit, "share": a.share, "user_id": a.user_id}
        for a in idea.authors
    ]


def snapshot(idea: Idea) -> dict[str, Any]:
    """What a revision records of an idea (``lifecycle.snapshot_values`` of its fields)."""
    values = {f: getattr(idea, f) for f in CONTENT_FIELDS}
    return snapshot_values(values, authors_of(idea), idea.status, idea.code)


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


# --- registering and editing ---------------------------------------------------------------


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


def _own_links(authors: list[dict[str, Any]], actor: Any) -> list[dict[str, Any]]:
    """The rows as a registration stores them: linked to the registrant themself only (by id
    or by their full name); a link to anyone else waits for that user's consent."""
    actor_id = getattr(actor, "id", None)
    own = nfc(getattr(actor, "full_name", "") or "").casefold()
    out = []
    for author in authors:
        wanted = author.get("user_id")
        mine = wanted == actor_id or (wanted is None and author["name"].casefold() == own)
        out.append({**author, "user_id": actor_id if mine and actor_id is not None else None})
    return out


def _touch(idea: Idea) -> None:
    idea.version = (idea.version or 0) + 1
    idea.updated_at = utcnow()


def _registration(
    session: Session, actor: Any, data: dict[str, Any]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Checked values and authors; each author's ``user_id`` is the user the row invites."""
    data = dict(data)
    own_unit = getattr(actor, "unit_id", None)
    if data.get("unit_id") is None and data.get("district_id") is None and own_unit is not None:
        data["unit_id"] = own_unit
    values, authors = clean_idea(session, data)
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
    if values.get("year") is None:
        values["year"] = datetime.now(LOCAL_TZ).year
    return values, authors


def prepare_registration(
    session: Session, actor: Any, data: dict[str, Any]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The checked values and authors of a new draft registered by ``actor`` (nothing written).

    The unit defaults to the actor's, the year to this year; without ``authors`` the actor is the
    sole author, and an author named as the actor is linked to the actor's account. Links to
    anyone else are left out: they are invitations, which only ``create_idea`` sends.
    """
    values, authors = _registration(session, actor, data)
    return values, _own_links(authors, actor)


def create_idea(session: Session, actor: Any, data: dict[str, Any]) -> Idea:
    """Register a new idea as a draft. Without ``authors`` the actor is the sole author.

    A unit officer registering on behalf of a person without an account names that person in
    ``authors``; the officer stays the registrant (owner) of the dossier.
    """
    require(actor, "idea.create")
    values, authors = _registration(session, actor, data)
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
        session.add(idea)
        session.flush()
        coauthors.set_authors(session, actor, idea, authors)
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
            N_("Chỉ sửa được hồ sơ ở trạng thái bản nháp hoặc yêu cầu bổ sung."),
        )
    if expected_version is not None and expected_version != idea.version:
        raise StaleVersion(N_("Hồ sơ đã được thay đổi ở nơi khác. Vui lòng tải lại trang."))
    values, authors = clean_idea(session, data, idea)
    if authors is not None and not authors:
        raise ValidationFailed(
            N_("Thông tin ý tưởng chưa hợp lệ."), {"authors": ["Cần ít nhất một tác giả."]}
        )
    with unit_of_work(session):
        before = snapshot(idea)
        for key, value in values.items():
            setattr(idea, key, value)
        if authors is not None:
            coauthors.set_authors(session, actor, idea, authors)
        after = snapshot(idea)
        if after == before:
            return idea
        idea.touch()
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


@dataclass
class Upload:
    """A file chosen on the form: its name as sent and its content (or a stream of it)."""

    filename: str | None
    stream: BinaryIO | bytes


@dataclass
class Registration:
    """What ``register_idea``/``save_idea`` did: the draft is saved even when a file was refused
    or the dossier is not complete enough to submit (so that nothing typed is lost)."""

    idea: Idea
    file_errors: list[str] = field(default_factory=list)  # "name: message", per refused file
    submit_error: ValidationFailed | None = None
    submitted: bool = False


def _check_uploads(uploads: Iterable[Upload]) -> list[tuple[str, CheckedFile | DomainError]]:
    """Each chosen file with its safe name, checked (or the reason it is refused)."""
    out: list[tuple[str, CheckedFile | DomainError]] = []
    for upload in uploads:
        if not upload.filename:
            continue  # a file input left empty
        name = sanitize_filename(upload.filename)
        try:
            out.append((name, check_file(upload.filename, read_upload(upload.stream))))
        except DomainError as exc:
            out.append((name, exc))
    return out


def _attach_all(
    session: Session, actor: Any, idea: Idea, checked: list[tuple[str, CheckedFile | DomainError]]
) -> list[str]:
    """Attach the files that passed; "name: message" for each one refused."""
    errors: list[str] = []
    for name, item in checked:
        if isinstance(item, CheckedFile):
            try:
                attach(session, actor, idea, item)
                continue
            except DomainError as exc:
                item = exc
        errors.extend(
            Message(N_("%(name)s: %(message)s"), name=name, message=as_message(message))
            for message in item.fields.get("file", [item.message])
        )
    return errors


def _finish(
    session: Session, actor: Any, idea: Idea, uploads: Iterable[Upload], submit: bool
) -> Registration:
    result = Registration(idea, _attach_all(session, actor, idea, _check_uploads(uploads)))
    if submit and not result.file_errors:
        try:
            submit_idea(session, actor, idea.id)
        except ValidationFailed as exc:  # raised before anything of the submit is written
            result.submit_error = exc
        else:
            result.submitted = True
    return result


def register_idea(
    session: Session,
    actor: Any,
    data: dict[str, Any],
    files: Iterable[Upload] = (),
    *,
    submit: bool = False,
) -> Registration:
    """The registration form in one unit of work: the draft, its files, and the submit asked.

    Invalid fields raise ValidationFailed and nothing is written. A refused file is reported in
    ``file_errors`` (the draft and the other files are kept, the submit is not attempted); a
    dossier not complete enough to submit is saved as a draft with ``submit_error``.
    """
    with unit_of_work(session):
        idea = create_idea(session, actor, data)
        return _finish(session, actor, idea, files, submit)


def save_idea(
    session: Session,
    actor: Any,
    idea_id: int,
    data: dict[str, Any],
    files: Iterable[Upload] = (),
    *,
    submit: bool = False,
    expected_version: int | None = None,
) -> Registration:
    """The edit form in one unit of work: the changes, new files, and the submit asked."""
    with unit_of_work(session):
        idea = update_idea(session, actor, idea_id, data, expected_version=expected_version)
        return _finish(session, actor, idea, files, submit)


def _apply(
    session: Session,
    actor: Any,
    idea: Idea,
    action: str,
    *,
    note: str | None = None,
    new_code: str | None = None,
    round_id: int | None = None,
    scope: str | None = None,
    level: str | None = None,
) -> None:
    """Check, plan and apply one transition (inside the caller's unit of work)."""
    require(actor, ACTION_PERMISSION[action], idea)
    plan = plan_transition(
        IdeaState(idea.status, idea.code, idea.title, idea.version or 0),
        action,
        now=utcnow(),
        actor_id=getattr(actor, "id", None),
        note=note,
        new_code=new_code,
        round_id=round_id,
        scope=scope,
        level=level,
    )
    for key, value in plan.changes.items():
        setattr(idea, key, value)
    session.flush()
    record(session, actor, plan.audit_action, "idea", idea.id, plan.before, plan.after)
    record_idea_change(session, idea.id)
    notices.send_for_idea(session, actor, idea, plan.notices)


def submit_idea(session: Session, actor: Any, idea_id: int) -> Idea:
    """Submit (or resubmit after supplement); the code is assigned at the first submit."""
    idea = get_idea(session, actor, idea_id)
    require(actor, "idea.submit", idea)
    if transition_for(idea.status, "submit") is None:
        raise refusal(idea.status)
    check_complete(idea)
    with unit_of_work(session):
        new_code = None
        if idea.code is None:
            new_code = next_code(session, idea.year or datetime.now(LOCAL_TZ).year)
        _apply(session, actor, idea, "submit", new_code=new_code)
    return idea


def screen_idea(
    session: Session, actor: Any, idea_id: int, decision: str, note: str | None = None
) -> Idea:
    """Unit officer (of its unit or above) or secretary: eligible, ineligible or supplement."""
    idea = get_idea(session, actor, idea_id)
    note = nfc(note or "") or None
    action = SCREEN_DECISIONS.get(decision)
    if action is None:
        raise ValidationFailed(
            N_("Quyết định không hợp lệ."),
            {"decision": [N_("Chọn một trong: eligible, ineligible, needs_revision.")]},
        )
    require(actor, "idea.screen", idea)
    if decision == "needs_revision" and not note and transition_for(idea.status, action):
        raise ValidationFailed(
            N_("Cần ghi rõ nội dung yêu cầu bổ sung."),
            {"note": [N_("Vui lòng ghi rõ nội dung cần bổ sung.")]},
        )
    if note and len(note) > MAX_TEXT:
        raise ValidationFailed(N_("Ghi chú quá dài."), {"note": [at_most_chars(MAX_TEXT)]})
    with unit_of_work(session):
        _apply(session, actor, idea, action, note=note)
    return idea


def withdraw_idea(session: Session, actor: Any, idea_id: int, note: str | None = None) -> Idea:
    """The owner withdraws a dossier before it goes to review; it is kept, not deleted."""
    idea = get_idea(session, actor, idea_id)
    with unit_of_work(session):
        _apply(session, actor, idea, "withdraw", note=nfc(note or "") or None)
    return idea


def _ideas_by_id(session: Session, idea_ids: Iterable[int]) -> list[Idea]:
    ids = list(dict.fromkeys(int(i) for i in idea_ids))
    found = {i.id: i for i in session.scalars(sa.select(Idea).where(Idea.id.in_(ids)))}
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound(
            Message(N_("Không tìm thấy ý tưởng: %(ids)s"), ids=", ".join(map(str, missing)))
        )
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
            Message(
                N_("Chỉ đưa vào đợt xét chọn các ý tưởng đủ điều kiện: %(ideas)s"),
                ideas="; ".join(f"«{i.title}»" + (f" ({i.code})" if i.code else "") for i in wrong),
            ),
            {"idea_ids": [str(i.id) for i in wrong]},
        )
    with unit_of_work(session):
        for idea in ideas:
            _apply(session, actor, idea, "start_review", round_id=round_id)
    return ideas


def release_from_review(
    session: Session, actor: Any, idea_ids: Iterable[int], round_id: int | None = None
) -> list[Idea]:
    """An idea taken out of a round before finalisation returns to eligible."""
    require(actor, "idea.review")
    ideas = _ideas_by_id(session, idea_ids)
    with unit_of_work(session):
        for idea in ideas:
            _apply(session, actor, idea, "release", round_id=round_id)
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
        raise ValidationFailed(
            N_("Cấp công nhận không hợp lệ."),
            {"scope": [Message(N_("Một trong %(values)s."), values=str(SCOPES))]},
        )
    idea = session.get(Idea, idea_id)
    if idea is None:
        raise NotFound(N_("Không tìm thấy ý tưởng."))
    with unit_of_work(session):
        if level_code:
            _apply(
                session, actor, idea, "recognize", round_id=round_id, scope=scope, level=level_code
            )
            adoption.tell_followers_recognised(session, idea, scope)
        else:
            _apply(session, actor, idea, "not_recognize", round_id=round_id, scope=scope)
    return idea


def set_public_override(session: Session, actor: Any, idea_id: int, public: bool) -> Idea:
    """The secretary marks an idea public whatever its status (authors' consent still needed)."""
    idea = get_idea(session, actor, idea_id)
    require(actor, "idea.publish", idea)
    with unit_of_work(session):
        before = {"public_override": idea.public_override}
        idea.public_override = bool(public)
        if before["public_override"] != idea.public_override:
            idea.touch()
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
