"""Keeping bots off the public "đăng ký áp dụng" form without any third-party service.

A hidden honeypot field people never fill in, and a signed time stamp put in the form when it
is shown: a form sent back faster than a person can type, or with a forged stamp, is refused.
"""

from __future__ import annotations

import time

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from ideadb.core.errors import BadRequest

SALT = "ideas.adoption-form"


class TooFast(BadRequest):
    """Sent back sooner than a person types: the page shows the form again, filled in."""


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(str(current_app.secret_key), salt=SALT)


def started_token() -> str:
    return _serializer().dumps(int(time.time()))


def check(honeypot: str | None, started: str | None, *, require_started: bool) -> None:
    """Raise BadRequest for a filled honeypot, a forged stamp, or a form sent too fast."""
    if honeypot:
        raise BadRequest("Yêu cầu không hợp lệ.")
    if not started:
        if require_started:
            raise BadRequest("Biểu mẫu không hợp lệ. Vui lòng tải lại trang và thử lại.")
        return
    try:
        opened = int(_serializer().loads(started))
    except (BadSignature, TypeError, ValueError):
        raise BadRequest("Biểu mẫu không hợp lệ. Vui lòng tải lại trang và thử lại.") from None
    if time.time() - opened < current_app.config.get("ADOPTION_MIN_SECONDS", 3):
        raise TooFast("Bạn gửi quá nhanh. Vui lòng kiểm tra lại thông tin và gửi lại.")
