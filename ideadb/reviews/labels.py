"""Labels of the review codes (round levels and phases, aggregations, assignment states,
conflict kinds), translated when shown."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import LazyString, force_locale
from flask_babel import lazy_gettext as _l

from ideadb.ideas.labels import SCOPE_LABELS

# The scope ladder is the ideas feature's vocabulary: one set of labels for both.
LEVEL_LABELS = SCOPE_LABELS
# The council's reading of Krippendorff's alpha, by verdict (``scoring.reliability.describe``).
RELIABILITY_MESSAGES = {
    "undefined": _l(
        "Chưa tính được độ tin cậy giữa các thành viên hội đồng: cần ít nhất hai ý tưởng "
        "có từ hai phiếu chấm trở lên và các tổng điểm không trùng hết nhau."
    ),
    "reliable": _l(
        "Hệ số alpha của Krippendorff là %(alpha)s, tính trên %(n)s ý tưởng có từ hai phiếu: "
        "các thành viên hội đồng chấm nhất quán."
    ),
    "tentative": _l(
        "Hệ số alpha của Krippendorff là %(alpha)s, tính trên %(n)s ý tưởng có từ hai phiếu: "
        "mức nhất quán chấp nhận được, nên thận trọng khi kết luận."
    ),
    "unreliable": _l(
        "Hệ số alpha của Krippendorff là %(alpha)s, tính trên %(n)s ý tưởng có từ hai phiếu: "
        "các thành viên hội đồng chấm chưa nhất quán, nên xem lại các ý tưởng chênh lệch lớn."
    ),
}
STATUS_LABELS = {
    "draft": _l("Đang chuẩn bị"),
    "reviewing": _l("Đang chấm điểm"),
    "deliberation": _l("Đang họp xét"),
    "finalized": _l("Đã công bố kết quả"),
}
AGGREGATION_LABELS = {
    "mean": _l("Trung bình cộng"),
    "median": _l("Trung vị"),
    "trimmed_mean": _l("Trung bình bỏ cao nhất và thấp nhất"),
    "zscore": _l("Chuẩn hóa theo thành viên (z-score)"),
}
ASSIGNMENT_LABELS = {
    "pending_confirmation": _l("Chờ xác nhận không xung đột"),
    "active": _l("Đang chấm"),
    "recused": _l("Đã rút (xung đột)"),
    "submitted": _l("Đã nộp phiếu"),
    "missed": _l("Không nộp phiếu"),
}
CONFLICT_LABELS = {
    "author": _l("Là tác giả"),
    "unit": _l("Cùng đơn vị với ý tưởng"),
    "registrant": _l("Là người đăng ký"),
    "secretary": _l("Thư ký khai báo"),
    "reviewer": _l("Thành viên tự khai báo"),
}

LEVEL_CHOICES = list(LEVEL_LABELS.items())
AGGREGATION_CHOICES = list(AGGREGATION_LABELS.items())


def status_label(status: str) -> str:
    """The phase's name in the current language (the code itself when unknown)."""
    label = STATUS_LABELS.get(str(status))
    return str(label) if label is not None else str(status)


def in_documents(table: Mapping[str, LazyString], code: str) -> str:
    """A code's label as official documents print it: in Vietnamese, whatever the language
    of the person exporting them (the code itself when it has no label)."""
    label = table.get(str(code))
    if label is None:
        return str(code)
    with force_locale("vi"):
        return str(label)
