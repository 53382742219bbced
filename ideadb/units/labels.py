"""Labels of the units feature's codes (kinds of unit), as lazy_gettext in one place."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

KIND_LABELS = {
    "province": _l("Tỉnh, thành phố"),
    "district": _l("Huyện, thị xã, thành phố thuộc tỉnh"),
    "commune": _l("Xã, phường, thị trấn"),
    "member_org": _l("Tổ chức thành viên"),
    "agency": _l("Cơ quan"),
    "school": _l("Trường học"),
    "hospital": _l("Bệnh viện, cơ sở y tế"),
    "enterprise": _l("Doanh nghiệp"),
    "cooperative": _l("Hợp tác xã"),
    "armed_force": _l("Lực lượng vũ trang"),
    "other": _l("Khác"),
}
