"""``ideadb reindex [--check]`` and the index step of ``ideadb quickstart``."""

from __future__ import annotations

import sys
from typing import Any

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.orm import Session

from ideadb.extensions import db
from ideadb.ideas.models import Idea
from ideadb.search import engine as search_engine
from ideadb.search import service


def ensure_index(quiet: bool = False) -> None:
    """Build the index when there is none (quickstart); a no-op when it exists."""
    root = service.index_dir()
    if search_engine.index_exists(root) and search_engine.engine(root).doc_count() > 0:
        return
    _rebuild(db.session(), quiet)


def _rebuild(session: Session, quiet: bool) -> dict[str, Any]:
    total = session.scalar(sa.select(sa.func.count()).select_from(Idea)) or 0
    if quiet or total == 0:
        return service.rebuild(session)
    with click.progressbar(length=total, label="Xây dựng chỉ mục tìm kiếm") as bar:
        done = [0]

        def progress(count: int) -> None:
            bar.update(count - done[0])
            done[0] = count

        return service.rebuild(session, progress=progress)


@click.command("reindex")
@click.option(
    "--check",
    "check_only",
    is_flag=True,
    help="Kiểm tra ý tưởng thiếu hoặc cũ trong chỉ mục, sửa chúng; mã thoát khác 0 nếu có.",
)
@click.option("--no-repair", is_flag=True, help="Với --check: chỉ liệt kê, không sửa.")
@with_appcontext
def reindex(check_only: bool, no_repair: bool) -> None:
    """Rebuild the search index beside the live one and swap it in (or --check it)."""

    session = db.session()
    click.echo(f"Chỉ mục: {current_app.config['INDEX_DIR']}")
    if not check_only:
        result = _rebuild(session, quiet=False)
        click.echo(
            f"Đã xây dựng lại chỉ mục ({result['generation']}): {result['ideas']} ý tưởng; "
            f"áp dụng thêm {result['drained']} thay đổi mới, sửa {result['repaired']}."
        )
        return
    where = service.position(session)
    session.rollback()
    click.echo(
        f"Sổ thay đổi: chỉ mục đã áp dụng đến #{where.applied}, mới nhất #{where.latest} "
        f"(còn trễ {where.lag})."
    )
    if where.lag and not no_repair:
        caught = service.catch_up(timeout=60.0)
        click.echo(f"Đã áp dụng {caught.rows} thay đổi; còn trễ {caught.lag}.")
    report = service.check(session)
    if report.broken:
        click.echo(f"Chỉ mục không đọc được: {report.broken}")
    for label, ids in (
        ("Thiếu trong chỉ mục", report.missing),
        ("Cũ (khác cơ sở dữ liệu)", report.stale),
        ("Thừa (không còn ý tưởng)", report.extra),
    ):
        if ids:
            shown = ", ".join(map(str, ids[:50])) + (" …" if len(ids) > 50 else "")
            click.echo(f"{label}: {len(ids)} — {shown}")
    if report.ok:
        click.echo("Chỉ mục khớp với cơ sở dữ liệu.")
        return
    if not no_repair:
        count = service.repair(session, report)
        click.echo(f"Đã sửa {count} mục.")
    sys.exit(1)


def register(app) -> None:
    app.cli.add_command(reindex)
