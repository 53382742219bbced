"""The ``ideadb`` command: quickstart, serve, demo, create-user, backup, restore, and db."""

from __future__ import annotations

import ipaddress
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from ideadb import create_app
from ideadb.operations.serving import SERVERS


def _build_index_if_available(quiet: bool = False) -> None:
    """Build the search index here, at set-up (never lazily in a worker)."""
    from ideadb.search.commands import ensure_index

    ensure_index(quiet=quiet)


def _upgrade() -> None:
    from flask_migrate import upgrade

    upgrade(directory=current_app.extensions["migrate"].directory)


def is_loopback(host: str) -> bool:
    """True for an address that only this computer can reach (127.0.0.0/8, ::1, localhost)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _refuse_demo_on_network(host: str, allow: bool, demo: bool) -> None:
    if demo and not allow and not is_loopback(host):
        click.echo(
            f"Từ chối phục vụ dữ liệu mẫu trên địa chỉ mạng {host}: tài khoản mẫu chỉ để thử "
            "trên máy này (127.0.0.1). Dùng --no-demo cho phiên bản mới, hoặc thêm "
            "--allow-demo-on-network nếu thật sự muốn đưa dữ liệu mẫu lên mạng.",
            err=True,
        )
        sys.exit(2)


def _serve(host: str, port: int) -> None:
    from waitress import serve

    click.echo(f"ideadb đang chạy tại http://{host}:{port}/  (Ctrl+C để dừng)")
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    serve(app, host=host, port=port, threads=8, ident="ideadb")


def _print_demo_accounts(accounts) -> None:
    from ideadb.demo import password_file

    new = [a for a in accounts if a.password]
    if new:
        click.echo("\nTài khoản mẫu mới (tên đăng nhập / mật khẩu / vai trò) — chỉ in một lần:")
        for a in new:
            click.echo(f"  {a.username:<12} {a.password:<24} {', '.join(a.roles)} — {a.full_name}")
    old = [a.username for a in accounts if not a.password]
    if old:
        click.echo(f"\nTài khoản mẫu đã có: {', '.join(old)}.")
    click.echo(
        f"Mật khẩu tài khoản mẫu được lưu trong {password_file()} (chỉ chủ sở hữu đọc được)."
    )


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


_ALLOW_DEMO = click.option(
    "--allow-demo-on-network",
    is_flag=True,
    help="Cho phép phục vụ dữ liệu và tài khoản mẫu trên địa chỉ không phải 127.0.0.1.",
)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-demo", is_flag=True, help="Không nạp dữ liệu mẫu.")
@_ALLOW_DEMO
@click.option("--no-serve", is_flag=True, hidden=True)
@with_appcontext
def quickstart(
    host: str, port: int, no_demo: bool, allow_demo_on_network: bool, no_serve: bool
) -> None:
    """Create the instance, migrate, load reference (and demo) data, build the index, serve."""
    from ideadb.accounts.models import User
    from ideadb.criteria.service import load_reference_sets
    from ideadb.demo import DEMO_IDEAS, ensure_demo_users, has_demo_accounts, load_demo
    from ideadb.extensions import db
    from ideadb.units.service import load_reference_data

    started = time.perf_counter()
    click.echo(f"Thư mục dữ liệu: {current_app.config['INSTANCE_DIR']}")
    _refuse_demo_on_network(host, allow_demo_on_network, demo=not no_demo)
    _upgrade()
    _refuse_demo_on_network(host, allow_demo_on_network, demo=has_demo_accounts(db.session()))
    empty = db.session.scalar(db.select(db.func.count()).select_from(User)) == 0
    load_reference_data(db.session())
    load_reference_sets(db.session())
    if not no_demo:
        if empty:
            click.echo("Đang nạp dữ liệu mẫu...")
            with click.progressbar(length=DEMO_IDEAS, label="Dữ liệu mẫu", file=sys.stderr) as bar:
                accounts = load_demo(
                    db.session(), ideas=DEMO_IDEAS, progress=lambda n: bar.update(n)
                )
        else:
            accounts = ensure_demo_users(db.session())
        _print_demo_accounts(accounts)
    _build_index_if_available(quiet=True)
    click.echo(f"Sẵn sàng sau {time.perf_counter() - started:.1f} s.")
    if not no_serve:
        _start_worker_thread()
        _serve(host, port)


def _start_worker_thread() -> None:
    """The embedded default's background work runs in this process (one command does all)."""
    from ideadb.core import jobs

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    jobs.Worker(app).start_thread()


def _bind_host(bind: str) -> str | None:
    """The host of a gunicorn address (HOST:PORT, [V6]:PORT); None for a unix socket."""
    if bind.startswith(("unix:", "fd://")):
        return None
    host, sep, port = bind.rpartition(":")
    return (host if sep and port.isdigit() else bind).strip("[]")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option(
    "--bind",
    "binds",
    multiple=True,
    help="Địa chỉ lắng nghe HOST:PORT hoặc unix:ĐƯỜNG_DẪN (thay --host/--port; lặp được).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Số tiến trình gunicorn (mặc định IDEADB_WORKERS hoặc 2 × số lõi).",
)
@click.option(
    "--server",
    type=click.Choice(SERVERS),
    default="auto",
    show_default=True,
    help="auto: gunicorn trên Linux, waitress nơi gunicorn không chạy được (Windows).",
)
@_ALLOW_DEMO
@click.option("--no-serve", is_flag=True, hidden=True)
@with_appcontext
def serve(
    host: str,
    port: int,
    binds: tuple[str, ...],
    workers: int | None,
    server: str,
    allow_demo_on_network: bool,
    no_serve: bool,
) -> None:
    """Serve an existing instance: gunicorn with several workers (waitress on Windows)."""
    from ideadb.demo import has_demo_accounts
    from ideadb.extensions import db
    from ideadb.operations.serving import choose_server, rate_limit_storage_problem

    problem = rate_limit_storage_problem(
        current_app.config["RATELIMIT_STORAGE_URI"],
        current_app.config.get("RATELIMIT_STORAGE_OPTIONS") or {},
    )
    if problem:
        click.echo(f"Lỗi: {problem}", err=True)
        sys.exit(1)
    addresses = list(binds) or [f"[{host}]:{port}" if ":" in host else f"{host}:{port}"]
    demo = has_demo_accounts(db.session())
    for address in addresses:
        bound = _bind_host(address)
        if bound is not None:
            _refuse_demo_on_network(bound, allow_demo_on_network, demo=demo)
    db.session.remove()
    db.engine.dispose()  # the workers open their own connections after the fork
    if no_serve:
        return
    if choose_server(server) == "waitress":
        if binds or workers:
            click.echo("waitress: một tiến trình, --bind/--workers không dùng được.", err=True)
        _serve(host, port)
        return
    from ideadb.operations import gunicorn_conf  # gunicorn is importable here
    from ideadb.operations.serving import run_gunicorn

    count = workers or gunicorn_conf.workers
    click.echo(f"ideadb (gunicorn, {count} tiến trình) tại {', '.join(addresses)}", err=True)
    run_gunicorn(create_app, addresses, count)


@main.command()
@click.option("--ideas", "n_ideas", default=240, show_default=True, type=int)
@with_appcontext
def demo(n_ideas: int) -> None:
    """Load the demo data set (reference data, accounts, ideas)."""
    from ideadb.demo import load_demo
    from ideadb.extensions import db

    started = time.perf_counter()
    with click.progressbar(length=n_ideas, label="Dữ liệu mẫu", file=sys.stderr) as bar:
        accounts = load_demo(db.session(), ideas=n_ideas, progress=lambda n: bar.update(n))
    click.echo(f"Xong sau {time.perf_counter() - started:.1f} s.")
    _print_demo_accounts(accounts)


def _new_password(password: str | None, password_stdin: bool) -> str:
    """--password, else --password-stdin, else IDEADB_NEW_PASSWORD, else a hidden prompt."""
    if password is not None and password_stdin:
        raise click.UsageError("Chỉ dùng một trong --password và --password-stdin.")
    if password is not None:
        return password
    if password_stdin:
        line = sys.stdin.readline()
        if not line:
            raise click.UsageError("--password-stdin: không đọc được mật khẩu từ đầu vào chuẩn.")
        return line.rstrip("\r\n")
    from_env = os.environ.get("IDEADB_NEW_PASSWORD")
    if from_env:
        return from_env
    return click.prompt(
        "Mật khẩu",
        hide_input=True,
        confirmation_prompt="Nhập lại mật khẩu",
        err=True,
    )


@main.command("create-user")
@click.argument("username")
@click.option(
    "--password",
    default=None,
    help="Mật khẩu (hiện trong danh sách tiến trình: nên dùng lời nhắc, "
    "IDEADB_NEW_PASSWORD hoặc --password-stdin).",
)
@click.option("--password-stdin", is_flag=True, help="Đọc mật khẩu từ dòng đầu của đầu vào chuẩn.")
@click.option("--role", "roles", multiple=True, required=True)
@click.option("--unit-id", type=int, default=None)
@click.option("--full-name", default=None)
@click.option("--email", default=None)
@with_appcontext
def create_user(username, password, password_stdin, roles, unit_id, full_name, email) -> None:
    """Create an account with one or more roles.

    Without --password the password is asked for (hidden, twice), or taken from
    IDEADB_NEW_PASSWORD, or read from standard input with --password-stdin.
    """
    from ideadb.accounts import service
    from ideadb.core.errors import ValidationFailed
    from ideadb.core.permissions import SYSTEM
    from ideadb.extensions import db

    secret = _new_password(password, password_stdin)
    try:
        user = service.create_user(
            db.session(),
            SYSTEM,
            username=username,
            password=secret,
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


# --- backup and restore ------------------------------------------------------------------


class _ClickProgress:
    """Progress of backup and restore on standard error: notes and one bar per stage."""

    def note(self, message: str) -> None:
        click.echo(message, err=True)

    @contextmanager
    def stage(self, label: str, total: int) -> Iterator[Callable[[int], None]]:
        if total <= 0:
            yield lambda n: None
            return
        with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
            yield bar.update


def _fail(exc) -> None:
    click.echo(f"Lỗi: {exc.message}", err=True)
    for line in exc.details:
        click.echo(f"  - {line}", err=True)
    sys.exit(1)


def _size(n: int) -> str:
    value = float(n)
    for unit in ("B", "KB", "MB"):
        if value < 1024:
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


@main.command()
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--verify",
    is_flag=True,
    help="Không sao lưu: kiểm tra thư mục sao lưu DEST (mọi tệp, mã sha256) mà không khôi phục.",
)
@with_appcontext
def backup(dest: Path, verify: bool) -> None:
    """Back up the database and the uploads into a new folder under DEST (or --verify one)."""
    from ideadb.extensions import db
    from ideadb.operations import OperationFailed, manifest
    from ideadb.operations.backup import make_backup

    progress = _ClickProgress()
    started = time.perf_counter()
    try:
        if verify:
            data = manifest.verify(dest, progress)
            click.echo(
                f"Bản sao lưu {dest} toàn vẹn: {len(data['files'])} tệp khớp manifest.json "
                f"({manifest.KIND_NAMES[data['database']['kind']]}, tạo lúc {data['created_at']})."
            )
            return
        db.session.remove()
        result = make_backup(db.engine, Path(current_app.config["UPLOAD_DIR"]), dest, progress)
    except OperationFailed as exc:
        _fail(exc)
    except OSError as exc:
        click.echo(f"Lỗi: không ghi/đọc được tệp: {exc}.", err=True)
        sys.exit(1)
    data = result.manifest
    tables = data["tables"]
    click.echo(
        f"Đã sao lưu vào {result.folder} sau {time.perf_counter() - started:.1f} s: "
        f"{tables.get('ideas', 0)} ý tưởng, {tables.get('users', 0)} tài khoản, "
        f"{data['uploads']['files']} tệp tải lên ({_size(data['uploads']['bytes'])})."
    )


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Ghi đè một phiên bản đang có dữ liệu.")
@with_appcontext
def restore(folder: Path, force: bool) -> None:
    """Restore a backup folder into this instance (empty, unless --force); rebuild the index."""
    from ideadb.extensions import db
    from ideadb.operations import OperationFailed
    from ideadb.operations.restore import restore as run_restore
    from ideadb.search import service as search_service

    progress = _ClickProgress()
    started = time.perf_counter()

    def before_load() -> None:
        db.session.remove()
        db.engine.dispose()

    def rebuild() -> dict:
        import sqlalchemy as sa

        from ideadb.ideas.models import Idea

        db.session.remove()
        total = db.session.scalar(sa.select(sa.func.count()).select_from(Idea)) or 0
        with progress.stage("Xây dựng chỉ mục tìm kiếm", total) as advance:
            done = [0]

            def indexed(count: int) -> None:
                advance(count - done[0])
                done[0] = count

            return search_service.rebuild(db.session(), progress=indexed)

    try:
        db.session.remove()
        result = run_restore(
            engine=db.engine,
            upload_dir=Path(current_app.config["UPLOAD_DIR"]),
            folder=folder,
            force=force,
            migrations_dir=current_app.extensions["migrate"].directory,
            before_load=before_load,
            rebuild_index=rebuild,
            progress=progress,
        )
    except OperationFailed as exc:
        _fail(exc)
    except OSError as exc:
        click.echo(f"Lỗi: không ghi/đọc được tệp: {exc}.", err=True)
        sys.exit(1)
    tables = result.tables
    click.echo(f"Đã khôi phục từ {folder} sau {time.perf_counter() - started:.1f} s:")
    click.echo(
        f"  {tables.get('ideas', 0)} ý tưởng, {tables.get('users', 0)} tài khoản, "
        f"{tables.get('idea_attachments', 0)} tệp đính kèm, "
        f"{tables.get('audit_events', 0)} sự kiện nhật ký"
    )
    took = {k: f"{v:.1f} s" for k, v in result.seconds.items()}
    click.echo(f"  {result.files} tệp tải lên ({_size(result.bytes)}), chép trong {took['files']}")
    click.echo(
        f"  {sum(tables.values())} bản ghi trong {len(tables)} bảng, khớp manifest.json; "
        f"kiểm tra {took['checks']}, nạp cơ sở dữ liệu {took['database']}"
    )
    if result.index:
        click.echo(
            f"  chỉ mục tìm kiếm xây dựng lại: {result.index.get('ideas', 0)} ý tưởng "
            f"trong {took['index']}"
        )
    if result.upgrade_needed:
        click.echo("Lược đồ của bản sao lưu cũ hơn phiên bản này: hãy chạy “ideadb db upgrade”.")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
