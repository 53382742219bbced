"""Commands of the ideas feature: ``ideadb import FILE [--dry-run] [--user USERNAME]``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click


def register(app) -> None:
    app.cli.add_command(import_command)


class _Bars:
    """One progress bar per stage of the import (checking, then writing)."""

    def __init__(self) -> None:
        self.bar: Any = None
        self.stage: str | None = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage:
            self.close()
            self.stage = stage
            self.bar = click.progressbar(length=total, label=stage, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Chỉ kiểm tra, không ghi gì.")
@click.option("--allow-duplicates", is_flag=True, help="Vẫn nhập các dòng trùng với ý tưởng đã có.")
@click.option(
    "--user",
    "username",
    default=None,
    help="Tài khoản đăng ký các ý tưởng (cán bộ đơn vị hoặc thư ký); mặc định: hệ thống.",
)
def import_command(
    file: Path, dry_run: bool, username: str | None, allow_duplicates: bool = False
) -> None:
    """Import ideas from an .xlsx or .csv file (all rows or none)."""
    import sqlalchemy as sa

    from ideadb.accounts.models import User
    from ideadb.core.errors import DomainError
    from ideadb.core.permissions import SYSTEM
    from ideadb.extensions import db
    from ideadb.ideas import importer

    actor: Any = SYSTEM
    if username:
        actor = db.session.scalar(sa.select(User).where(User.username == username.lower()))
        if actor is None:
            raise click.UsageError(f"Không có tài khoản “{username}”.")
    if actor is SYSTEM and not dry_run:
        click.echo(
            "Lưu ý: không có --user, các ý tưởng được nhập không có người đăng ký nên chỉ "
            "thư ký, quản trị xem được; dùng --user để giao cho cán bộ đơn vị.",
            err=True,
        )
    bars = _Bars()
    try:
        result = importer.import_ideas(
            db.session(),
            actor,
            file.name,
            file.read_bytes(),
            dry_run=dry_run,
            allow_duplicates=allow_duplicates,
            progress=bars,
        )
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    finally:
        bars.close()
    if result.errors:
        click.echo(f"Có {len(result.errors)} lỗi, chưa nhập dòng nào:", err=True)
        for error in result.errors:
            where = f"Dòng {error.row}" if error.row is not None else "Tệp"
            click.echo(f"  {where}, cột “{error.column}”: {error.message}", err=True)
        raise SystemExit(1)
    for warning in result.warnings:
        click.echo(f"  Dòng {warning.row}: {warning.message}", err=True)
    if result.held:
        click.echo(
            f"Có {len(result.warnings)} dòng trùng, chưa nhập dòng nào; "
            "dùng --allow-duplicates để vẫn nhập.",
            err=True,
        )
        raise SystemExit(1)
    if dry_run:
        click.echo(f"Kiểm tra xong: {result.created} dòng hợp lệ; chưa ghi gì (--dry-run).")
    else:
        click.echo(f"Đã nhập {result.created} ý tưởng (bản nháp).")
