"""What waits for each role, read in a few counting queries per role.

A *task* is one line of a home page: a sentence with a count, and the page that is the next
step (an endpoint and its arguments, turned into a URL by the view). Roles stack: a secretary
who is also a reviewer sees both sections.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import Session

from ideadb.accounts import notify
from ideadb.accounts.models import User
from ideadb.core.permissions import Role, can, has_role, is_signed_in
from ideadb.ideas.access import list_ideas
from ideadb.ideas.models import Idea, IdeaStatus
from ideadb.ideas.steps import is_decided, steps
from ideadb.reviews import sheets
from ideadb.reviews.models import Assignment, AssignmentStatus, Round, RoundIdea, RoundStatus
from ideadb.reviews.results import ranking

S = IdeaStatus
R = RoundStatus
A = AssignmentStatus
MY_IDEAS_SHOWN = 8


@dataclass
class Task:
    text: str
    count: int
    endpoint: str | None = None
    args: dict[str, Any] = field(default_factory=dict)
    action: str = ""  # the link's words: the next action
    detail: str = ""
    urgent: bool = False


@dataclass
class Section:
    key: str  # citizen, officer, reviewer, secretary, admin, visitor
    title: str
    tasks: list[Task] = field(default_factory=list)
    ideas: list[dict[str, Any]] = field(default_factory=list)
    rounds: list[dict[str, Any]] = field(default_factory=list)
    phases: list[tuple[str, int]] = field(default_factory=list)  # rounds by phase


def _count(session: Session, stmt) -> int:
    return (
        session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())) or 0
    )


def home_sections(session: Session, actor: Any) -> list[Section]:
    """The sections of the actor's home page, the most pressing role first."""
    if not is_signed_in(actor):
        return [visitor_section(session)]
    out = []
    if has_role(actor, Role.SECRETARY):
        out.append(secretary_section(session, actor))
    if has_role(actor, Role.REVIEWER):
        out.append(reviewer_section(session, actor))
    if has_role(actor, Role.UNIT_OFFICER):
        out.append(officer_section(session, actor))
    if has_role(actor, Role.ADMIN):
        out.append(admin_section(session, actor))
    citizen = citizen_section(session, actor)
    if citizen.ideas or has_role(actor, Role.SUBMITTER) or not out:
        out.append(citizen)
    return out


def unread(session: Session, actor: Any) -> int:
    return notify.unread_count(session, actor) if is_signed_in(actor) else 0


# --- citizen: my ideas ---------------------------------------------------------------------


def citizen_section(session: Session, actor: Any) -> Section:
    section = Section("citizen", _("Ý tưởng của tôi"))
    mine = list_ideas(session, actor, mine=True)
    counts = Counter(
        dict(
            session.execute(
                sa.select(Idea.status, sa.func.count())
                .where(Idea.id.in_(mine.with_only_columns(Idea.id).order_by(None)))
                .group_by(Idea.status)
            ).all()
        )
    )
    if counts[S.NEEDS_REVISION]:
        section.tasks.append(
            Task(
                ngettext(
                    "%(num)d hồ sơ được trả lại, cần bổ sung",
                    "%(num)d hồ sơ được trả lại, cần bổ sung",
                    counts[S.NEEDS_REVISION],
                ),
                counts[S.NEEDS_REVISION],
                "ideas.mine",
                {"status": S.NEEDS_REVISION},
                _("Bổ sung hồ sơ"),
                urgent=True,
            )
        )
    if counts[S.DRAFT]:
        section.tasks.append(
            Task(
                ngettext("%(num)d bản nháp chưa nộp", "%(num)d bản nháp chưa nộp", counts[S.DRAFT]),
                counts[S.DRAFT],
                "ideas.mine",
                {"status": S.DRAFT},
                _("Hoàn thiện và nộp"),
            )
        )
    waiting = counts[S.SUBMITTED] + counts[S.ELIGIBLE] + counts[S.IN_REVIEW]
    if waiting:
        section.tasks.append(
            Task(
                ngettext(
                    "%(num)d hồ sơ đang được sàng lọc hoặc chấm điểm",
                    "%(num)d hồ sơ đang được sàng lọc hoặc chấm điểm",
                    waiting,
                ),
                waiting,
                "ideas.mine",
                {},
                _("Theo dõi"),
            )
        )
    decided = counts[S.RECOGNIZED] + counts[S.NOT_RECOGNIZED]
    if decided:
        section.tasks.append(
            Task(
                ngettext(
                    "%(num)d ý tưởng đã có kết quả xét chọn",
                    "%(num)d ý tưởng đã có kết quả xét chọn",
                    decided,
                ),
                decided,
                "ideas.mine",
                {"status": S.RECOGNIZED} if counts[S.RECOGNIZED] else {},
                _("Xem kết quả"),
            )
        )
    section.tasks.append(Task(_("Đăng ký ý tưởng mới"), 0, "ideas.new", {}, _("Đăng ký")))
    for idea in session.scalars(mine.limit(MY_IDEAS_SHOWN)):
        section.ideas.append(
            {
                "id": idea.id,
                "title": idea.title,
                "code": idea.code,
                "status": idea.status,
                "steps": steps(idea.status),
                "decided": is_decided(idea.status),
            }
        )
    return section


# --- unit officer: screening ---------------------------------------------------------------


def officer_section(session: Session, actor: Any) -> Section:
    section = Section("officer", _("Sàng lọc hồ sơ của đơn vị"))

    def n(status: str) -> int:
        return _count(session, list_ideas(session, actor, status=status, unit_scope=True))

    waiting = n(S.SUBMITTED)
    section.tasks.append(
        Task(
            ngettext("%(num)d hồ sơ chờ sàng lọc", "%(num)d hồ sơ chờ sàng lọc", waiting),
            waiting,
            "ideas.unit_list",
            {"status": S.SUBMITTED},
            _("Sàng lọc"),
            urgent=bool(waiting),
        )
    )
    returned = n(S.NEEDS_REVISION)
    if returned:
        section.tasks.append(
            Task(
                ngettext(
                    "%(num)d hồ sơ đã trả lại, chờ người nộp bổ sung",
                    "%(num)d hồ sơ đã trả lại, chờ người nộp bổ sung",
                    returned,
                ),
                returned,
                "ideas.unit_list",
                {"status": S.NEEDS_REVISION},
                _("Xem"),
            )
        )
    eligible = n(S.ELIGIBLE)
    if eligible:
        section.tasks.append(
            Task(
                ngettext(
                    "%(num)d hồ sơ đủ điều kiện, chờ hội đồng xét chọn",
                    "%(num)d hồ sơ đủ điều kiện, chờ hội đồng xét chọn",
                    eligible,
                ),
                eligible,
                "ideas.unit_list",
                {"status": S.ELIGIBLE},
                _("Xem"),
            )
        )
    section.tasks.append(
        Task(_("Đăng ký thay người chưa có tài khoản"), 0, "ideas.new", {}, _("Đăng ký"))
    )
    return section


# --- reviewer: score sheets ----------------------------------------------------------------


def reviewer_section(session: Session, actor: Any) -> Section:
    section = Section("reviewer", _("Phiếu chấm của tôi"))
    by_round: dict[int, list[Assignment]] = {}
    for a in sheets.my_assignments(session, actor):
        by_round.setdefault(a.round_id, []).append(a)
    for rows in by_round.values():
        rnd = rows[0].round
        done = sum(1 for a in rows if a.status == A.SUBMITTED)
        live = [a for a in rows if a.status in (A.PENDING_CONFIRMATION, A.ACTIVE)]
        total = sum(1 for a in rows if a.status != A.MISSED) or len(rows)
        entry = {
            "id": rnd.id,
            "name": rnd.name,
            "status": rnd.status,
            "done": done,
            "total": total,
            "deadline": rnd.deadline,
            "overdue": bool(rnd.deadline and rnd.deadline < date.today() and live),
        }
        if rnd.status != R.FINALIZED:  # what is over is on the rounds' own pages
            section.rounds.append(entry)
        if rnd.status == R.REVIEWING and live:
            nxt = live[0]
            section.tasks.append(
                Task(
                    _("%(done)d/%(total)d phiếu đã nộp", done=done, total=total),
                    len(live),
                    "reviews.sheet",
                    {"assignment_id": nxt.id},
                    _("Chấm phiếu tiếp theo"),
                    detail=rnd.name
                    + (
                        " · " + _("Hạn chấm: %(d)s", d=rnd.deadline.strftime("%d/%m/%Y"))
                        if rnd.deadline
                        else ""
                    ),
                    urgent=True,
                )
            )
    if not section.tasks:
        section.tasks.append(
            Task(_("Không có phiếu nào đang chờ chấm"), 0, "reviews.my_assignments", {}, _("Xem"))
        )
    return section


# --- secretary and chair: rounds -----------------------------------------------------------


def secretary_section(session: Session, actor: Any) -> Section:
    section = Section("secretary", _("Các đợt xét chọn"))
    rounds = list(session.scalars(sa.select(Round).order_by(Round.year.desc(), Round.id.desc())))
    for rnd in rounds:
        entry: dict[str, Any] = {"id": rnd.id, "name": rnd.name, "status": rnd.status}
        n_ideas = _count(session, sa.select(RoundIdea.idea_id).where(RoundIdea.round_id == rnd.id))
        entry["ideas"] = n_ideas
        if rnd.status == R.DRAFT:
            entry["endpoint"] = "reviews.round"
            entry["action"] = _("Cấu hình, phân công và mở chấm")
        elif rnd.status == R.REVIEWING:
            counts = Counter(
                dict(
                    session.execute(
                        sa.select(Assignment.status, sa.func.count())
                        .where(Assignment.round_id == rnd.id)
                        .group_by(Assignment.status)
                    ).all()
                )
            )
            entry["done"] = counts[A.SUBMITTED]
            entry["total"] = sum(v for k, v in counts.items() if k != A.RECUSED)
            entry["deadline"] = rnd.deadline
            entry["endpoint"] = "reviews.progress"
            entry["action"] = _("Theo dõi tiến độ chấm")
        elif rnd.status == R.DELIBERATION:
            data = ranking(session, actor, rnd.id)
            items = data["items"]
            entry["disagreements"] = sum(1 for i in items if i["flagged"] and not i["resolved_by"])
            entry["pending"] = sum(1 for i in items if i["decision"] is None)
            entry["endpoint"] = "reviews.ranking"
            entry["action"] = _("Xử lý chênh lệch và quyết định")
        else:
            entry["endpoint"] = "reviews.ranking"
            entry["action"] = _("Xem kết quả")
        section.rounds.append(entry)
    by_status = Counter(r.status for r in rounds)
    for entry in section.rounds:
        if entry["status"] == R.DELIBERATION and entry["disagreements"]:
            section.tasks.append(
                Task(
                    ngettext(
                        "%(num)d ý tưởng chênh lệch điểm lớn chưa xử lý",
                        "%(num)d ý tưởng chênh lệch điểm lớn chưa xử lý",
                        entry["disagreements"],
                    ),
                    entry["disagreements"],
                    "reviews.ranking",
                    {"round_id": entry["id"]},
                    _("Xử lý chênh lệch"),
                    detail=entry["name"],
                    urgent=True,
                )
            )
        if entry["status"] == R.DELIBERATION:
            section.tasks.append(
                Task(
                    ngettext(
                        "%(num)d ý tưởng chờ quyết định, rồi công bố kết quả",
                        "%(num)d ý tưởng chờ quyết định, rồi công bố kết quả",
                        entry["pending"],
                    ),
                    entry["pending"],
                    "reviews.ranking",
                    {"round_id": entry["id"]},
                    _("Quyết định và công bố"),
                    detail=entry["name"],
                )
            )
        if entry["status"] == R.REVIEWING:
            section.tasks.append(
                Task(
                    _("%(done)d/%(total)d phiếu đã nộp", done=entry["done"], total=entry["total"]),
                    entry["total"] - entry["done"],
                    "reviews.progress",
                    {"round_id": entry["id"]},
                    _("Theo dõi tiến độ"),
                    detail=entry["name"],
                )
            )
        if entry["status"] == R.DRAFT:
            section.tasks.append(
                Task(
                    _("Đợt đang chuẩn bị: %(n)d ý tưởng", n=entry["ideas"]),
                    entry["ideas"],
                    "reviews.round",
                    {"round_id": entry["id"]},
                    _("Cấu hình và mở chấm"),
                    detail=entry["name"],
                )
            )
    in_rounds = sa.select(RoundIdea.idea_id)
    unplaced = _count(
        session,
        sa.select(Idea.id).where(Idea.status == S.ELIGIBLE, Idea.id.not_in(in_rounds)),
    )
    if unplaced:
        section.tasks.append(
            Task(
                ngettext(
                    "%(num)d ý tưởng đủ điều kiện chưa vào đợt xét chọn nào",
                    "%(num)d ý tưởng đủ điều kiện chưa vào đợt xét chọn nào",
                    unplaced,
                ),
                unplaced,
                "reviews.rounds",
                {},
                _("Đưa vào đợt"),
            )
        )
    section.phases = [(status, by_status[status]) for status in R]
    return section


# --- administrator -------------------------------------------------------------------------


def admin_section(session: Session, actor: Any) -> Section:
    from ideadb.core.jobs import Job

    section = Section("admin", _("Quản trị hệ thống"))
    users = session.scalar(sa.select(sa.func.count()).select_from(User)) or 0
    inactive = (
        session.scalar(sa.select(sa.func.count()).select_from(User).where(User.active.is_(False)))
        or 0
    )
    section.tasks.append(
        Task(
            ngettext("%(num)d tài khoản", "%(num)d tài khoản", users)
            + (" · " + _("%(n)d đã khóa", n=inactive) if inactive else ""),
            users,
            "accounts.users",
            {},
            _("Quản lý người dùng"),
        )
    )
    failed = (
        session.scalar(sa.select(sa.func.count()).select_from(Job).where(Job.status == "failed"))
        or 0
    )
    section.tasks.append(
        Task(
            ngettext("%(num)d công việc nền bị lỗi", "%(num)d công việc nền bị lỗi", failed),
            failed,
            "jobs.index",
            {},
            _("Xem công việc nền"),
            urgent=bool(failed),
        )
    )
    if can(actor, "audit.view"):
        section.tasks.append(Task(_("Nhật ký thay đổi"), 0, "audit.index", {}, _("Xem nhật ký")))
    section.tasks.append(Task(_("Đơn vị và địa bàn"), 0, "units.index", {}, _("Quản lý đơn vị")))
    return section


# --- business visitor: recognised initiatives ----------------------------------------------


def visitor_section(session: Session) -> Section:
    section = Section("visitor", _("Sáng kiến đã được công nhận"))
    public = list_ideas(session, None, status=S.RECOGNIZED)
    total = _count(session, public)
    section.tasks.append(
        Task(
            ngettext(
                "%(num)d sáng kiến đã được công nhận, sẵn sàng để áp dụng",
                "%(num)d sáng kiến đã được công nhận, sẵn sàng để áp dụng",
                total,
            ),
            total,
            "search.catalogue",
            {"status": S.RECOGNIZED},
            _("Tìm sáng kiến để áp dụng"),
        )
    )
    for idea in session.scalars(
        public.order_by(None).order_by(Idea.recognized_at.desc(), Idea.id.desc()).limit(5)
    ):
        section.ideas.append({"id": idea.id, "title": idea.title, "code": idea.code})
    return section
