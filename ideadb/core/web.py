"""Application-wide web behaviour: error pages and JSON errors, security headers, locale."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, flash, g, jsonify, redirect, render_template, request, session
from flask import url_for as flask_url_for
from flask_babel import get_locale, lazy_pgettext, refresh
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import BuildError

from ideadb.core import drafts, fmt
from ideadb.core.api import API_PREFIX
from ideadb.core.db import request_session
from ideadb.core.errors import DomainError, NotAuthenticated
from ideadb.core.forms import shown

log = logging.getLogger(__name__)

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)

HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "rate_limited",
    500: "server_error",
}


# Navigation: (label, endpoint, permission action; None = everyone). An entry is shown to whoever
# the feature's rule for that action admits, so the menu never re-decides who may do what.
# Entries whose page is not registered are simply not shown.
NAV: list[tuple[Any, str, str | None]] = [
    (_l("Tra cứu ý tưởng"), "search.catalogue", None),
    (_l("Thống kê"), "reports.statistics", None),
    (_l("Đăng ký ý tưởng"), "ideas.new", "idea.create"),
    (_l("Ý tưởng của tôi"), "ideas.mine", "idea.create"),
    (_l("Ý tưởng của đơn vị"), "ideas.unit_list", "idea.list_unit"),
    (_l("Nhập từ tệp"), "ideas.import_page", "idea.import"),
    (_l("Phiếu chấm của tôi"), "reviews.my_assignments", "assignment.list_own"),
    (_l("Đợt xét chọn"), "reviews.rounds", "round.list"),
    (_l("Bộ tiêu chí"), "criteria.index", "criteria.browse"),
    (_l("Tìm kiếm nội bộ"), "search.staff", "search.staff"),
    (_l("Báo cáo"), "reports.index", "report.summary"),
    (_l("Người dùng"), "accounts.users", "user.list"),
    (lazy_pgettext("danh mục", "Đơn vị"), "units.index", "unit.list"),
    (_l("Nhật ký"), "audit.index", "audit.view"),
    (_l("Công việc nền"), "jobs.index", "job.list"),
]


def nav_items(actor) -> list[tuple[str, str, str]]:
    """(label, url, endpoint) of the navigation entries this actor may use."""
    from flask import current_app

    from ideadb.core.permissions import can

    return [
        (str(label), flask_url_for(endpoint), endpoint)
        for label, endpoint, action in NAV
        if endpoint in current_app.view_functions and (action is None or can(actor, action))
    ]


def _messages() -> dict[int, str]:
    return {
        400: _("Yêu cầu không hợp lệ."),
        401: _("Vui lòng đăng nhập để tiếp tục."),
        403: _("Bạn không có quyền truy cập trang này."),
        404: _("Không tìm thấy trang hoặc đối tượng yêu cầu."),
        405: _("Phương thức không được hỗ trợ."),
        409: _("Thao tác xung đột với trạng thái hiện tại."),
        413: _("Dữ liệu gửi lên quá lớn."),
        415: _("Định dạng dữ liệu không được hỗ trợ."),
        422: _("Dữ liệu không hợp lệ."),
        429: _("Bạn đã thử quá nhiều lần. Vui lòng thử lại sau ít phút."),
        500: _("Đã có lỗi xảy ra. Vui lòng thử lại sau."),
    }


def wants_json() -> bool:
    return request.path == API_PREFIX or request.path.startswith(API_PREFIX + "/")


def error_response(status: int, message: str | None = None, fields=None, code: str | None = None):
    message = message or _messages().get(status, _messages()[500])
    if wants_json():
        body = {"error": {"code": code or HTTP_CODES.get(status, "error"), "message": message}}
        if fields:
            body["error"]["fields"] = fields
        resp = jsonify(body)
        resp.status_code = status
        if status == 401:
            resp.headers["WWW-Authenticate"] = "Bearer"
        return resp
    template = f"errors/{status}.html" if status in (403, 404, 500) else "errors/error.html"
    return render_template(template, status=status, message=shown(message), fields=fields), status


def init_app(app: Flask) -> None:
    drafts.install()

    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        request_session().rollback()
        if isinstance(exc, NotAuthenticated) and not wants_json():
            return sign_in_again(exc.message)
        return error_response(exc.status, exc.message, exc.fields, exc.code)

    def sign_in_again(message: str):
        """Signed out (maybe in another tab): keep what a posted form carried, then sign in."""
        target = request.full_path
        if request.method == "POST":
            target = drafts.form_page() or "/"
            if drafts.stash(target):
                message = _(
                    "Bạn đã đăng xuất hoặc phiên đăng nhập đã hết hạn nên biểu mẫu chưa được gửi. "
                    "Vui lòng đăng nhập lại: nội dung bạn đã nhập được giữ lại."
                )
        flash(message, "warning")
        return redirect(flask_url_for("accounts.sign_in", next=target))

    login_manager = app.login_manager  # type: ignore[attr-defined]  # set by Flask-Login

    @login_manager.unauthorized_handler
    def unauthorized():
        if wants_json():
            return error_response(401)
        return sign_in_again(_("Vui lòng đăng nhập để tiếp tục."))

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        # A page form whose session expired: send the person back to the form, filled in with
        # what they typed (through the sign-in page when the page needs it), never a 400 page.
        target = drafts.form_page() if request.method == "POST" and not wants_json() else None
        if target is None:
            return error_response(
                400,
                _(
                    "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Vui lòng tải lại trang và thử lại."
                ),
            )
        if drafts.stash(target):
            message = _(
                "Phiên làm việc đã hết hạn nên biểu mẫu chưa được gửi. Nội dung bạn đã nhập được "
                "giữ lại; nếu được yêu cầu, hãy đăng nhập lại rồi kiểm tra và gửi lại."
            )
        else:
            message = _("Phiên làm việc đã hết hạn. Vui lòng thử lại.")
        flash(message, "warning")
        return redirect(target)

    @app.errorhandler(RateLimitExceeded)
    def rate_limited(exc: RateLimitExceeded):
        resp = error_response(429)
        return resp

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        status = exc.code or 500
        message = None
        if status == 400 and wants_json():
            message = _("Yêu cầu không hợp lệ.")
        return error_response(status, message)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        request_session().rollback()
        return error_response(500)

    @app.after_request
    def security_headers(resp: Response) -> Response:
        resp.headers.setdefault("Content-Security-Policy", CSP)
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("X-Frame-Options", "DENY")
        resp.headers.setdefault("Referrer-Policy", "same-origin")
        return resp

    @app.get("/lang/<code>")
    def set_language(code: str):
        if code in app.config["LANGUAGES"]:
            session["lang"] = code
        target = request.args.get("next") or "/"
        if not target.startswith("/") or target.startswith("//"):
            target = "/"
        return redirect(target)

    def nav_url(endpoint: str, **values) -> str | None:
        """url_for that answers None for pages a feature has not registered."""
        if endpoint not in app.view_functions:
            return None
        try:
            return flask_url_for(endpoint, **values)
        except BuildError:
            return None

    @app.context_processor
    def template_helpers():
        from ideadb.core import permissions

        return {
            "nav_url": nav_url,
            "nav_items": nav_items,
            "current_locale": str(get_locale()),
            "can": permissions.can,
            "shown": shown,
            "has_role": permissions.has_role,
        }

    app.add_template_filter(fmt.fmt_date, "date")
    app.add_template_filter(fmt.fmt_datetime, "datetime")
    app.add_template_filter(fmt.fmt_number, "number")

    @app.template_filter("money")
    def money(value) -> str:
        """Whole đồng, the unit named in the reader's language (VND in English)."""
        if value is None or str(get_locale()) == "vi":
            return fmt.fmt_money(value)
        return f"{fmt.fmt_number(value)} VND"

    @app.before_request
    def fresh_request_state() -> None:
        # Locale and per-request flags must not leak from a previous request that shared the
        # application context (as in tests, where one context spans several requests).
        refresh()
        g.login_failed = False


def select_locale() -> str:
    from flask import current_app

    choice = session.get("lang")
    if isinstance(choice, str) and choice in current_app.config["LANGUAGES"]:
        return choice
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


class Page:
    """One page of a list for templates: items, total, page, pages, per_page."""

    def __init__(self, items: list, total: int, page: int, per_page: int):
        self.items, self.total, self.page, self.per_page = items, total, page, per_page
        self.pages = max(1, -(-total // per_page))
        self.has_prev = page > 1
        self.has_next = page < self.pages


def paginate_select(session, stmt, per_page: int = 25) -> Page:
    from sqlalchemy import func, select

    try:
        page = max(1, int(request.args.get("page", 1)))
    except ValueError:
        page = 1
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    items = list(session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)))
    return Page(items, total or 0, page, per_page)
