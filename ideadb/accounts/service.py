"""Accounts: sign-up, authentication, roles, deactivation, passwords and API tokens."""

from __future__ import annotations

import contextlib
import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2 import profiles as argon2_profiles
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy.orm import Session, joinedload

from ideadb.accounts.models import ApiToken, Notification, User, UserRole
from ideadb.audit.service import record
from ideadb.core import providers
from ideadb.core.db import unit_of_work, utcnow
from ideadb.core.errors import Conflict, NotFound, ValidationFailed
from ideadb.core.permissions import ALL_ROLES, Role, require
from ideadb.core.text import N_, clean
from ideadb.units.models import Unit
from scoring.messages import Message

_hasher = PasswordHasher()
# Verified against when the username is unknown, so both failures cost the same time.
_DUMMY_HASH = _hasher.hash("ideadb-timing-equaliser")


def configure_hashing(profile: str) -> None:
    """Choose argon2 parameters by the name of an argon2-cffi profile (tests use CHEAPEST).

    Hashes carry their own parameters, so a change never locks anyone out; weaker hashes are
    upgraded at the next sign-in.
    """
    global _hasher, _DUMMY_HASH
    params = getattr(argon2_profiles, profile)
    if _hasher.time_cost == params.time_cost and _hasher.memory_cost == params.memory_cost:
        return
    _hasher = PasswordHasher.from_parameters(params)
    _DUMMY_HASH = _hasher.hash("ideadb-timing-equaliser")


MIN_PASSWORD_LENGTH = 8
BAD_CREDENTIALS = N_("Tên đăng nhập hoặc mật khẩu không đúng.")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(user: User, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def normalise_username(username: str) -> str:
    return clean(username).lower()


def user_snapshot(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "full_name": user.full_name,
        "email": user.email,
        "unit_id": user.unit_id,
        "roles": sorted(user.roles),
        "active": user.active,
        "email_verified": user.email_verified_at is not None,
    }


def _password_too_short() -> str:
    return Message(N_("Mật khẩu phải có ít nhất %(min)s ký tự."), min=MIN_PASSWORD_LENGTH)


def _validate_new_user(
    session: Session, username: str, password: str, roles: Iterable[str], unit_id: int | None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not username or len(username) < 3 or len(username) > 80:
        errors["username"] = [N_("Tên đăng nhập phải có từ 3 đến 80 ký tự.")]
    elif not all(ch.isalnum() or ch in "._-@" for ch in username):
        errors["username"] = [N_("Tên đăng nhập chỉ gồm chữ, số và các ký tự . _ - @.")]
    elif session.scalar(sa.select(User.id).where(User.username == username)) is not None:
        errors["username"] = [N_("Tên đăng nhập đã được sử dụng.")]
    if len(password or "") < MIN_PASSWORD_LENGTH:
        errors["password"] = [_password_too_short()]
    unknown = [r for r in roles if r not in ALL_ROLES]
    if unknown:
        errors["roles"] = [Message(N_("Vai trò không hợp lệ: %(roles)s"), roles=", ".join(unknown))]
    if unit_id is not None and session.get(Unit, unit_id) is None:
        errors["unit_id"] = ["Đơn vị không tồn tại."]
    return errors


def create_user(
    session: Session,
    actor: Any,
    *,
    username: str,
    password: str,
    full_name: str,
    roles: Iterable[str],
    email: str | None = None,
    unit_id: int | None = None,
) -> User:
    """Create an account (admin, or the system from the command line)."""
    require(actor, "user.manage")
    return _create(session, actor, username, password, full_name, list(roles), email, unit_id)


def sign_up(
    session: Session,
    *,
    username: str,
    password: str,
    full_name: str,
    email: str | None = None,
    unit_id: int | None = None,
) -> User:
    """A citizen opens an account: always and only the submitter role. With an e-mail
    address, a verification link is sent in the same transaction (``verification``)."""
    from ideadb.accounts import verification

    with unit_of_work(session):
        user = _create(
            session, None, username, password, full_name, [Role.SUBMITTER], email, unit_id
        )
        if user.email:
            verification.send_verification(session, user)
    return user


def _create(session, actor, username, password, full_name, roles, email, unit_id) -> User:
    username = normalise_username(username)
    full_name = clean(full_name)
    roles = sorted(set(roles))
    errors = _validate_new_user(session, username, password, roles, unit_id)
    if not full_name:
        errors["full_name"] = [N_("Vui lòng nhập họ và tên.")]
    if not roles:
        errors.setdefault("roles", []).append(N_("Cần ít nhất một vai trò."))
    if errors:
        raise ValidationFailed(N_("Thông tin tài khoản chưa hợp lệ."), errors)
    with unit_of_work(session):
        user = User(
            username=username,
            full_name=full_name,
            email=(email or None),
            unit_id=unit_id,
            password_hash=hash_password(password),
            role_rows=[UserRole(role=r) for r in roles],
            # An address given by an administrator (or `ideadb create-user --email`) counts
            # as verified; a citizen's own address is confirmed by the emailed link.
            email_verified_at=utcnow() if actor is not None and email else None,
        )
        session.add(user)
        session.flush()
        record(session, actor or user, "user.create", "user", user.id, None, user_snapshot(user))
    return user


def get_user(session: Session, actor: Any, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(N_("Không tìm thấy người dùng."))
    require(actor, "user.view", user)
    return user


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with these credentials, or None — the same answer for every failure."""
    user = session.scalar(sa.select(User).where(User.username == normalise_username(username)))
    if user is None:
        with contextlib.suppress(VerificationError):
            _hasher.verify(_DUMMY_HASH, password or "")
        return None
    if not check_password(user, password or "") or not user.active:
        return None
    with unit_of_work(session):
        user.last_login_at = utcnow()
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        record(session, user, "user.sign_in", "user", user.id)
    return user


def change_password(session: Session, user: User, current: str, new: str) -> None:
    if not check_password(user, current or ""):
        raise ValidationFailed(
            N_("Mật khẩu hiện tại không đúng."),
            {"current_password": ["Mật khẩu hiện tại không đúng."]},
        )
    if len(new or "") < MIN_PASSWORD_LENGTH:
        msg = _password_too_short()
        raise ValidationFailed(msg, {"new_password": [msg]})
    with unit_of_work(session):
        user.password_hash = hash_password(new)
        # A new password ends every API token issued under the old one.
        for token in session.scalars(
            sa.select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        ):
            token.revoked_at = utcnow()
        record(session, user, "user.password_change", "user", user.id)


def update_user(
    session: Session,
    actor: Any,
    user_id: int,
    *,
    full_name: str | None = None,
    email: str | None = None,
    unit_id: int | None = None,
    roles: Iterable[str] | None = None,
    active: bool | None = None,
) -> User:
    """Admin edits: name, email, unit, roles, activation. Accounts are deactivated, not deleted."""
    require(actor, "user.manage")
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(N_("Không tìm thấy người dùng."))
    errors: dict[str, list[str]] = {}
    if roles is not None:
        roles = sorted(set(roles))
        bad = [r for r in roles if r not in ALL_ROLES]
        if bad or not roles:
            errors["roles"] = [N_("Cần ít nhất một vai trò hợp lệ.")]
    if unit_id is not None and session.get(Unit, unit_id) is None:
        errors["unit_id"] = ["Đơn vị không tồn tại."]
    if active is False and getattr(actor, "id", None) == user.id:
        errors["active"] = [N_("Không thể tự khóa tài khoản của chính mình.")]
    if full_name is not None and not full_name.strip():
        errors["full_name"] = [N_("Vui lòng nhập họ và tên.")]
    if errors:
        raise ValidationFailed(N_("Thông tin tài khoản chưa hợp lệ."), errors)
    with unit_of_work(session):
        before = user_snapshot(user)
        if full_name is not None:
            user.full_name = clean(full_name)
        if email is not None and (email or None) != user.email:
            user.email = email or None
            # An address set by an administrator counts as verified (as at creation).
            user.email_verified_at = utcnow() if user.email else None
        if unit_id is not None:
            user.unit_id = unit_id
        if roles is not None and set(roles) != set(user.roles):
            user.role_rows = [r for r in user.role_rows if r.role in roles]
            for r in set(roles) - {r.role for r in user.role_rows}:
                user.role_rows.append(UserRole(role=r))
        if active is not None:
            user.active = active
        after = user_snapshot(user)
        if after != before:
            record(session, actor, "user.update", "user", user.id, before, after)
    return user


def list_users(session: Session, actor: Any, *, query: str | None = None, role: str | None = None):
    require(actor, "user.list")
    stmt = sa.select(User).order_by(User.username)
    if query:
        like = f"%{query.strip().lower()}%"
        stmt = stmt.where(
            sa.or_(
                sa.func.lower(User.username).like(like), sa.func.lower(User.full_name).like(like)
            )
        )
    if role:
        stmt = stmt.where(User.id.in_(sa.select(UserRole.user_id).where(UserRole.role == role)))
    return stmt


def users_with_role(session: Session, role: str) -> list[User]:
    stmt = (
        sa.select(User)
        .where(
            User.active.is_(True),
            User.id.in_(sa.select(UserRole.user_id).where(UserRole.role == role)),
        )
        .order_by(User.full_name)
    )
    return list(session.scalars(stmt))


# --- API tokens --------------------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(session: Session, user: User, lifetime: timedelta) -> tuple[str, datetime]:
    token = secrets.token_urlsafe(32)
    expires_at = utcnow() + lifetime
    with unit_of_work(session):
        row = ApiToken(user_id=user.id, token_hash=_digest(token), expires_at=expires_at)
        session.add(row)
        session.flush()
        record(session, user, "token.issue", "api_token", row.id, None, {"expires_at": expires_at})
    return token, expires_at


def user_for_token(session: Session, token: str) -> User | None:
    row = session.scalar(
        sa.select(ApiToken)
        # one query per authenticated request: the token, its user and the user's roles
        .options(joinedload(ApiToken.user).joinedload(User.role_rows))
        .where(ApiToken.token_hash == _digest(token))
    )
    if row is None or row.revoked_at is not None or row.expires_at <= utcnow():
        return None
    user = row.user
    return user if user.active else None


def revoke_token(session: Session, user: User, token: str) -> None:
    row = session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if row is None or row.user_id != user.id:
        raise NotFound(N_("Không tìm thấy mã truy cập."))
    if row.revoked_at is not None:
        raise Conflict(N_("Mã truy cập đã bị thu hồi."))
    with unit_of_work(session):
        row.revoked_at = utcnow()
        record(session, user, "token.revoke", "api_token", row.id)


# --- personal data: what we hold about a person, and closing an account ------------------------

CLOSED_NAME = "Tài khoản đã đóng"


def export_personal_data(session: Session, user: User) -> dict[str, Any]:
    """Everything the system holds about this user, as JSON-ready data (their own request)."""
    tokens = session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)
    )
    notifications = session.scalars(
        sa.select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    )
    data: dict[str, Any] = {
        "format": "ideadb-personal-data/1",
        "generated_at": _iso(utcnow()),
        "account": {
            "id": user.id,
            "username": user.username,
            "full_name": user.full_name,
            "email": user.email,
            "unit_id": user.unit_id,
            "unit": user.unit.name if user.unit else None,
            "roles": sorted(user.roles),
            "active": user.active,
            "created_at": _iso(user.created_at),
            "last_login_at": _iso(user.last_login_at),
            "email_verified_at": _iso(user.email_verified_at),
        },
        "api_tokens": [
            {
                "id": t.id,
                "created_at": _iso(t.created_at),
                "expires_at": _iso(t.expires_at),
                "revoked_at": _iso(t.revoked_at),
            }
            for t in tokens
        ],
        "notifications": [
            {
                "id": n.id,
                "text": n.text,
                "created_at": _iso(n.created_at),
                "read_at": _iso(n.read_at),
            }
            for n in notifications
        ],
    }
    for section, (export, _erase) in sorted(providers.personal_data_sections().items()):
        data[section] = export(session, user)
    with unit_of_work(session):
        record(session, user, "user.personal_data_export", "user", user.id)
    return data


def close_account(session: Session, user: User, password: str) -> None:
    """Close the user's own account: anonymised, signed out everywhere, their names withdrawn
    where the law does not require them (each feature decides through its erase hook)."""
    if not check_password(user, password or ""):
        raise ValidationFailed(N_("Mật khẩu không đúng."), {"password": ["Mật khẩu không đúng."]})
    with unit_of_work(session):
        changed = {
            section: erase(session, user)
            for section, (_export, erase) in sorted(providers.personal_data_sections().items())
            if erase is not None
        }
        user.username = f"da-dong-{user.id}"
        user.full_name = CLOSED_NAME
        user.email = None
        user.unit_id = None
        user.active = False
        # A random hash no password matches: the account can never sign in again.
        user.password_hash = hash_password(secrets.token_urlsafe(32))
        user.role_rows.clear()
        for token in session.scalars(
            sa.select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        ):
            token.revoked_at = utcnow()
        record(
            session,
            user,
            "user.close",
            "user",
            user.id,
            before={"active": True},
            after={"active": False, "withdrawn": changed},
        )


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
