"""Commands of the audit trail: ``ideadb audit verify``."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup


def register(app) -> None:
    app.cli.add_command(audit)


audit = AppGroup("audit", help="Nhật ký thay đổi (audit trail).")

_REASONS = {
    "altered": "nội dung sự kiện không khớp với mã băm của nó (đã bị sửa)",
    "link": "không nối tiếp sự kiện trước (sự kiện trước bị sửa, xoá, hoặc sự kiện này bị chèn)",
    "missing": "sự kiện này đã bị xoá",
    "after_head": "sự kiện nằm sau đầu chuỗi đã ghi nhận (bị chèn thêm)",
    "head": "sự kiện cuối không khớp với đầu chuỗi đã ghi nhận",
    "no_head": "không có đầu chuỗi (bảng audit_chain_head bị xoá)",
}


@audit.command("verify")
def verify_command() -> None:
    """Kiểm tra chuỗi băm của nhật ký; mã thoát khác 0 khi chuỗi bị phá vỡ."""
    from ideadb.audit import service
    from ideadb.core.permissions import SYSTEM
    from ideadb.extensions import db

    result = service.verify(db.session(), SYSTEM)
    db.session.rollback()
    if result.ok:
        click.echo(f"Chuỗi nhật ký nguyên vẹn: {result.events} sự kiện, đầu chuỗi {result.head}.")
        return
    why = _REASONS.get(result.reason or "", result.reason or "")
    click.echo(
        f"Chuỗi nhật ký bị phá vỡ tại sự kiện {result.first_bad_id}: {why}. "
        f"({result.events} sự kiện, đầu chuỗi ghi nhận {result.head})",
        err=True,
    )
    sys.exit(1)
