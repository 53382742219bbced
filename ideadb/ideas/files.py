"""Attachment files: safe names and the type of a file judged from its content, not its name."""

from __future__ import annotations

import io
import re
import struct
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
    # Word 97-2003 and Excel 97-2003 files, still common in offices (OLE2 compound files).
    "doc": ("application/msword", ("doc",)),
    "xls": ("application/vnd.ms-excel", ("xls",)),
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


OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_FREE = 0xFFFFFFFA  # sector ids at or above this are markers (end of chain, free, FAT...)
_MAX_SECTORS = 1 << 16  # far more than a 10 MB file holds: bounds every walk


def ole_stream_names(data: bytes) -> set[str] | None:
    """The names of the streams in an OLE2 compound file, or None when it is not a sound one.

    Reads the header, the FAT (with its DIFAT chain) and the directory chain; every sector id
    is bounds-checked and every walk is bounded, so a crafted file cannot loop or overread.
    """
    if len(data) < 512 or data[:8] != OLE2_SIGNATURE:
        return None
    shift = struct.unpack_from("<H", data, 0x1E)[0]
    if shift not in (9, 12):
        return None
    size = 1 << shift
    sectors = (len(data) - size) // size if len(data) > size else 0

    def sector(sid: int) -> bytes | None:
        if sid >= sectors:
            return None
        start = size + sid * size
        return data[start : start + size]

    num_fat, first_dir = struct.unpack_from("<II", data, 0x2C)
    first_difat, num_difat = struct.unpack_from("<II", data, 0x44)
    fat_sids = [s for s in struct.unpack_from("<109I", data, 0x4C) if s < _FREE]
    sid, steps = first_difat, 0
    while sid < _FREE and steps < min(num_difat, _MAX_SECTORS):
        block = sector(sid)
        if block is None:
            return None
        entries = struct.unpack(f"<{size // 4}I", block)
        fat_sids.extend(s for s in entries[:-1] if s < _FREE)
        sid, steps = entries[-1], steps + 1
    if not fat_sids or len(fat_sids) < min(num_fat, 1):
        return None
    fat: list[int] = []
    for fat_sid in fat_sids[:num_fat]:
        block = sector(fat_sid)
        if block is None:
            return None
        fat.extend(struct.unpack(f"<{size // 4}I", block))
    names: set[str] = set()
    sid, seen = first_dir, set[int]()
    while sid < _FREE:
        if sid in seen or len(seen) > _MAX_SECTORS or sid >= len(fat):
            return None
        seen.add(sid)
        block = sector(sid)
        if block is None:
            return None
        for offset in range(0, size, 128):
            length = struct.unpack_from("<H", block, offset + 0x40)[0]
            kind = block[offset + 0x42]
            if kind == 2 and 2 <= length <= 64:
                raw = block[offset : offset + length - 2]
                names.add(raw.decode("utf-16-le", errors="replace"))
        sid = fat[sid]
    return names


def _ole_kind(data: bytes) -> str | None:
    """'doc' or 'xls' for a Word or Excel 97-2003 file, judged by its main stream."""
    names = ole_stream_names(data)
    if not names:
        return None
    if "WordDocument" in names:
        return "doc"
    if "Workbook" in names or "Book" in names:
        return "xls"
    return None


def detect_kind(data: bytes) -> str | None:
    """The allowed kind ('pdf', 'docx', 'xlsx', 'doc', 'xls', 'jpg', 'png') of the content,
    or None."""
    if data[:8] == OLE2_SIGNATURE:
        return _ole_kind(data)
    guess = filetype.guess(data[:8192])
    extension = guess.extension if guess is not None else None
    if extension in ("pdf", "jpg", "png"):
        return extension
    if extension in ("zip", "docx", "xlsx") or data[:4] == b"PK\x03\x04":
        return _zip_kind(data)
    return None
