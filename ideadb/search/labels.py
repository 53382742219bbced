"""User-visible texts of search built outside templates."""

from __future__ import annotations

from flask_babel import gettext as _


def unmatched_marks_notice(words: list[str]) -> str | None:
    """The notice shown above approximate results (None when every mark was matched)."""
    if not words:
        return None
    quoted = ", ".join(f"'{w}'" for w in words)
    return _("Không có kết quả đúng dấu cho %(words)s; kết quả gần đúng:", words=quoted)
