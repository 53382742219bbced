"""Demo data for a new instance: reference data, one account per role, and sample ideas."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ideadb.accounts import service as accounts
from ideadb.accounts.models import User
from ideadb.core.permissions import SYSTEM
from ideadb.criteria import service as criteria
from ideadb.units import service as units
from ideadb.units.models import Unit

# (username, password, full name, roles, unit code) — printed by quickstart; demo only.
DEMO_USERS: list[tuple[str, str, str, list[str], str | None]] = [
    ("quantri", "quantri-demo-2021", "Hoàng Văn Thụ", ["admin"], "BK-SKHCN"),
    ("thuky", "thuky-demo-2021", "Nông Thị Hoa", ["secretary"], "BK-MTTQ"),
    ("chutich", "chutich-demo-2021", "Lục Văn Thành", ["secretary", "reviewer"], "BK-MTTQ"),
    ("hoidong1", "hoidong1-demo-2021", "Triệu Thị Mai", ["reviewer"], "BK-SKHCN"),
    ("hoidong2", "hoidong2-demo-2021", "Lý Văn Páo", ["reviewer"], "BK-LHH"),
    ("hoidong3", "hoidong3-demo-2021", "Hà Thị Thu", ["reviewer"], "BK-SNN"),
    ("hoidong4", "hoidong4-demo-2021", "Ma Văn Dũng", ["reviewer"], "BK-BVDK"),
    ("canbo.babe", "canbo-demo-2021", "Đàm Văn Khánh", ["unit_officer"], "BK-BB"),
    ("canbo.hnd", "canbo-demo-2021", "Bế Thị Lan", ["unit_officer"], "BK-HND"),
    ("nguoidan", "nguoidan-demo-2021", "Hoàng Thị Dung", ["submitter"], "BK-BB-NM"),
]


def ensure_demo_users(session: Session) -> list[tuple[str, str, str, list[str]]]:
    """Create the demo accounts that are missing; return every demo account for printing."""
    by_code = {u.code: u.id for u in session.scalars(sa.select(Unit).where(Unit.code.is_not(None)))}
    for username, password, full_name, roles, unit_code in DEMO_USERS:
        if session.scalar(sa.select(User.id).where(User.username == username)) is None:
            accounts.create_user(
                session,
                SYSTEM,
                username=username,
                password=password,
                full_name=full_name,
                roles=roles,
                unit_id=by_code.get(unit_code),
            )
    return [(u, p, n, r) for u, p, n, r, _ in DEMO_USERS]


DEMO_IDEAS = 240  # what quickstart loads on an empty instance


def load_demo(
    session: Session, ideas: int = DEMO_IDEAS, progress: Callable[[int], None] | None = None
) -> None:
    """Reference data, demo accounts and (when the ideas feature provides them) sample ideas."""
    units.load_reference_data(session)
    criteria.load_reference_sets(session)
    ensure_demo_users(session)
    from ideadb.ideas import demo as ideas_demo

    ideas_demo.load(session, count=ideas, progress=progress)
