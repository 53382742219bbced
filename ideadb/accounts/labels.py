"""Labels of the accounts feature's codes (roles), as lazy_gettext in one place."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ROLE_LABELS = {
    "submitter": _l("Người đăng ký ý tưởng"),
    "unit_officer": _l("Cán bộ đơn vị"),
    "reviewer": _l("Thành viên hội đồng"),
    "secretary": _l("Thư ký hội đồng"),
    "admin": _l("Quản trị hệ thống"),
    "auditor": _l("Kiểm tra viên (chỉ xem)"),
}
