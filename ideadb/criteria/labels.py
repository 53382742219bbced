"""Labels of the criteria feature's codes (statuses of a set), as lazy_gettext in one place."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ideadb.criteria.models import SetStatus

STATUS_LABELS = {
    SetStatus.DRAFT: _l("Bản nháp"),
    SetStatus.ACTIVE: _l("Đang áp dụng"),
    SetStatus.RETIRED: _l("Ngừng áp dụng"),
}
