"""Who may see and change an idea: the permission rules, visibility, and reading one idea.

- ``visible_ideas_filter(session, actor)`` — the SQL condition of the ideas an actor may see
  (search, reports and reviews narrow their queries with it);
- ``register_visibility(name, hook)`` — add a condition, e.g. the reviews work lets a reviewer
  see the ideas assigned to them: ``hook(actor) -> SQL condition on Idea | None``;
- ``can_edit(actor, idea)`` — what pages ask before offering the edit form;
- ``get_idea`` / ``get_public_idea`` — one idea, or NotFound when it may not be seen;
- ``list_ideas``, ``revisions``, ``history`` — what an actor may list and read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload, object_session

from ideadb.core.errors import NotFound
from ideadb.core.permissions import (
    Role,
    can,
    has_role,
    is_signed_in,
    is_staff,
    reads_everything,
    require,
    roles_rule,
    rule,
)
from ideadb.core.text import N_
from ideadb.ideas.lifecycle import is_editable
from ideadb.ideas.models import Author, Idea, IdeaRevision, IdeaStatus
from ideadb.ideas.validation import nfc
from ideadb.units.models import Unit
from ideadb.units.service import jurisdiction_ids, responsible_ids

S = IdeaStatus


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


def is_unit_officer_of(actor: Any, idea: Idea) -> bool:
    """A unit officer of the idea's unit or of a unit above it, or of a unit that took one of
    these over (a merger's successor handles the records of what it took over)."""
    if not has_role(actor, Role.UNIT_OFFICER) or actor.unit_id is None or idea.unit_id is None:
        return False
    unit = idea.unit
    if unit is None:
        session = object_session(idea)
        unit = session.get(Unit, idea.unit_id) if session is not None else None
    return actor.unit_id in responsible_ids(unit)


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
    officer → their unit and the units below it, with the units merged into these; reviewer → published plus what the reviews
    work registers (assigned); secretary/admin → all. ``include_public=False`` leaves out the
    public catalogue (what may be seen in full: confidential fields, attachments).
    """
    conditions = [published_clause()] if include_public else []
    if not is_signed_in(actor):
        return sa.or_(*conditions) if conditions else sa.false()
    if is_staff(actor) or reads_everything(actor):
        return sa.true()
    conditions += _full_view_conditions(session, actor, with_units=True)
    return sa.or_(*conditions) if conditions else sa.false()


def _full_view_conditions(session: Session, actor: Any, *, with_units: bool) -> list[Any]:
    conditions = []
    if actor.id is not None:
        conditions.append(Idea.registrant_id == actor.id)
        conditions.append(Idea.id.in_(sa.select(Author.idea_id).where(Author.user_id == actor.id)))
    if with_units and has_role(actor, Role.UNIT_OFFICER) and actor.unit_id is not None:
        conditions.append(Idea.unit_id.in_(sorted(jurisdiction_ids(session, actor.unit_id))))
    conditions.extend(_hook_conditions(actor))
    return conditions


def full_view_ids(session: Session, actor: Any, *, outside_units: Iterable[int] = ()) -> set[int]:
    """Ids of the ideas a signed-in actor who is not staff sees in full through their own link
    to them (registrant, author, what hooks grant), leaving out the ideas of ``outside_units``;
    a unit officer's own units are the caller's to add.

    One index lookup per link, joined by UNION: the rows of ``visible_ideas_filter`` without
    the public part and the units, where an OR of the links makes the database read every idea.
    """
    units = sorted(outside_units)
    outside = sa.or_(Idea.unit_id.is_(None), Idea.unit_id.not_in(units)) if units else sa.true()
    parts = [
        sa.select(Idea.id).where(condition, outside)
        for condition in _full_view_conditions(session, actor, with_units=False)
    ]
    return set(session.scalars(sa.union(*parts)).all()) if parts else set()


def can_see_in_full(actor: Any, idea: Idea) -> bool:
    """Owner, authors, unit officers above it, staff, and what hooks grant (assigned reviewers)."""
    if not is_signed_in(actor):
        return False
    if is_staff(actor) or reads_everything(actor):
        return True
    if is_owner(actor, idea) or is_author_user(actor, idea):
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
        or reads_everything(actor)
        or is_owner(actor, idea)
        or is_author_user(actor, idea)
        or is_unit_officer_of(actor, idea)
    )
)
roles_rule("idea.create", Role.SUBMITTER, Role.UNIT_OFFICER)
roles_rule("idea.list_unit", Role.UNIT_OFFICER)
roles_rule("idea.review", Role.SECRETARY)
roles_rule("idea.publish", Role.SECRETARY)


def can_edit(actor: Any, idea: Idea) -> bool:
    """The owner, while the dossier is a draft or returned for supplement."""
    return can(actor, "idea.edit", idea) and is_editable(idea.status)


def find_idea(session: Session, idea_id: int) -> Idea | None:
    return session.get(Idea, idea_id)


def get_idea(session: Session, actor: Any, idea_id: int) -> Idea:
    """The idea, or NotFound — also when the actor may not see it."""
    idea = session.get(Idea, idea_id) if isinstance(idea_id, int) else None
    if idea is None or not can_view(actor, idea):
        raise NotFound(N_("Không tìm thấy ý tưởng."))
    return idea


def get_public_idea(session: Session, idea_id: int) -> Idea:
    # the public page names the unit and the district: one query with the idea
    options = [joinedload(Idea.unit), joinedload(Idea.district)]
    idea = session.get(Idea, idea_id, options=options) if isinstance(idea_id, int) else None
    if idea is None or not is_published(idea):
        raise NotFound(N_("Không tìm thấy ý tưởng."))
    return idea


# --- lists ---------------------------------------------------------------------------------


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
            Idea.unit_id.in_(sorted(jurisdiction_ids(session, actor.unit_id))),
            sa.or_(Idea.status != S.DRAFT.value, Idea.registrant_id == actor.id),
        )
    if query:
        like = f"%{nfc(query).lower()}%"
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
