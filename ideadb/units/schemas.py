"""API shape of units (API.md: GET/POST /units)."""

from marshmallow import Schema, fields, validate

from ideadb.units.models import KIND_VALUES


class UnitSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=255))
    kind = fields.String(required=True, validate=validate.OneOf(KIND_VALUES))
    parent_id = fields.Integer(load_default=None, allow_none=True)
    code = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40))
    valid_from = fields.Date(load_default=None, allow_none=True)
    valid_to = fields.Date(load_default=None, allow_none=True)
    successor_id = fields.Integer(load_default=None, allow_none=True)
