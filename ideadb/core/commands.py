"""``ideadb worker``: background work of this host (index catch-up, e-mail, exports)."""

from __future__ import annotations

import signal

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from ideadb.core import jobs


@click.command("worker")
@click.option("--once", is_flag=True, help="Chạy những việc đến hạn rồi dừng.")
@click.option("--poll", type=float, default=None, help="Số giây giữa hai lần xem việc mới.")
@with_appcontext
def worker(once: bool, poll: float | None) -> None:
    """Run background work: this host's index follows the change log, e-mail, exports."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    runner = jobs.Worker(app, poll=poll)
    if once:
        ran = runner.step(max_jobs=100_000)
        click.echo(f"Đã chạy {ran} việc.")
        return

    def stop(signum: int, frame: object) -> None:
        click.echo("Đang dừng sau việc đang chạy...")
        runner.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    click.echo(f"ideadb worker {runner.id}: chỉ mục {app.config['INDEX_DIR']} (Ctrl+C để dừng)")
    runner.run()


def register(app: Flask) -> None:
    app.cli.add_command(worker)
