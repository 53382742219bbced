"""API shape of criteria sets (API.md: Criteria sets)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from marshmallow import Schema, fields, validate

from ideadb.criteria.models import STATUS_VALUES


class Points(fields.Decimal):
    """A number with at most two decimals: read exactly, written as a JSON number."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(places=None, allow_nan=False, **kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        if value is None:
            return None
        number = Decimal(str(value)).quantize(Decimal("0.01"))
        return int(number) if number == number.to_integral_value() else float(number)


REQUIRED: dict[str, str | list[Any] | dict[Any, Any]] = {
    "required": "Trường này là bắt buộc.",
    "null": "Trường này là bắt buộc.",
}


def _text(max_length: int, *, required: bool = False) -> fields.String:
    if required:
        return fields.String(
            required=True, validate=validate.Length(max=max_length), error_messages=REQUIRED
        )
    return fields.String(load_default="", validate=validate.Length(max=max_length))


def _number(*, required: bool = False) -> fields.Raw:
    # Numbers are read by the scoring engine, which says precisely what is wrong with them.
    number = {"type": "number"}
    if required:
        return fields.Raw(required=True, error_messages=REQUIRED, metadata=number)
    return fields.Raw(load_default=None, allow_none=True, metadata=number)


# -- input (the API body, kept in its own names for the service) ----------------------------
class BandInSchema(Schema):
    min = _number(required=True)
    max = _number(required=True)
    label = _text(255, required=True)
    guidance = _text(5000)


class CriterionInSchema(Schema):
    code = _text(40, required=True)
    name = _text(255, required=True)
    description = _text(5000)
    max_points = _number(required=True)
    weight = _number(required=True)
    min_points = _number()
    step = _number()
    levels = fields.List(fields.Nested(BandInSchema), load_default=list)


class RecognitionLevelInSchema(Schema):
    code = _text(40, required=True)
    name = _text(255, required=True)
    min_score = _number(required=True)


class CriteriaSetInSchema(Schema):
    """Body of POST /criteria-sets (PATCH takes any part of it)."""

    name = _text(255, required=True)
    basis = _text(10000)
    criteria = fields.List(fields.Nested(CriterionInSchema), required=True, error_messages=REQUIRED)
    recognition_levels = fields.List(fields.Nested(RecognitionLevelInSchema), load_default=list)


# -- output ----------------------------------------------------------------------------------
class BandSchema(Schema):
    min = Points(attribute="min_points")
    max = Points(attribute="max_points")
    label = fields.String()
    guidance = fields.String()


class CriterionSchema(Schema):
    code = fields.String()
    name = fields.String()
    description = fields.String()
    max_points = Points()
    weight = Points()
    min_points = Points(allow_none=True)
    step = Points(allow_none=True)
    levels = fields.List(fields.Nested(BandSchema), attribute="bands")


class RecognitionLevelSchema(Schema):
    code = fields.String()
    name = fields.String()
    min_score = Points()


class UsageSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    year = fields.Integer(allow_none=True)
    status = fields.String(allow_none=True)


class RangeSchema(Schema):
    min = fields.Raw(allow_none=True, metadata={"type": "number"})
    max = fields.Raw(allow_none=True, metadata={"type": "number"})


class ConstraintsSchema(Schema):
    required = fields.List(fields.String())
    weights = fields.Dict(keys=fields.String(), values=fields.Nested(RangeSchema))
    min_score = fields.Dict(keys=fields.String(), values=fields.Nested(RangeSchema))


class TemplateSchema(Schema):
    """A guideline a higher level issues (API.md: Central templates and alignment)."""

    issuer = fields.String()
    code = fields.String()
    version = fields.Integer()
    constraints = fields.Nested(ConstraintsSchema)


class DerivedFromSchema(Schema):
    code = fields.String()
    version = fields.Integer()


class CriteriaSetSchema(Schema):
    """A criteria set as the API answers it."""

    id = fields.Integer()
    name = fields.String()
    basis = fields.String()
    version = fields.Integer()
    status = fields.String(validate=validate.OneOf(STATUS_VALUES))
    lineage_id = fields.Integer()
    based_on_id = fields.Integer(allow_none=True)
    frozen = fields.Boolean()
    total_weight = Points()
    criteria = fields.List(fields.Nested(CriterionSchema))
    recognition_levels = fields.List(fields.Nested(RecognitionLevelSchema))
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    activated_at = fields.DateTime(allow_none=True)
    retired_at = fields.DateTime(allow_none=True)
    frozen_at = fields.DateTime(allow_none=True)
    template = fields.Nested(TemplateSchema, allow_none=True)
    derived_from = fields.Nested(DerivedFromSchema, allow_none=True)
    justification = fields.String(allow_none=True)


class CriteriaSetDetailSchema(CriteriaSetSchema):
    """One set with the rounds that use it and the other versions of its lineage."""

    used_by = fields.List(fields.Nested(UsageSchema))
    versions = fields.List(fields.Dict())


class DifferenceSchema(Schema):
    kind = fields.String()
    code = fields.String()
    template = fields.Raw(allow_none=True)
    local = fields.Raw(allow_none=True)
    within_constraints = fields.Boolean()


class AlignmentSchema(Schema):
    """GET /criteria-sets/{id}/alignment."""

    derived_from = fields.Nested(DerivedFromSchema, allow_none=True)
    aligned = fields.Boolean()
    differences = fields.List(fields.Nested(DifferenceSchema))


class ActivateInSchema(Schema):
    """Optional body of POST /criteria-sets/{id}/activate."""

    justification = fields.String(allow_none=True, validate=validate.Length(max=5000))


class FileSetSchema(CriteriaSetInSchema):
    template = fields.Nested(TemplateSchema, allow_none=True)
    derived_from = fields.Nested(DerivedFromSchema, allow_none=True)


class CriteriaFileSchema(Schema):
    """An ``ideadb-criteria/1`` file: what a central office sends and a province loads."""

    format = fields.String(required=True, metadata={"enum": ["ideadb-criteria/1"]})
    set = fields.Nested(FileSetSchema, required=True)
