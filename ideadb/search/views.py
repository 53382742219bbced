"""Search pages: the public catalogue (no sign-in, no JavaScript needed) and staff search."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ideadb.core.forms import shown
from ideadb.extensions import db
from ideadb.search import service
from ideadb.search.forms import SearchForm

bp = Blueprint("search", __name__)


def _page(public: bool):
    form = SearchForm(request.args)
    try:
        data = service.search_page(db.session(), current_user, request.args, public=public)
    except service.SearchUnavailable as exc:
        return render_template(
            "search/index.html", form=form, public=public, unavailable=shown(exc.message)
        ), 503
    args = request.args.to_dict()

    def url_with(**changes) -> str:
        merged = {k: v for k, v in args.items() if k != "page"}
        for key, value in changes.items():
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = value
        return url_for(str(request.endpoint), **merged)  # type: ignore[arg-type]

    return render_template("search/index.html", form=form, public=public, url_with=url_with, **data)


@bp.get("/tra-cuu")
def catalogue():
    """Published ideas for everyone: businesses, citizens, the council."""
    return _page(public=True)


@bp.get("/tim-kiem")
@login_required
def staff():
    """The same search with what the signed-in user may see (drafts of their units, ...)."""
    return _page(public=False)


@bp.get("/tra-cuu/y-tuong/<int:idea_id>")
def open_idea(idea_id: int):
    """Where a search result leads: the public page of a published idea, else its file."""
    target = service.idea_target(db.session(), current_user, idea_id)
    endpoint, values = target
    return redirect(url_for(endpoint, **values))  # type: ignore[arg-type]
