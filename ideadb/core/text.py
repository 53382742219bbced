"""Text as the application stores it: Unicode NFC (Vietnamese typed on some systems arrives NFD)."""

from __future__ import annotations

import unicodedata
from typing import Any


def nfc(text: str | None) -> str:
    """The text in NFC ("" for None)."""
    return unicodedata.normalize("NFC", text or "")


def clean(text: str | None) -> str:
    """The text in NFC without surrounding white space ("" for None)."""
    return nfc(text).strip()


def nfc_deep(value: Any) -> Any:
    """Every string inside a JSON-like value (lists, dicts, keys too) in NFC."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [nfc_deep(v) for v in value]
    if isinstance(value, dict):
        return {nfc_deep(k): nfc_deep(v) for k, v in value.items()}
    return value


def N_(message: str) -> str:
    """Mark a Vietnamese message for the catalogue where it is stored, not yet translated (a
    notification's message is translated when it is shown)."""
    return message
