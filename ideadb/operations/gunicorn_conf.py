"""gunicorn settings of ``ideadb serve`` (also usable as ``gunicorn -c python:ideadb.operations.
gunicorn_conf 'ideadb.operations.wsgi:application'``).

Every value can be changed by the environment named beside it; ``ideadb serve --workers/--bind``
win over both.
"""

from __future__ import annotations

import os

from ideadb.operations.logs import TEXT_ACCESS_FORMAT, JsonLogger


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def default_workers() -> int:
    """Two worker processes per core (the application is mostly waiting on PostgreSQL)."""
    return 2 * (os.cpu_count() or 1)


bind = [os.environ.get("IDEADB_BIND", "127.0.0.1:5000")]
workers = _int("IDEADB_WORKERS", default_workers())
# Threads per worker: a request waiting on the database or the disk does not hold the others.
worker_class = "ideadb.operations.gthread.FreeThreadWorker"
threads = _int("IDEADB_THREADS", 4)
# Each worker is replaced after about this many requests (jitter: not all at once), so that a
# slow leak never grows for long.
# A worker is replaced after this many requests (a leak cannot grow for ever); each replacement
# opens the search index and decodes its terms again, so not too often: at 1,000 the load test's
# two workers were replaced every 25 s and served 20–35 % fewer requests than at 10,000.
max_requests = _int("IDEADB_MAX_REQUESTS", 10000)
max_requests_jitter = _int("IDEADB_MAX_REQUESTS_JITTER", 1000)
# A request running longer than this kills its worker (long work belongs to `ideadb worker`).
timeout = _int("IDEADB_TIMEOUT", 60)
graceful_timeout = _int("IDEADB_GRACEFUL_TIMEOUT", 30)
# 0: each request on its own connection, taken from the kernel's queue by the first worker with
# a free thread (see ideadb.operations.gthread); nginx in front keeps the clients' connections.
keepalive = _int("IDEADB_KEEPALIVE", 0)
# Each worker builds its own application (database pool, search index) after the fork.
preload_app = False
# The client's address and scheme come from ProxyFix and IDEADB_PROXY_COUNT alone.
forwarded_allow_ips = ""
# Heartbeat files in memory, not on a disk that may stall (gunicorn makes them with mkstemp).
_SHM = "/dev/shm"  # noqa: S108
if os.path.isdir(_SHM):
    worker_tmp_dir = _SHM
proc_name = "ideadb"
# No control socket in the home folder (gunicorn ≥ 25): several instances may share a host.
control_socket_disable = True
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("IDEADB_LOG_LEVEL", "info")
access_log_format = TEXT_ACCESS_FORMAT
logger_class = JsonLogger
