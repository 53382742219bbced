"""E-mail verification: a signed, expiring link sent by the ``mail`` job; confirming it marks
the account verified (API.md: Public vote — only verified accounts vote).

The link carries the account id and the address it was sent to, signed with the instance's
secret key (itsdangerous), valid ``EMAIL_VERIFY_HOURS`` hours (default 72). A link sent to an
older address stops working once the address changes. Without a mail server (and outside
tests) nothing can be sent: the link is written to the log and an administrator may confirm
the address by hand from the account's page (audited).
"""

from __future__ import annotations

import logging
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from ideadb.accounts.models import User
from ideadb.accounts.notify import SUBJECT_PREFIX, path_for
from ideadb.audit.service import record
from ideadb.core import jobs
from ideadb.core.db import unit_of_work, utcnow
from ideadb.core.errors import Conflict, NotFound, ValidationFailed
from ideadb.core.permissions import require
from ideadb.core.text import N_

log = logging.getLogger(__name__)

SALT = "ideadb-email-verification"
DEFAULT_HOURS = 72
BAD_LINK = N_("Liên kết xác nhận không hợp lệ hoặc đã được thay bằng liên kết mới hơn.")
EXPIRED_LINK = N_("Liên kết xác nhận đã hết hạn. Hãy yêu cầu gửi lại thư xác nhận.")


def _config() -> Any:
    from flask import current_app

    return current_app.config


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(_config()["SECRET_KEY"], salt=SALT)


def make_token(user: User) -> str:
    return _serializer().dumps({"u": user.id, "e": (user.email or "").lower()})


def verification_path(user: User) -> str:
    return path_for("accounts.verify_email", {"token": make_token(user)}) or ""


def _base_url() -> str:
    """PUBLIC_URL when set, else the address this request came to (a mail needs a full link)."""
    from flask import has_request_context, request

    base = _config().get("PUBLIC_URL") or (request.host_url if has_request_context() else "")
    return base.rstrip("/")


def can_send_mail() -> bool:
    config = _config()
    return bool(config.get("MAIL_CAPTURE") or config.get("MAIL_SERVER"))


def send_verification(session: Session, user: User) -> bool:
    """Queue the verification e-mail (in the caller's transaction); True when it goes out by
    mail, False when no mail server is configured (the link is then logged)."""
    if not user.email:
        raise ValidationFailed(
            N_("Tài khoản chưa có địa chỉ thư điện tử."),
            {"email": [N_("Cần địa chỉ thư điện tử.")]},
        )
    if user.email_verified:
        raise Conflict(N_("Địa chỉ thư điện tử đã được xác nhận."))
    path = verification_path(user)
    url = _base_url() + path
    hours = int(_config().get("EMAIL_VERIFY_HOURS") or DEFAULT_HOURS)
    with unit_of_work(session):
        record(session, user, "user.verification_sent", "user", user.id, None, {"to": user.email})
        if not can_send_mail():
            log.warning("no mail server: e-mail verification link for %s: %s", user.username, url)
            return False
        body = (
            f"Xin chào {user.full_name},\n\n"
            "Vui lòng mở liên kết dưới đây để xác nhận địa chỉ thư điện tử của tài khoản "
            f"“{user.username}” (liên kết có hiệu lực {hours} giờ):\n\n{url}\n\n"
            "Nếu bạn không đăng ký tài khoản, hãy bỏ qua thư này."
        )
        jobs.enqueue(
            session,
            "mail",
            {
                "to": user.email,
                "subject": SUBJECT_PREFIX + "Xác nhận địa chỉ thư điện tử",
                "body": body,
            },
        )
    return True


def confirm(session: Session, token: str) -> User:
    """Mark the account of a valid, unexpired link verified (idempotent)."""
    hours = int(_config().get("EMAIL_VERIFY_HOURS") or DEFAULT_HOURS)
    try:
        data = _serializer().loads(token or "", max_age=hours * 3600)
    except SignatureExpired as exc:
        raise ValidationFailed(EXPIRED_LINK, {"token": [EXPIRED_LINK]}) from exc
    except BadSignature as exc:
        raise ValidationFailed(BAD_LINK, {"token": [BAD_LINK]}) from exc
    user_id = data.get("u") if isinstance(data, dict) else None
    user = session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.active or (user.email or "").lower() != data.get("e"):
        raise ValidationFailed(BAD_LINK, {"token": [BAD_LINK]})
    if user.email_verified_at is None:
        with unit_of_work(session):
            user.email_verified_at = utcnow()
            record(session, user, "user.email_verified", "user", user.id, None, {"by": "link"})
    return user


def mark_verified(session: Session, actor: Any, user_id: int) -> User:
    """An administrator confirms an account's address (when no mail can be sent)."""
    require(actor, "user.manage")
    user = session.get(User, user_id) if 1 <= user_id <= 2**31 - 1 else None
    if user is None:
        raise NotFound(N_("Không tìm thấy người dùng."))
    if not user.email:
        raise ValidationFailed(
            N_("Tài khoản chưa có địa chỉ thư điện tử."),
            {"email": [N_("Cần địa chỉ thư điện tử.")]},
        )
    if user.email_verified_at is None:
        with unit_of_work(session):
            user.email_verified_at = utcnow()
            record(session, actor, "user.email_verified", "user", user.id, None, {"by": "admin"})
    return user
