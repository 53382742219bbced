"""Forms of the unit administration pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from ideadb.core.fields import DMYDateField
from ideadb.core.forms import choices
from ideadb.units.labels import KIND_LABELS


class UnitForm(FlaskForm):
    name = StringField(
        _l("Tên đơn vị"), validators=[DataRequired(_l("Trường này là bắt buộc.")), Length(max=255)]
    )
    kind = SelectField(_l("Loại"), choices=choices(KIND_LABELS.items()))
    code = StringField(_l("Mã"), validators=[Optional(), Length(max=40)])
    parent_id = SelectField(_l("Đơn vị cấp trên"), coerce=int, validate_choice=False)
    valid_from = DMYDateField(_l("Hiệu lực từ (dd/mm/yyyy)"), validators=[Optional()])
    valid_to = DMYDateField(_l("Hiệu lực đến (dd/mm/yyyy)"), validators=[Optional()])
    successor_id = SelectField(_l("Đơn vị kế thừa"), coerce=int, validate_choice=False)
