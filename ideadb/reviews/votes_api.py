"""JSON API of the public vote (API.md: Public vote): parse → one service call → dump."""

from __future__ import annotations

from flask import Blueprint, current_app, request

from ideadb.core.api import api_actor, doc, signed_in_actor
from ideadb.extensions import db, limiter
from ideadb.reviews import schemas as s
from ideadb.reviews import votes

bp = Blueprint("votes_api", __name__)
TAGS = ["public vote"]


def vote_limit() -> str:
    return current_app.config.get("VOTE_RATE_LIMIT", "30 per minute")


def voter_key() -> str:
    """Per account (its token), else per address."""
    header = request.headers.get("Authorization") or ""
    return "vote:" + (header[-24:] if header else (request.remote_addr or "?"))


@bp.post("/rounds/<int:round_id>/ideas/<int:idea_id>/vote")
@limiter.limit(vote_limit, key_func=voter_key)
@doc(
    "Vote for an idea of the round (a verified account, while the vote is open; once)",
    response=s.VoteCountSchema,
    status=201,
    tags=TAGS,
)
def cast_public_vote(round_id: int, idea_id: int):
    n = votes.cast_vote(db.session(), signed_in_actor(), round_id, idea_id)
    return {"votes": n}, 201


@bp.get("/rounds/<int:round_id>/votes")
@doc(
    "Votes of the round's ideas (anyone, once the vote has opened)",
    response=s.VoteItemSchema,
    many=True,
    auth=False,
    tags=TAGS,
)
def round_votes(round_id: int):
    data = votes.tally(db.session(), api_actor(), round_id)
    return {"items": s.VoteItemSchema(many=True).dump(data["items"])}


@bp.post("/rounds/<int:round_id>/vote/open")
@doc("Open the round's public vote now (secretary)", response=s.RoundSchema, tags=TAGS)
def open_public_vote(round_id: int):
    return s.RoundSchema().dump(votes.open_vote(db.session(), signed_in_actor(), round_id))


@bp.post("/rounds/<int:round_id>/vote/close")
@doc("Close the round's public vote now (secretary)", response=s.RoundSchema, tags=TAGS)
def close_public_vote(round_id: int):
    return s.RoundSchema().dump(votes.close_vote(db.session(), signed_in_actor(), round_id))
