"""Attachment files: safe names and the type of a file judged from its content, not its name."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile

import filetype

# extension -> (content type, the extensions a file of that type may be named with)
ALLOWED_TYPES: dict[str, tuple[str, tuple[str, ...]]] = {
    "pdf": ("application/pdf", ("pdf",)),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ("docx",),
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",)),
    "jpg": ("image/jpeg", ("jpg", "jpeg")),
    "png": ("image/png", ("png",)),
}
ALLOWED_EXTENSIONS = tuple(ext for _, exts in ALLOWED_TYPES.values() for ext in exts)
ACCEPT_ATTRIBUTE = ",".join("." + ext for ext in ALLOWED_EXTENSIONS)

_UNSAFE = re.compile(r"[\x00-\x1f\x7f<>:\"/\\|?*]+")


def sanitize_filename(name: str | None, fallback: str = "tep-dinh-kem") -> str:
    """The last path component of an uploaded name, without separators or control characters."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").split("/")[-1]
    name = _UNSAFE.sub("_", name).strip().strip(".").strip()
    name = re.sub(r"\s+", " ", name)
    if not name or set(name) <= {"_", ".", " "}:
        name = fallback
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 200 - len(ext) - 1] + "." + ext) if dot and len(ext) <= 10 else name[:200]
    return name


def extension_of(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem else ""


def _zip_kind(data: bytes) -> str | None:
    """'docx' or 'xlsx' for an Office Open XML package, judged by the parts it holds."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if any(n.startswith("word/") for n in names):
        return "docx"
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    return None


def detect_kind(data: bytes) -> str | None:
    """The allowed kind ('pdf', 'docx', 'xlsx', 'jpg', 'png') of the content, or None."""
    guess = filetype.guess(data[:8192])
    extension = guess.extension if guess is not None else None
    if extension in ("pdf", "jpg", "png"):
        return extension
    if extension in ("zip", "docx", "xlsx") or data[:4] == b"PK\x03\x04":
        return _zip_kind(data)
    return None
