"""JSON API of search under /api/v1: GET /search, GET /ideas/{id}/similar (API.md)."""

from __future__ import annotations

from flask import Blueprint, request, url_for

from ideadb.core.api import api_actor, doc, signed_in_actor
from ideadb.core.errors import BadRequest
from ideadb.core.text import N_
from ideadb.extensions import db
from ideadb.search import service
from ideadb.search.schemas import (
    HealthSchema,
    SearchResultSchema,
    SimilarListSchema,
    SimilarTextListSchema,
)
from scoring.messages import Message

bp = Blueprint("search_api", __name__)
TAGS = ["search"]
MAX_PER_PAGE = 100


def _page_args() -> tuple[int, int]:
    errors: dict[str, list[str]] = {}
    values = {}
    for name, default in (("page", 1), ("per_page", 20)):
        raw = request.args.get(name) or str(default)
        try:
            values[name] = int(raw)
        except ValueError:
            errors[name] = ["Phải là số nguyên."]
            continue
        if values[name] < 1:
            errors[name] = ["Phải lớn hơn hoặc bằng 1."]
    if values.get("per_page", 0) > MAX_PER_PAGE:
        errors["per_page"] = [Message(N_("Tối đa %(max)s."), max=MAX_PER_PAGE)]
    if values.get("page", 0) > 10_000:
        errors["page"] = ["Quá lớn."]
    if errors:
        raise BadRequest("Tham số phân trang không hợp lệ.", errors)
    return values["page"], values["per_page"]


@bp.get("/health")
@doc(
    "Health: the database, this host's search index against the shared change log, jobs",
    response=HealthSchema,
    status=(200, 503),
    auth=False,
    tags=["operations"],
)
def health():
    body = service.health(db.session())
    return HealthSchema().dump(body), 200 if body["status"] == "ok" else 503


@bp.get("/search")
@doc(
    'Search ideas: q (words, "phrases", -exclusions), filters, sort, facets',
    response=SearchResultSchema,
    auth=False,
    tags=TAGS,
)
def search():
    page, per_page = _page_args()
    filters, sort = service.parse_filters(db.session(), request.args)
    result = service.search(
        db.session(), api_actor(), request.args.get("q", ""), filters, sort, page, per_page
    )
    return SearchResultSchema().dump(result)


@bp.get("/ideas/<int:idea_id>/similar")
@doc("Ideas similar to this one, most similar first", response=SimilarListSchema, tags=TAGS)
def similar(idea_id: int):
    actor = signed_in_actor()
    items = service.similar_ideas(db.session(), actor, idea_id, limit=_limit())
    return SimilarListSchema().dump({"items": items})


@bp.get("/search/similar")
@doc(
    "Ideas like a title and summary being typed (duplicate check while registering)",
    response=SimilarTextListSchema,
    auth=False,
    tags=TAGS,
)
def similar_to_text():
    title = request.args.get("title", "")
    summary = request.args.get("summary", "")
    items = service.similar_to_text(db.session(), api_actor(), title, summary, limit=_limit())
    return SimilarTextListSchema().dump(
        {"items": [{**item.__dict__, "url": _idea_url(item.id)} for item in items]}
    )


def _limit() -> int:
    raw = request.args.get("limit") or "5"
    try:
        return max(1, min(20, int(raw)))
    except ValueError as exc:
        raise BadRequest("Tham số không hợp lệ.", {"limit": ["Phải là số nguyên."]}) from exc


def _idea_url(idea_id: int) -> str:
    return url_for("search.open_idea", idea_id=idea_id)
