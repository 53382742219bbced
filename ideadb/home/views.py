"""The home page: what waits for the signed-in person, by role; the unread notifications."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_login import current_user
from werkzeug.routing import BuildError

from ideadb.extensions import db
from ideadb.home import service
from ideadb.ideas.labels import STATUS_LABELS

bp = Blueprint("home_pages", __name__)


@bp.app_context_processor
def _helpers():
    def unread_notifications() -> int:
        return service.unread(db.session(), current_user)

    return {"unread_notifications": unread_notifications}


def _url(endpoint: str | None, args: dict) -> str | None:
    if not endpoint:
        return None
    try:
        return url_for(endpoint, **args)
    except BuildError:
        return None


def home():
    sections = service.home_sections(db.session(), current_user)
    return render_template(
        "home.html",
        sections=sections,
        task_url=_url,
        idea_status_labels=STATUS_LABELS,
    )
