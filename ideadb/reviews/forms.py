"""Forms of the review pages (CSRF through Flask-WTF on every one)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DecimalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from ideadb.accounts.forms import MultiCheckboxField
from ideadb.core.fields import DMYDateField
from ideadb.core.forms import choices
from ideadb.reviews import labels

REQUIRED = _l("Trường này là bắt buộc.")

MAX_ID = 2**31 - 1


def record_id(value: object) -> int:
    """Coerce a posted id: a positive whole number a database id can be (ValueError else)."""
    number = int(str(value).strip())
    if not 1 <= number <= MAX_ID:
        raise ValueError(value)
    return number


class RoundForm(FlaskForm):
    name = StringField(_l("Tên đợt xét chọn"), validators=[DataRequired(REQUIRED), Length(max=255)])
    year = IntegerField(_l("Năm"), validators=[InputRequired(REQUIRED), NumberRange(2000, 2100)])
    level = SelectField(_l("Cấp xét chọn"), choices=choices(labels.LEVEL_CHOICES))
    criteria_set_id = SelectField(_l("Bộ tiêu chí"), coerce=int, validate_choice=False)
    reviewers_per_idea = IntegerField(
        _l("Số thành viên chấm mỗi ý tưởng"), default=2, validators=[NumberRange(1, 20)]
    )
    aggregation = SelectField(_l("Cách tổng hợp điểm"), choices=choices(labels.AGGREGATION_CHOICES))
    blind = BooleanField(_l("Chấm kín (ẩn tác giả, người đăng ký và đơn vị)"))
    disagreement_threshold = DecimalField(
        _l("Ngưỡng chênh lệch điểm (thang 100)"), default=20, places=2,
        validators=[NumberRange(0, 100)],
    )  # fmt: skip
    deadline = DMYDateField(_l("Hạn chấm (dd/mm/yyyy)"), validators=[Optional()])
    chair_id = SelectField(_l("Chủ tịch hội đồng"), coerce=int, validate_choice=False)
    show_details_to_submitters = BooleanField(
        _l("Cho người nộp xem điểm trung bình từng tiêu chí và nhận xét (không kèm tên)")
    )
    public_vote_weight = IntegerField(
        _l("Tỷ trọng bình chọn công khai (điểm trên thang 100; để trống: không bình chọn)"),
        validators=[Optional(), NumberRange(0, 50)],
    )
    issuing_body = StringField(_l("Cơ quan ban hành văn bản"), validators=[Optional()])
    governing_body = StringField(_l("Cơ quan chủ quản"), validators=[Optional()])
    place = StringField(_l("Địa danh ghi ngày văn bản"), validators=[Optional()])
    signer_title = StringField(_l("Chức vụ người ký"), validators=[Optional()])
    signer_name = StringField(_l("Họ tên người ký"), validators=[Optional()])


class NextRoundForm(RoundForm):
    source_round_ids = MultiCheckboxField(_l("Đợt nguồn (đã công bố)"), coerce=int)


class IdeasForm(FlaskForm):
    idea_ids = MultiCheckboxField(
        _l("Ý tưởng đủ điều kiện"), coerce=record_id, validate_choice=False
    )


class ReviewersForm(FlaskForm):
    user_ids = MultiCheckboxField(
        _l("Thành viên hội đồng"), coerce=record_id, validate_choice=False
    )


class AssignForm(FlaskForm):
    idea_id = SelectField(_l("Ý tưởng"), coerce=record_id, validate_choice=False)
    reviewer_id = SelectField(_l("Thành viên"), coerce=record_id, validate_choice=False)


class ConflictForm(FlaskForm):
    idea_id = SelectField(_l("Ý tưởng"), coerce=record_id, validate_choice=False)
    user_id = SelectField(_l("Thành viên"), coerce=record_id, validate_choice=False)
    reason = StringField(_l("Lý do"), validators=[DataRequired(REQUIRED)])


class ReasonForm(FlaskForm):
    reason = StringField(_l("Lý do"), validators=[DataRequired(REQUIRED)])


class ActionForm(FlaskForm):
    """A button that changes state: only the CSRF token."""


class RemindForm(FlaskForm):
    """Remind everyone, or one reviewer."""

    reviewer_id = IntegerField(
        widget=HiddenInput(), validators=[Optional(), NumberRange(1, MAX_ID)]
    )


class DeliberateForm(FlaskForm):
    force = BooleanField(_l("Kết thúc chấm dù còn phiếu chưa nộp (đánh dấu là không nộp)"))


class ConfirmForm(FlaskForm):
    conflict = RadioField(
        _l("Xung đột lợi ích"),
        choices=choices(
            [
                ("no", _l("Tôi xác nhận không có xung đột lợi ích với ý tưởng này")),
                ("yes", _l("Tôi có xung đột lợi ích (sẽ được thay người chấm khác)")),
            ]
        ),
        validators=[InputRequired(_l("Vui lòng trả lời: bạn có xung đột lợi ích hay không."))],
    )
    reason = StringField(_l("Lý do (nếu có xung đột)"), validators=[Optional()])


class SheetForm(FlaskForm):
    """The sheet's fixed fields; per-criterion points and comments are read by code."""

    version = IntegerField(
        widget=HiddenInput(), default=0, validators=[InputRequired(), NumberRange(0, MAX_ID)]
    )
    comment = TextAreaField(_l("Nhận xét chung"), validators=[Optional()])


class DiscussionForm(FlaskForm):
    idea_id = IntegerField(
        widget=HiddenInput(), validators=[InputRequired(REQUIRED), NumberRange(1, MAX_ID)]
    )
    note = TextAreaField(_l("Biên bản thảo luận của hội đồng"), validators=[DataRequired(REQUIRED)])


class DecisionForm(FlaskForm):
    idea_id = HiddenField()
    level = SelectField(_l("Quyết định"), validate_choice=False)
    note = StringField(_l("Lý do (bắt buộc khi khác mức đề xuất)"), validators=[Optional()])


class AppealForm(FlaskForm):
    reason = TextAreaField(
        _l("Lý do khiếu nại"), validators=[DataRequired(REQUIRED), Length(max=10_000)]
    )


class ResolveAppealForm(FlaskForm):
    outcome = RadioField(
        _l("Kết quả giải quyết"),
        choices=choices(
            [("upheld", _l("Chấp nhận khiếu nại")), ("rejected", _l("Không chấp nhận"))]
        ),
        validators=[InputRequired(REQUIRED)],
    )
    decision = SelectField(_l("Quyết định mới (khi chấp nhận)"), validate_choice=False)
    note = TextAreaField(
        _l("Trả lời khiếu nại"), validators=[DataRequired(REQUIRED), Length(max=10_000)]
    )


class DocumentSettingsForm(FlaskForm):
    governing_body = StringField(_l("Cơ quan chủ quản"), validators=[Optional(), Length(max=300)])
    issuing_body = StringField(_l("Cơ quan ban hành"), validators=[Optional(), Length(max=300)])
    number = StringField(_l("Số văn bản"), validators=[Optional(), Length(max=100)])
    place = StringField(_l("Địa danh"), validators=[Optional(), Length(max=100)])
    authority = StringField(_l("Thẩm quyền ký"), validators=[Optional(), Length(max=300)])
    signer_title = StringField(_l("Chức vụ người ký"), validators=[Optional(), Length(max=200)])
    signer_name = StringField(_l("Họ tên người ký"), validators=[Optional(), Length(max=200)])
    recipients = TextAreaField(_l("Nơi nhận (mỗi dòng một nơi)"), validators=[Optional()])
