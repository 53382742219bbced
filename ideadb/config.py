"""Settings read from IDEADB_* environment variables, with safe defaults for one office PC."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _env_str(name: str, default: str) -> str:
    value = os.environ.get(name)
    return value if value else default


def _secret_key(instance_dir: Path) -> str:
    """Return IDEADB_SECRET_KEY, or a key generated once and kept in the instance folder."""
    explicit = _env("IDEADB_SECRET_KEY")
    if explicit:
        return explicit
    key_file = instance_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text(encoding="utf-8").strip()
    key = secrets.token_hex(32)
    # Exclusive creation: two workers starting at once keep the first key written.
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(key)
    return key


def _rate_limit_storage_options(uri: str) -> dict:
    """Redis: a key prefix of our own and short timeouts, so that a dead Redis never hangs a
    request (the limiter then counts in each process's memory and logs a warning)."""
    if not uri.startswith(("redis://", "rediss://", "redis+unix://")):
        return {}
    return {
        "key_prefix": _env_str("IDEADB_RATELIMIT_KEY_PREFIX", "ideadb"),
        "socket_connect_timeout": 1,
        "socket_timeout": 1,
    }


def load_config(overrides: dict | None = None) -> dict:
    """Build the Flask configuration; explicit overrides win over the environment."""
    overrides = dict(overrides or {})
    instance_dir = Path(
        overrides.pop("INSTANCE_DIR", None) or _env_str("IDEADB_INSTANCE_DIR", "instance")
    ).resolve()
    instance_dir.mkdir(parents=True, exist_ok=True)
    database_url = _env("IDEADB_DATABASE_URL") or f"sqlite:///{instance_dir / 'ideadb.sqlite'}"
    rate_limit_uri = overrides.get("RATELIMIT_STORAGE_URI") or _env_str(
        "IDEADB_RATELIMIT_STORAGE_URI", "memory://"
    )
    config = {
        "INSTANCE_DIR": str(instance_dir),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "INDEX_DIR": _env("IDEADB_INDEX_DIR", str(instance_dir / "index")),
        "UPLOAD_DIR": _env("IDEADB_UPLOAD_DIR", str(instance_dir / "uploads")),
        "PROVINCE_CODE": _env("IDEADB_PROVINCE_CODE", "BK"),
        "BABEL_DEFAULT_LOCALE": _env("IDEADB_LOCALE", "vi"),
        "BABEL_DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
        "LANGUAGES": ("vi", "en"),
        "MAX_CONTENT_LENGTH": int(_env_str("IDEADB_MAX_CONTENT_LENGTH", str(20 * 1024 * 1024))),
        "ATTACHMENT_MAX_BYTES": int(_env_str("IDEADB_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024))),
        "ATTACHMENTS_PER_IDEA": int(_env_str("IDEADB_ATTACHMENTS_PER_IDEA", "5")),
        "PASSWORD_HASH_PROFILE": _env("IDEADB_PASSWORD_HASH_PROFILE", "RFC_9106_LOW_MEMORY"),
        "TOKEN_LIFETIME_HOURS": int(_env_str("IDEADB_TOKEN_LIFETIME_HOURS", "720")),
        "RATELIMIT_STORAGE_URI": rate_limit_uri,
        "RATELIMIT_STORAGE_OPTIONS": _rate_limit_storage_options(rate_limit_uri),
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_HEADERS_ENABLED": True,
        # Always explicit: the limiter is one object per process and would otherwise keep
        # the setting of the last application that named it.
        "RATELIMIT_ENABLED": True,
        "LOGIN_FAILURE_LIMIT": _env("IDEADB_LOGIN_FAILURE_LIMIT", "5 per 15 minutes"),
        "VOTE_RATE_LIMIT": _env("IDEADB_VOTE_RATE_LIMIT", "30 per minute"),
        # Background work: run by `ideadb worker` (or quickstart's worker thread); JOBS_INLINE
        # runs it right after each commit instead (tests and one-off scripts).
        "JOBS_INLINE": _env("IDEADB_JOBS_INLINE", "0") == "1",
        "WORKER_POLL_SECONDS": float(_env_str("IDEADB_WORKER_POLL_SECONDS", "0.5")),
        "JOB_CLAIM_TIMEOUT": float(_env_str("IDEADB_JOB_CLAIM_TIMEOUT", "900")),
        "SEARCH_LOG_RETENTION_DAYS": float(_env_str("IDEADB_SEARCH_LOG_RETENTION_DAYS", "30")),
        "MAIL_SERVER": _env("IDEADB_MAIL_SERVER"),
        "MAIL_PORT": int(_env_str("IDEADB_MAIL_PORT", "25")),
        "MAIL_USERNAME": _env("IDEADB_MAIL_USERNAME"),
        "MAIL_PASSWORD": _env("IDEADB_MAIL_PASSWORD"),
        "MAIL_USE_TLS": _env("IDEADB_MAIL_USE_TLS", "0") == "1",
        "MAIL_SENDER": _env("IDEADB_MAIL_SENDER", "ideadb@localhost"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _env("IDEADB_SECURE_COOKIES", "0") == "1",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _env("IDEADB_SECURE_COOKIES", "0") == "1",
        "WTF_CSRF_TIME_LIMIT": None,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # Reverse proxies in front that set X-Forwarded-For/-Proto (nginx: 1). 0 trusts none.
        "PROXY_COUNT": int(_env_str("IDEADB_PROXY_COUNT", "0")),
    }
    config.update(overrides)
    if "SECRET_KEY" not in config:
        config["SECRET_KEY"] = _secret_key(instance_dir)
    return config
