"""Commands of the reports feature: ``ideadb export ROUND_ID --format xlsx|csv|docx -o FILE``."""

from __future__ import annotations

import sys
from pathlib import Path

import click


def register(app) -> None:
    app.cli.add_command(export_command)


@click.command("export")
@click.argument("round_id", type=int)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["xlsx", "csv", "docx", "sheets"]),
    default="xlsx",
    show_default=True,
    help="sheets: một tệp .zip gồm phiếu chấm của từng thành viên hội đồng.",
)
@click.option(
    "-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path), required=True
)
def export_command(round_id: int, fmt: str, output: Path) -> None:
    """Write a round's ranked list (or its score sheets) to a file."""
    from ideadb.core.errors import DomainError
    from ideadb.core.permissions import SYSTEM
    from ideadb.extensions import db
    from ideadb.reports import service

    err = sys.stderr
    click.echo(f"Đợt {round_id}: đang đọc bảng xếp hạng…", file=err)
    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=total, label="Đang ghi tệp", file=err)
            bar.__enter__()
        bar.update(done - bar.pos)

    try:
        export = service.round_file(db.session(), SYSTEM, round_id, fmt, progress)
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    export.content.seek(0)
    output.write_bytes(export.content.read())
    click.echo(f"Đã ghi {output} ({output.stat().st_size:,} byte).".replace(",", "."))
