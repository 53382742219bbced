"""Cleaning and checking what a person (or a file) gives for an idea, with Vietnamese messages.

``clean_idea`` normalises the fields given (NFC, trimmed) and raises ``ValidationFailed``
listing every problem; ``check_complete`` is what a dossier needs before it is submitted. The
form, the API, the bulk import and demo data all go through these two.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from ideadb.core.errors import ValidationFailed
from ideadb.core.fmt import LOCAL_TZ
from ideadb.core.text import N_, clean
from ideadb.ideas.lifecycle import CONTENT_FIELDS
from ideadb.ideas.models import Idea
from ideadb.units.models import Area, Unit
from ideadb.units.service import abolished_before, district_of, ended_message
from scoring.messages import Message

__all__ = ["CONTENT_FIELDS", "MAX_AUTHORS", "MAX_TEXT", "TEXT_FIELDS"]

TEXT_FIELDS = (
    "summary",
    "description",
    "novelty",
    "benefits",
    "field_of_application",
    "application_conditions",
    "confidential_info",
)
MAX_TEXT = 20000
MAX_AUTHORS = 30
MAX_ID = 2**31 - 1  # ids are 32-bit integers


def at_most_chars(limit: int) -> str:
    return Message(N_("Tối đa %(max)s ký tự."), max=limit)


def year_range_message(last: int) -> str:
    return Message(N_("Năm phải từ 1990 đến %(last)s."), last=last)


def shares_total_message(total: int) -> str:
    return Message(
        N_("Tổng tỷ lệ đóng góp của các tác giả phải bằng 100%% (hiện là %(total)s%%)."),
        total=total,
    )


def as_message(text: str) -> Message:
    """A message as a :class:`Message` (a plain catalogue msgid keeps no values)."""
    return text if isinstance(text, Message) else Message(text)


def nfc(value: Any) -> Any:
    """A string in Unicode NFC without surrounding blanks; anything else as it is."""
    return clean(value) if isinstance(value, str) else value


def clean_authors(
    session: Session, raw: Any, errors: dict[str, list[str]]
) -> list[dict[str, Any]] | None:
    if raw is None:
        return None
    if not isinstance(raw, list):
        errors["authors"] = [N_("Danh sách tác giả không hợp lệ.")]
        return None
    if len(raw) > MAX_AUTHORS:
        errors["authors"] = [Message(N_("Tối đa %(count)s tác giả."), count=MAX_AUTHORS)]
        return None
    out = []
    for i, row in enumerate(raw):
        if not isinstance(row, dict):
            errors[f"authors.{i}"] = [N_("Thông tin tác giả không hợp lệ.")]
            continue
        name = nfc(row.get("name") or "")
        unit = nfc(row.get("unit") or "")
        share = row.get("share")
        if not name:
            errors[f"authors.{i}.name"] = [N_("Vui lòng nhập họ tên tác giả.")]
        elif len(name) > 255:
            errors[f"authors.{i}.name"] = [N_("Họ tên tối đa 255 ký tự.")]
        if len(unit) > 255:
            errors[f"authors.{i}.unit"] = [N_("Tên đơn vị tối đa 255 ký tự.")]
        if isinstance(share, str) and share.strip().isdigit():
            share = int(share.strip())
        if isinstance(share, bool) or not isinstance(share, int):
            errors[f"authors.{i}.share"] = [N_("Tỷ lệ đóng góp phải là số nguyên phần trăm.")]
            share = None
        elif not 1 <= share <= 100:
            errors[f"authors.{i}.share"] = [N_("Tỷ lệ đóng góp phải từ 1 đến 100%.")]
        # A link request (an invitation), never checked against the accounts: whether an id
        # names someone must not show in the answer.
        user_id = row.get("user_id")
        if user_id is not None and (
            isinstance(user_id, bool) or not isinstance(user_id, int) or not 1 <= user_id <= MAX_ID
        ):
            errors[f"authors.{i}.user_id"] = [N_("Mã người dùng không hợp lệ.")]
            user_id = None
        out.append({"name": name, "unit": unit, "share": share, "user_id": user_id})
    shares = [a["share"] for a in out]
    if out and all(isinstance(s, int) for s in shares) and sum(shares) != 100:
        errors.setdefault("authors", []).append(shares_total_message(sum(shares)))
    return out


def registration_day(year: Any, idea: Idea | None = None) -> date:
    """The day a unit must still exist on for a record: the day it is registered (or was
    created), but for a dossier of an earlier year entered late, the first day of that year
    (the unit existed during the year the dossier belongs to)."""
    day = idea.created_at.astimezone(LOCAL_TZ).date() if idea and idea.created_at else None
    day = day or datetime.now(LOCAL_TZ).date()
    if isinstance(year, int) and not isinstance(year, bool) and 1990 <= year < day.year:
        day = date(year, 1, 1)
    return day


def _check_unit_current(
    unit: Unit, values: dict[str, Any], idea: Idea | None, errors: dict[str, list[str]]
) -> None:
    """A new record (or a record moved to another unit or year) needs a unit that still
    existed on its registration day; old records keep the unit they had."""
    year = values.get("year", idea.year if idea else None)
    if year is None:
        return  # a draft without its year yet: checked once the year is given
    if idea is not None and unit.id == idea.unit_id and year == idea.year:
        return
    day = registration_day(year, idea)
    ended = abolished_before(unit, day)
    if ended is not None:
        errors["unit_id"] = [ended_message(unit, ended, day)]


def clean_idea(
    session: Session, data: dict[str, Any], idea: Idea | None = None
) -> tuple[dict[str, Any], list[dict[str, Any]] | None]:
    """Normalise and check the fields given; raise ValidationFailed listing every problem."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    for key in CONTENT_FIELDS:
        if key in data:
            values[key] = nfc(data[key])
    if "title" in values or idea is None:
        title = values.get("title") or ""
        if not title:
            errors["title"] = [N_("Vui lòng nhập tên ý tưởng, sáng kiến.")]
        elif len(title) > 500:
            errors["title"] = [N_("Tên tối đa 500 ký tự.")]
    for key in TEXT_FIELDS:
        if key in values:
            if values[key] is None:
                values[key] = ""
            if not isinstance(values[key], str):
                errors[key] = [N_("Giá trị không hợp lệ.")]
            elif len(values[key]) > MAX_TEXT:
                errors[key] = [at_most_chars(MAX_TEXT)]
    if "owner_name" in values:
        values["owner_name"] = values["owner_name"] or None
        if values["owner_name"] and len(values["owner_name"]) > 255:
            errors["owner_name"] = [N_("Tối đa 255 ký tự.")]
    if values.get("area"):
        if session.get(Area, values["area"]) is None:
            errors["area"] = [N_("Lĩnh vực không hợp lệ.")]
    elif "area" in values:
        values["area"] = None
    if values.get("year") is not None:
        year = values["year"]
        this_year = datetime.now(LOCAL_TZ).year
        if isinstance(year, bool) or not isinstance(year, int) or not 1990 <= year <= this_year + 1:
            errors["year"] = [year_range_message(this_year + 1)]
    if "publish_consent" in values:
        values["publish_consent"] = bool(values["publish_consent"])
    if "applied_from" in values and values["applied_from"] is not None:
        if not isinstance(values["applied_from"], date):
            errors["applied_from"] = [N_("Ngày không hợp lệ, hãy nhập theo dạng dd/mm/yyyy.")]
        elif values["applied_from"] > datetime.now(LOCAL_TZ).date():
            errors["applied_from"] = [N_("Ngày áp dụng không thể ở tương lai.")]

    unit = None
    if values.get("unit_id") is not None:
        unit = session.get(Unit, values["unit_id"])
        if unit is None:
            errors["unit_id"] = [N_("Đơn vị không tồn tại.")]
    elif "unit_id" in values:
        values["unit_id"] = None
    if values.get("district_id") is not None:
        district = session.get(Unit, values["district_id"])
        if district is None or district.kind != "district":
            errors["district_id"] = [N_("Huyện không tồn tại.")]
    elif "district_id" in values:
        values["district_id"] = None
    if "unit_id" not in errors:
        # A change of year alone moves the registration day too.
        held = unit if unit is not None else idea.unit if idea and "year" in values else None
        if held is not None:
            _check_unit_current(held, values, idea, errors)
    if unit is not None:
        district = district_of(unit)
        if district is not None:
            given = values.get("district_id")
            if given is not None and given != district.id and "district_id" not in errors:
                errors["district_id"] = [N_("Đơn vị không thuộc huyện đã chọn.")]
            values["district_id"] = district.id
        elif "district_id" not in values:
            values["district_id"] = None

    authors = clean_authors(session, data.get("authors"), errors)
    if errors:
        raise ValidationFailed(N_("Thông tin ý tưởng chưa hợp lệ."), errors)
    return values, authors


def check_complete(idea: Idea) -> None:
    """What a dossier needs before it can be submitted."""
    errors: dict[str, list[str]] = {}
    required = {
        "title": N_("Vui lòng nhập tên ý tưởng, sáng kiến."),
        "summary": N_("Vui lòng nhập tóm tắt."),
        "description": N_("Vui lòng mô tả nội dung giải pháp."),
        "area": N_("Vui lòng chọn lĩnh vực."),
        "year": N_("Vui lòng nhập năm."),
        "unit_id": N_("Vui lòng chọn đơn vị."),
    }
    for key, message in required.items():
        if getattr(idea, key) in (None, ""):
            errors[key] = [message]
    if not idea.authors:
        errors["authors"] = [N_("Cần ít nhất một tác giả.")]
    elif sum(a.share for a in idea.authors) != 100:
        errors["authors"] = [N_("Tổng tỷ lệ đóng góp của các tác giả phải bằng 100%.")]
    if errors:
        raise ValidationFailed(N_("Hồ sơ chưa đủ thông tin để nộp."), errors)
