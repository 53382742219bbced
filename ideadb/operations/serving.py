"""How ``ideadb serve`` serves: gunicorn with several workers on Linux, waitress elsewhere.

gunicorn cannot run on Windows; where it is not importable, or with ``--server waitress``,
the application is served by waitress in one process with threads (as ``ideadb quickstart``).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

SERVERS = ("auto", "gunicorn", "waitress")


def gunicorn_available() -> bool:
    if sys.platform == "win32":
        return False
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        return False
    return True


def choose_server(requested: str, available: bool | None = None) -> str:
    """``auto`` is gunicorn where it can run, else waitress; an explicit choice is kept."""
    if requested != "auto":
        return requested
    if available is None:
        available = gunicorn_available()
    return "gunicorn" if available else "waitress"


def rate_limit_storage_problem(uri: str, options: dict[str, Any]) -> str | None:
    """None when the rate-limit storage answers; else a sentence for the operator.

    At start an unreachable Redis is an error (the limits would silently become per process);
    once serving, an outage makes each worker count in its own memory and log a warning.
    """
    if not uri.startswith(("redis://", "rediss://", "redis+unix://")):
        return None
    from limits.storage import storage_from_string

    try:
        storage = storage_from_string(uri, **options)
        if storage.check():
            return None
    except Exception as exc:  # a missing redis package, a malformed URI
        return f"Không dùng được IDEADB_RATELIMIT_STORAGE_URI ({_without_password(uri)}): {exc}"
    return (
        f"Không kết nối được Redis tại {_without_password(uri)} "
        "(IDEADB_RATELIMIT_STORAGE_URI): giới hạn số lần đăng nhập sai cần Redis khi chạy "
        "nhiều tiến trình. Hãy khởi động Redis hoặc sửa địa chỉ."
    )


def _without_password(uri: str) -> str:
    scheme, sep, rest = uri.partition("://")
    if "@" in rest:
        rest = "***@" + rest.rsplit("@", 1)[1]
    return scheme + sep + rest


def run_gunicorn(
    make_app: Callable[[], Any], bind: list[str], workers: int, threads: int | None = None
) -> None:
    """Run gunicorn in this process (it becomes the master) until SIGTERM or SIGINT."""
    from gunicorn.app.base import BaseApplication

    from ideadb.operations import gunicorn_conf

    overrides: dict[str, Any] = {"bind": bind, "workers": workers}
    if threads is not None:
        overrides["threads"] = threads

    class Server(BaseApplication):
        def load_config(self) -> None:
            for name, value in vars(gunicorn_conf).items():
                if name in self.cfg.settings:
                    self.cfg.set(name, value)
            for name, value in overrides.items():
                self.cfg.set(name, value)

        def load(self):
            return make_app()

    Server().run()
