"""Authors with accounts, by consent: an author row names a user only once that user accepts.

A ``user_id`` given for an author row is an invitation (``AuthorInvitation``); ``Author.user_id``
— the link that lets the user see the dossier and from which conflicts of interest are derived —
is set only when the invited user accepts, or when the registrant names themself. An id that
names nobody is stored and answered exactly like one that names someone (it simply stays
pending), so registering an idea never tells which accounts exist.

- ``set_authors`` stores the author rows of a registration or an edit and the invitations asked;
- ``list_invitations``/``pending_count`` — what is addressed to a user;
- ``accept_invitation``/``decline_invitation`` — the invited user's answer;
- ``invitations_by_author`` — each row's invitation, for the owner and staff.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ideadb.accounts.models import User
from ideadb.accounts.notify import N_, notify
from ideadb.audit.service import record
from ideadb.core.changes import record_idea_change
from ideadb.core.db import unit_of_work, utcnow
from ideadb.core.errors import Conflict, NotFound
from ideadb.core.permissions import is_signed_in, is_staff, reads_everything, require, rule
from ideadb.ideas.access import is_owner
from ideadb.ideas.models import Author, AuthorInvitation, Idea, InvitationStatus
from ideadb.ideas.notices import idea_target
from ideadb.ideas.validation import MAX_ID, nfc

St = InvitationStatus
# The page where a user answers their invitations (notifications outlive any request).
# States in which an invitation still stands for a row (a withdrawn one may be sent again).
STANDING = (St.PENDING.value, St.ACCEPTED.value, St.DECLINED.value)

rule("idea.view_invitations")(
    lambda actor, idea: is_owner(actor, idea) or is_staff(actor) or reads_everything(actor)
)
rule("author_invitation.answer")(
    lambda actor, invitation: (
        is_signed_in(actor)
        and invitation is not None
        and actor.id is not None
        and invitation.invited_user_id == actor.id
    )
)


def _snapshot(invitation: AuthorInvitation) -> dict[str, Any]:
    return {
        "idea_id": invitation.idea_id,
        "author_id": invitation.author_id,
        "invited_user_id": invitation.invited_user_id,
        "status": invitation.status,
    }


# --- rows and invitations of a registration or an edit ------------------------------------


def set_authors(session: Session, actor: Any, idea: Idea, authors: list[dict[str, Any]]) -> None:
    """Store ``authors`` (cleaned rows whose ``user_id`` is the user each row invites).

    Rows are matched to the present ones by name, so an edit keeps each row, its accepted link
    and its invitations; a row left out is removed and its standing invitation withdrawn. A row
    naming the registrant (by ``user_id`` or by their full name) is linked to them directly.
    ``user_id`` None keeps what the row had; another user replaces the row's link or invitation.
    Runs inside the caller's unit of work.
    """
    actor_id = getattr(actor, "id", None)
    own = nfc(getattr(actor, "full_name", "") or "").casefold()
    existing: dict[int, list[AuthorInvitation]] = {}
    if idea.id is not None:
        for invitation in session.scalars(
            sa.select(AuthorInvitation)
            .where(AuthorInvitation.idea_id == idea.id, AuthorInvitation.author_id.is_not(None))
            .order_by(AuthorInvitation.id)
        ):
            existing.setdefault(invitation.author_id or 0, []).append(invitation)
    free = list(idea.authors)
    rows: list[tuple[Author, int | None]] = []
    for position, values in enumerate(authors):
        key = values["name"].casefold()
        row = next((r for r in free if r.name.casefold() == key), None)
        if row is None:
            row = Author()
        else:
            free.remove(row)
        row.position, row.name, row.unit, row.share = (
            position,
            values["name"],
            values["unit"],
            values["share"],
        )
        wanted = values.get("user_id")
        if wanted is not None and wanted == actor_id:
            row.user_id, wanted = actor_id, None  # the registrant themself: nothing to consent to
        elif wanted is None and row.user_id is None and key == own and actor_id is not None:
            row.user_id = actor_id
        elif wanted is not None and wanted != row.user_id:
            row.user_id = None  # the row is someone else's now: the old link ends
        else:
            wanted = None
        rows.append((row, wanted))
    for removed in free:
        for invitation in existing.get(removed.id, []):
            _withdraw(session, actor, invitation)
    idea.authors = [row for row, _ in rows]
    session.flush()
    for row, wanted in rows:
        standing = existing.get(row.id, [])
        for invitation in standing:
            ended = invitation.status == St.ACCEPTED and row.user_id != invitation.invited_user_id
            other = invitation.invited_user_id
            replaced = invitation.status == St.PENDING and (
                (wanted is not None and wanted != other)
                or (row.user_id is not None and row.user_id != other)
            )
            if ended or replaced:
                _withdraw(session, actor, invitation, keep_row=True)
        if wanted is not None:
            _invite(session, actor, idea, row, wanted, standing)


def _withdraw(
    session: Session, actor: Any, invitation: AuthorInvitation, *, keep_row: bool = False
) -> None:
    before = _snapshot(invitation)
    if not keep_row:
        invitation.author_id = None  # the row itself goes
    if invitation.status in (St.PENDING, St.ACCEPTED):
        invitation.status = St.WITHDRAWN.value
        invitation.decided_at = utcnow()
        record(
            session,
            actor,
            "author_invitation.withdraw",
            "author_invitation",
            invitation.id,
            before,
            _snapshot(invitation),
        )


def _invite(
    session: Session,
    actor: Any,
    idea: Idea,
    row: Author,
    user_id: int,
    standing: list[AuthorInvitation],
) -> None:
    """Invite ``user_id`` to row ``row``: once per row and user (a withdrawn one is renewed)."""
    invitation = next((i for i in standing if i.invited_user_id == user_id), None)
    if invitation is not None and invitation.status in STANDING:
        return  # sent again: not duplicated (a declined invitation stays declined)
    before = _snapshot(invitation) if invitation is not None else None
    if invitation is None:
        invitation = AuthorInvitation(
            idea_id=idea.id, author_id=row.id, invited_user_id=user_id, created_at=utcnow()
        )
        session.add(invitation)
    invitation.invited_by_id = getattr(actor, "id", None)
    invitation.status = St.PENDING.value
    invitation.created_at = utcnow()
    invitation.decided_at = None
    session.flush()
    record(
        session,
        actor,
        "author_invitation.create",
        "author_invitation",
        invitation.id,
        before,
        _snapshot(invitation),
    )
    invited = session.get(User, user_id)
    if invited is not None and invited.active:
        # Only what the invited user may see before accepting: the title and who asks.
        inviter = getattr(actor, "full_name", "") or ""
        notify(
            session,
            user_id,
            N_("%(inviter)s mời bạn xác nhận là đồng tác giả của ý tưởng “%(title)s”."),
            ("ideas.invitations", {}),
            {"inviter": inviter, "title": idea.title},
        )


# --- the invited user ----------------------------------------------------------------------


def list_invitations(session: Session, actor: Any, *, status: str | None = None):
    """A select of the invitations addressed to ``actor``, newest first (withdrawn left out)."""
    if not is_signed_in(actor) or actor.id is None:
        return sa.select(AuthorInvitation).where(sa.false())
    stmt = sa.select(AuthorInvitation).where(
        AuthorInvitation.invited_user_id == actor.id, AuthorInvitation.status.in_(STANDING)
    )
    if status:
        stmt = stmt.where(AuthorInvitation.status == status)
    return stmt.order_by(AuthorInvitation.id.desc())


def pending_count(session: Session, actor: Any) -> int:
    if not is_signed_in(actor) or actor.id is None:
        return 0
    return (
        session.scalar(
            sa.select(sa.func.count())
            .select_from(AuthorInvitation)
            .where(
                AuthorInvitation.invited_user_id == actor.id,
                AuthorInvitation.status == St.PENDING.value,
            )
        )
        or 0
    )


def _addressed(session: Session, actor: Any, invitation_id: int, *, lock: bool = False):
    invitation = None
    if isinstance(invitation_id, int) and 1 <= invitation_id <= MAX_ID:
        stmt = sa.select(AuthorInvitation).where(AuthorInvitation.id == invitation_id)
        if lock:  # the state another request may have just committed, held until the end
            stmt = stmt.with_for_update().execution_options(populate_existing=True)
        invitation = session.scalar(stmt)
    if invitation is None or not is_signed_in(actor) or invitation.invited_user_id != actor.id:
        raise NotFound(N_("Không tìm thấy lời mời."))
    return invitation


def get_invitation(session: Session, actor: Any, invitation_id: int) -> AuthorInvitation:
    """An invitation addressed to ``actor``; NotFound for anyone else."""
    return _addressed(session, actor, invitation_id)


def _decide(session: Session, actor: Any, invitation_id: int, accept: bool) -> AuthorInvitation:
    with unit_of_work(session):
        invitation = _addressed(session, actor, invitation_id, lock=True)
        require(actor, "author_invitation.answer", invitation)
        if invitation.status != St.PENDING or invitation.author_id is None:
            raise Conflict(N_("Lời mời này đã được trả lời hoặc đã được thu hồi."))
        before = _snapshot(invitation)
        invitation.status = (St.ACCEPTED if accept else St.DECLINED).value
        invitation.decided_at = utcnow()
        idea = invitation.idea
        if accept:
            author = session.get(Author, invitation.author_id)
            if author is None:
                raise Conflict(N_("Lời mời này đã được trả lời hoặc đã được thu hồi."))
            author.user_id = actor.id
            record(
                session,
                actor,
                "idea.author_link",
                "idea",
                idea.id,
                {"author": author.name, "user_id": None},
                {"author": author.name, "user_id": actor.id},
            )
        action = "author_invitation.accept" if accept else "author_invitation.decline"
        record(
            session,
            actor,
            action,
            "author_invitation",
            invitation.id,
            before,
            _snapshot(invitation),
        )
        record_idea_change(session, idea.id)
        message = (
            N_("%(name)s đã xác nhận là đồng tác giả của ý tưởng “%(title)s”.")
            if accept
            else N_("%(name)s đã từ chối là đồng tác giả của ý tưởng “%(title)s”.")
        )
        if idea.registrant_id is not None:
            notify(
                session,
                idea.registrant_id,
                message,
                idea_target(idea),
                {"name": actor.full_name, "title": idea.title},
            )
    return invitation


def accept_invitation(session: Session, actor: Any, invitation_id: int) -> AuthorInvitation:
    """The invited user confirms they are the author of the row: the link is set."""
    return _decide(session, actor, invitation_id, True)


def decline_invitation(session: Session, actor: Any, invitation_id: int) -> AuthorInvitation:
    """The invited user declines: nothing is linked."""
    return _decide(session, actor, invitation_id, False)


# --- the owner -----------------------------------------------------------------------------


def invitations_by_author(
    session: Session, actor: Any, idea: Idea
) -> dict[int, AuthorInvitation] | None:
    """Each author row's standing invitation (by row id) — None when ``actor`` may not see them."""
    from ideadb.core.permissions import can

    if not can(actor, "idea.view_invitations", idea):
        return None
    found: dict[int, AuthorInvitation] = {}
    for invitation in session.scalars(
        sa.select(AuthorInvitation)
        .where(
            AuthorInvitation.idea_id == idea.id,
            AuthorInvitation.author_id.is_not(None),
            AuthorInvitation.status.in_(STANDING),
        )
        .order_by(AuthorInvitation.id)
    ):
        found[invitation.author_id or 0] = invitation
    return found
