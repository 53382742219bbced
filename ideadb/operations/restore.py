"""``ideadb restore FOLDER [--force]``: fill an instance from a backup folder.

Every check runs before the instance is touched: the manifest and every file's sha256, the
kind of database, the schema revision, the database copy itself (SQLite: opened and counted;
PostgreSQL: the archive's table of contents), and that the instance is empty (unless forced).
The uploads are staged beside the upload folder before the database is loaded, and swapped in
after it. The search index is then rebuilt from the restored database.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ideadb.operations import OperationFailed, database, manifest
from ideadb.operations.backup import upload_files
from ideadb.operations.progress import Progress, Silent


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    tables: dict[str, int]
    files: int
    bytes: int
    index: dict[str, Any] = field(default_factory=dict)
    upgrade_needed: bool = False
    seconds: dict[str, float] = field(default_factory=dict)  # checks, files, database, index


def known_revisions(migrations_dir: str | None) -> tuple[set[str], set[str]]:
    """All revisions of the shipped migrations, and the heads among them."""
    if not migrations_dir or not Path(migrations_dir).is_dir():
        return set(), set()
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", migrations_dir)
    scripts = ScriptDirectory.from_config(config)
    return {s.revision for s in scripts.walk_revisions()}, set(scripts.get_heads())


def check_backup(
    folder: Path, kind: str, migrations_dir: str | None, progress: Progress
) -> tuple[dict[str, Any], bool]:
    """Manifest, hashes, kind and revision; returns the manifest and whether to upgrade after."""
    data = manifest.verify(folder, progress)
    backup_kind = data["database"]["kind"]
    if backup_kind != kind:
        raise OperationFailed(
            f"Bản sao lưu là của cơ sở dữ liệu {manifest.KIND_NAMES[backup_kind]}, còn phiên bản "
            f"này dùng {manifest.KIND_NAMES[kind]}: không thể khôi phục chéo loại cơ sở dữ liệu. "
            f"Hãy khôi phục vào một phiên bản dùng {manifest.KIND_NAMES[backup_kind]}."
        )
    revision = data["database"].get("schema_revision")
    revisions, heads = known_revisions(migrations_dir)
    if revision and revisions and revision not in revisions:
        raise OperationFailed(
            f"Bản sao lưu có lược đồ “{revision}” mà phiên bản ideadb này không biết "
            "(bản sao lưu từ phiên bản mới hơn?). Hãy cài phiên bản ideadb đã tạo bản sao lưu."
        )
    return data, bool(revision and heads and revision not in heads)


def instance_content(engine, upload_dir: Path) -> dict[str, int]:
    counts = database.content_counts(engine)
    counts["files"] = len(upload_files(upload_dir))
    return counts


def _stage_uploads(
    folder: Path, data: dict[str, Any], upload_dir: Path, progress: Progress
) -> Path:
    """Copy the backup's uploads next to the upload folder and check them again."""
    names = sorted(k for k in data["files"] if k.startswith(manifest.UPLOADS + "/"))
    upload_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = upload_dir.with_name(upload_dir.name + ".dang-khoi-phuc")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    with progress.stage("Sao chép tệp tải lên", len(names)) as advance:
        for rel in names:
            target = staging / Path(rel).relative_to(manifest.UPLOADS)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(folder / rel, target)
            if manifest.sha256_file(target) != data["files"][rel]["sha256"]:
                shutil.rmtree(staging, ignore_errors=True)
                raise OperationFailed(f"Tệp chép ra khác bản sao lưu: {rel}.")
            advance(1)
    return staging


def _swap_uploads(staging: Path, upload_dir: Path) -> None:
    old = upload_dir.with_name(upload_dir.name + ".cu")
    shutil.rmtree(old, ignore_errors=True)
    if upload_dir.exists():
        os.replace(upload_dir, old)
    os.replace(staging, upload_dir)
    shutil.rmtree(old, ignore_errors=True)


def restore(
    *,
    engine,
    upload_dir: Path,
    folder: Path,
    force: bool = False,
    migrations_dir: str | None = None,
    before_load=None,
    rebuild_index=None,
    progress: Progress | None = None,
) -> RestoreResult:
    """Restore ``folder`` into the instance of ``engine`` and ``upload_dir``.

    ``before_load()`` is called once every check has passed, just before the database is
    replaced (to close the application's connections); ``rebuild_index()`` after the load.
    """
    progress = progress or Silent()
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    kind = database.kind_of(engine.url)
    data, upgrade_needed = check_backup(folder, kind, migrations_dir, progress)
    db_file = folder / data["database"]["file"]
    if kind == "sqlite":
        counts, _ = database.sqlite_counts(db_file)
        if counts != data["tables"]:
            raise OperationFailed(
                "Số bản ghi trong tệp cơ sở dữ liệu khác với manifest.json.",
                _differences(data["tables"], counts),
            )
    else:
        database.pg_check_dump(db_file)
    present = instance_content(engine, upload_dir)
    if any(present.values()) and not force:
        raise OperationFailed(
            "Phiên bản đích không trống: "
            f"{present['users']} tài khoản, {present['ideas']} ý tưởng, "
            f"{present['files']} tệp tải lên. Không khôi phục để tránh ghi đè dữ liệu; "
            "dùng --force nếu thật sự muốn thay toàn bộ dữ liệu hiện có bằng bản sao lưu."
        )
    seconds["checks"] = time.perf_counter() - started
    started = time.perf_counter()
    staging = _stage_uploads(folder, data, upload_dir, progress)
    seconds["files"] = time.perf_counter() - started
    started = time.perf_counter()
    try:
        if before_load is not None:
            before_load()
        if kind == "sqlite":
            with progress.stage("Khôi phục cơ sở dữ liệu", 100) as advance:
                done = [0]

                def pages(copied: int, total: int) -> None:
                    percent = copied * 100 // max(total, 1)
                    advance(percent - done[0])
                    done[0] = percent

                database.sqlite_copy(db_file, database.sqlite_path(engine.url), pages)
        else:
            progress.note("Đang khôi phục cơ sở dữ liệu PostgreSQL (pg_restore)...")
            database.pg_restore(engine.url, db_file)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _swap_uploads(staging, upload_dir)
    engine.dispose()
    with engine.connect() as conn:
        restored = database.table_counts(conn)
    wanted = data["tables"]
    if {k: restored.get(k) for k in wanted} != wanted:
        raise OperationFailed(
            "Số bản ghi sau khi khôi phục khác với manifest.json.",
            _differences(wanted, restored),
        )
    seconds["database"] = time.perf_counter() - started
    started = time.perf_counter()
    index = rebuild_index() if rebuild_index is not None else {}
    seconds["index"] = time.perf_counter() - started
    uploads = data.get("uploads") or {}
    return RestoreResult(
        manifest=data,
        tables=restored,
        files=int(uploads.get("files", 0)),
        bytes=int(uploads.get("bytes", 0)),
        index=index or {},
        upgrade_needed=upgrade_needed,
        seconds=seconds,
    )


def _differences(wanted: dict[str, int], found: dict[str, int]) -> list[str]:
    return [
        f"Bảng {name}: {found.get(name, 'không có')} thay vì {count}"
        for name, count in sorted(wanted.items())
        if found.get(name) != count
    ] + [f"Bảng thừa {name}" for name in sorted(set(found) - set(wanted))]
