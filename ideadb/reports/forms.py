"""Forms of the report pages (GET forms: they only read, so they carry no CSRF token)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import NumberRange, Optional

from ideadb.core.fields import DMYDateField
from ideadb.core.forms import choices

GROUP_CHOICES = (
    ("district", _l("Huyện")),
    ("unit", _l("Đơn vị")),
    ("member_org", _l("Tổ chức thành viên")),
    ("area", _l("Lĩnh vực")),
)


class SummaryForm(FlaskForm):
    class Meta:
        csrf = False

    year = IntegerField(_l("Năm"), validators=[Optional(), NumberRange(1990, 2200)])
    group_by = SelectField(_l("Tổng hợp theo"), choices=choices(GROUP_CHOICES), default="district")
    # The document texts of the Word report (Nghị định 30/2020/NĐ-CP): settings, not literals.
    governing_body = StringField(_l("Cơ quan chủ quản"), validators=[Optional()])
    issuing_body = StringField(_l("Cơ quan ban hành"), validators=[Optional()])
    number = StringField(_l("Số, ký hiệu"), validators=[Optional()])
    place = StringField(_l("Địa danh"), validators=[Optional()])
    date = DMYDateField(_l("Ngày ban hành"), validators=[Optional()])
    signer_authority = StringField(_l("Thẩm quyền ký (ví dụ TM. BAN THƯỜNG TRỰC)"))
    signer_title = StringField(_l("Chức vụ người ký"), validators=[Optional()])
    signer_name = StringField(_l("Họ và tên người ký"), validators=[Optional()])
    recipients = TextAreaField(_l("Nơi nhận (mỗi dòng một nơi)"), validators=[Optional()])


class StatisticsForm(FlaskForm):
    class Meta:
        csrf = False

    year = SelectField(_l("Năm"), default="", validate_choice=False)
