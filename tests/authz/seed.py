"""The world the authorisation matrix runs in, built once through the services.

Ten callers (see ``ROLES``) and one object per state that access depends on: ideas as draft,
submitted, in a blind review round and published; blind rounds in each of their four phases,
each with an assignment of the same reviewer; a draft and an active criteria set. The database
is snapshotted after seeding and restored whenever a request may have changed it.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from ideadb.core.permissions import SYSTEM

PASSWORD = "mat-khau-thu-nghiem"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SCORES = {"TINH_MOI": 27, "KHA_NANG_AP_DUNG": 22, "HIEU_QUA": 26, "TINH_KINH_TE": 13}

ANON = "anonymous"
OWNER = "owner"
OTHER = "other_submitter"
OFF_OTHER = "officer_other_unit"
OFF_OWN = "officer_own_unit"
REV = "reviewer_unassigned"
REV_BLIND = "reviewer_assigned_blind"
SEC = "secretary"
AUD = "auditor"
ADMIN = "admin"
ROLES = (ANON, OWNER, OTHER, OFF_OTHER, OFF_OWN, REV, REV_BLIND, SEC, AUD, ADMIN)

# (roles, unit code) of each signed-in caller.
ACCOUNTS = {
    OWNER: (["submitter"], "BK-BB-NM"),
    OTHER: (["submitter"], "BK-BB-NM"),
    OFF_OTHER: (["unit_officer"], "BK-CD"),
    OFF_OWN: (["unit_officer"], "BK-BB-NM"),
    REV: (["reviewer"], "BK-SKHCN"),
    REV_BLIND: (["reviewer"], "BK-SKHCN"),
    SEC: (["secretary"], None),
    AUD: (["auditor"], None),
    ADMIN: (["admin"], None),
}

IDEA_STATES = ("draft", "submitted", "in_review", "published")
ROUND_STATES = ("draft", "reviewing", "deliberation", "finalized")
SET_STATES = ("draft", "active")
_CSRF_META = re.compile(r'name="csrf-token" content="([^"]+)"')


@dataclass
class Caller:
    role: str
    user_id: int | None = None
    token: str | None = None
    cookie: str = ""
    csrf: str = ""


@dataclass
class World:
    callers: dict[str, Caller] = field(default_factory=dict)
    user_ids: dict[str, int] = field(default_factory=dict)
    unit_id: int = 0
    ideas: dict[str, int] = field(default_factory=dict)
    idea_attachments: dict[str, int] = field(default_factory=dict)
    rounds: dict[str, int] = field(default_factory=dict)
    round_ideas: dict[str, int] = field(default_factory=dict)
    round_attachments: dict[str, int] = field(default_factory=dict)
    assignments: dict[str, int] = field(default_factory=dict)
    conflicts: dict[str, int] = field(default_factory=dict)
    sets: dict[str, int] = field(default_factory=dict)
    notification_id: int = 0
    invitation_id: int = 0
    job_id: int = 0
    appeal_id: int = 0
    import_id: int = 0
    interest_id: int = 0


def _unit(session, code: str) -> int:
    from ideadb.units.models import Unit

    uid = session.scalar(sa.select(Unit.id).where(Unit.code == code))
    assert uid is not None, code
    return uid


def _idea_fields(session, n: int) -> dict[str, Any]:
    return {
        "title": f"Mô hình trồng quế hữu cơ theo chuỗi giá trị số {n}",
        "summary": "Trồng quế hữu cơ, liên kết tiêu thụ với hợp tác xã.",
        "description": "Hộ gia đình trồng quế theo tiêu chuẩn hữu cơ, sơ chế tại chỗ, bán qua "
        "hợp tác xã; giảm chi phí phân bón và tăng giá bán cho đồng bào vùng cao.",
        "novelty": "Lần đầu liên kết chuỗi quế hữu cơ tại xã.",
        "benefits": "Thu nhập tăng 20 triệu đồng mỗi năm cho mỗi hộ.",
        "area": "san_xuat_kinh_doanh",
        "year": 2021,
        "publish_consent": True,
        "unit_id": _unit(session, "BK-BB-NM"),
    }


def build(session) -> World:
    """Seed through the services."""
    from ideadb.accounts import service as accounts
    from ideadb.accounts.models import Notification
    from ideadb.criteria import reference
    from ideadb.criteria import service as criteria
    from ideadb.criteria.models import CriteriaSet
    from ideadb.ideas import service as ideas
    from ideadb.reviews import assignments, deliberation, rounds, sheets
    from ideadb.reviews.models import Assignment

    world = World(unit_id=_unit(session, "BK-BB-NM"))
    users = {}
    for role, (roles, unit) in ACCOUNTS.items():
        users[role] = accounts.create_user(
            session,
            SYSTEM,
            username=role.replace("_", "-"),
            password=PASSWORD,
            full_name=f"Tài khoản {role}",
            roles=roles,
            unit_id=_unit(session, unit) if unit else None,
            email=f"{role}@example.org",
        )
        world.user_ids[role] = users[role].id
    second_reviewer = accounts.create_user(
        session,
        SYSTEM,
        username="reviewer-second",
        password=PASSWORD,
        full_name="Thành viên hội đồng thứ hai",
        roles=["reviewer"],
        unit_id=_unit(session, "BK-SKHCN"),
        email="reviewer-second@example.org",
    )
    owner, sec = users[OWNER], users[SEC]

    criteria.load_reference_sets(session)
    active_id = session.scalar(
        sa.select(CriteriaSet.id).where(
            CriteriaSet.reference_code == reference.REFERENCE_SETS[0][0]
        )
    )
    world.sets = {"active": active_id, "draft": criteria.revise(session, sec, active_id).id}

    counter = iter(range(1, 1000))

    def new_idea(author, *, to: str = "draft") -> tuple[int, int]:
        idea = ideas.create_idea(session, author, _idea_fields(session, next(counter)))
        attachment = ideas.add_attachment(session, author, idea.id, "ho-so.pdf", PDF)
        if to != "draft":
            ideas.submit_idea(session, author, idea.id)
        if to in ("eligible", "published"):
            ideas.screen_idea(session, sec, idea.id, "eligible", None)
        if to == "published":
            ideas.mark_in_review(session, sec, [idea.id])
            ideas.record_recognition(session, sec, idea.id, "tinh", "CONG_NHAN_TINH")
        return idea.id, attachment.id

    for state, target in (
        ("draft", "draft"),
        ("submitted", "submitted"),
        ("published", "published"),
    ):
        world.ideas[state], world.idea_attachments[state] = new_idea(owner, to=target)

    # Blind rounds, one per phase: the owner's idea goes to the blind reviewer, a second idea
    # (declared a conflict of that reviewer) to the second reviewer.
    for state in ROUND_STATES:
        rnd = rounds.create_round(
            session,
            sec,
            {
                "name": f"Đợt xét chọn sáng kiến cấp tỉnh ({state})",
                "year": 2021,
                "level": "tinh",
                "criteria_set_id": active_id,
                "reviewers_per_idea": 1,
                "aggregation": "mean",
                "blind": True,
                "disagreement_threshold": 20,
                # A public vote opened long ago (closed by the finalize of the last round).
                "public_vote": {"weight": 20, "opens_at": "2020-01-01T00:00:00+00:00"},
            },
        )
        mine, mine_file = new_idea(owner, to="eligible")
        other, _ = new_idea(users[OTHER], to="eligible")
        rounds.add_ideas(session, sec, rnd.id, [mine, other])
        rounds.add_reviewers(session, sec, rnd.id, [users[REV_BLIND].id, second_reviewer.id])
        conflict = assignments.declare_conflict(
            session,
            sec,
            rnd.id,
            user_id=users[REV_BLIND].id,
            idea_id=other,
            reason="Đã góp ý cho hồ sơ này.",
        )
        assignments.auto_assign(session, sec, rnd.id)
        if state != "draft":
            rounds.open_round(session, sec, rnd.id)
            for a in session.scalars(sa.select(Assignment).where(Assignment.round_id == rnd.id)):
                sheets.confirm(session, a.reviewer, a.id, conflict=False)
        if state in ("deliberation", "finalized"):
            for a in session.scalars(sa.select(Assignment).where(Assignment.round_id == rnd.id)):
                sheets.save_review(
                    session,
                    a.reviewer,
                    a.id,
                    scores=SCORES,
                    comments={},
                    comment="Nhận xét chung.",
                    version=0,
                )
                sheets.submit_review(session, a.reviewer, a.id)
            deliberation.deliberate(session, sec, rnd.id)
        if state == "finalized":
            deliberation.finalize(session, sec, rnd.id)
            from ideadb.reviews import appeals

            world.appeal_id = appeals.file_appeal(
                session, owner, mine, "Xin hội đồng xem lại số liệu áp dụng."
            ).id
        assignment = session.scalar(
            sa.select(Assignment.id).where(
                Assignment.round_id == rnd.id, Assignment.reviewer_id == users[REV_BLIND].id
            )
        )
        assert assignment is not None, state
        world.rounds[state] = rnd.id
        world.round_ideas[state] = mine
        world.round_attachments[state] = mine_file
        world.assignments[state] = assignment
        world.conflicts[state] = conflict.id
    world.ideas["in_review"] = world.round_ideas["reviewing"]
    world.idea_attachments["in_review"] = world.round_attachments["reviewing"]

    world.interest_id = ideas.add_adoption_interest(
        session,
        world.ideas["published"],
        {
            "organisation": "Hợp tác xã Nông nghiệp Nam Mẫu",
            "contact_name": "Ban điều hành",
            "email": "htx@example.org",
            "phone": "0209 3 876 543",
            "message": "Chúng tôi muốn áp dụng mô hình.",
        },
    ).id
    world.notification_id = session.scalar(
        sa.select(sa.func.min(Notification.id)).where(Notification.user_id == owner.id)
    )
    assert world.notification_id is not None
    # The other submitter is invited as co-author of the owner's draft (not yet accepted).
    from ideadb.ideas.models import AuthorInvitation

    draft = world.ideas["draft"]
    ideas.update_idea(
        session,
        owner,
        draft,
        {
            "authors": [
                {"name": owner.full_name, "unit": "", "share": 60},
                {
                    "name": users[OTHER].full_name,
                    "unit": "",
                    "share": 40,
                    "user_id": users[OTHER].id,
                },
            ]
        },
    )
    world.invitation_id = session.scalar(
        sa.select(AuthorInvitation.id).where(AuthorInvitation.invited_user_id == users[OTHER].id)
    )
    assert world.invitation_id is not None
    # The secretary asked for an export of the finalized round: a finished job with its file.
    from ideadb.reports import export_jobs

    world.job_id = export_jobs.request_round_export(
        session, users[SEC], world.rounds["finalized"], "csv"
    )
    # The unit officer checked a spreadsheet (a dry run without errors): its import page.
    from ideadb.ideas import import_jobs
    from tests.ideas.test_import import ROW_A, csv_file

    world.import_id = import_jobs.request_import(
        session, users[OFF_OWN], "y-tuong.csv", csv_file([ROW_A]), dry_run=True
    )
    session.commit()
    return world


def sign_in_all(app, world: World) -> None:
    """Outside any application context: Flask-WTF caches a CSRF token in ``g``."""
    for role in ROLES:
        world.callers[role] = _sign_in(app.test_client(), role, world.user_ids.get(role))


def _sign_in(client, role: str, user_id: int | None) -> Caller:
    """A token from POST /api/v1/auth/tokens and a session cookie with its CSRF token."""
    caller = Caller(role, user_id)
    if role != ANON:
        username = role.replace("_", "-")
        resp = client.post("/api/v1/auth/tokens", json={"username": username, "password": PASSWORD})
        assert resp.status_code == 201, resp.get_json()
        caller.token = resp.get_json()["token"]
        signed_in = client.submit("/dang-nhap", {"username": username, "password": PASSWORD})
        assert signed_in.status_code == 302, (role, signed_in.get_data(as_text=True)[:3000])
    page = client.get("/dang-ky-tai-khoan" if role == ANON else "/thong-bao")
    match = _CSRF_META.search(page.get_data(as_text=True))
    assert match, (role, page.status_code)
    caller.csrf = match.group(1)
    cookie = client.get_cookie("session")
    caller.cookie = f"session={cookie.value}" if cookie else ""
    return caller


# --- snapshots ---------------------------------------------------------------------------------


class Snapshot:
    """Keep the seeded database and put it back: SQLite by copying the file, PostgreSQL by
    reloading every table's rows and sequence values (much faster than cloning a database)."""

    def __init__(self, app, backend: str, workdir: Path):
        from ideadb.extensions import db

        self.app, self.backend, self.db = app, backend, db
        self.restores = 0
        with app.app_context():
            self.url = db.engine.url
            self.tables = list(db.metadata.sorted_tables)
            self._dispose()
            if backend == "sqlite":
                self.live = Path(self.url.database)
                self.saved = workdir / "seed.sqlite"
                shutil.copyfile(self.live, self.saved)
                return
            with db.engine.connect() as conn:
                self.rows = {
                    t.name: [dict(r._mapping) for r in conn.execute(t.select())]
                    for t in self.tables
                }
                self.sequences = conn.execute(
                    sa.text(
                        "SELECT sequencename, last_value FROM pg_sequences "
                        "WHERE schemaname = current_schema()"
                    )
                ).all()

    def _dispose(self) -> None:
        self.db.session.remove()
        for engine in self.db.engines.values():
            engine.dispose()

    def restore(self) -> None:
        self.restores += 1
        with self.app.app_context():
            if self.backend == "sqlite":
                self._dispose()
                shutil.copyfile(self.saved, self.live)
                return
            self.db.session.remove()
            with self.db.engine.begin() as conn:
                conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
                for table in reversed(self.tables):
                    conn.execute(table.delete())
                for table in self.tables:
                    if self.rows[table.name]:
                        conn.execute(table.insert(), self.rows[table.name])
                for name, last_value in self.sequences:
                    conn.execute(
                        sa.text("SELECT setval(:name, :value, :called)"),
                        {"name": name, "value": last_value or 1, "called": last_value is not None},
                    )

    def close(self) -> None:
        self.restore()
        with self.app.app_context():
            self._dispose()
