"""The yearly adoption report (nhân rộng): interests by status and by area, applied count and
total benefit in đồng, for the statistics page and the yearly summary files."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ideadb.core.text import N_
from ideadb.ideas.adoption import STATUS_LABELS, STATUSES, AdoptionReport, adoption_report
from ideadb.ideas.models import AdoptionInterest
from ideadb.reports.documents import INT, MONEY, TEXT, Column
from ideadb.units.labels import area_label
from ideadb.units.models import Area

NO_AREA = N_("Chưa ghi lĩnh vực")  # a page shows it through shown()
TOTAL = "Tổng cộng"


@dataclass
class AdoptionAreaRow:
    code: str | None
    name: str
    interests: int
    applied: int
    benefit_vnd: int


@dataclass
class AdoptionTable:
    """The report with area names resolved, in the areas' order, and a total row."""

    report: AdoptionReport
    by_status: list[tuple[str, str, int]]  # code, Vietnamese name, count
    rows: list[AdoptionAreaRow]
    total: AdoptionAreaRow


def adoption_table(
    session: Session, year: int | None, unit_ids: set[int] | None = None, *, page: bool = False
) -> AdoptionTable:
    report = adoption_report(session, year, unit_ids)
    areas = list(session.scalars(sa.select(Area).order_by(Area.position, Area.code)))
    rows = []
    for area in areas:
        got = report.by_area.get(area.code)
        if got:
            name = area_label(area.code, area.name) if page else area.name
            rows.append(AdoptionAreaRow(area.code, name, **got))
    known = {a.code for a in areas}
    for code, got in sorted(report.by_area.items(), key=lambda kv: kv[0] or ""):
        if code not in known:
            rows.append(AdoptionAreaRow(code, code or NO_AREA, **got))
    total = AdoptionAreaRow(
        None,
        TOTAL,
        sum(r.interests for r in rows),
        report.applied,
        report.benefit_vnd,
    )
    by_status = [(s, STATUS_LABELS[s], report.by_status.get(s, 0)) for s in STATUSES]
    return AdoptionTable(report, by_status, rows, total)


def adoption_years(session: Session) -> list[int]:
    """Years with an adoption applied (the report's years beside the ideas' own)."""
    days = session.scalars(
        sa.select(AdoptionInterest.applied_at).where(AdoptionInterest.applied_at.is_not(None))
    )
    return sorted({d.year for d in days if d is not None})


# --- the table in the yearly summary files --------------------------------------------------

ADOPTION_SHEET = "Áp dụng"


def adoption_columns() -> list[Column]:
    return [
        Column("area", "Lĩnh vực", TEXT, 50, wrap=True, docx_cm=7.0),
        Column("interests", "Số đăng ký áp dụng", INT, 12, docx_cm=3.0),
        Column("applied", "Đã áp dụng", INT, 12, docx_cm=2.5),
        Column("benefit_vnd", "Lợi ích (đồng)", MONEY, 18, docx_cm=3.5),
    ]


def adoption_values(row: AdoptionAreaRow) -> list:
    return [row.name, row.interests, row.applied, row.benefit_vnd]


def adoption_title(table: AdoptionTable) -> str:
    year = table.report.year
    suffix = f" năm {year}" if year else ""
    return "Kết quả áp dụng, nhân rộng sáng kiến" + suffix


def adoption_status_line(table: AdoptionTable) -> str:
    return "Theo trạng thái: " + "; ".join(f"{name}: {n}" for _c, name, n in table.by_status)
