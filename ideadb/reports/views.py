"""Report pages: the reports index, the yearly summary with its downloads, public statistics
and the open-data page."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ideadb.core.errors import ValidationFailed
from ideadb.core.fmt import fmt_number
from ideadb.core.forms import apply_errors
from ideadb.extensions import db
from ideadb.ideas.labels import ADOPTION_STATUS_LABELS
from ideadb.reports import charts, export_jobs, offers, service
from ideadb.reports.adoption import adoption_table, adoption_years
from ideadb.reports.documents import GROUP_LABELS, METRIC_LABELS, METRICS, DocumentSettings
from ideadb.reports.forms import SummaryForm

bp = Blueprint("reports", __name__)


def send(export: service.ExportFile):
    return send_file(
        export.content,
        mimetype=export.mimetype,
        as_attachment=True,
        download_name=export.filename,
        max_age=0,
    )


@bp.get("/bao-cao/")
@login_required
def index():
    page = offers.reports_index(db.session(), current_user)
    return render_template("reports/index.html", page=page)


def _summary_form() -> SummaryForm:
    form = SummaryForm(request.form if request.method == "POST" else request.args)
    form.validate()
    return form


def _document(form: SummaryForm) -> DocumentSettings:
    recipients = tuple(
        line.strip() for line in (form.recipients.data or "").splitlines() if line.strip()
    )
    return DocumentSettings(
        governing_body=form.governing_body.data or "",
        issuing_body=form.issuing_body.data or "",
        number=form.number.data or "",
        place=form.place.data or "",
        date=form.date.data or service.today(),
        signer_authority=form.signer_authority.data or "",
        signer_title=form.signer_title.data or "",
        signer_name=form.signer_name.data or "",
        recipients=recipients,
    )


@bp.get("/bao-cao/tong-hop")
@login_required
def summary():
    form = _summary_form()
    year = form.year.data if not form.year.errors and form.year.data else service.today().year
    group_by = form.group_by.data if not form.group_by.errors else "district"
    report = None
    try:
        report = service.summary(db.session(), current_user, year, group_by, page=True)
    except ValidationFailed as exc:
        apply_errors(form, exc)
    form.year.data = year
    args = {k: v for k, v in request.args.items() if k != "format"}
    args.update(year=year, group_by=group_by)
    return render_template(
        "reports/summary.html",
        form=form,
        report=report,
        metrics=METRICS,
        metric_labels={m: _(label) for m, label in METRIC_LABELS.items()},
        group_label=_(GROUP_LABELS[group_by]) if group_by in GROUP_LABELS else "",
        args=args,
    )


def _summary_choice(form: SummaryForm) -> tuple[int, str, str, DocumentSettings]:
    """Year, grouping, format and document texts of a summary file, from the form sent."""
    values = request.form if request.method == "POST" else request.args
    year = form.year.data or service.today().year
    return (
        year,
        values.get("group_by", "district"),
        values.get("format", "xlsx"),
        _document(form),
    )


@bp.get("/bao-cao/tong-hop/tai-ve")
@login_required
def summary_download():
    form = _summary_form()
    export = service.summary_file(db.session(), current_user, *_summary_choice(form))
    return send(export)


@bp.post("/bao-cao/tong-hop/xuat")
@login_required
def summary_export_job():
    """Record the yearly summary file as a background job and open its progress page."""
    form = _summary_form()
    job_id = export_jobs.request_summary_export(db.session(), current_user, *_summary_choice(form))
    return redirect(url_for("jobs.detail", job_id=job_id))


@bp.get("/thong-ke")
def statistics():
    year = request.args.get("year", type=int)
    stats = service.statistics(db.session(), year)
    year_label = str(year) if year else _("mọi năm")
    figures = {
        "area": charts.hbar_chart(
            "chart-area",
            _("Ý tưởng, sáng kiến theo lĩnh vực (%(year)s)", year=year_label),
            stats.by_area,
        ),
        "district": charts.hbar_chart(
            "chart-district",
            _("Ý tưởng, sáng kiến theo huyện (%(year)s)", year=year_label),
            stats.by_district,
            css="bar-secondary",
        ),
        "year": charts.vbar_chart(
            "chart-year",
            _("Ý tưởng đã nộp và được công nhận theo năm"),
            [str(y) for y, _n, _r in stats.by_year],
            [
                (_("Đã nộp"), [n for _y, n, _r in stats.by_year], "bar-primary"),
                (_("Được công nhận"), [r for _y, _n, r in stats.by_year], "bar-success"),
            ],
        ),
        "rate": charts.hbar_chart(
            "chart-rate",
            _("Tỷ lệ được công nhận trên số đã xét theo năm"),
            [
                (f"{y} (n = {fmt_number(d)})", rate)
                for y, d, _r, rate in stats.recognition_rate
                if rate is not None
            ],
            unit="%",
            digits=1,
            max_value=100,
            css="bar-success",
        ),
        "top": charts.hbar_chart(
            "chart-top",
            _("Đơn vị có nhiều sáng kiến được công nhận nhất (%(year)s)", year=year_label),
            [(name, rec) for name, rec, _n in stats.top_units],
            css="bar-warning",
        ),
    }
    adoption = adoption_table(db.session(), year, page=True)
    stats.years = sorted(set(stats.years) | set(adoption_years(db.session())))
    return render_template(
        "reports/statistics.html",
        stats=stats,
        figures=figures,
        year_label=year_label,
        adoption=adoption,
        adoption_labels=ADOPTION_STATUS_LABELS,
    )


@bp.get("/du-lieu-mo")
def open_data():
    return render_template(
        "reports/open_data.html",
        fields=[(name, _(text)) for name, text in service.OPEN_DATA_FIELDS],
        license=service.OPEN_DATA_LICENSE,
        count=service.open_data_count(db.session()),
    )


@bp.get("/du-lieu-mo/sang-kien.<fmt>")
def open_data_file(fmt: str):
    return send(service.open_data_file(db.session(), fmt, request.url_root.rstrip("/")))


@bp.post("/bao-cao/dot/<int:round_id>/xuat")
@login_required
def round_export_job(round_id: int):
    """Record a round's export as a background job and open its progress page."""
    job_id = export_jobs.request_round_export(
        db.session(), current_user, round_id, request.form.get("format", "xlsx")
    )
    return redirect(url_for("jobs.detail", job_id=job_id))


@bp.get("/bao-cao/dot/<int:round_id>/tai-ve")
@login_required
def round_export(round_id: int):
    """A round's ranked list (xlsx, csv, docx) or its score sheets (zip), as a download."""
    return send(
        service.round_file(db.session(), current_user, round_id, request.args.get("format", "xlsx"))
    )
