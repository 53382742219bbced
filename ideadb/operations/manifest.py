"""The manifest of a backup folder and the check of a folder against it.

``manifest.json`` lists every other file of the folder with its size and sha256, the kind of
database, the Alembic schema revision and the number of rows of every table.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ideadb.operations import OperationFailed
from ideadb.operations.progress import Progress, Silent

FORMAT = "ideadb-backup/1"
MANIFEST = "manifest.json"
UPLOADS = "uploads"
DATABASE_FILES = {"sqlite": "ideadb.sqlite", "postgresql": "ideadb.dump"}
KIND_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
CHUNK = 1024 * 1024


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def files_in(folder: Path) -> list[str]:
    """Every file under ``folder`` except the manifest, as sorted POSIX relative paths."""
    found = []
    for root, dirs, names in os.walk(folder):
        dirs.sort()
        for name in names:
            rel = (Path(root) / name).relative_to(folder).as_posix()
            if rel != MANIFEST:
                found.append(rel)
    return sorted(found)


def describe(folder: Path, progress: Progress | None = None) -> dict[str, dict[str, Any]]:
    """Size and sha256 of every file of the folder (the manifest's ``files``)."""
    progress = progress or Silent()
    names = files_in(folder)
    described: dict[str, dict[str, Any]] = {}
    with progress.stage("Tính mã băm", len(names)) as advance:
        for rel in names:
            path = folder / rel
            described[rel] = {"size": path.stat().st_size, "sha256": sha256_file(path)}
            advance(1)
    return described


def build(
    *,
    kind: str,
    schema_revision: str | None,
    tables: dict[str, int],
    files: dict[str, dict[str, Any]],
    created_at: datetime | None = None,
) -> dict[str, Any]:
    uploads = {k: v for k, v in files.items() if k.startswith(UPLOADS + "/")}
    return {
        "format": FORMAT,
        "created_at": (created_at or datetime.now(UTC)).isoformat(timespec="seconds"),
        "database": {
            "kind": kind,
            "file": DATABASE_FILES[kind],
            "schema_revision": schema_revision,
        },
        "tables": dict(sorted(tables.items())),
        "uploads": {"files": len(uploads), "bytes": sum(v["size"] for v in uploads.values())},
        "files": files,
    }


def write(folder: Path, manifest: dict[str, Any]) -> None:
    text = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
    (folder / MANIFEST).write_text(text, encoding="utf-8")


def read(folder: Path) -> dict[str, Any]:
    """The manifest of a backup folder, its shape checked; OperationFailed when unusable."""
    if not folder.is_dir():
        raise OperationFailed(f"Không có thư mục sao lưu {folder}.")
    path = folder / MANIFEST
    if not path.is_file():
        raise OperationFailed(f"Thư mục {folder} không có tệp {MANIFEST}: không phải bản sao lưu.")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise OperationFailed(f"Không đọc được {MANIFEST}: {exc}.") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        found = manifest.get("format") if isinstance(manifest, dict) else None
        raise OperationFailed(
            f"{MANIFEST} có định dạng “{found}”, phiên bản này chỉ đọc được “{FORMAT}”."
        )
    database = manifest.get("database")
    files = manifest.get("files")
    tables = manifest.get("tables")
    if (
        not isinstance(database, dict)
        or database.get("kind") not in DATABASE_FILES
        or database.get("file") != DATABASE_FILES[database["kind"]]
        or not isinstance(files, dict)
        or not isinstance(tables, dict)
        or not all(
            isinstance(v, dict)
            and isinstance(v.get("sha256"), str)
            and isinstance(v.get("size"), int)
            for v in files.values()
        )
        or not all(isinstance(v, int) for v in tables.values())
    ):
        raise OperationFailed(f"{MANIFEST} thiếu thông tin hoặc sai cấu trúc.")
    for rel in files:
        parts = Path(rel).parts
        if Path(rel).is_absolute() or ".." in parts or not parts:
            raise OperationFailed(f"{MANIFEST} chứa đường dẫn không hợp lệ: {rel}.")
    if database["file"] not in files:
        raise OperationFailed(f"{MANIFEST} không liệt kê tệp cơ sở dữ liệu {database['file']}.")
    return manifest


def problems(folder: Path, manifest: dict[str, Any], progress: Progress | None = None) -> list[str]:
    """What differs between the folder and its manifest: missing, extra and changed files."""
    progress = progress or Silent()
    expected: dict[str, dict[str, Any]] = manifest["files"]
    present = set(files_in(folder))
    found: list[str] = []
    for rel in sorted(set(expected) - present):
        found.append(f"Thiếu tệp: {rel}")
    for rel in sorted(present - set(expected)):
        found.append(f"Tệp thừa (không có trong {MANIFEST}): {rel}")
    to_hash = sorted(set(expected) & present)
    with progress.stage("Kiểm tra mã băm", len(to_hash)) as advance:
        for rel in to_hash:
            path = folder / rel
            want = expected[rel]
            size = path.stat().st_size
            if size != want["size"]:
                found.append(f"Tệp bị thay đổi (kích thước {size} thay vì {want['size']}): {rel}")
            elif sha256_file(path) != want["sha256"]:
                found.append(f"Tệp bị thay đổi (mã sha256 không khớp): {rel}")
            advance(1)
    return found


def verify(folder: Path, progress: Progress | None = None) -> dict[str, Any]:
    """Read and check a backup folder; OperationFailed naming every problem found."""
    manifest = read(folder)
    found = problems(folder, manifest, progress)
    if found:
        raise OperationFailed(f"Bản sao lưu {folder} không toàn vẹn ({len(found)} lỗi).", found)
    return manifest
