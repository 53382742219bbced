"""The search box of the catalogue and staff search pages (a GET form: no CSRF token)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from ideadb.core.forms import choices

SORT_CHOICES = [
    ("relevance", _l("Phù hợp nhất")),
    ("newest", _l("Mới nhất")),
    ("score", _l("Điểm xét chọn cao nhất")),
]


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Tìm ý tưởng, sáng kiến"), validators=[Optional(), Length(max=1000)])
    sort = SelectField(_l("Sắp xếp"), choices=choices(SORT_CHOICES), default="relevance")
