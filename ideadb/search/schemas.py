"""Shapes of the search API (API.md: Search, and ideas' similar)."""

from __future__ import annotations

from marshmallow import Schema, fields

from ideadb.search.labels import unmatched_marks_notice

FACETS = ("area", "year", "district_id")


class HighlightsSchema(Schema):
    title = fields.String(metadata={"description": "HTML: escaped text with <mark> tags"})
    text = fields.String(metadata={"description": "HTML: escaped text with <mark> tags"})


class SearchItemSchema(Schema):
    id = fields.Integer()
    code = fields.String(allow_none=True)
    title = fields.String()
    summary = fields.String()
    area = fields.String(allow_none=True)
    year = fields.Integer(allow_none=True)
    district_id = fields.Integer(allow_none=True)
    score = fields.Method("rounded_score")
    highlights = fields.Nested(HighlightsSchema)

    def rounded_score(self, hit) -> float:
        return round(hit.score, 2)


class SearchResultSchema(Schema):
    items = fields.List(fields.Nested(SearchItemSchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
    facets = fields.Method("facet_counts")
    suggestion = fields.String(allow_none=True)
    unmatched_marks = fields.List(
        fields.String(),
        metadata={"description": "words typed with marks that no result holds as typed"},
    )
    notice = fields.Method(
        "marks_notice", metadata={"description": "says the results are approximate, or null"}
    )

    def marks_notice(self, result) -> str | None:
        return unmatched_marks_notice(result.unmatched_marks)

    def facet_counts(self, result) -> dict[str, dict[str, int]]:
        return {name: result.facets.get(name, {}) for name in FACETS}


class SimilarItemSchema(Schema):
    id = fields.Integer()
    code = fields.String(allow_none=True)
    title = fields.String()
    score = fields.Method("rounded_score")

    def rounded_score(self, item) -> float:
        score = item["score"] if isinstance(item, dict) else item.score
        return round(score, 2)


class SimilarListSchema(Schema):
    items = fields.List(fields.Nested(SimilarItemSchema))


class SimilarTextItemSchema(SimilarItemSchema):
    url = fields.String()


class SimilarTextListSchema(Schema):
    items = fields.List(fields.Nested(SimilarTextItemSchema))


class IndexPositionSchema(Schema):
    applied = fields.Integer(allow_none=True, metadata={"description": "last change applied here"})
    latest = fields.Integer(allow_none=True, metadata={"description": "last change in the log"})
    lag = fields.Integer(allow_none=True)
    generation = fields.String(allow_none=True)


class JobCountsSchema(Schema):
    pending = fields.Integer(allow_none=True)
    failed = fields.Integer(allow_none=True)


class HealthSchema(Schema):
    status = fields.String(metadata={"description": "ok, or unavailable (answered with 503)"})
    database = fields.String()
    search = fields.Nested(IndexPositionSchema)
    jobs = fields.Nested(JobCountsSchema)
