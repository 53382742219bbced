"""The WSGI application for a server started outside ``ideadb serve``:
``gunicorn -c python:ideadb.operations.gunicorn_conf ideadb.operations.wsgi:application``."""

from __future__ import annotations

from ideadb import create_app

application = create_app()
