"""Demo data for a new instance: reference data, one account per role, and sample ideas."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ideadb.accounts import service as accounts
from ideadb.accounts.models import User
from ideadb.core.permissions import SYSTEM
from ideadb.criteria import service as criteria
from ideadb.units import service as units
from ideadb.units.models import Unit

# (username, full name, roles, unit code). Passwords are random, made when an account is
# created, and kept only in the instance folder (``demo-accounts.txt``, mode 0600). The people
# sit on units of today's province (Thái Nguyên since 1/7/2025), where a new idea can be
# registered; the demo ideas of 2019–2024 keep the Bắc Kạn units they had, which the officers'
# units took over (Xã Ba Bể took over Xã Nam Mẫu, Hội Nông dân tỉnh Thái Nguyên the Bắc Kạn one).
DEMO_USERS: list[tuple[str, str, list[str], str | None]] = [
    ("quantri", "Hoàng Văn Thụ", ["admin"], "TN-SKHCN"),
    ("thuky", "Nông Thị Hoa", ["secretary"], "TN-MTTQ"),
    ("chutich", "Lục Văn Thành", ["secretary", "reviewer"], "TN-MTTQ"),
    ("hoidong1", "Triệu Thị Mai", ["reviewer"], "TN-SKHCN"),
    ("hoidong2", "Lý Văn Páo", ["reviewer"], "TN-LHH"),
    ("hoidong3", "Hà Thị Thu", ["reviewer"], "TN-SNNMT"),
    ("hoidong4", "Ma Văn Dũng", ["reviewer"], "TN-BVBK"),
    ("canbo.babe", "Đàm Văn Khánh", ["unit_officer"], "TN-XBB"),
    ("canbo.hnd", "Bế Thị Lan", ["unit_officer"], "TN-HND"),
    ("nguoidan", "Hoàng Thị Dung", ["submitter"], "TN-XBB"),
]
ACCOUNTS_FILE = "demo-accounts.txt"
_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # no l/1/o/0: read aloud and typed by hand


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    roles: list[str]
    password: str | None  # only when created by this call; otherwise see the password file


def new_password() -> str:
    """A random password of four groups of five characters (about 100 bits)."""
    groups = ("".join(secrets.choice(_ALPHABET) for _ in range(5)) for _ in range(4))
    return "-".join(groups)


def password_file(instance_dir: str | Path | None = None) -> Path:
    if instance_dir is None:
        from flask import current_app

        instance_dir = current_app.config["INSTANCE_DIR"]
    return Path(instance_dir) / ACCOUNTS_FILE


def read_demo_passwords(instance_dir: str | Path | None = None) -> dict[str, str]:
    """The demo passwords kept in the instance folder, by username."""
    path = password_file(instance_dir)
    if not path.exists():
        return {}
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            username, _, password = line.partition("\t")
            found[username.strip()] = password.strip()
    return found


def _keep_passwords(path: Path, created: dict[str, str]) -> None:
    """Append to the 0600 password file (created with that mode, never wider)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as fh:
        if fh.tell() == 0:
            fh.write("# Tài khoản mẫu của ideadb: tên đăng nhập<TAB>mật khẩu. Chỉ dùng thử.\n")
        for username, password in created.items():
            fh.write(f"{username}\t{password}\n")


def has_demo_accounts(session: Session) -> bool:
    """Whether any demo account exists (False on a database without tables yet)."""
    names = [username for username, *_ in DEMO_USERS]
    try:
        found = session.scalar(sa.select(User.id).where(User.username.in_(names)).limit(1))
    except sa.exc.SQLAlchemyError:
        session.rollback()
        return False
    return found is not None


def ensure_demo_users(
    session: Session, instance_dir: str | Path | None = None
) -> list[DemoAccount]:
    """Create the demo accounts that are missing, each with a new random password kept in the
    instance folder; return every demo account (``password`` set only for the new ones)."""
    by_code = {u.code: u.id for u in session.scalars(sa.select(Unit).where(Unit.code.is_not(None)))}
    created: dict[str, str] = {}
    accounts_out = []
    for username, full_name, roles, unit_code in DEMO_USERS:
        password = None
        if session.scalar(sa.select(User.id).where(User.username == username)) is None:
            password = new_password()
            accounts.create_user(
                session,
                SYSTEM,
                username=username,
                password=password,
                full_name=full_name,
                roles=roles,
                unit_id=by_code.get(unit_code),
            )
            created[username] = password
        accounts_out.append(DemoAccount(username, full_name, list(roles), password))
    if created:
        _keep_passwords(password_file(instance_dir), created)
    return accounts_out


DEMO_IDEAS = 240  # what quickstart loads on an empty instance


def load_demo(
    session: Session,
    ideas: int = DEMO_IDEAS,
    progress: Callable[[int], None] | None = None,
    instance_dir: str | Path | None = None,
) -> list[DemoAccount]:
    """Reference data, demo accounts and (when the ideas feature provides them) sample ideas."""
    units.load_reference_data(session)
    criteria.load_reference_sets(session)
    made = ensure_demo_users(session, instance_dir)
    from ideadb.ideas import demo as ideas_demo

    ideas_demo.load(session, count=ideas, progress=progress)
    from ideadb.reviews import demo as reviews_demo

    reviews_demo.load(session, ideas_demo.review_targets(ideas))
    return made
