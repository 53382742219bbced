"""JSON API of criteria sets (API.md: Criteria sets)."""

from __future__ import annotations

from flask import Blueprint, request

from ideadb.core.api import by_id, doc, load_json, paginate, signed_in_actor
from ideadb.criteria import service
from ideadb.criteria.schemas import CriteriaSetDetailSchema, CriteriaSetInSchema, CriteriaSetSchema
from ideadb.extensions import db

bp = Blueprint("criteria_api", __name__)


def _dump(details: service.SetDetails) -> dict:
    body = CriteriaSetSchema().dump(details.criteria_set)
    body["frozen"] = details.frozen
    body["used_by"] = details.used_by
    body["versions"] = [
        {"id": v.id, "version": v.version, "status": v.status, "frozen": v.frozen}
        for v in details.versions
    ]
    return body


@bp.get("/criteria-sets")
@doc(
    "List criteria sets (filters: status, lineage_id)",
    response=CriteriaSetSchema,
    many=True,
    params={"status": {"type": "string"}, "lineage_id": {"type": "integer"}},
    links={
        "get": by_id("get_set", set_id="$response.body#/items/0/id"),
        "update": by_id("update_set", set_id="$response.body#/items/0/id"),
        "activate": by_id("activate", set_id="$response.body#/items/0/id"),
        "revise": by_id("revise", set_id="$response.body#/items/0/id"),
        "delete": by_id("delete_set", set_id="$response.body#/items/0/id"),
    },
)
def list_sets():
    stmt = service.list_sets(
        db.session(),
        signed_in_actor(),
        status=request.args.get("status") or None,
        lineage_id=request.args.get("lineage_id", type=int),
    )
    return paginate(db.session(), stmt, CriteriaSetSchema())


@bp.post("/criteria-sets")
@doc(
    "Create a criteria set as a draft (secretary, admin)",
    body=CriteriaSetInSchema,
    response=CriteriaSetSchema,
    status=201,
    links={
        "get": by_id("get_set", set_id="$response.body#/id"),
        "update": by_id("update_set", set_id="$response.body#/id"),
        "activate": by_id("activate", set_id="$response.body#/id"),
        "revise": by_id("revise", set_id="$response.body#/id"),
        "delete": by_id("delete_set", set_id="$response.body#/id"),
    },
)
def create_set():
    actor = signed_in_actor()
    data = load_json(CriteriaSetInSchema())
    return CriteriaSetSchema().dump(service.create_set(db.session(), actor, data)), 201


@bp.get("/criteria-sets/<int:set_id>")
@doc(
    "One criteria set, with its versions and the rounds that use it",
    response=CriteriaSetDetailSchema,
)
def get_set(set_id: int):
    return _dump(service.details(db.session(), signed_in_actor(), set_id))


@bp.patch("/criteria-sets/<int:set_id>")
@doc(
    "Edit a draft; 409 once it is active or used by a round",
    body=CriteriaSetInSchema,
    response=CriteriaSetSchema,
)
def update_set(set_id: int):
    actor = signed_in_actor()
    data = load_json(CriteriaSetInSchema(), partial=True)
    return CriteriaSetSchema().dump(service.update_draft(db.session(), actor, set_id, data))


@bp.delete("/criteria-sets/<int:set_id>")
@doc("Withdraw a set (it is kept, retired); 409 once a round uses it", status=204)
def delete_set(set_id: int):
    service.retire(db.session(), signed_in_actor(), set_id)
    return "", 204


@bp.post("/criteria-sets/<int:set_id>/activate")
@doc(
    "Put a draft in force (the lineage's previous version retires)",
    response=CriteriaSetDetailSchema,
)
def activate(set_id: int):
    return CriteriaSetSchema().dump(service.activate(db.session(), signed_in_actor(), set_id))


@bp.post("/criteria-sets/<int:set_id>/revise")
@doc(
    "A new draft version copying this one",
    response=CriteriaSetSchema,
    status=201,
    links={
        "get": by_id("get_set", set_id="$response.body#/id"),
        "update": by_id("update_set", set_id="$response.body#/id"),
        "activate": by_id("activate", set_id="$response.body#/id"),
    },
)
def revise(set_id: int):
    return CriteriaSetSchema().dump(service.revise(db.session(), signed_in_actor(), set_id)), 201
