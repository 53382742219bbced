"""Log lines of the served application: plain text, or one JSON object a line.

``IDEADB_LOG_FORMAT=json`` makes gunicorn's access and error logs and the application's own
log records JSON objects (``time``, ``level``, then for a request ``method``, ``path``,
``status``, ``duration_ms``, ``remote``). A request is logged by its path only: query strings
(which may carry tokens) and headers (cookies, ``Authorization``) are never written.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from datetime import UTC, datetime

from gunicorn.glogging import Logger

# Plain text access lines: the path without its query string, never %(r)s (the request line).
TEXT_ACCESS_FORMAT = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'


def json_logs() -> bool:
    return os.environ.get("IDEADB_LOG_FORMAT", "").strip().lower() == "json"


def _now(created: float | None = None) -> str:
    moment = datetime.fromtimestamp(created, UTC) if created else datetime.now(UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class JsonFormatter(logging.Formatter):
    """A log record as one JSON object: time, level, logger, message (and the traceback)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": _now(record.created),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class _MessageOnly(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return record.getMessage()


TEXT_FORMAT = "[%(asctime)s] [%(process)d] [%(levelname)s] %(name)s: %(message)s"


def configure_root_logging(json_format: bool) -> None:
    """The application's own records (rate-limit storage lost, unexpected errors) on stderr,
    in the same form as the server's lines; without this they would be dropped."""
    root = logging.getLogger()
    if any(getattr(h, "_ideadb", False) for h in root.handlers):
        return
    stream = logging.StreamHandler(sys.stderr)
    stream.setFormatter(JsonFormatter() if json_format else logging.Formatter(TEXT_FORMAT))
    stream._ideadb = True  # type: ignore[attr-defined]
    root.addHandler(stream)
    if root.level == logging.NOTSET or root.level > logging.INFO:
        root.setLevel(logging.INFO)


class JsonLogger(Logger):
    """gunicorn's logger writing JSON lines when IDEADB_LOG_FORMAT=json, else plain text."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        configure_root_logging(json_logs())
        if not json_logs():
            return
        for handler in self.error_log.handlers:
            handler.setFormatter(JsonFormatter())
        for handler in self.access_log.handlers:
            handler.setFormatter(_MessageOnly())

    def access(self, resp, req, environ, request_time) -> None:
        if not json_logs():
            super().access(resp, req, environ, request_time)
            return
        if not self.access_log_enabled:
            return
        status = getattr(resp, "status_code", None)
        if status is None:
            status = int(str(resp.status).split(None, 1)[0])
        entry = {
            "time": _now(),
            "level": "info",
            "method": environ.get("REQUEST_METHOD", ""),
            "path": environ.get("PATH_INFO", ""),
            "status": int(status),
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            # After ProxyFix (IDEADB_PROXY_COUNT): the client's address, not the proxy's.
            "remote": environ.get("REMOTE_ADDR", ""),
            "bytes": getattr(resp, "sent", None),
            "worker": os.getpid(),  # which gunicorn worker answered
        }
        self.access_log.info(json.dumps(entry, ensure_ascii=False))
