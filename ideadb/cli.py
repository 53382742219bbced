"""The ``ideadb`` command: quickstart, serve, demo, create-user, backup, and Flask-Migrate's db."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from ideadb import create_app


def _build_index_if_available(quiet: bool = False) -> None:
    """Build the search index here, at set-up (never lazily in a worker)."""
    from ideadb.search.commands import ensure_index

    ensure_index(quiet=quiet)


def _upgrade() -> None:
    from flask_migrate import upgrade

    upgrade(directory=current_app.extensions["migrate"].directory)


def _serve(host: str, port: int) -> None:
    from waitress import serve

    click.echo(f"ideadb đang chạy tại http://{host}:{port}/  (Ctrl+C để dừng)")
    serve(current_app._get_current_object(), host=host, port=port, threads=8, ident="ideadb")


@click.group(
    cls=FlaskGroup,
    create_app=create_app,
    add_default_commands=False,
    add_version_option=False,
    load_dotenv=False,
    set_debug_flag=False,
)
def main() -> None:
    """ideadb — cơ sở dữ liệu ý tưởng, sáng kiến."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-demo", is_flag=True, help="Không nạp dữ liệu mẫu.")
@click.option("--no-serve", is_flag=True, hidden=True)
@with_appcontext
def quickstart(host: str, port: int, no_demo: bool, no_serve: bool) -> None:
    """Create the instance, migrate, load reference (and demo) data, build the index, serve."""
    from ideadb.accounts.models import User
    from ideadb.criteria.service import load_reference_sets
    from ideadb.demo import DEMO_IDEAS, ensure_demo_users, load_demo
    from ideadb.extensions import db
    from ideadb.units.service import load_reference_data

    started = time.perf_counter()
    click.echo(f"Thư mục dữ liệu: {current_app.config['INSTANCE_DIR']}")
    _upgrade()
    empty = db.session.scalar(db.select(db.func.count()).select_from(User)) == 0
    load_reference_data(db.session)
    load_reference_sets(db.session)
    if not no_demo:
        if empty:
            click.echo("Đang nạp dữ liệu mẫu...")
            with click.progressbar(length=DEMO_IDEAS, label="Dữ liệu mẫu") as bar:
                load_demo(db.session, ideas=DEMO_IDEAS, progress=lambda n: bar.update(n))
        accounts = ensure_demo_users(db.session)
        click.echo("\nTài khoản mẫu (tên đăng nhập / mật khẩu / vai trò):")
        for username, password, full_name, roles in accounts:
            click.echo(f"  {username:<12} {password:<22} {', '.join(roles)} — {full_name}")
    _build_index_if_available(quiet=True)
    click.echo(f"Sẵn sàng sau {time.perf_counter() - started:.1f} s.")
    if not no_serve:
        _serve(host, port)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@with_appcontext
def serve(host: str, port: int) -> None:
    """Serve an existing instance with waitress."""
    _serve(host, port)


@main.command()
@click.option("--ideas", "n_ideas", default=240, show_default=True, type=int)
@with_appcontext
def demo(n_ideas: int) -> None:
    """Load the demo data set (reference data, accounts, ideas)."""
    from ideadb.demo import load_demo
    from ideadb.extensions import db

    started = time.perf_counter()
    with click.progressbar(length=n_ideas, label="Dữ liệu mẫu") as bar:
        load_demo(db.session, ideas=n_ideas, progress=lambda n: bar.update(n))
    click.echo(f"Xong sau {time.perf_counter() - started:.1f} s.")


@main.command("create-user")
@click.argument("username")
@click.option("--password", required=True)
@click.option("--role", "roles", multiple=True, required=True)
@click.option("--unit-id", type=int, default=None)
@click.option("--full-name", default=None)
@click.option("--email", default=None)
@with_appcontext
def create_user(username, password, roles, unit_id, full_name, email) -> None:
    """Create an account with one or more roles."""
    from ideadb.accounts import service
    from ideadb.core.errors import ValidationFailed
    from ideadb.core.permissions import SYSTEM
    from ideadb.extensions import db

    try:
        user = service.create_user(
            db.session,
            SYSTEM,
            username=username,
            password=password,
            full_name=full_name or username,
            roles=list(roles),
            unit_id=unit_id,
            email=email,
        )
    except ValidationFailed as exc:
        for field, messages in exc.fields.items():
            for message in messages:
                click.echo(f"{field}: {message}", err=True)
        raise SystemExit(1) from exc
    click.echo(f"Đã tạo tài khoản {user.username} ({', '.join(sorted(user.roles))}).")


@main.command()
@click.argument("dest", type=click.Path(file_okay=False))
@with_appcontext
def backup(dest: str) -> None:
    """Copy the database and the uploaded files into a new folder under DEST."""
    from ideadb.extensions import db

    target = Path(dest) / datetime.now().strftime("ideadb-%Y%m%d-%H%M%S")
    target.mkdir(parents=True, exist_ok=False)
    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        src = sqlite3.connect(url.database)
        dst = sqlite3.connect(target / "ideadb.sqlite")
        with dst:
            src.backup(dst)
        src.close()
        dst.close()
    else:
        pg_url = url.set(drivername="postgresql").render_as_string(hide_password=False)
        with open(target / "ideadb.dump", "wb") as out:
            subprocess.run(["pg_dump", "--format=custom", pg_url], check=True, stdout=out)  # noqa: S603,S607
    uploads = Path(current_app.config["UPLOAD_DIR"])
    if uploads.exists():
        shutil.copytree(uploads, target / "uploads")
    click.echo(f"Đã sao lưu vào {target}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
