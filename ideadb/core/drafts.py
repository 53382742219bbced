"""Nothing typed is lost: a form refused for an expired session comes back filled in.

When a page form is posted with an expired CSRF token, or after its author was signed out in
another tab, the typed fields are stashed in the (signed) session and the person is sent back
to the form's page — through the sign-in page when needed. The next time that page builds a
form on a GET, the form reads the stashed fields instead of its defaults (once), so the person
sees what they typed, checks it and sends it again. Passwords, tokens and uploaded files are
never stashed.
"""

from __future__ import annotations

from flask import current_app, flash, request, session
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

KEY = "_draft"
# The session is a signed cookie (about 4 KB once compressed): a larger draft is cut to fit.
MAX_CHARS = 12000
SKIPPED = ("csrf_token", "password", "current_password", "new_password", "confirm", "website")


def form_page(path: str | None = None) -> str | None:
    """The path of the page (GET) that shows the form posted to ``path``, or None."""
    path = path or request.path
    adapter = current_app.url_map.bind("localhost")
    try:
        adapter.match(path, method="GET")
        return path
    except HTTPException:
        pass
    referrer = request.referrer or ""
    host = request.host_url
    if referrer.startswith(host):
        return "/" + referrer[len(host) :].split("#", 1)[0].lstrip("/")
    return None


def stash(target: str) -> bool:
    """Keep the posted text fields for the page at ``target``; False when nothing was typed."""
    items = [
        (name, value)
        for name, value in request.form.items(multi=True)
        if name not in SKIPPED and not name.endswith("password") and value.strip()
    ]
    if not items:
        return False
    kept, size = [], 0
    for name, value in items:
        size += len(name) + len(value)
        if size > MAX_CHARS:
            break
        kept.append((name, value))
    session[KEY] = {"path": target.split("?", 1)[0], "data": kept}
    return True


def _restored() -> MultiDict | None:
    draft = session.get(KEY)
    if not draft or request.method != "GET" or draft.get("path") != request.path:
        return None
    cached = getattr(request, "_ideadb_draft", None)
    if cached is None:
        session.pop(KEY, None)
        cached = MultiDict([tuple(pair) for pair in draft.get("data", [])])
        request._ideadb_draft = cached  # type: ignore[attr-defined]
        flash(
            _("Nội dung bạn đã nhập trước đó đã được khôi phục. Vui lòng kiểm tra lại và gửi."),
            "info",
        )
    return cached


def install() -> None:
    """Let every FlaskForm built on a GET read a restored draft (once per stashed draft)."""
    original = FlaskForm.Meta.wrap_formdata
    if getattr(original, "_ideadb_drafts", False):
        return

    def wrap_formdata(self, form, formdata):
        if formdata is _Auto and request and request.method == "GET" and KEY in session:
            draft = _restored()
            if draft is not None:
                return draft
        return original(self, form, formdata)

    wrap_formdata._ideadb_drafts = True  # type: ignore[attr-defined]
    FlaskForm.Meta.wrap_formdata = wrap_formdata
