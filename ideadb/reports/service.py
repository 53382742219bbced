"""Reports: the yearly summary, public statistics, open data and the export of a round's ranking.

Counts come from the ideas' current state; ideas keep the unit (and district) they had when
they were registered, so a unit that later merged is reported under its old name, with a note
naming its successor.
"""

from __future__ import annotations

import io
import json
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import IO, Any

import sqlalchemy as sa
from flask import has_request_context
from flask_babel import gettext
from sqlalchemy.orm import Session

from ideadb.core.errors import ValidationFailed
from ideadb.core.fmt import LOCAL_TZ, fmt_date
from ideadb.core.permissions import Role, can, has_role, is_staff, require, roles_rule
from ideadb.core.text import N_
from ideadb.criteria import guidelines
from ideadb.ideas.models import Idea, IdeaStatus
from ideadb.ideas.service import published_clause
from ideadb.reports.adoption import adoption_table
from ideadb.reports.documents import (
    METRICS,
    OPEN_DATA_FIELDS,
    TOTAL_LABEL,
    AuthorShare,
    Band,
    CriterionInfo,
    DocumentSettings,
    LevelInfo,
    Progress,
    RankedList,
    RankedRow,
    ReviewSheet,
    RoundInfo,
    Summary,
    SummaryRow,
    export_filename,
    nfc,
)
from ideadb.units.labels import area_label
from ideadb.units.models import Area, Unit
from ideadb.units.service import jurisdiction_ids

S = IdeaStatus

roles_rule("report.summary", Role.SECRETARY, Role.ADMIN, Role.UNIT_OFFICER, Role.AUDITOR)

# --- the yearly summary ----------------------------------------------------------------------

GROUP_BY = ("district", "unit", "member_org", "area")
# What each count means, from the idea's current status (README and the page say the same).
ELIGIBLE = (S.ELIGIBLE, S.IN_REVIEW, S.RECOGNIZED, S.NOT_RECOGNIZED)
REVIEWED = (S.IN_REVIEW, S.RECOGNIZED, S.NOT_RECOGNIZED)
NO_GROUP = {
    "district": N_("Không thuộc huyện nào (cấp tỉnh)"),
    "unit": N_("Chưa ghi đơn vị"),
    "member_org": N_("Không thuộc tổ chức thành viên"),
    "area": N_("Chưa ghi lĩnh vực"),
}


def shown(message: str, page: bool = True) -> str:
    """A message of this module in the reader's language on a page; as written (Vietnamese)
    in files and outside a request."""
    return gettext(message) if page and has_request_context() else message


def vn_sort_key(text: str) -> tuple:
    """Vietnamese alphabetical order: base letters first (đ after d), tone marks second."""
    base, marks = [], []
    for ch in unicodedata.normalize("NFD", nfc(text).casefold()):
        if unicodedata.combining(ch):
            marks.append(ch)
        elif ch == "đ":
            base.append("d~")
        else:
            base.append(ch)
    return ("".join(base), "".join(marks))


def _zero() -> dict[str, int]:
    return dict.fromkeys(METRICS, 0)


def _scope_ids(session: Session, actor: Any) -> set[int] | None:
    """Units whose ideas the actor reports on: None = all (secretary, admin)."""
    if is_staff(actor) or has_role(actor, Role.SECRETARY):
        return None
    if actor.unit_id is None:
        return set()
    return jurisdiction_ids(session, actor.unit_id)


def _counts_by_key(session: Session, years: Iterable[int], scope: set[int] | None):
    """{(year, unit_id, district_id, area): counts} in one grouped query."""

    def total_of(condition):
        return sa.func.sum(sa.case((condition, 1), else_=0))

    stmt = (
        sa.select(
            Idea.year,
            Idea.unit_id,
            Idea.district_id,
            Idea.area,
            sa.func.count(Idea.id),
            total_of(Idea.submitted_at.is_not(None)),
            total_of(Idea.status.in_([s.value for s in ELIGIBLE])),
            total_of(Idea.status.in_([s.value for s in REVIEWED])),
            total_of(Idea.status == S.RECOGNIZED.value),
        )
        .where(Idea.year.in_(list(years)))
        .group_by(Idea.year, Idea.unit_id, Idea.district_id, Idea.area)
    )
    if scope is not None:
        ids = sorted(scope) or [-1]
        stmt = stmt.where(sa.or_(Idea.unit_id.in_(ids), Idea.district_id.in_(ids)))
    out = {}
    for year, unit_id, district_id, area, *counts in session.execute(stmt):
        out[(year, unit_id, district_id, area)] = dict(
            zip(METRICS, (int(c or 0) for c in counts), strict=True)
        )
    # Recognitions made by a round count in the (local) year they were decided, as the
    # register dates them; those recorded outside a round (history, imports) have no register
    # date and stay with their registration year.
    from ideadb.reviews.models import RegisterEntry

    decided = (
        sa.select(RegisterEntry.decided_at, Idea.year, Idea.unit_id, Idea.district_id, Idea.area)
        .join(Idea, Idea.id == RegisterEntry.idea_id)
        .where(
            Idea.status == S.RECOGNIZED.value,
            RegisterEntry.round_id == Idea.recognized_round_id,
            RegisterEntry.superseded_at.is_(None),
            RegisterEntry.status == "recognized",
        )
    )
    if scope is not None:
        ids = sorted(scope) or [-1]
        decided = decided.where(sa.or_(Idea.unit_id.in_(ids), Idea.district_id.in_(ids)))
    wanted = set(years)
    for at, registered, unit_id, district_id, area in session.execute(decided):
        moved_from = (registered, unit_id, district_id, area)
        if moved_from in out:
            out[moved_from]["recognized"] -= 1
        year = at.astimezone(LOCAL_TZ).year
        if year in wanted:
            out.setdefault((year, unit_id, district_id, area), _zero())["recognized"] += 1
    return out


def _successor_note(unit: Unit | None, page: bool = False) -> str:
    if unit is None or unit.valid_to is None:
        return ""
    since = fmt_date(unit.valid_to + timedelta(days=1))
    if unit.successor is not None:
        return shown(N_("Từ %(since)s đã sáp nhập vào %(name)s"), page) % {
            "since": since,
            "name": unit.successor.name,
        }
    return shown(N_("Không còn hoạt động từ %(since)s"), page) % {"since": since}


class _UnitIndex:
    """All units in memory (a few thousand at most): ancestry without a query per idea."""

    def __init__(self, session: Session):
        self.units = {u.id: u for u in session.scalars(sa.select(Unit))}

    def ancestor_of_kind(self, unit_id: int | None, kind: str) -> Unit | None:
        seen = set()
        node = self.units.get(unit_id) if unit_id is not None else None
        while node is not None and node.id not in seen:
            if node.kind == kind:
                return node
            seen.add(node.id)
            node = self.units.get(node.parent_id) if node.parent_id else None
        return None


def summary(
    session: Session, actor: Any, year: int, group_by: str = "district", *, page: bool = False
) -> Summary:
    """Registered, submitted, eligible, reviewed and recognised ideas of ``year`` per group,
    with the previous year's counts and a total row. For a ``page`` the names the application
    writes (areas, "no unit", the total, notes) are in the reader's language; files keep them
    in Vietnamese."""
    require(actor, "report.summary")
    errors = {}
    if group_by not in GROUP_BY:
        errors["group_by"] = ["Một trong: " + ", ".join(GROUP_BY) + "."]
    if not isinstance(year, int) or not 1900 <= year <= 2200:
        errors["year"] = ["Năm không hợp lệ."]
    if errors:
        raise ValidationFailed(N_("Tham số báo cáo không hợp lệ."), errors)
    scope = _scope_ids(session, actor)
    counts = _counts_by_key(session, (year, year - 1), scope)
    units = _UnitIndex(session)
    area_names = {
        a.code: area_label(a.code, a.name) if page else a.name
        for a in session.scalars(sa.select(Area))
    }

    def group_of(unit_id, district_id, area) -> tuple[Any, str, str]:
        if group_by == "area":
            return (area, area_names.get(area, area) if area else shown(NO_GROUP["area"], page), "")
        if group_by == "unit":
            unit = units.units.get(unit_id) if unit_id is not None else None
        elif group_by == "district":
            unit = units.units.get(district_id) if district_id is not None else None
            unit = unit or units.ancestor_of_kind(unit_id, "district")
        else:
            unit = units.ancestor_of_kind(unit_id, "member_org")
        if unit is None:
            return (None, shown(NO_GROUP[group_by], page), "")
        return (unit.id, unit.name, _successor_note(unit, page))

    current: dict[Any, dict[str, int]] = defaultdict(_zero)
    previous: dict[Any, dict[str, int]] = defaultdict(_zero)
    labels: dict[Any, tuple[str, str]] = {}
    for (y, unit_id, district_id, area), c in counts.items():
        key, name, note = group_of(unit_id, district_id, area)
        labels[key] = (name, note)
        target = current if y == year else previous
        for m in METRICS:
            target[key][m] += c[m]
    rows = [
        SummaryRow(labels[k][0], k, current[k], previous[k], labels[k][1])
        for k in labels
        if any(current[k].values()) or any(previous[k].values())
    ]
    rows.sort(key=lambda r: (r.group_id is None, vn_sort_key(r.group)))
    total = SummaryRow(
        shown(TOTAL_LABEL, page),
        None,
        {m: sum(r.counts[m] for r in rows) for m in METRICS},
        {m: sum(r.previous[m] for r in rows) for m in METRICS},
    )
    scope_name = ""
    if scope is not None and actor.unit_id is not None:
        unit = units.units.get(actor.unit_id)
        scope_name = unit.name if unit else ""
    return Summary(year, group_by, rows, total, scope_name)


def today() -> date:
    return datetime.now(LOCAL_TZ).date()


# --- public statistics ------------------------------------------------------------------------


@dataclass
class Statistics:
    year: int | None
    years: list[int]
    by_area: list[tuple[str, int]]
    by_district: list[tuple[str, int]]
    by_year: list[tuple[int, int, int]]  # year, submitted, recognised
    recognition_rate: list[tuple[int, int, int, float | None]]  # year, decided, recognised, %
    top_units: list[tuple[str, int, int]]  # unit, recognised, submitted
    total_submitted: int = 0
    total_recognized: int = 0
    notes: list[str] = field(default_factory=list)


def statistics(session: Session, year: int | None = None, *, top: int = 10) -> Statistics:
    """Counts anyone may see: submitted ideas by area, district and year, recognition rate
    and the units with most recognised ideas. Drafts are not counted."""
    submitted = Idea.submitted_at.is_not(None)
    recognised = sa.func.sum(sa.case((Idea.status == S.RECOGNIZED.value, 1), else_=0))
    decided = sa.func.sum(
        sa.case((Idea.status.in_([S.RECOGNIZED.value, S.NOT_RECOGNIZED.value]), 1), else_=0)
    )
    years: list[int] = [
        y
        for y in session.scalars(
            sa.select(Idea.year).where(submitted, Idea.year.is_not(None)).distinct()
        )
        if y is not None
    ]
    years.sort()
    where = [submitted] + ([Idea.year == year] if year is not None else [])

    area_names = {
        a.code: (a.position, area_label(a.code, a.name)) for a in session.scalars(sa.select(Area))
    }
    by_area_raw = {
        code: n
        for code, n in session.execute(
            sa.select(Idea.area, sa.func.count()).where(*where).group_by(Idea.area)
        )
    }
    by_area = [
        (name, int(by_area_raw.get(code, 0)))
        for code, (_, name) in sorted(area_names.items(), key=lambda kv: kv[1][0])
    ]
    if by_area_raw.get(None):
        by_area.append((shown(NO_GROUP["area"]), int(by_area_raw[None])))

    units = _UnitIndex(session)
    per_district: dict[int | None, int] = defaultdict(int)
    per_unit: dict[int | None, list[int]] = defaultdict(lambda: [0, 0])
    for unit_id, district_id, n, rec in session.execute(
        sa.select(Idea.unit_id, Idea.district_id, sa.func.count(), recognised)
        .where(*where)
        .group_by(Idea.unit_id, Idea.district_id)
    ):
        district = units.units.get(district_id) if district_id else None
        district = district or units.ancestor_of_kind(unit_id, "district")
        per_district[district.id if district else None] += int(n)
        per_unit[unit_id][0] += int(rec or 0)
        per_unit[unit_id][1] += int(n)
    by_district = sorted(
        ((units.units[d].name, n) for d, n in per_district.items() if d is not None),
        key=lambda item: vn_sort_key(item[0]),
    )
    if per_district.get(None):
        by_district.append((NO_GROUP["district"], per_district[None]))
    top_units = sorted(
        (
            (units.units[u].name, rec, n)
            for u, (rec, n) in per_unit.items()
            if u is not None and rec > 0
        ),
        key=lambda item: (-item[1], -item[2], vn_sort_key(item[0])),
    )[:top]

    per_year = {
        int(y): (int(n), int(rec or 0), int(dec or 0))
        for y, n, rec, dec in session.execute(
            sa.select(Idea.year, sa.func.count(), recognised, decided)
            .where(submitted, Idea.year.is_not(None))
            .group_by(Idea.year)
        )
    }
    # Every year from the first to the last, a year without ideas shown as 0 (never skipped).
    span = range(min(per_year), max(per_year) + 1) if per_year else range(0)
    years = list(span) if len(span) <= 200 else years
    by_year, rates = [], []
    for y in years:
        n, rec, dec = per_year.get(y, (0, 0, 0))
        by_year.append((y, n, rec))
        rates.append((y, dec, rec, round(100 * rec / dec, 1) if dec else None))
    total_submitted = sum(n for _, n in by_area)
    total_recognized = sum(r for y, _, r in by_year if year is None or y == year)
    return Statistics(
        year,
        years,
        by_area,
        by_district,
        by_year,
        rates,
        top_units,
        total_submitted,
        total_recognized,
    )


# --- open data ----------------------------------------------------------------------------------

OPEN_DATA_LICENSE = "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/deed.vi)"


def open_data(session: Session, base_url: str = "") -> list[dict[str, Any]]:
    """Published, recognised ideas without any confidential field (no sign-in needed)."""
    area_names = {a.code: a.name for a in session.scalars(sa.select(Area))}
    units = _UnitIndex(session)
    ideas = session.scalars(
        sa.select(Idea)
        .where(published_clause(), Idea.status == S.RECOGNIZED.value)
        .order_by(Idea.year, Idea.code, Idea.id)
    ).all()
    rows = []
    for idea in ideas:
        district = units.units.get(idea.district_id) if idea.district_id else None
        district = district or units.ancestor_of_kind(idea.unit_id, "district")
        unit = units.units.get(idea.unit_id) if idea.unit_id else None
        rows.append(
            {
                "id": idea.id,
                "code": idea.code,
                "title": idea.title,
                "summary": idea.summary or "",
                "description": idea.description or "",
                "novelty": idea.novelty or "",
                "benefits": idea.benefits or "",
                "field_of_application": idea.field_of_application or "",
                "application_conditions": idea.application_conditions or "",
                "area": idea.area,
                "area_name": area_names.get(idea.area, "") if idea.area else "",
                "year": idea.year,
                "district": district.name if district else "",
                "unit": unit.name if unit else "",
                "authors": [{"name": a.name, "share": a.share} for a in idea.authors],
                "applied_from": idea.applied_from.isoformat() if idea.applied_from else None,
                "recognized_scope": idea.recognized_scope,
                "recognized_level": idea.recognized_level,
                "recognized_at": idea.recognized_at.astimezone(LOCAL_TZ).date().isoformat()
                if idea.recognized_at
                else None,
                "url": f"{base_url}/y-tuong/{idea.id}",
            }
        )
    return rows


def open_data_count(session: Session) -> int:
    return session.scalar(  # type: ignore[return-value]
        sa.select(sa.func.count())
        .select_from(Idea)
        .where(published_clause(), Idea.status == S.RECOGNIZED.value)
    )


# --- a round's ranked list -----------------------------------------------------------------------

ROUND_FORMATS = ("xlsx", "csv", "docx", "sheets")
DEFAULT_TITLE = "DANH SÁCH ĐỀ NGHỊ CÔNG NHẬN SÁNG KIẾN, Ý TƯỞNG"


def document_settings(rnd: Any) -> DocumentSettings:
    doc = rnd.document or {}
    day = rnd.finalized_at.astimezone(LOCAL_TZ).date() if rnd.finalized_at else today()
    recipients = tuple(
        line.strip() for line in str(doc.get("recipients", "")).splitlines() if line.strip()
    )
    return DocumentSettings(
        governing_body=doc.get("governing_body", ""),
        issuing_body=doc.get("issuing_body", ""),
        number=doc.get("number", ""),
        place=doc.get("place", ""),
        date=day,
        signer_authority=doc.get("authority", ""),
        signer_title=doc.get("signer_title", ""),
        signer_name=doc.get("signer_name", ""),
        recipients=recipients,
    )


def _points(value: Any) -> float | None:
    if value in (None, ""):
        return None
    return float(Decimal(str(value)))


def ranked_list(session: Session, actor: Any, round_id: int) -> RankedList:
    """Everything the files of a round's ranking show, in rank order (secretary and chair,
    once the round is in deliberation or finalized: the ranking's own permission)."""
    from ideadb.accounts.models import User
    from ideadb.reviews import labels as review_labels
    from ideadb.reviews import results as review_results
    from ideadb.reviews import sheets as review_sheets
    from ideadb.reviews.models import Assignment, Review
    from ideadb.reviews.models import Round as RoundModel

    data = review_results.ranking(session, actor, round_id)
    rnd = session.get_one(RoundModel, round_id)  # the ranking above found it
    rubric = review_sheets.rubric_for(session, rnd)
    items = data["items"]
    ideas = {
        i.id: i
        for i in session.scalars(sa.select(Idea).where(Idea.id.in_([x["idea_id"] for x in items])))
    }
    units = _UnitIndex(session)
    area_names = {a.code: a.name for a in session.scalars(sa.select(Area))}

    def unit_name(unit_id: int | None) -> str:
        unit = units.units.get(unit_id) if unit_id else None
        return unit.name if unit else ""

    rows = []
    for item in items:
        idea = ideas[item["idea_id"]]
        district = units.units.get(idea.district_id) if idea.district_id else None
        district = district or units.ancestor_of_kind(idea.unit_id, "district")
        decision = item.get("decision")
        rows.append(
            RankedRow(
                rank=item["rank"],
                idea_id=idea.id,
                code=idea.code or "",
                title=idea.title,
                authors=tuple(AuthorShare(a.name, a.share, a.unit or "") for a in idea.authors),
                unit=unit_name(idea.unit_id),
                district=district.name if district else "",
                area=area_names.get(idea.area, idea.area or "") if idea.area else "",
                criteria=dict(item["criteria"]),
                final_score=item["final_score"],
                raw_score=item.get("raw_score"),
                council_score=item.get("council_score"),
                public_share=item.get("public_share"),
                votes=item.get("votes"),
                spread=item["spread"],
                n_reviews=item["n_reviews"],
                flagged=item["flagged"],
                proposed_level=item["proposed_level"],
                decision=decision["level"] if decision else None,
                decided=decision is not None,
            )
        )

    sheets = []
    for a, review, user in session.execute(
        sa.select(Assignment, Review, User)
        .outerjoin(Review, Review.assignment_id == Assignment.id)
        .join(User, User.id == Assignment.reviewer_id)
        .where(Assignment.round_id == rnd.id, Assignment.status != "recused")
        .order_by(Assignment.id)
    ):
        sheet_idea = ideas.get(a.idea_id)
        if sheet_idea is None:
            continue
        scores = dict(review.scores) if review else {}
        sheets.append(
            ReviewSheet(
                idea_id=sheet_idea.id,
                idea_code=sheet_idea.code or "",
                idea_title=sheet_idea.title,
                reviewer_id=user.id,
                reviewer_name=user.full_name,
                scores={code: _points(v) for code, v in scores.items()},
                comments=dict(review.comments or {}) if review else {},
                comment=review.comment or "" if review else "",
                total=review_sheets.review_total(rubric, scores) if scores else None,
                status=a.status,
                status_label=review_labels.in_documents(review_labels.ASSIGNMENT_LABELS, a.status),
                submitted_at=review.submitted_at if review else None,
            )
        )

    criteria_set = rnd.criteria_set
    document = document_settings(rnd)
    return RankedList(
        round=RoundInfo(
            id=rnd.id,
            name=rnd.name,
            year=rnd.year,
            level_label=review_labels.in_documents(review_labels.LEVEL_LABELS, rnd.level),
            aggregation_label=review_labels.in_documents(
                review_labels.AGGREGATION_LABELS, rnd.aggregation
            ),
            criteria_set_name=criteria_set.name if criteria_set else rubric.name,
            criteria_set_version=criteria_set.version if criteria_set else None,
            alignment_line=guidelines.document_line(session, criteria_set),
        ),
        document=document,
        criteria=[
            CriterionInfo(
                code=c.code,
                name=c.name,
                max_points=float(c.max_points),
                weight=float(c.weight),
                min_points=None if c.min_points is None else float(c.min_points),
                bands=tuple(Band(float(b.min), float(b.max), b.label) for b in c.bands),
                description=c.description or "",
            )
            for c in rubric.criteria
        ],
        levels=[LevelInfo(lv.code, lv.name, float(lv.min_score)) for lv in rubric.levels],
        rows=rows,
        sheets=sheets,
        # Only the secretary and the chair reach this point: they see who scored what.
        show_reviewer_names=can(actor, "round.ranking", rnd),
        normalised=rnd.aggregation == "zscore",
        public_vote_weight=rnd.public_vote_weight,
        title=DEFAULT_TITLE,
        subject=(rnd.document or {}).get("subject") or f"{rnd.name}",
        generated_at=datetime.now(LOCAL_TZ),
    )


def round_file(
    session: Session,
    actor: Any,
    round_id: int,
    fmt: str,
    progress: Progress | None = None,
) -> ExportFile:
    """A round's ranked list as xlsx, csv or docx, or ``sheets``: a zip of one score-sheet
    document per reviewer. ``progress(done, total)`` follows the rows written."""
    from ideadb.reports.writers import MIMETYPES, write_ranked_list
    from ideadb.reports.writers.word import write_score_sheet_archive

    _check_format(fmt, ROUND_FORMATS)
    ranked = ranked_list(session, actor, round_id)
    out = _spool()
    if fmt == "sheets":
        write_score_sheet_archive(ranked, out, progress)
        name, mimetype = f"phieu-cham-dot-{round_id}.zip", MIMETYPES["zip"]
    else:
        write_ranked_list(ranked, fmt, out, progress)
        name, mimetype = export_filename(ranked, fmt), MIMETYPES[fmt]
    out.seek(0)
    return ExportFile(name, mimetype, out)


# --- files ---------------------------------------------------------------------------------------

SUMMARY_FORMATS = ("json", "xlsx", "csv", "docx")
OPEN_DATA_FORMATS = ("json", "csv")


@dataclass
class ExportFile:
    """A prepared file: written completely before the response starts, so a failure is an
    error page rather than half a download. Other requests are served meanwhile by the
    server's other threads or workers."""

    filename: str
    mimetype: str
    content: IO[bytes]


def _spool() -> IO[bytes]:
    # In memory: the largest file (the xlsx of a 2,000-idea round) is under 1 MB.
    return io.BytesIO()


def check_round_format(fmt: str) -> None:
    _check_format(fmt, ROUND_FORMATS)


def check_summary_format(fmt: str) -> None:
    _check_format(fmt, ("xlsx", "csv", "docx"))


def _check_format(fmt: str, allowed: tuple[str, ...]) -> None:
    if fmt not in allowed:
        raise ValidationFailed(
            N_("Định dạng không được hỗ trợ."),
            {"format": ["Một trong: " + ", ".join(allowed) + "."]},
        )


def summary_file(
    session: Session,
    actor: Any,
    year: int,
    group_by: str,
    fmt: str,
    document: DocumentSettings | None = None,
) -> ExportFile:
    """The yearly summary as an xlsx, csv or docx file, with the year's adoption table."""
    from ideadb.reports.writers import MIMETYPES
    from ideadb.reports.writers.summary import write_summary

    _check_format(fmt, ("xlsx", "csv", "docx"))
    s = summary(session, actor, year, group_by)
    adoption = adoption_table(session, year, _scope_ids(session, actor))
    out = _spool()
    write_summary(s, fmt, out, document or DocumentSettings(date=today()), adoption)
    out.seek(0)
    return ExportFile(f"tong-hop-{year}-{group_by}.{fmt}", MIMETYPES[fmt], out)


def open_data_file(session: Session, fmt: str, base_url: str = "") -> ExportFile:
    """The open data set as JSON (with its licence and field descriptions) or CSV."""
    from ideadb.reports.writers import MIMETYPES
    from ideadb.reports.writers.summary import write_open_data_csv

    _check_format(fmt, OPEN_DATA_FORMATS)
    rows = open_data(session, base_url)
    out = _spool()
    if fmt == "csv":
        write_open_data_csv(rows, out)
    else:
        body = {
            "license": OPEN_DATA_LICENSE,
            "generated_at": datetime.now(LOCAL_TZ).isoformat(timespec="seconds"),
            "fields": {name: text for name, text in OPEN_DATA_FIELDS},
            "items": rows,
        }
        out.write(json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8"))
    out.seek(0)
    return ExportFile(f"sang-kien-duoc-cong-nhan.{fmt}", MIMETYPES[fmt], out)
