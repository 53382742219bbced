"""Notifying a user: an in-app row and an e-mail job, both in the caller's transaction.

The e-mail is a ``mail`` job (``core/jobs.py``): the worker sends it through SMTP when
IDEADB_MAIL_SERVER is set, and retries with back-off while the mail server is away, so a slow
or absent mail server never holds a request and a rolled-back change sends nothing. With
``MAIL_CAPTURE`` true (tests), messages are appended to ``app.extensions["mail_outbox"]`` as
dicts (to, subject, body) instead.
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ideadb.accounts.models import Notification, User
from ideadb.core import jobs
from ideadb.core.db import unit_of_work, utcnow
from ideadb.core.errors import NotFound
from ideadb.core.text import N_

__all__ = ["N_", "notify", "shown_text"]

log = logging.getLogger(__name__)

SUBJECT_PREFIX = "[Ý tưởng, sáng kiến] "


Target = tuple[str, dict[str, Any]]


def notify(
    session: Session,
    user_id: int | None,
    text: str,
    target: Target | None = None,
    params: dict[str, Any] | None = None,
    translate: tuple[str, ...] = (),
) -> None:
    """Add a notification for a user to the current transaction; email it once committed.

    ``text`` is the Vietnamese message (marked with ``N_``), its %(name)s places filled from
    ``params``; the params named in ``translate`` are labels (messages themselves) shown in the
    reader's language too. The filled Vietnamese text is kept for the e-mail and the API.
    ``target`` is where it leads: ``("ideas.detail", {"idea_id": 5})``, an endpoint of the site
    and its arguments (the page's URL is built from them when the notification is opened).
    """
    if user_id is None:
        return
    values = dict(params) if params is not None else None
    filled = text % values if values is not None else text
    stored = None
    if values is not None:
        stored = {**values, "_translate": list(translate)} if translate else values
    endpoint, args = target if target is not None else (None, None)
    link = path_for(endpoint, args or {}) if endpoint else None
    session.add(
        Notification(
            user_id=user_id,
            text=filled,
            message=text,
            params=stored,
            endpoint=endpoint,
            endpoint_args=args,
            link=link,
        )
    )
    user = session.get(User, user_id)
    if user is None or not user.email or not user.active:
        return
    message = _message(user.email, filled, link)
    if message is not None:
        jobs.enqueue(session, "mail", message)


def shown_text(row: Notification) -> str:
    """A notification in the reader's language (rows without a message: their stored text)."""
    from flask_babel import gettext

    if not row.message:
        return row.text
    if row.params is None:
        return gettext(row.message)
    values = dict(row.params)
    for name in values.pop("_translate", []):
        if isinstance(values.get(name), str):
            values[name] = gettext(values[name])
    try:
        return gettext(row.message) % values
    except (KeyError, TypeError, ValueError):
        return row.text


def _message(to: str, text: str, link: str | None) -> dict[str, str] | None:
    try:
        from flask import current_app
    except ImportError:  # pragma: no cover
        return None
    try:
        config = current_app.config
    except RuntimeError:  # no application: nothing to send with
        return None
    if not (config.get("MAIL_CAPTURE") or config.get("MAIL_SERVER")):
        return None
    body = text
    if link:
        base = config.get("PUBLIC_URL") or ""
        body += "\n\n" + base.rstrip("/") + link
    subject = SUBJECT_PREFIX + (text if len(text) <= 80 else text[:77] + "...")
    return {"to": to, "subject": subject, "body": body}


def deliver(context: jobs.JobContext) -> dict[str, Any]:
    """The ``mail`` job: send one message; an error leaves the job for a later attempt."""
    app = context.app
    config = app.config
    message = context.payload
    if config.get("MAIL_CAPTURE"):
        app.extensions.setdefault("mail_outbox", []).append(dict(message))
        return {"captured": True}
    if not config.get("MAIL_SERVER"):
        return {"sent": False, "reason": "no mail server configured"}
    email = EmailMessage()
    email["From"] = config["MAIL_SENDER"]
    email["To"] = message["to"]
    email["Subject"] = message["subject"]
    email.set_content(message["body"])
    timeout = float(config.get("MAIL_TIMEOUT", 10))
    with smtplib.SMTP(config["MAIL_SERVER"], config.get("MAIL_PORT", 25), timeout=timeout) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        smtp.send_message(email)
    return {"sent": True}


def list_notifications(session: Session, user: Any):
    """A select of the user's notifications, newest first."""
    return (
        sa.select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.id.desc())
    )


def unread_count(session: Session, user: Any) -> int:
    return (
        session.scalar(
            sa.select(sa.func.count())
            .select_from(Notification)
            .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        )
        or 0
    )


def mark_read(session: Session, user: Any, notification_id: int | None = None) -> int:
    """Mark one (or, without an id, every) notification of the user read; returns how many."""
    stmt = sa.select(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)
    )
    if notification_id is not None:
        stmt = stmt.where(Notification.id == notification_id)
    with unit_of_work(session):
        rows = list(session.scalars(stmt))
        if notification_id is not None and not rows:
            exists = session.get(Notification, notification_id)
            if exists is None or exists.user_id != user.id:
                raise NotFound(N_("Không tìm thấy thông báo."))
        now = utcnow()
        for row in rows:
            row.read_at = now
    return len(rows)


def open_notification(session: Session, user: Any, notification_id: int) -> Target | None:
    """Mark a notification read and return where it leads (only pages of this site)."""
    row = session.get(Notification, notification_id)
    if row is None or row.user_id != user.id:
        raise NotFound(N_("Không tìm thấy thông báo."))
    if row.read_at is None:
        with unit_of_work(session):
            row.read_at = utcnow()
    if row.endpoint:
        return row.endpoint, dict(row.endpoint_args or {})
    return target_of(row.link or "")


def path_for(endpoint: str, args: dict[str, Any]) -> str | None:
    """The path of a page of this site, outside any request (None when it does not exist)."""
    from flask import current_app, has_app_context
    from werkzeug.routing import BuildError

    if not has_app_context():
        return None
    try:
        return current_app.url_map.bind("localhost").build(endpoint, args)
    except BuildError:
        return None


def target_of(path: str) -> Target | None:
    """The page a stored path leads to, when it is a page of this site that anyone may GET."""
    from flask import current_app
    from werkzeug.exceptions import HTTPException

    if not path.startswith("/") or path.startswith("//"):
        return None
    try:
        endpoint, args = current_app.url_map.bind("localhost").match(path, method="GET")
    except HTTPException:
        return None
    return str(endpoint), dict(args)
