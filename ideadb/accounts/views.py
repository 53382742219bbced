"""Account pages: sign in/out, sign-up, password change, and user administration."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    g,
    json,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ideadb.accounts import service, verification
from ideadb.accounts.forms import (
    ActionForm,
    CloseAccountForm,
    PasswordChangeForm,
    SignInForm,
    SignUpForm,
    UserForm,
)
from ideadb.accounts.labels import ROLE_LABELS
from ideadb.core.errors import Conflict, ValidationFailed
from ideadb.core.fmt import LOCAL_TZ
from ideadb.core.forms import apply_errors, choices, shown
from ideadb.core.permissions import require
from ideadb.core.web import paginate_select
from ideadb.extensions import db, limiter
from ideadb.units import service as units

bp = Blueprint("accounts", __name__)


def _failed(response) -> bool:
    return bool(g.get("login_failed"))


def _account_key() -> str:
    name = request.form.get("username")
    if name is None:
        data = request.get_json(silent=True)
        name = data.get("username") if isinstance(data, dict) else ""
    return "account:" + service.normalise_username(str(name or ""))


def _address_key() -> str:
    return "address:" + (request.remote_addr or "?")


def _limit() -> str:
    return current_app.config["LOGIN_FAILURE_LIMIT"]


def login_limits(view):
    """Count failed sign-ins per account and per address; the 6th failure in 15 min is 429."""
    view = limiter.limit(_limit, key_func=_account_key, deduct_when=_failed, methods=["POST"])(view)
    return limiter.limit(_limit, key_func=_address_key, deduct_when=_failed, methods=["POST"])(view)


def _safe_next(target: str | None) -> str:
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/"):
            return target
    return url_for("home")


def _unit_choices(blank: str, keep: int | None = None):
    """The units valid today (a person joins a unit that exists); an account being edited keeps
    its own unit, even an ended one."""
    rows = units.valid_units(db.session(), datetime.now(LOCAL_TZ).date())
    if keep and all(u.id != keep for u in rows):
        rows.append(units.get_unit(db.session(), keep))
    rows.sort(key=lambda u: (u.kind, u.name, u.id))
    return choices([(0, blank)] + [(u.id, u.name) for u in rows])


@bp.route("/dang-nhap", methods=["GET", "POST"])
@login_limits
def sign_in():
    form = SignInForm()
    if form.validate_on_submit():
        user = service.authenticate(db.session(), form.username.data, form.password.data)
        if user is None:
            g.login_failed = True
            form.form_errors.append(_(service.BAD_CREDENTIALS))
        else:
            login_user(user, remember=form.remember.data)
            flash(_("Xin chào %(name)s!", name=user.full_name), "success")
            return redirect(_safe_next(request.args.get("next")))
    return render_template("accounts/sign_in.html", form=form)


@bp.post("/dang-xuat")
def sign_out():
    logout_user()
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("home"))


@bp.route("/dang-ky-tai-khoan", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def sign_up():
    form = SignUpForm()
    form.unit_id.choices = _unit_choices(_("— Không thuộc đơn vị nào —"))
    if form.validate_on_submit():
        try:
            user = service.sign_up(
                db.session(),
                username=form.username.data,
                password=form.password.data,
                full_name=form.full_name.data,
                email=form.email.data,
                unit_id=form.unit_id.data or None,
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            login_user(user)
            flash(_("Tài khoản đã được tạo. Bạn có thể đăng ký ý tưởng, sáng kiến."), "success")
            if user.email:
                flash(_verification_message(), "info")
            return redirect(url_for("home"))
    return render_template("accounts/sign_up.html", form=form)


def _verification_message() -> str:
    if verification.can_send_mail():
        return _(
            "Chúng tôi đã gửi thư xác nhận tới địa chỉ thư điện tử của bạn. "
            "Hãy mở liên kết trong thư để xác nhận (cần để tham gia bình chọn)."
        )
    return _(
        "Máy chủ chưa cấu hình gửi thư điện tử nên chưa gửi được thư xác nhận. "
        "Vui lòng liên hệ quản trị viên để được xác nhận địa chỉ thư điện tử."
    )


def _user_key() -> str:
    return "user:" + str(getattr(current_user, "id", None) or request.remote_addr)


@bp.get("/tai-khoan/xac-nhan-email/<token>")
def verify_email(token: str):
    """The link of the verification e-mail: works signed in or not."""
    try:
        verification.confirm(db.session(), token)
    except ValidationFailed as exc:
        return render_template(
            "accounts/verify_email.html", error=shown(exc.message), form=None
        ), 400
    flash(_("Đã xác nhận địa chỉ thư điện tử. Cảm ơn bạn!"), "success")
    return redirect(url_for("accounts.email_status"))


@bp.route("/tai-khoan/xac-nhan-email", methods=["GET", "POST"])
@login_required
@limiter.limit("5 per hour", key_func=_user_key, methods=["POST"])
def email_status():
    """The account's address and whether it is verified; POST sends the link again."""
    form = ActionForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            verification.send_verification(db.session(), current_user._get_current_object())
        except (ValidationFailed, Conflict) as exc:
            flash(shown(exc.message), "warning")
        else:
            flash(_verification_message(), "info")
        return redirect(url_for("accounts.email_status"))
    return render_template("accounts/verify_email.html", error=None, form=form)


@bp.post("/quan-tri/nguoi-dung/<int:user_id>/xac-nhan-email")
@login_required
def admin_verify_email(user_id: int):
    require(current_user, "user.manage")
    if ActionForm().validate_on_submit():
        try:
            verification.mark_verified(db.session(), current_user, user_id)
        except ValidationFailed as exc:
            flash(shown(exc.message), "warning")
        else:
            flash(_("Đã xác nhận địa chỉ thư điện tử của tài khoản."), "success")
    return redirect(url_for("accounts.edit_user", user_id=user_id))


@bp.route("/tai-khoan/mat-khau", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            service.change_password(
                db.session(), current_user, form.current_password.data, form.new_password.data
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(_("Đã đổi mật khẩu."), "success")
            return redirect(url_for("home"))
    return render_template("accounts/change_password.html", form=form)


@bp.get("/quan-tri/nguoi-dung")
@login_required
def users():
    stmt = service.list_users(
        db.session(), current_user, query=request.args.get("q"), role=request.args.get("role")
    )
    page = paginate_select(db.session(), stmt)
    return render_template("accounts/users.html", page=page, role_labels=ROLE_LABELS)


@bp.route("/quan-tri/nguoi-dung/moi", methods=["GET", "POST"])
@login_required
def create_user():
    require(current_user, "user.manage")
    form = UserForm()
    form.unit_id.choices = _unit_choices(_("— Không —"))
    if form.validate_on_submit():
        try:
            user = service.create_user(
                db.session(),
                current_user,
                username=form.username.data,
                password=form.password.data or "",
                full_name=form.full_name.data,
                email=form.email.data,
                unit_id=form.unit_id.data or None,
                roles=form.roles.data,
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(_("Đã tạo tài khoản %(u)s.", u=user.username), "success")
            return redirect(url_for("accounts.users"))
    return render_template("accounts/user_form.html", form=form, user=None)


@bp.route("/quan-tri/nguoi-dung/<int:user_id>", methods=["GET", "POST"])
@login_required
def edit_user(user_id: int):
    require(current_user, "user.manage")
    user = service.get_user(db.session(), current_user, user_id)
    form = UserForm(obj=user if request.method == "GET" else None)
    form.unit_id.choices = _unit_choices(_("— Không —"), user.unit_id)
    if request.method == "GET":
        form.roles.data = sorted(user.roles)
        form.unit_id.data = user.unit_id or 0
        form.active.data = user.active
    del form.username
    del form.password
    if form.validate_on_submit():
        try:
            service.update_user(
                db.session(),
                current_user,
                user.id,
                full_name=form.full_name.data,
                email=form.email.data or "",
                unit_id=form.unit_id.data or None,
                roles=form.roles.data,
                active=form.active.data,
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(_("Đã lưu thay đổi."), "success")
            return redirect(url_for("accounts.users"))
    return render_template("accounts/user_form.html", form=form, user=user, action=_action_form())


def _action_form():
    return ActionForm()


@bp.get("/quyen-rieng-tu")
def privacy():
    """The privacy notice: what is collected, why, for how long, and the person's rights."""
    return render_template("accounts/privacy.html")


@bp.get("/tai-khoan/du-lieu-ca-nhan")
@login_required
def personal_data():
    return render_template("accounts/personal_data.html", form=CloseAccountForm())


@bp.get("/tai-khoan/du-lieu-ca-nhan.json")
@login_required
def personal_data_download():
    data = service.export_personal_data(db.session(), current_user._get_current_object())
    body = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": "attachment; filename=du-lieu-ca-nhan.json",
            "Cache-Control": "no-store",
        },
    )


@bp.post("/tai-khoan/dong-tai-khoan")
@login_required
def close_account():
    form = CloseAccountForm()
    if form.validate_on_submit():
        try:
            service.close_account(
                db.session(), current_user._get_current_object(), form.password.data
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            logout_user()
            flash(_("Tài khoản của bạn đã được đóng."), "success")
            return redirect(url_for("home"))
    return render_template("accounts/personal_data.html", form=form), 422
