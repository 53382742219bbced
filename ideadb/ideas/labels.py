"""Names of the ideas feature's codes: statuses and recognition scopes, in one place.

``*_NAMES`` are the Vietnamese source texts (what stored notifications and error messages
quote); ``*_LABELS`` are the same texts as ``lazy_gettext`` strings for pages, translated when
they are shown (the msgids are the source texts).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ideadb.ideas.models import IdeaStatus

S = IdeaStatus

STATUS_NAMES: dict[str, str] = {
    S.DRAFT: "Bản nháp",
    S.SUBMITTED: "Đã nộp, chờ sàng lọc",
    S.NEEDS_REVISION: "Yêu cầu bổ sung",
    S.ELIGIBLE: "Đủ điều kiện xét chọn",
    S.INELIGIBLE: "Không đủ điều kiện",
    S.IN_REVIEW: "Đang chấm điểm",
    S.RECOGNIZED: "Được công nhận",
    S.NOT_RECOGNIZED: "Không được công nhận",
    S.WITHDRAWN: "Đã rút",
}
SCOPE_NAMES: dict[str, str] = {
    "co_so": "Cấp cơ sở",
    "huyen": "Cấp huyện",
    "tinh": "Cấp tỉnh",
    "trung_uong": "Cấp trung ương",
}

# Variables, not literals: the same msgids are extracted from templates/ideas/_status.html
# and the reviews forms, so the catalogue translates them.
STATUS_LABELS = {code: _l(name) for code, name in STATUS_NAMES.items()}
# Literal calls, so that the catalogue extracts them (SCOPE_NAMES keeps the source texts).
SCOPE_LABELS = {
    "co_so": _l("Cấp cơ sở"),
    "huyen": _l("Cấp huyện"),
    "tinh": _l("Cấp tỉnh"),
    "trung_uong": _l("Cấp trung ương"),
}
INVITATION_LABELS = {
    "pending": _l("Chờ xác nhận"),
    "accepted": _l("Đã xác nhận"),
    "declined": _l("Đã từ chối"),
    "withdrawn": _l("Đã thu hồi"),
}

# Adoption interests (API.md: Adoption); the Vietnamese source texts live in ``adoption``.
ADOPTION_STATUS_LABELS = {
    "new": _l("Mới đăng ký"),
    "contacted": _l("Đã liên hệ"),
    "agreed": _l("Đã thống nhất"),
    "applying": _l("Đang áp dụng"),
    "applied": _l("Đã áp dụng"),
    "declined": _l("Từ chối"),
}
