"""JSON API of criteria sets (API.md: Criteria sets)."""

from __future__ import annotations

import json

from flask import Blueprint, Response, request

from ideadb.core.api import by_id, doc, json_body, load_json, paginate, signed_in_actor
from ideadb.criteria import guidelines, service
from ideadb.criteria.schemas import (
    ActivateInSchema,
    AlignmentSchema,
    CriteriaFileSchema,
    CriteriaSetDetailSchema,
    CriteriaSetInSchema,
    CriteriaSetSchema,
)
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
        "export": by_id("export_set", set_id="$response.body#/items/0/id"),
        "derive": by_id("derive_set", set_id="$response.body#/items/0/id"),
        "alignment": by_id("alignment", set_id="$response.body#/items/0/id"),
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
    "Put a draft in force (the lineage's previous version retires); a set outside its "
    "template's constraints needs a justification (409 naming them otherwise)",
    body=ActivateInSchema,
    response=CriteriaSetDetailSchema,
)
def activate(set_id: int):
    actor = signed_in_actor()
    data = load_json(ActivateInSchema())
    result = guidelines.activate(db.session(), actor, set_id, data.get("justification"))
    return CriteriaSetSchema().dump(result)


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


_CREATED_LINKS = {
    "get": by_id("get_set", set_id="$response.body#/id"),
    "update": by_id("update_set", set_id="$response.body#/id"),
    "activate": by_id("activate", set_id="$response.body#/id"),
    "alignment": by_id("alignment", set_id="$response.body#/id"),
    "export": by_id("export_set", set_id="$response.body#/id"),
}


@bp.get("/criteria-sets/<int:set_id>/export")
@doc(
    "The set as an ideadb-criteria/1 file (what a central office sends, a province loads)",
    response=CriteriaFileSchema,
)
def export_set(set_id: int):
    session = db.session()
    criteria_set = service.view_set(session, signed_in_actor(), set_id)
    text = json.dumps(guidelines.export_body(criteria_set), ensure_ascii=False, indent=2)
    name = guidelines.export_filename(criteria_set)
    return Response(
        text,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.post("/criteria-sets/import")
@doc(
    "Load an ideadb-criteria/1 file as a new draft (a template keeps its template; the same "
    "template code and version already here → 409)",
    body=CriteriaFileSchema,
    response=CriteriaSetSchema,
    status=201,
    links=_CREATED_LINKS,
)
def import_set():
    actor = signed_in_actor()
    created = guidelines.import_set(db.session(), actor, json_body())
    return CriteriaSetSchema().dump(created), 201


@bp.post("/criteria-sets/<int:set_id>/derive")
@doc(
    "A draft copy of a template that remembers it (derived_from)",
    response=CriteriaSetSchema,
    status=201,
    links=_CREATED_LINKS,
)
def derive_set(set_id: int):
    derived = guidelines.derive(db.session(), signed_in_actor(), set_id)
    return CriteriaSetSchema().dump(derived), 201


@bp.get("/criteria-sets/<int:set_id>/alignment")
@doc(
    "Where the set departs from its template, each difference checked against the constraints",
    response=AlignmentSchema,
)
def alignment(set_id: int):
    return guidelines.report(db.session(), signed_in_actor(), set_id).as_dict()
