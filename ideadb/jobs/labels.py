"""Labels of job kinds and statuses, as lazy_gettext in one place."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

KIND_LABELS = {
    "mail": _l("Gửi thư điện tử"),
    "export.round": _l("Xuất danh sách xếp hạng"),
    "export.summary": _l("Xuất báo cáo tổng hợp năm"),
    "idea.import": _l("Nhập ý tưởng từ tệp"),
}

STATUS_LABELS = {
    "pending": _l("Đang chờ"),
    "running": _l("Đang chạy"),
    "done": _l("Đã xong"),
    "failed": _l("Lỗi"),
}
