"""Pages of review rounds: the secretary's rounds, assignment, progress, ranking and decisions;
the reviewer's assignments and score sheet; a submitter's results."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from ideadb.accounts.service import users_with_role
from ideadb.core.confirm import confirmation_page, is_confirmed
from ideadb.core.errors import Conflict, NotAllowed, StaleVersion, ValidationFailed
from ideadb.core.forms import apply_errors, choices, shown, shown_all
from ideadb.core.permissions import can, require
from ideadb.criteria.service import active_sets
from ideadb.extensions import db
from ideadb.ideas.service import attachment_path
from ideadb.reviews import (
    access,
    appeals,
    conflicts,
    deliberation,
    forms,
    labels,
    pages,
    policy,
    register,
    results,
    sheets,
)
from ideadb.reviews import assignments as assignment_service
from ideadb.reviews import rounds as round_service

bp = Blueprint("reviews", __name__)


@bp.app_context_processor
def _labels() -> dict[str, Any]:
    return {
        "round_status_labels": labels.STATUS_LABELS,
        "round_level_labels": labels.LEVEL_LABELS,
        "assignment_labels": labels.ASSIGNMENT_LABELS,
        "conflict_labels": labels.CONFLICT_LABELS,
        "aggregation_labels": labels.AGGREGATION_LABELS,
        "reliability_messages": labels.RELIABILITY_MESSAGES,
        "review_policy": policy,
        "recognition_name": lambda idea: results.recognition_name(db.session(), idea),
    }


def _back(round_id: int, page: str = "reviews.round"):
    return redirect(url_for(page, round_id=round_id))


def _invalid(form: FlaskForm) -> str:
    """Why a posted form was refused, naming its fields (WTForms' own texts are English)."""
    if "csrf_token" in form.errors:
        return _("Phiên làm việc đã hết hạn. Vui lòng thử lại.")
    names = [str(form[name].label.text) for name in form.errors if name in form]
    return _(
        "Dữ liệu gửi lên không hợp lệ: %(fields)s. Không có thay đổi nào được lưu.",
        fields=", ".join(names),
    )


def _do(
    change,
    done: str,
    round_id: int,
    page: str = "reviews.round",
    form: FlaskForm | None = None,
    permission: str = "round.manage",
    ask: tuple[str, str, str] | None = None,
):
    """Run one state change from a form; flash the outcome and go back to the page. A caller
    without ``permission`` on the round is refused first; a form that does not validate
    (expired session, a value that is not a choice) changes nothing. With ``ask`` (title,
    message, button) a change that cannot be undone is confirmed first (``core/confirm.py``)."""
    access.require_on_round(db.session(), current_user, round_id, permission)
    form = form if form is not None else forms.ActionForm()
    if not form.validate_on_submit():
        flash(_invalid(form), "danger")
        return _back(round_id, page)
    if ask is not None and not is_confirmed():
        title, message, button = ask
        rnd = access.load_round(db.session(), round_id)
        return confirmation_page(
            title,
            message,
            button,
            url_for(page, round_id=round_id),
            details=[(_("Đợt xét chọn"), rnd.name)],
        )
    try:
        change()
    except (Conflict, ValidationFailed) as exc:
        messages = shown_all([exc.message] + [m for ms in exc.fields.values() for m in ms])
        flash(" ".join(dict.fromkeys(messages)), "danger")
    else:
        flash(done, "success")
    return _back(round_id, page)


# --- rounds -------------------------------------------------------------------------------


def _round_form(form: forms.RoundForm) -> forms.RoundForm:
    form.criteria_set_id.choices = choices(
        [(s.id, f"{s.name} — v{s.version}") for s in active_sets(db.session())]
    )
    people = users_with_role(db.session(), "reviewer")
    form.chair_id.choices = choices([(0, _("(chưa chọn)"))] + [(u.id, u.full_name) for u in people])
    return form


def _round_data(form: forms.RoundForm) -> dict[str, Any]:
    return {
        "name": form.name.data,
        "year": form.year.data,
        "level": form.level.data,
        "criteria_set_id": form.criteria_set_id.data,
        "reviewers_per_idea": form.reviewers_per_idea.data,
        "aggregation": form.aggregation.data,
        "blind": form.blind.data,
        "disagreement_threshold": form.disagreement_threshold.data,
        "deadline": form.deadline.data,
        "chair_id": form.chair_id.data or None,
        "show_details_to_submitters": form.show_details_to_submitters.data,
        "public_vote": None
        if form.public_vote_weight.data is None
        else {"weight": form.public_vote_weight.data},
        "document": {
            key: getattr(form, key).data or ""
            for key in ("issuing_body", "governing_body", "place", "signer_title", "signer_name")
        },
    }


@bp.route("/dot-xet-chon", methods=["GET", "POST"])
@login_required
def rounds():
    items = round_service.list_rounds(db.session(), current_user)
    if request.method == "POST":
        require(current_user, "round.manage")
    form = _round_form(forms.RoundForm())
    if form.validate_on_submit():
        try:
            rnd = round_service.create_round(db.session(), current_user, _round_data(form))
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(_("Đã tạo đợt xét chọn."), "success")
            return _back(rnd.id)
    return render_template("reviews/rounds.html", rounds=items, form=form)


@bp.route("/dot-xet-chon/<int:round_id>", methods=["GET", "POST"])
@login_required
def round(round_id: int):
    data = pages.round_overview(db.session(), current_user, round_id)
    rnd = data["round"]
    form = _round_form(forms.RoundForm(obj=rnd, prefix="cfg"))
    if request.method == "GET":
        form.chair_id.data = rnd.chair_id or 0
        for key in ("issuing_body", "governing_body", "place", "signer_title", "signer_name"):
            getattr(form, key).data = (rnd.document or {}).get(key, "")
    elif access.require_on_round(db.session(), current_user, round_id, "round.manage") and (
        form.validate_on_submit()
    ):
        try:
            round_service.update_round(db.session(), current_user, round_id, _round_data(form))
        except (ValidationFailed, Conflict) as exc:
            apply_errors(form, exc)
        else:
            flash(_("Đã lưu cấu hình đợt xét chọn."), "success")
            return _back(round_id)
    ideas_form = forms.IdeasForm(prefix="ideas")
    ideas_form.idea_ids.choices = choices(
        [(i.id, f"{i.code or i.id} — {i.title}") for i in data["idea_candidates"]]
    )
    panel_form = forms.ReviewersForm(prefix="panel")
    panel_form.user_ids.choices = choices(
        [(u.id, u.full_name) for u in data["reviewer_candidates"]]
    )
    return render_template(
        "reviews/round.html",
        form=form,
        ideas_form=ideas_form,
        panel_form=panel_form,
        action=forms.ActionForm(),
        deliberate_form=forms.DeliberateForm(),
        **data,
    )


@bp.post("/dot-xet-chon/<int:round_id>/y-tuong")
@login_required
def add_ideas(round_id: int):
    form = forms.IdeasForm(prefix="ideas")

    def chosen():
        if request.form.get("all") == "1":  # "add every eligible idea" (works without JS)
            data = pages.round_overview(db.session(), current_user, round_id)
            return [i.id for i in data["idea_candidates"]]
        return form.idea_ids.data or []

    return _do(
        lambda: round_service.add_ideas(db.session(), current_user, round_id, chosen()),
        _("Đã thêm ý tưởng vào đợt."),
        round_id,
        form=form,
    )


@bp.post("/dot-xet-chon/<int:round_id>/hoi-dong")
@login_required
def add_reviewers(round_id: int):
    form = forms.ReviewersForm(prefix="panel")
    return _do(
        lambda: round_service.add_reviewers(
            db.session(), current_user, round_id, form.user_ids.data or []
        ),
        _("Đã thêm thành viên hội đồng."),
        round_id,
        form=form,
    )


def _action(round_id: int, change, done: str, page: str = "reviews.round", ask=None):
    """A button with nothing but the CSRF token."""
    return _do(change, done, round_id, page, form=forms.ActionForm(), ask=ask)


@bp.post("/dot-xet-chon/<int:round_id>/phan-cong-tu-dong")
@login_required
def auto_assign(round_id: int):
    return _action(
        round_id,
        lambda: assignment_service.auto_assign(db.session(), current_user, round_id),
        _("Đã phân công tự động."),
        "reviews.assignments",
    )


@bp.post("/dot-xet-chon/<int:round_id>/mo-cham")
@login_required
def open_round(round_id: int):
    return _action(
        round_id,
        lambda: round_service.open_round(db.session(), current_user, round_id),
        _("Đợt xét chọn đã mở chấm; thành viên hội đồng đã được thông báo."),
        ask=(
            _("Mở chấm đợt xét chọn?"),
            _(
                "Sau khi mở chấm, thành viên hội đồng được thông báo và bắt đầu chấm; không "
                "thêm, bớt ý tưởng của đợt được nữa."
            ),
            _("Mở chấm"),
        ),
    )


@bp.post("/dot-xet-chon/<int:round_id>/hop-xet")
@login_required
def deliberate(round_id: int):
    form = forms.DeliberateForm()
    return _do(
        lambda: deliberation.deliberate(
            db.session(), current_user, round_id, force=bool(form.force.data)
        ),
        _("Đã kết thúc chấm; đợt chuyển sang họp xét."),
        round_id,
        form=form,
        ask=(
            _("Kết thúc chấm?"),
            _("Thành viên hội đồng sẽ không nộp thêm phiếu được nữa; đợt chuyển sang họp xét."),
            _("Kết thúc chấm, chuyển sang họp xét"),
        ),
    )


@bp.post("/dot-xet-chon/<int:round_id>/cong-bo")
@login_required
def finalize(round_id: int):
    return _action(
        round_id,
        lambda: deliberation.finalize(db.session(), current_user, round_id),
        _("Đã công bố kết quả đợt xét chọn."),
        "reviews.ranking",
        ask=(
            _("Công bố kết quả?"),
            _(
                "Mọi quyết định được áp dụng cùng lúc, người nộp ý tưởng được thông báo kết quả; "
                "sau khi công bố không sửa được quyết định."
            ),
            _("Công bố kết quả"),
        ),
    )


# --- assignment and conflicts ------------------------------------------------------------


@bp.get("/dot-xet-chon/<int:round_id>/phan-cong")
@login_required
def assignments(round_id: int):
    data = pages.assignment_overview(db.session(), current_user, round_id)
    idea_choices = [(i.id, f"{i.code or i.id} — {i.title}") for i in data["ideas"]]
    people = [(u.id, u.full_name) for u in data["panel"]]
    assign_form = forms.AssignForm(prefix="assign")
    assign_form.idea_id.choices = choices(idea_choices)
    assign_form.reviewer_id.choices = choices(people)
    conflict_form = forms.ConflictForm(prefix="conflict")
    conflict_form.idea_id.choices = choices(idea_choices)
    conflict_form.user_id.choices = choices(people)
    return render_template(
        "reviews/assignments.html",
        assign_form=assign_form,
        conflict_form=conflict_form,
        reason_form=forms.ReasonForm(),
        action=forms.ActionForm(),
        users={u.id: u for u in data["panel"]},
        **data,
    )


@bp.post("/dot-xet-chon/<int:round_id>/phan-cong")
@login_required
def add_assignment(round_id: int):
    form = forms.AssignForm(prefix="assign")
    return _do(
        lambda: assignment_service.add_assignment(
            db.session(), current_user, round_id, form.idea_id.data, form.reviewer_id.data
        ),
        _("Đã phân công thêm người chấm."),
        round_id,
        "reviews.ranking" if request.form.get("next_page") == "ranking" else "reviews.assignments",
        form=form,
    )


@bp.post("/dot-xet-chon/<int:round_id>/phan-cong/<int:assignment_id>/rut")
@login_required
def withdraw_assignment(round_id: int, assignment_id: int):
    reason = (request.form.get("reason") or "").strip()[:500]
    return _do(
        lambda: assignment_service.withdraw_assignment(
            db.session(), current_user, assignment_id, reason
        ),
        _("Đã rút phân công."),
        round_id,
        "reviews.assignments",
    )


@bp.post("/dot-xet-chon/<int:round_id>/xung-dot")
@login_required
def declare_conflict(round_id: int):
    form = forms.ConflictForm(prefix="conflict")
    return _do(
        lambda: assignment_service.declare_conflict(
            db.session(),
            current_user,
            round_id,
            user_id=form.user_id.data,
            idea_id=form.idea_id.data,
            reason=form.reason.data or "",
        ),
        _("Đã ghi nhận xung đột lợi ích."),
        round_id,
        "reviews.assignments",
        form=form,
        permission="round.view",
    )


@bp.post("/dot-xet-chon/<int:round_id>/xung-dot/<int:conflict_id>/bo-qua")
@login_required
def dismiss_conflict(round_id: int, conflict_id: int):
    form = forms.ReasonForm()
    return _do(
        lambda: conflicts.dismiss_conflict(
            db.session(), current_user, round_id, conflict_id, form.reason.data or ""
        ),
        _("Đã bỏ qua xung đột tự động; lý do được ghi vào nhật ký."),
        round_id,
        "reviews.assignments",
        form=form,
    )


# --- progress -----------------------------------------------------------------------------


@bp.get("/dot-xet-chon/<int:round_id>/tien-do")
@login_required
def progress(round_id: int):
    data = pages.progress_view(db.session(), current_user, round_id)
    return render_template(
        "reviews/progress.html",
        action=forms.ActionForm(),
        reason_form=forms.ReasonForm(),
        deliberate_form=forms.DeliberateForm(),
        **data,
    )


@bp.post("/dot-xet-chon/<int:round_id>/nhac-viec")
@login_required
def remind(round_id: int):
    form = forms.RemindForm()
    return _do(
        lambda: assignment_service.remind(
            db.session(), current_user, round_id, form.reviewer_id.data
        ),
        _("Đã gửi lời nhắc."),
        round_id,
        "reviews.progress",
        form=form,
    )


@bp.post("/phieu-cham/<int:assignment_id>/mo-lai")
@login_required
def reopen(assignment_id: int):
    form = forms.ReasonForm()
    a = access.visible_assignment(db.session(), current_user, assignment_id, "assignment.view")
    return _do(
        lambda: sheets.reopen_review(db.session(), current_user, assignment_id, form.reason.data),
        _("Đã mở lại phiếu chấm."),
        a.round_id,
        "reviews.progress",
        form=form,
    )


# --- deliberation -------------------------------------------------------------------------


@bp.get("/dot-xet-chon/<int:round_id>/xep-hang")
@login_required
def ranking(round_id: int):
    aggregation = request.args.get("aggregation") or None
    data = pages.ranking_view(db.session(), current_user, round_id, aggregation)
    decision_forms = {}
    for item in data["ranking"]["items"]:
        f = forms.DecisionForm(prefix=f"d{item['idea_id']}")
        f.level.choices = choices([("", _("Không công nhận")), *list(data["levels"])])
        current = item["decision"]["level"] if item["decision"] else item["proposed_level"]
        f.level.data = current or ""
        f.note.data = item["decision"]["note"] if item["decision"] else ""
        decision_forms[item["idea_id"]] = f
    return render_template(
        "reviews/ranking.html",
        decision_forms=decision_forms,
        discussion_form=forms.DiscussionForm(),
        assign_form=forms.AssignForm(prefix="assign"),
        action=forms.ActionForm(),
        aggregation=aggregation,
        **data,
    )


@bp.post("/dot-xet-chon/<int:round_id>/thao-luan")
@login_required
def add_discussion(round_id: int):
    form = forms.DiscussionForm()
    return _do(
        lambda: deliberation.add_discussion(
            db.session(), current_user, round_id, form.idea_id.data, form.note.data or ""
        ),
        _("Đã ghi biên bản thảo luận."),
        round_id,
        "reviews.ranking",
        form=form,
    )


@bp.post("/dot-xet-chon/<int:round_id>/quyet-dinh/<int:idea_id>")
@login_required
def stage_decision(round_id: int, idea_id: int):
    form = forms.DecisionForm(prefix=f"d{idea_id}")
    return _do(
        lambda: deliberation.stage_decision(
            db.session(),
            current_user,
            round_id,
            idea_id,
            form.level.data or None,
            form.note.data or "",
        ),
        _("Đã ghi quyết định (áp dụng khi công bố kết quả)."),
        round_id,
        "reviews.ranking",
        form=form,
    )


# --- the reviewer -------------------------------------------------------------------------


@bp.get("/phieu-cham")
@login_required
def my_assignments():
    items = sheets.my_assignments(db.session(), current_user)
    return render_template("reviews/my_assignments.html", items=items)


def _posted_sheet(rubric) -> tuple[dict[str, str], dict[str, str]]:
    scores = {c.code: request.form.get(f"diem-{c.code}", "").strip().replace(",", ".")
              for c in rubric.criteria}  # fmt: skip
    comments = {c.code: request.form.get(f"nhan-xet-{c.code}", "") for c in rubric.criteria}
    return scores, comments


def _shown(points: str) -> str:
    """Stored points as a council writes them: 27, 13,5."""
    text = format(Decimal(points).normalize(), "f")
    return text.replace(".", ",")


@bp.route("/phieu-cham/<int:assignment_id>", methods=["GET", "POST"])
@login_required
def sheet(assignment_id: int):
    data = pages.sheet_view(db.session(), current_user, assignment_id)
    review = data["review"]
    form = forms.SheetForm()
    problems: dict[str, list[str]] = {}
    stale = None
    values = {k: _shown(v) for k, v in (review.scores if review else {}).items()}
    notes = dict(review.comments) if review else {}
    if request.method == "GET":
        form.version.data = review.version if review else 0
        form.comment.data = review.comment if review else ""
    elif not can(current_user, "assignment.own", data["assignment"]):
        raise NotAllowed(_("Chỉ thành viên hội đồng được phân công mới chấm phiếu này."))
    elif not form.validate_on_submit():
        flash(_invalid(form), "danger")
    else:
        scores, comments = _posted_sheet(data["rubric"])
        values, notes = scores, comments
        posted = {
            "scores": scores,
            "comments": comments,
            "comment": form.comment.data,
            "version": form.version.data,
        }
        submit = request.form.get("action") == "submit"
        if submit and not is_confirmed():
            return confirmation_page(
                _("Nộp phiếu chấm?"),
                _("Sau khi nộp, bạn không sửa được phiếu chấm này nữa."),
                _("Nộp phiếu"),
                url_for("reviews.sheet", assignment_id=assignment_id),
                details=[
                    (_("Ý tưởng"), data["idea"]["title"]),
                    (_("Đợt xét chọn"), data["round"].name),
                ],
            )
        try:
            sheets.save_sheet(db.session(), current_user, assignment_id, posted, submit=submit)
        except StaleVersion as exc:
            stale = shown(exc.message)
            data = pages.sheet_view(db.session(), current_user, assignment_id)
            # Keep what was typed; the next save knowingly replaces the newer sheet.
            form.version.data = data["review"].version if data["review"] else 0
        except ValidationFailed as exc:
            problems = {k.removeprefix("scores."): shown_all(v) for k, v in exc.fields.items()}
            flash(shown(exc.message), "danger")
        except Conflict as exc:
            flash(shown(exc.message), "danger")
        else:
            if submit:
                flash(_("Đã nộp phiếu chấm."), "success")
                return redirect(url_for("reviews.my_assignments"))
            flash(_("Đã lưu bản nháp phiếu chấm."), "success")
            return redirect(url_for("reviews.sheet", assignment_id=assignment_id))
    return render_template(
        "reviews/sheet.html",
        form=form,
        confirm_form=forms.ConfirmForm(),
        values=values,
        notes=notes,
        problems=problems,
        stale=stale,
        **data,
    )


@bp.post("/phieu-cham/<int:assignment_id>/xac-nhan")
@login_required
def confirm(assignment_id: int):
    form = forms.ConfirmForm()
    if not form.validate_on_submit():
        # Someone else's assignment is refused as the service would refuse it.
        access.visible_assignment(db.session(), current_user, assignment_id, "assignment.own")
        unanswered = "csrf_token" not in form.errors and form.conflict.errors
        flash(str(form.conflict.errors[0]) if unanswered else _invalid(form), "danger")
        return redirect(url_for("reviews.sheet", assignment_id=assignment_id))
    conflict = form.conflict.data == "yes"
    try:
        sheets.confirm(
            db.session(),
            current_user,
            assignment_id,
            conflict=conflict,
            reason=form.reason.data or "",
        )
    except (Conflict, ValidationFailed) as exc:
        flash(
            " ".join(shown_all([exc.message] + [m for ms in exc.fields.values() for m in ms])),
            "danger",
        )
        return redirect(url_for("reviews.sheet", assignment_id=assignment_id))
    if conflict:
        flash(_("Đã ghi nhận xung đột lợi ích; ý tưởng sẽ được giao cho người khác."), "success")
        return redirect(url_for("reviews.my_assignments"))
    return redirect(url_for("reviews.sheet", assignment_id=assignment_id))


@bp.get("/phieu-cham/<int:assignment_id>/tep/<int:attachment_id>")
@login_required
def attachment(assignment_id: int, attachment_id: int):
    att, name = sheets.attachment_for_reviewer(
        db.session(), current_user, assignment_id, attachment_id
    )
    return send_file(
        attachment_path(att), mimetype=att.content_type, as_attachment=True, download_name=name
    )


# --- submitters ---------------------------------------------------------------------------


@bp.get("/ket-qua-xet-chon/<int:idea_id>")
@login_required
def idea_results(idea_id: int):
    items = results.results_for_idea(db.session(), current_user, idea_id)
    return render_template(
        "reviews/results.html",
        items=items,
        idea_id=idea_id,
        appeal=appeals.appeal_state(db.session(), current_user, idea_id),
        appeal_form=forms.AppealForm(),
        certificates=register.certificates_of(db.session(), current_user, idea_id),
    )
