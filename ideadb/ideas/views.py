"""Idea pages: registration form, my/unit lists, detail with screening, public page, notices."""

from __future__ import annotations

import re
from datetime import datetime

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from ideadb.accounts import notify
from ideadb.core.confirm import confirmation_page, is_confirmed
from ideadb.core.errors import BadRequest, DomainError, ValidationFailed
from ideadb.core.fmt import LOCAL_TZ
from ideadb.core.forms import apply_errors, choices, shown, shown_all
from ideadb.core.permissions import can, require
from ideadb.core.web import paginate_select
from ideadb.extensions import db, limiter
from ideadb.ideas import adoption, adoption_views, antibot, coauthors, files, import_views, service
from ideadb.ideas.forms import ActionForm, AdoptionInterestForm, IdeaForm, ScreenForm
from ideadb.ideas.labels import ADOPTION_STATUS_LABELS, INVITATION_LABELS
from ideadb.ideas.models import STATUS_VALUES
from ideadb.ideas.steps import is_decided
from ideadb.ideas.steps import steps as idea_steps
from ideadb.units import service as units
from ideadb.units.models import Unit

bp = Blueprint("ideas", __name__)
INVITATIONS_PATH = "/loi-moi-dong-tac-gia"
import_views.register(bp)  # the bulk import's upload page and template downloads
adoption_views.register(bp)  # adoption followed through, following an idea

_AUTHOR_KEY = re.compile(r"^authors-(\d+)-(\w+)$")


# --- helpers -----------------------------------------------------------------------------


def _unit_choices(idea=None) -> list[tuple[int, str]]:
    """The units valid today; an idea being edited keeps its own unit, even an ended one."""
    rows = units.valid_units(db.session(), datetime.now(LOCAL_TZ).date())
    if idea is not None and idea.unit is not None and idea.unit not in rows:
        rows.append(idea.unit)
    options = []
    for unit in rows:
        district = units.district_of(unit)
        label = (
            unit.name
            if district is None or district.id == unit.id
            else (f"{unit.name} — {district.name}")
        )
        options.append((unit.id, label))
    options.sort(key=lambda c: c[1])
    return [(0, _("— Chọn đơn vị —")), *options]


def _prepare(form: IdeaForm, idea=None) -> IdeaForm:
    form.area.choices = choices(
        [("", _("— Chọn lĩnh vực —"))]
        + [(code, name) for code, name in units.area_names(db.session()).items()]
    )
    form.unit_id.choices = choices(_unit_choices(idea))
    return form


def _reindexed(formdata: MultiDict, drop: int | None = None, add: bool = False) -> MultiDict:
    """The posted form with author rows renumbered 0..n-1 (one dropped, or one added)."""
    rows: dict[int, dict[str, str]] = {}
    out: MultiDict[str, str] = MultiDict()
    for key, value in formdata.items(multi=True):
        match = _AUTHOR_KEY.match(key)
        if match:
            rows.setdefault(int(match.group(1)), {})[match.group(2)] = value
        else:
            out.add(key, value)
    kept = [rows[i] for i in sorted(rows) if i != drop]
    if add or not kept:
        kept.append({"name": "", "unit": "", "share": ""})
    for i, row in enumerate(kept):
        for sub, value in row.items():
            out.add(f"authors-{i}-{sub}", value)
    return out


def _form_values(form: IdeaForm) -> dict:
    authors = []
    for entry in form.authors:
        row = entry.form
        if not (row.name.data or "").strip() and row.share.data is None:
            continue  # an empty row left on the page
        authors.append(
            {"name": row.name.data or "", "unit": row.unit.data or "", "share": row.share.data}
        )
    return {
        "title": form.title.data,
        "summary": form.summary.data or "",
        "description": form.description.data or "",
        "novelty": form.novelty.data or "",
        "benefits": form.benefits.data or "",
        "area": form.area.data or None,
        "year": form.year.data,
        "unit_id": form.unit_id.data or None,
        "applied_from": form.applied_from.data,
        "publish_consent": bool(form.publish_consent.data),
        "owner_name": form.owner_name.data or None,
        "field_of_application": form.field_of_application.data or "",
        "application_conditions": form.application_conditions.data or "",
        "confidential_info": form.confidential_info.data or "",
        "authors": authors,
    }


def _place_errors(form: IdeaForm, exc: DomainError) -> None:
    """Service errors beside their fields, author rows included; the rest at the top."""
    rest: dict[str, list[str]] = {}
    for name, messages in (exc.fields or {}).items():
        parts = name.split(".")
        if parts[0] == "authors" and len(parts) == 3 and parts[1].isdigit():
            index = int(parts[1])
            if index < len(form.authors.entries) and parts[2] in ("name", "unit", "share"):
                field = form.authors.entries[index].form[parts[2]]
                field.errors = list(field.errors) + shown_all(messages)
                continue
        if parts[0] == "authors":
            form.author_errors = getattr(form, "author_errors", []) + shown_all(messages)
            continue
        if parts[0] == "file":
            form.files.errors = list(form.files.errors) + shown_all(messages)
            continue
        rest[name] = messages
    if rest:
        apply_errors(form, ValidationFailed(exc.message, rest))
    elif not exc.fields:
        form.form_errors.append(shown(exc.message))


def _uploads(form: IdeaForm) -> list[service.Upload]:
    return [
        service.Upload(upload.filename, upload.stream)
        for upload in form.files.data or []
        if getattr(upload, "filename", "")
    ]


def _render_form(form: IdeaForm, idea=None):
    return render_template(
        "ideas/form.html",
        form=form,
        idea=idea,
        accept=files.ACCEPT_ATTRIBUTE,
        max_mb=current_app.config["ATTACHMENT_MAX_BYTES"] // (1024 * 1024),
        per_idea=current_app.config["ATTACHMENTS_PER_IDEA"],
        is_officer=current_user.has_role("unit_officer"),
    )


def _handle_form(form: IdeaForm, idea=None):
    """The registration form's buttons: add/remove an author row or a file, save, submit."""
    posted = request.form
    if "add_author" in posted or "remove_author" in posted:
        drop = posted.get("remove_author", type=int)
        data = _reindexed(posted, drop=drop, add="add_author" in posted)
        new_form = _prepare(IdeaForm(formdata=data), idea)
        return _render_form(new_form, idea)
    if "remove_attachment" in posted and idea is not None:
        attachment_id = posted.get("remove_attachment", type=int)
        if attachment_id is None:
            abort(404)
        try:
            service.remove_attachment(db.session(), current_user, idea.id, attachment_id)
        except DomainError:
            abort(404)
        flash(_("Đã gỡ tệp khỏi hồ sơ."), "info")
        return redirect(url_for("ideas.edit", idea_id=idea.id) + "#tep-dinh-kem")
    if not form.validate_on_submit():
        return _render_form(form, idea)
    values, uploads, submit = _form_values(form), _uploads(form), "submit_idea" in posted
    try:
        if idea is None:
            result = service.register_idea(
                db.session(), current_user, values, uploads, submit=submit
            )
        else:
            result = service.save_idea(
                db.session(),
                current_user,
                idea.id,
                values,
                uploads,
                submit=submit,
                expected_version=posted.get("version", type=int),
            )
    except DomainError as exc:
        _place_errors(form, exc)
        return _render_form(form, idea), 422 if isinstance(exc, ValidationFailed) else exc.status
    idea = result.idea
    form.version.data = str(idea.version)
    if result.file_errors:
        form.files.errors = [*list(form.files.errors), *shown_all(result.file_errors)]
        flash(_("Đã lưu bản nháp, nhưng có tệp chưa được nhận."), "warning")
        return _render_form(form, idea), 422
    if result.submit_error is not None:
        _place_errors(form, result.submit_error)
        flash(
            _("Đã lưu bản nháp. Hồ sơ chưa nộp được, vui lòng bổ sung các mục còn thiếu."),
            "warning",
        )
        return _render_form(form, idea), 422
    if result.submitted:
        flash(_("Đã nộp hồ sơ. Mã hồ sơ: %(code)s.", code=idea.code), "success")
    else:
        flash(_("Đã lưu bản nháp."), "success")
    return redirect(url_for("ideas.detail", idea_id=idea.id))


# --- registration ------------------------------------------------------------------------


@bp.route("/y-tuong/dang-ky", methods=["GET", "POST"])
@login_required
def new():
    require(current_user, "idea.create")
    form = _prepare(IdeaForm())
    if request.method == "GET":
        form.year.data = datetime.now(LOCAL_TZ).year
        form.unit_id.data = current_user.unit_id or 0
        if not current_user.has_role("unit_officer"):
            row = form.authors.entries[0].form
            row.name.data = current_user.full_name
            row.unit.data = current_user.unit.name if current_user.unit else ""
            row.share.data = 100
        return _render_form(form)
    return _handle_form(form)


@bp.route("/y-tuong/<int:idea_id>/sua", methods=["GET", "POST"])
@login_required
def edit(idea_id: int):
    idea = service.get_idea(db.session(), current_user, idea_id)
    require(current_user, "idea.edit", idea)
    if not service.can_edit(current_user, idea):
        flash(_("Hồ sơ đã nộp không sửa được nữa."), "warning")
        return redirect(url_for("ideas.detail", idea_id=idea.id))
    if request.method == "GET":
        form = _prepare(IdeaForm(obj=idea), idea)
        while len(form.authors.entries):
            form.authors.pop_entry()
        for author in idea.authors:
            form.authors.append_entry(
                {"name": author.name, "unit": author.unit, "share": author.share}
            )
        if not idea.authors:
            form.authors.append_entry()
        form.unit_id.data = idea.unit_id or 0
        form.area.data = idea.area or ""
        form.version.data = str(idea.version)
        return _render_form(form, idea)
    return _handle_form(_prepare(IdeaForm(), idea), idea)


# --- lists -------------------------------------------------------------------------------


def _status_filter() -> str | None:
    status = request.args.get("status") or None
    return status if status in STATUS_VALUES else None


@bp.get("/y-tuong/cua-toi")
@login_required
def mine():
    status = _status_filter()
    stmt = service.list_ideas(db.session(), current_user, status=status, mine=True)
    page = paginate_select(db.session(), stmt)
    return render_template(
        "ideas/list.html", page=page, status=status, heading=_("Ý tưởng của tôi"), scope="mine"
    )


@bp.get("/y-tuong/don-vi")
@login_required
def unit_list():
    require(current_user, "idea.list_unit")
    status = _status_filter()
    stmt = service.list_ideas(
        db.session(), current_user, status=status, unit_scope=True, query=request.args.get("q")
    )
    page = paginate_select(db.session(), stmt)
    unit = db.session.get(Unit, current_user.unit_id) if current_user.unit_id else None
    heading = _("Ý tưởng của đơn vị") + (f" — {unit.name}" if unit else "")
    return render_template(
        "ideas/list.html", page=page, status=status, heading=heading, scope="unit"
    )


# --- one idea ----------------------------------------------------------------------------


def _adoption_context(idea) -> dict:
    """Where the idea is applied, who may keep its interests, whether the user follows it."""
    return {
        "applied": adoption.applied_places(db.session(), idea.id),
        "can_manage": can(current_user, "idea.manage_adoption", idea),
        "following": adoption.is_following(db.session(), current_user, idea.id),
        "allowed_next": adoption.allowed_next,
        "labels": ADOPTION_STATUS_LABELS,
    }


def _detail_page(idea, screen_form: ScreenForm | None = None, status: int = 200):
    actions = service.allowed_actions(current_user, idea)
    if screen_form is None and "screen_eligible" in actions:
        screen_form = ScreenForm()
    interests = (
        service.list_adoption_interests(db.session(), current_user, idea.id)
        if can(current_user, "idea.view_interests", idea)
        else None
    )
    return render_template(
        "ideas/detail.html",
        idea=idea,
        actions=actions,
        can_edit=service.can_edit(current_user, idea),
        can_publish=can(current_user, "idea.publish", idea),
        screen_form=screen_form,
        action_form=ActionForm(),
        history=service.history(db.session(), current_user, idea),
        interests=interests,
        adoption=_adoption_context(idea),
        invitations=coauthors.invitations_by_author(db.session(), current_user, idea),
        invitation_labels=INVITATION_LABELS,
        area_names=units.area_names(db.session()),
        published=service.is_published(idea),
        status_labels=service.STATUS_LABELS,
        scope_labels=service.SCOPE_LABELS,
        steps=idea_steps(idea.status),
        decided=is_decided(idea.status),
    ), status


@bp.get("/y-tuong/<int:idea_id>")
def detail(idea_id: int):
    idea = service.get_idea(db.session(), current_user, idea_id)
    if not can(current_user, "idea.view_confidential", idea):
        return redirect(url_for("ideas.public", idea_id=idea.id))
    return _detail_page(idea)


@bp.post("/y-tuong/<int:idea_id>/nop")
@login_required
def submit(idea_id: int):
    form = ActionForm()
    if not form.validate_on_submit():
        raise BadRequest(_("Biểu mẫu không hợp lệ."))
    try:
        idea = service.submit_idea(db.session(), current_user, idea_id)
    except ValidationFailed as exc:
        flash(
            _("Hồ sơ chưa nộp được: ")
            + " ".join(shown(m) for ms in exc.fields.values() for m in ms),
            "danger",
        )
        return redirect(url_for("ideas.edit", idea_id=idea_id))
    flash(_("Đã nộp hồ sơ. Mã hồ sơ: %(code)s.", code=idea.code), "success")
    return redirect(url_for("ideas.detail", idea_id=idea.id))


@bp.post("/y-tuong/<int:idea_id>/rut")
@login_required
def withdraw(idea_id: int):
    form = ActionForm()
    if not form.validate_on_submit():
        raise BadRequest(_("Biểu mẫu không hợp lệ."))
    idea = service.get_idea(db.session(), current_user, idea_id)
    if "withdraw" in service.allowed_actions(current_user, idea) and not is_confirmed():
        return confirmation_page(
            _("Rút hồ sơ?"),
            _("Hồ sơ đã rút không được xét chọn nữa và không nộp lại được."),
            _("Rút hồ sơ"),
            url_for("ideas.detail", idea_id=idea_id),
            details=[(_("Ý tưởng"), idea.title)],
        )
    service.withdraw_idea(db.session(), current_user, idea_id, form.note.data)
    flash(_("Đã rút hồ sơ."), "info")
    return redirect(url_for("ideas.detail", idea_id=idea_id))


@bp.post("/y-tuong/<int:idea_id>/sang-loc")
@login_required
def screen(idea_id: int):
    form = ScreenForm()
    idea = service.get_idea(db.session(), current_user, idea_id)
    if form.validate_on_submit():
        try:
            service.screen_idea(
                db.session(), current_user, idea.id, form.decision.data, form.note.data
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(_("Đã ghi kết quả sàng lọc."), "success")
            return redirect(url_for("ideas.detail", idea_id=idea.id))
    return _detail_page(idea, form, 422)


@bp.post("/y-tuong/<int:idea_id>/cong-khai")
@login_required
def publish(idea_id: int):
    form = ActionForm()
    if not form.validate_on_submit():
        raise BadRequest(_("Biểu mẫu không hợp lệ."))
    public = request.form.get("public") == "1"
    service.set_public_override(db.session(), current_user, idea_id, public)
    flash(_("Đã công khai ý tưởng.") if public else _("Đã thôi công khai ý tưởng."), "info")
    return redirect(url_for("ideas.detail", idea_id=idea_id))


@bp.get("/tep/<int:attachment_id>")
def download(attachment_id: int):
    attachment, path = service.attachment_for_download(db.session(), current_user, attachment_id)
    return send_file(
        path,
        mimetype=attachment.content_type,
        as_attachment=True,
        download_name=attachment.original_name,
        max_age=0,
    )


# --- public page -------------------------------------------------------------------------


def _public_page(idea, form: AdoptionInterestForm, status: int = 200):
    form.started.data = antibot.started_token()
    unit = idea.unit
    return render_template(
        "ideas/public.html",
        idea=idea,
        form=form,
        unit=unit,
        district=idea.district,
        area_names=units.area_names(db.session()),
        interest_count=service.interest_count(db.session(), idea.id),
        can_see_interests=can(current_user, "idea.view_interests", idea),
        adoption=_adoption_context(idea),
        action_form=ActionForm(),
    ), status


@bp.get("/sang-kien/<int:idea_id>")
def public(idea_id: int):
    idea = service.get_public_idea(db.session(), idea_id)
    return _public_page(idea, AdoptionInterestForm())


@bp.post("/sang-kien/<int:idea_id>")
@limiter.limit(lambda: current_app.config.get("ADOPTION_RATE_LIMIT", "10 per hour"))
def adoption_interest(idea_id: int):
    idea = service.get_public_idea(db.session(), idea_id)
    form = AdoptionInterestForm()
    if not form.validate_on_submit():
        return _public_page(idea, form, 422)
    try:
        antibot.check(form.website.data, form.started.data, require_started=True)
    except antibot.TooFast:
        # Autofill and paste are fast: keep everything typed and ask to check and send again.
        form.form_errors.append(
            _("Bạn gửi quá nhanh. Vui lòng kiểm tra lại thông tin và bấm gửi lần nữa.")
        )
        return _public_page(idea, form, 422)
    try:
        service.add_adoption_interest(
            db.session(),
            idea.id,
            {
                "organisation": form.organisation.data,
                "contact_name": form.contact_name.data,
                "email": form.email.data,
                "phone": form.phone.data,
                "message": form.message.data,
            },
        )
    except ValidationFailed as exc:
        apply_errors(form, exc)
        return _public_page(idea, form, 422)
    flash(
        _("Cảm ơn! Đăng ký áp dụng đã được gửi tới tác giả và đơn vị quản lý sáng kiến."),
        "success",
    )
    return redirect(url_for("ideas.public", idea_id=idea.id))


# --- notifications -----------------------------------------------------------------------


@bp.get("/thong-bao")
@login_required
def notifications():
    page = paginate_select(db.session(), notify.list_notifications(db.session(), current_user))
    return render_template(
        "ideas/notifications.html",
        page=page,
        form=ActionForm(),
        notification_text=notify.shown_text,
    )


@bp.post("/thong-bao/da-doc")
@login_required
def notifications_read():
    form = ActionForm()
    if not form.validate_on_submit():
        raise BadRequest(_("Biểu mẫu không hợp lệ."))
    notify.mark_read(db.session(), current_user)
    flash(_("Đã đánh dấu tất cả là đã đọc."), "info")
    return redirect(url_for("ideas.notifications"))


@bp.post("/thong-bao/<int:notification_id>")
@login_required
def notification_open(notification_id: int):
    form = ActionForm()
    if not form.validate_on_submit():
        raise BadRequest(_("Biểu mẫu không hợp lệ."))
    target = notify.open_notification(db.session(), current_user, notification_id)
    if target is None:
        return redirect(url_for("ideas.notifications"))
    endpoint, args = target
    return redirect(url_for(endpoint, **args))


# --- invitations to be named co-author ----------------------------------------------------


@bp.app_context_processor
def invitation_helpers():
    def pending_invitations() -> int:
        return coauthors.pending_count(db.session(), current_user)

    return {"pending_invitations": pending_invitations}


@bp.get(INVITATIONS_PATH)
@login_required
def invitations():
    page = paginate_select(db.session(), coauthors.list_invitations(db.session(), current_user))
    return render_template(
        "ideas/invitations.html", page=page, form=ActionForm(), labels=INVITATION_LABELS
    )


@bp.post(INVITATIONS_PATH + "/<int:invitation_id>/nhan-loi")
@login_required
def invitation_accept(invitation_id: int):
    form = ActionForm()
    if not form.validate_on_submit():
        raise BadRequest(_("Biểu mẫu không hợp lệ."))
    invitation = coauthors.accept_invitation(db.session(), current_user, invitation_id)
    flash(
        _("Đã xác nhận bạn là đồng tác giả của ý tưởng “%(title)s”.", title=invitation.idea.title),
        "success",
    )
    return redirect(url_for("ideas.detail", idea_id=invitation.idea_id))


@bp.post(INVITATIONS_PATH + "/<int:invitation_id>/tu-choi")
@login_required
def invitation_decline(invitation_id: int):
    form = ActionForm()
    if not form.validate_on_submit():
        raise BadRequest(_("Biểu mẫu không hợp lệ."))
    coauthors.decline_invitation(db.session(), current_user, invitation_id)
    flash(_("Đã từ chối lời mời đồng tác giả."), "info")
    return redirect(url_for("ideas.invitations"))
