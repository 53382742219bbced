"""Forms of the account pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, EqualTo, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ideadb.accounts.labels import ROLE_LABELS
from ideadb.accounts.service import MIN_PASSWORD_LENGTH
from ideadb.core.forms import choices


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


REQUIRED = _l("Trường này là bắt buộc.")


class SignInForm(FlaskForm):
    username = StringField(_l("Tên đăng nhập"), validators=[DataRequired(REQUIRED)])
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(REQUIRED)])
    remember = BooleanField(_l("Ghi nhớ đăng nhập"))


class SignUpForm(FlaskForm):
    full_name = StringField(_l("Họ và tên"), validators=[DataRequired(REQUIRED), Length(max=255)])
    username = StringField(_l("Tên đăng nhập"), validators=[DataRequired(REQUIRED), Length(3, 80)])
    email = EmailField(_l("Thư điện tử"), validators=[Optional(), Length(max=255)])
    unit_id = SelectField(_l("Đơn vị / nơi công tác (nếu có)"), coerce=int, validate_choice=False)
    password = PasswordField(
        _l("Mật khẩu"),
        validators=[
            DataRequired(REQUIRED),
            Length(min=MIN_PASSWORD_LENGTH, message=_l("Mật khẩu phải có ít nhất 8 ký tự.")),
        ],
    )
    confirm = PasswordField(
        _l("Nhập lại mật khẩu"),
        validators=[
            DataRequired(REQUIRED),
            EqualTo("password", message=_l("Mật khẩu nhập lại không khớp.")),
        ],
    )


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(_l("Mật khẩu hiện tại"), validators=[DataRequired(REQUIRED)])
    new_password = PasswordField(
        _l("Mật khẩu mới"),
        validators=[
            DataRequired(REQUIRED),
            Length(min=MIN_PASSWORD_LENGTH, message=_l("Mật khẩu phải có ít nhất 8 ký tự.")),
        ],
    )
    confirm = PasswordField(
        _l("Nhập lại mật khẩu mới"),
        validators=[
            DataRequired(REQUIRED),
            EqualTo("new_password", message=_l("Mật khẩu nhập lại không khớp.")),
        ],
    )


class UserForm(FlaskForm):
    username = StringField(_l("Tên đăng nhập"), validators=[DataRequired(REQUIRED), Length(3, 80)])
    full_name = StringField(_l("Họ và tên"), validators=[DataRequired(REQUIRED), Length(max=255)])
    email = EmailField(_l("Thư điện tử"), validators=[Optional(), Length(max=255)])
    unit_id = SelectField(_l("Đơn vị"), coerce=int, validate_choice=False)
    roles = MultiCheckboxField(_l("Vai trò"), choices=choices(ROLE_LABELS.items()))
    password = PasswordField(_l("Mật khẩu"), validators=[Optional()])
    active = BooleanField(_l("Đang hoạt động"), default=True)


class CloseAccountForm(FlaskForm):
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(REQUIRED)])
    understood = BooleanField(
        _l("Tôi hiểu rằng tài khoản sẽ bị đóng vĩnh viễn và không thể khôi phục."),
        validators=[DataRequired(_l("Vui lòng xác nhận trước khi đóng tài khoản."))],
    )


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""
