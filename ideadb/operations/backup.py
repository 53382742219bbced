"""``ideadb backup DEST``: one new folder with the database, the uploads and a manifest."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ideadb.operations import OperationFailed, database, manifest
from ideadb.operations.progress import Progress, Silent

PARTIAL_SUFFIX = ".dang-ghi"


@dataclass
class BackupResult:
    folder: Path
    manifest: dict[str, Any]


def _new_folder(dest: Path) -> Path:
    stamp = datetime.now().strftime("ideadb-%Y%m%d-%H%M%S")
    for n in range(1, 100):
        name = stamp if n == 1 else f"{stamp}-{n}"
        if not (dest / name).exists() and not _partial(dest / name).exists():
            return dest / name
    raise OperationFailed(f"Không tạo được thư mục sao lưu mới trong {dest}.")


def _partial(final: Path) -> Path:
    """Where a backup is written before it is complete: hidden, so ``ideadb-*`` skips it."""
    return final.with_name("." + final.name + PARTIAL_SUFFIX)


def upload_files(upload_dir: Path) -> list[Path]:
    """Files of the upload folder, without files still being written (``.part``)."""
    if not upload_dir.is_dir():
        return []
    return sorted(p for p in upload_dir.rglob("*") if p.is_file() and not p.name.endswith(".part"))


def make_backup(
    engine, upload_dir: Path, dest: Path, progress: Progress | None = None
) -> BackupResult:
    """Write a complete backup folder under ``dest``; a failed backup leaves no folder behind."""
    progress = progress or Silent()
    kind = database.kind_of(engine.url)
    try:
        dest.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OperationFailed(f"Không tạo được thư mục {dest}: {exc}.") from exc
    final = _new_folder(dest)
    work = _partial(final)
    work.mkdir()
    try:
        db_file = work / manifest.DATABASE_FILES[kind]
        if kind == "sqlite":
            source = database.sqlite_path(engine.url)
            if not source.exists():
                raise OperationFailed(f"Không có tệp cơ sở dữ liệu {source}.")
            with progress.stage("Sao lưu cơ sở dữ liệu", 100) as advance:
                done = [0]

                def pages(copied: int, total: int) -> None:
                    percent = copied * 100 // max(total, 1)
                    advance(percent - done[0])
                    done[0] = percent

                database.sqlite_copy(source, db_file, pages)
            tables, revision = database.sqlite_counts(db_file)
        else:
            progress.note("Đang sao lưu cơ sở dữ liệu PostgreSQL (pg_dump)...")
            tables, revision = database.pg_dump(engine, db_file)
        files = upload_files(upload_dir)
        with progress.stage("Sao chép tệp tải lên", len(files)) as advance:
            for path in files:
                target = work / manifest.UPLOADS / path.relative_to(upload_dir)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target)
                advance(1)
        data = manifest.build(
            kind=kind,
            schema_revision=revision,
            tables=tables,
            files=manifest.describe(work, progress),
        )
        manifest.write(work, data)
        work.rename(final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return BackupResult(final, data)
