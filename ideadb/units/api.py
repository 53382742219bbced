"""JSON API of units."""

from flask import Blueprint, request

from ideadb.core.api import by_id, doc, load_json, paginate, signed_in_actor
from ideadb.extensions import db
from ideadb.units import service
from ideadb.units.schemas import UnitSchema

bp = Blueprint("units_api", __name__)


@bp.get("/units")
@doc(
    "List units (kind, parent_id, current=1, q filters)",
    response=UnitSchema,
    many=True,
    auth=False,
    params={
        "kind": {"type": "string"},
        "parent_id": {"type": "integer"},
        "current": {"type": "string", "enum": ["0", "1"]},
        "q": {"type": "string"},
    },
    links={"get": by_id("get_unit", unit_id="$response.body#/items/0/id")},
)
def list_units():
    stmt = service.list_units(
        db.session(),
        kind=request.args.get("kind") or None,
        parent_id=request.args.get("parent_id", type=int),
        current_only=request.args.get("current") == "1",
        query=request.args.get("q"),
    )
    return paginate(db.session(), stmt, UnitSchema())


@bp.get("/units/<int:unit_id>")
@doc("One unit", response=UnitSchema, auth=False)
def get_unit(unit_id: int):
    return UnitSchema().dump(service.get_unit(db.session(), unit_id))


@bp.post("/units")
@doc(
    "Create a unit (admin)",
    body=UnitSchema,
    response=UnitSchema,
    status=201,
    links={"get": by_id("get_unit", unit_id="$response.body#/id")},
)
def create_unit():
    actor = signed_in_actor()
    data = load_json(UnitSchema())
    return UnitSchema().dump(service.create_unit(db.session(), actor, data)), 201
