"""The criteria-set editor: rows of criteria, their bands and recognition levels.

Adding, removing and moving rows are submit buttons (``name="action"``), so the editor works
without JavaScript; ``static/js/criteria.js`` only adds the live weight total.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import FieldList, Form, FormField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ideadb.core.errors import ValidationFailed
from ideadb.core.forms import shown, shown_all


def _number(label: Any) -> StringField:
    # Text, not type=number: councils type 7,5 as often as 7.5; the service reads both.
    return StringField(
        label, validators=[Optional(), Length(max=20)], render_kw={"inputmode": "decimal"}
    )


class BandForm(Form):
    min = _number(_l("Từ điểm"))
    max = _number(_l("Đến điểm"))
    label = StringField(_l("Mức đánh giá"), validators=[Length(max=255)])
    guidance = TextAreaField(_l("Hướng dẫn chấm"), validators=[Length(max=5000)])


class CriterionForm(Form):
    code = StringField(_l("Mã"), validators=[Length(max=40)])
    name = StringField(_l("Tên tiêu chí"), validators=[Length(max=255)])
    description = TextAreaField(_l("Mô tả"), validators=[Length(max=5000)])
    max_points = _number(_l("Điểm tối đa"))
    weight = _number(_l("Trọng số"))
    min_points = _number(_l("Điểm tối thiểu (loại trực tiếp)"))
    step = _number(_l("Bước điểm"))
    levels = FieldList(FormField(BandForm))


class LevelForm(Form):
    code = StringField(_l("Mã"), validators=[Length(max=40)])
    name = StringField(_l("Tên mức công nhận"), validators=[Length(max=255)])
    min_score = _number(_l("Điểm tối thiểu"))


class CriteriaSetForm(FlaskForm):
    name = StringField(_l("Tên bộ tiêu chí"), validators=[Length(max=255)])
    basis = TextAreaField(_l("Căn cứ"), validators=[Length(max=10000)])
    criteria = FieldList(FormField(CriterionForm))
    recognition_levels = FieldList(FormField(LevelForm))


#: The largest criteria file the upload form reads.
MAX_FILE_BYTES = 1024 * 1024


class IssueTemplateForm(FlaskForm):
    """Issue an active set as a template; the constraints are read from the rows of the page."""

    issuer = StringField(_l("Cơ quan ban hành"), validators=[Length(max=255)])
    code = StringField(
        _l("Mã hướng dẫn"), validators=[DataRequired(_l("Hãy nhập mã.")), Length(max=80)]
    )
    version = IntegerField(
        _l("Phiên bản hướng dẫn"),
        default=1,
        validators=[DataRequired(_l("Hãy nhập số phiên bản.")), NumberRange(1, 2**31 - 1)],
    )


class ImportForm(FlaskForm):
    file = FileField(
        _l("Tệp bộ tiêu chí (.json)"), validators=[FileRequired(_l("Hãy chọn một tệp."))]
    )


EMPTY_CRITERION: dict[str, Any] = {
    "code": "",
    "name": "",
    "description": "",
    "max_points": "",
    "weight": "",
    "min_points": "",
    "step": "",
    "levels": [],
}
EMPTY_BAND: dict[str, Any] = {"min": "", "max": "", "label": "", "guidance": ""}
EMPTY_LEVEL: dict[str, Any] = {"code": "", "name": "", "min_score": ""}


def body_of(form: CriteriaSetForm) -> dict[str, Any]:
    """The form as an API-shaped body (numbers still as typed; the service reads them)."""

    def text(value: Any) -> str:
        return (value or "").strip() if isinstance(value, str) else ""

    def number(value: Any) -> str | None:
        value = text(value)
        return value or None

    return {
        "name": text(form.name.data),
        "basis": text(form.basis.data),
        "criteria": [
            {
                "code": text(c.code.data).upper(),
                "name": text(c.name.data),
                "description": text(c.description.data),
                "max_points": number(c.max_points.data),
                "weight": number(c.weight.data),
                "min_points": number(c.min_points.data),
                "step": number(c.step.data),
                "levels": [
                    {
                        "min": number(b.min.data),
                        "max": number(b.max.data),
                        "label": text(b.label.data),
                        "guidance": text(b.guidance.data),
                    }
                    for b in (entry.form for entry in c.levels)
                ],
            }
            for c in (entry.form for entry in form.criteria)
        ],
        "recognition_levels": [
            {
                "code": text(lv.code.data).upper(),
                "name": text(lv.name.data),
                "min_score": number(lv.min_score.data),
            }
            for lv in (entry.form for entry in form.recognition_levels)
        ],
    }


def form_data(body: dict[str, Any]) -> dict[str, Any]:
    """An API-shaped body as data for :class:`CriteriaSetForm` (numbers shown with a comma)."""

    def shown(value: Any) -> str:
        if value is None or value == "":
            return ""
        return str(value).replace(".", ",")

    return {
        "name": body.get("name", ""),
        "basis": body.get("basis", ""),
        "criteria": [
            {
                **{k: c.get(k) or "" for k in ("code", "name", "description")},
                **{k: shown(c.get(k)) for k in ("max_points", "weight", "min_points", "step")},
                "levels": [
                    {
                        "min": shown(b.get("min")),
                        "max": shown(b.get("max")),
                        "label": b.get("label") or "",
                        "guidance": b.get("guidance") or "",
                    }
                    for b in c.get("levels") or []
                ],
            }
            for c in body.get("criteria") or []
        ],
        "recognition_levels": [
            {
                "code": lv.get("code") or "",
                "name": lv.get("name") or "",
                "min_score": shown(lv.get("min_score")),
            }
            for lv in body.get("recognition_levels") or []
        ],
    }


_ACTION = re.compile(r"^(add|remove|up|down)-(criterion|band|level)(?:-(\d+))?(?:-(\d+))?$")


def apply_action(body: dict[str, Any], action: str) -> bool:
    """Add, remove or move a row of ``body`` in place; False when the action is not one."""
    match = _ACTION.match(action or "")
    if not match:
        return False
    verb, kind, first, second = match.groups()
    i = int(first) if first is not None else None
    j = int(second) if second is not None else None
    criteria: list[dict[str, Any]] = body["criteria"]
    levels: list[dict[str, Any]] = body["recognition_levels"]
    if kind == "criterion":
        _change(criteria, verb, i, EMPTY_CRITERION)
    elif kind == "level":
        _change(levels, verb, i, EMPTY_LEVEL)
    elif i is not None and 0 <= i < len(criteria):
        _change(criteria[i].setdefault("levels", []), verb, j, EMPTY_BAND)
    return True


def _change(rows: list[dict[str, Any]], verb: str, index: int | None, empty: dict[str, Any]):
    if verb == "add":
        rows.append({k: (list(v) if isinstance(v, list) else v) for k, v in empty.items()})
        return
    if index is None or not 0 <= index < len(rows):
        return
    if verb == "remove":
        del rows[index]
    elif verb == "up" and index > 0:
        rows[index - 1], rows[index] = rows[index], rows[index - 1]
    elif verb == "down" and index < len(rows) - 1:
        rows[index + 1], rows[index] = rows[index], rows[index + 1]


def place_errors(form: CriteriaSetForm, exc: ValidationFailed) -> list[tuple[str, str, str]]:
    """Show the service's errors (``criteria.2.levels.0.min``) beside the fields they name.

    Returns the summary for the top of the page: ``(field id, where, message)``, the field id
    empty for errors of the whole set.
    """
    summary: list[tuple[str, str, str]] = []
    for path, raw in exc.fields.items():
        messages = shown_all(raw)
        target: Any = form
        where: list[str] = []
        for part in path.split("."):
            if target is None:
                break
            if part.isdigit():
                entries = getattr(target, "entries", [])
                index = int(part)
                target = entries[index] if index < len(entries) else None
                target = getattr(target, "form", target)
                where.append(str(index + 1))
            else:
                target = getattr(target, part, None)
        if isinstance(target, FieldList) or target is form or target is None:
            form.form_errors.extend(messages)
            summary.extend(("", "", message) for message in messages)
            continue
        target.errors = [*target.errors, *messages]
        label = _where(path, target)
        summary.extend((target.id, label, message) for message in messages)
    if not exc.fields:
        form.form_errors.append(shown(exc.message))
        summary.append(("", "", shown(exc.message)))
    return summary


def _where(path: str, field: Any) -> str:
    """“Tiêu chí 2 · khoảng điểm 1 · Từ điểm” for ``criteria.1.levels.0.min``."""
    parts = path.split(".")
    names = {"criteria": _l("Tiêu chí"), "levels": _l("khoảng điểm"),
             "recognition_levels": _l("Mức công nhận")}  # fmt: skip
    words = []
    for name, index in zip(parts[0::2], parts[1::2], strict=False):
        if index.isdigit() and name in names:
            words.append(f"{names[name]} {int(index) + 1}")
    words.append(str(field.label.text))
    return " · ".join(words)


def weight_total(form: CriteriaSetForm) -> Decimal | None:
    """The sum of the weights typed so far (None when one is not a number)."""
    total = Decimal(0)
    for entry in form.criteria:
        raw = (entry.form.weight.data or "").strip().replace(",", ".")
        if not raw:
            continue
        try:
            total += Decimal(raw)
        except InvalidOperation:
            return None
    return total if total.is_finite() else None
