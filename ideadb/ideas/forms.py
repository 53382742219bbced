"""Forms of the idea pages: the registration form in sections, screening, adoption interest."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    MultipleFileField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ideadb.core.fields import DMYDateField
from ideadb.core.forms import choices

REQUIRED = _l("Trường này là bắt buộc.")


class AuthorForm(Form):
    """One author row (no CSRF of its own: it lives inside the idea form)."""

    name = StringField(_l("Họ và tên tác giả"), validators=[Optional(), Length(max=255)])
    unit = StringField(_l("Đơn vị, nơi công tác"), validators=[Optional(), Length(max=255)])
    share = IntegerField(
        _l("Tỷ lệ đóng góp (%)"),
        validators=[Optional(), NumberRange(1, 100, _l("Từ 1 đến 100."))],
    )


class IdeaForm(FlaskForm):
    # 1. The idea
    title = StringField(
        _l("Tên ý tưởng, sáng kiến"), validators=[DataRequired(REQUIRED), Length(max=500)]
    )
    summary = TextAreaField(_l("Tóm tắt"), validators=[Optional(), Length(max=20000)])
    description = TextAreaField(
        _l("Nội dung giải pháp"), validators=[Optional(), Length(max=20000)]
    )
    novelty = TextAreaField(_l("Tính mới, tính sáng tạo"), validators=[Optional()])
    area = SelectField(_l("Lĩnh vực"), validate_choice=False)
    year = IntegerField(
        _l("Năm"),
        validators=[Optional()],
    )
    unit_id = SelectField(_l("Đơn vị"), coerce=int, validate_choice=False)
    applied_from = DMYDateField(_l("Ngày áp dụng lần đầu hoặc áp dụng thử (dd/mm/yyyy)"))
    # 2. Authors
    authors = FieldList(FormField(AuthorForm), min_entries=1, max_entries=30)
    owner_name = StringField(
        _l("Chủ sở hữu sáng kiến (nếu không phải tác giả)"),
        validators=[Optional(), Length(max=255)],
    )
    # 3. Application and benefits
    field_of_application = TextAreaField(_l("Lĩnh vực áp dụng"), validators=[Optional()])
    application_conditions = TextAreaField(
        _l("Điều kiện cần thiết để áp dụng"), validators=[Optional()]
    )
    benefits = TextAreaField(_l("Hiệu quả, lợi ích thu được"), validators=[Optional()])
    confidential_info = TextAreaField(
        _l("Thông tin cần được bảo mật (không bao giờ công khai)"), validators=[Optional()]
    )
    # 4. Attachments
    files = MultipleFileField(_l("Thêm tệp đính kèm"))
    # 5. Consent
    publish_consent = BooleanField(
        _l("Tôi/chúng tôi đồng ý công khai ý tưởng khi được công nhận (trừ thông tin bảo mật)")
    )
    version = HiddenField()


class ScreenForm(FlaskForm):
    decision = RadioField(
        _l("Kết quả sàng lọc"),
        choices=choices(
            [
                ("eligible", _l("Đủ điều kiện xét chọn")),
                ("needs_revision", _l("Yêu cầu bổ sung")),
                ("ineligible", _l("Không đủ điều kiện")),
            ]
        ),
        validators=[DataRequired(_l("Vui lòng chọn kết quả."))],
    )
    note = TextAreaField(
        _l("Ghi chú cho người đăng ký (bắt buộc khi yêu cầu bổ sung)"),
        validators=[Optional(), Length(max=20000)],
    )


class ActionForm(FlaskForm):
    """A button that only needs the CSRF token (submit, withdraw, publish...)."""

    note = TextAreaField(_l("Lý do (không bắt buộc)"), validators=[Optional(), Length(max=2000)])


class AdoptionInterestForm(FlaskForm):
    organisation = StringField(
        _l("Tổ chức, doanh nghiệp"), validators=[DataRequired(REQUIRED), Length(max=255)]
    )
    contact_name = StringField(
        _l("Người liên hệ"), validators=[DataRequired(REQUIRED), Length(max=255)]
    )
    email = EmailField(_l("Thư điện tử"), validators=[Optional(), Length(max=255)])
    phone = StringField(_l("Số điện thoại"), validators=[Optional(), Length(max=40)])
    message = TextAreaField(_l("Nội dung"), validators=[Optional(), Length(max=4000)])
    website = StringField(_l("Để trống ô này"))  # honeypot, hidden from people
    started = HiddenField()


class AdoptionUpdateForm(FlaskForm):
    """Where an adoption request stands and, once applied, what it brought."""

    status = SelectField(_l("Trạng thái"), validators=[DataRequired(REQUIRED)])
    note = TextAreaField(_l("Ghi chú"), validators=[Optional(), Length(max=4000)])
    applied_at = DMYDateField(_l("Ngày áp dụng"), validators=[Optional()])
    # Typed as people write money: 1.200.000 (the service reads the dots as thousands).
    benefit_vnd = StringField(_l("Lợi ích (đồng)"), validators=[Optional(), Length(max=30)])
    description = TextAreaField(_l("Kết quả áp dụng"), validators=[Optional(), Length(max=4000)])


class ImportForm(FlaskForm):
    """Upload of a spreadsheet of ideas (bulk import)."""

    file = FileField(
        _l("Tệp .xlsx hoặc .csv"),
        validators=[FileRequired(_l("Vui lòng chọn tệp cần nhập."))],
    )
    dry_run = BooleanField(_l("Chỉ kiểm tra, chưa nhập"))
    allow_duplicates = BooleanField(_l("Vẫn nhập các dòng trùng với ý tưởng đã có"))
