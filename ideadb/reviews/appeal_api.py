"""JSON API of what follows a decision (API.md: After the decision): appeals and the round's
document settings after finalize."""

from __future__ import annotations

from flask import Blueprint
from marshmallow import Schema, fields

from ideadb.core.api import doc, load_json, signed_in_actor
from ideadb.extensions import db
from ideadb.reviews import appeals, issuance
from ideadb.reviews import schemas as s

bp = Blueprint("appeals_api", __name__)
TAGS = ["appeals"]


class AppealInSchema(Schema):
    reason = fields.String(required=True)


class AppealResolveSchema(Schema):
    outcome = fields.String(required=True)
    decision = fields.String(allow_none=True, load_default=None)
    note = fields.String(load_default="")


class AppealSchema(Schema):
    id = fields.Integer()
    idea_id = fields.Integer()
    round_id = fields.Integer()
    status = fields.String()
    reason = fields.String()
    created_at = fields.DateTime()
    previous_level = fields.String(allow_none=True)
    decision = fields.String(allow_none=True)
    note = fields.String()
    resolved_at = fields.DateTime(allow_none=True)


class DocumentSettingsSchema(Schema):
    document = fields.Dict(keys=fields.String(), values=fields.String(allow_none=True))


@bp.post("/ideas/<int:idea_id>/appeals")
@doc(
    "Appeal the latest decision on an idea (its owner, within the round's appeal_days)",
    body=AppealInSchema,
    response=AppealSchema,
    status=201,
    tags=TAGS,
)
def file_appeal(idea_id: int):
    actor = signed_in_actor()
    data = load_json(AppealInSchema())
    return AppealSchema().dump(
        appeals.file_appeal(db.session(), actor, idea_id, data["reason"])
    ), 201


@bp.get("/rounds/<int:round_id>/appeals")
@doc("A round's appeals (secretary, chair, auditor)", response=AppealSchema, many=True, tags=TAGS)
def list_appeals(round_id: int):
    rows = appeals.list_appeals(db.session(), signed_in_actor(), round_id)
    items = AppealSchema(many=True).dump(rows)
    return {"items": items, "total": len(items), "page": 1, "per_page": max(len(items), 1)}


@bp.post("/appeals/<int:appeal_id>/resolve")
@doc(
    "Resolve an appeal (secretary): upheld replaces the decision, recognition and register entry",
    body=AppealResolveSchema,
    response=AppealSchema,
    tags=TAGS,
)
def resolve_appeal(appeal_id: int):
    actor = signed_in_actor()
    data = load_json(AppealResolveSchema())
    row = appeals.resolve(
        db.session(), actor, appeal_id, data["outcome"], data["decision"], data["note"]
    )
    return AppealSchema().dump(row)


@bp.put("/rounds/<int:round_id>/document")
@doc(
    "Change the texts of a round's documents in any phase (secretary, audited)",
    body=DocumentSettingsSchema,
    response=s.RoundSchema,
    tags=TAGS,
)
def update_document(round_id: int):
    actor = signed_in_actor()
    data = load_json(DocumentSettingsSchema())
    rnd = issuance.update_document(db.session(), actor, round_id, data.get("document") or {})
    return s.RoundSchema().dump(rnd)
