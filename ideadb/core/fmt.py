"""Vietnamese-first formatting of dates, times and numbers (dd/mm/yyyy, 1.200.000)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from babel.numbers import format_decimal

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def local(dt: datetime) -> datetime:
    return dt.astimezone(LOCAL_TZ)


def fmt_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local(value)
    return value.strftime("%d/%m/%Y")


def fmt_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return local(value).strftime("%d/%m/%Y %H:%M")


def fmt_number(value, digits: int = 0, locale: str = "vi") -> str:
    if value is None:
        return ""
    if digits:
        q = Decimal(str(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
        return format_decimal(q, format="#,##0." + "0" * digits, locale=locale)
    return format_decimal(value, format="#,##0", locale=locale)


def fmt_money(value, locale: str = "vi") -> str:
    return "" if value is None else f"{fmt_number(value, locale=locale)} đồng"


def parse_date(text: str) -> date:
    """Parse dd/mm/yyyy (also yyyy-mm-dd); raise ValueError otherwise."""
    text = text.strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)
