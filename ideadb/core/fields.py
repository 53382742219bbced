"""Form fields shared by features: dates typed and shown as dd/mm/yyyy."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField

from ideadb.core.fmt import fmt_date, parse_date


class DMYDateField(StringField):
    """A date typed as dd/mm/yyyy (yyyy-mm-dd accepted too)."""

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return fmt_date(self.data) if self.data else ""

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = parse_date(valuelist[0])
        except ValueError:
            self.data = None
            raise ValueError(_l("Ngày không hợp lệ, hãy nhập theo dạng dd/mm/yyyy.")) from None
