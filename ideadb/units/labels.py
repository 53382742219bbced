"""Labels of the units feature's codes (kinds of unit), as lazy_gettext in one place."""

from __future__ import annotations

from flask import has_request_context
from flask_babel import lazy_gettext as _l

from ideadb.units.reference import AREAS

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

# The movement's five areas as the reference data names them (``reference.AREAS``).
AREA_LABELS = {
    "hanh_chinh": _l(
        "Nâng cao hiệu quả công tác, cải cách thủ tục hành chính trong cơ quan hệ thống chính trị"
    ),
    "san_xuat_kinh_doanh": _l(
        "Nâng cao năng suất lao động ở doanh nghiệp, hợp tác xã, tổ hợp tác, hộ gia đình"
    ),
    "su_nghiep": _l(
        "Trong các đơn vị sự nghiệp (trung tâm, trường học, bệnh viện) — khoa học, công nghệ"
    ),
    "luc_luong_vu_trang": _l("Trong lực lượng vũ trang: Công an, Quân đội, dân quân tự vệ"),
    "dan_toc_ton_giao": _l("Trong đồng bào các dân tộc, tôn giáo, kiều bào"),
}
_REFERENCE_NAMES = {code: name for code, name, _desc in AREAS}


def area_label(code: str | None, stored: str) -> str:
    """An area's name in the reader's language: the reference name is translated by its code;
    a name an admin edited is shown as written (outside a request: as stored)."""
    if code in AREA_LABELS and stored == _REFERENCE_NAMES.get(code) and has_request_context():
        return str(AREA_LABELS[code])
    return stored
