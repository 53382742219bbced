"""Plumbing of the JSON API under /api/v1: input loading, pagination, auth, OpenAPI."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, current_app, g, jsonify, request
from marshmallow import Schema, ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ideadb.core.db import request_session
from ideadb.core.errors import BadRequest, NotAuthenticated, NotFound, ValidationFailed
from ideadb.core.text import N_, nfc_deep
from scoring.messages import Message

API_PREFIX = "/api/v1"
MAX_PER_PAGE = 100
# Ids and the other whole numbers the API takes are stored in `integer` columns (signed 32
# bits on PostgreSQL): a wider one names nothing and would make the database raise, so it is
# refused up front (404 in a path, 422 in a body or a query).
MAX_INTEGER = 2**31 - 1
# OFFSET is a signed 64-bit number on both databases.
MAX_PAGE = (2**63 - 1) // MAX_PER_PAGE


nfc = nfc_deep  # request bodies are normalised before they are loaded


def flatten_messages(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """Turn marshmallow's nested error dict into {"authors.0.share": ["..."]}."""
    out: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, val in messages.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if key == "_schema" and prefix == "":
                name = "_schema"
            for k, v in flatten_messages(val, name).items():
                out.setdefault(k, []).extend(v)
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        out[prefix or "_schema"] = list(messages)
    elif isinstance(messages, list):
        for i, val in enumerate(messages):
            for k, v in flatten_messages(val, f"{prefix}.{i}").items():
                out.setdefault(k, []).extend(v)
    else:
        out[prefix or "_schema"] = [str(messages)]
    return out


def oversized_integers(value: Any, prefix: str = "") -> dict[str, list[str]]:
    """Fields of a JSON value holding an integer no column holds: {"idea_ids.0": [...]}."""
    out: dict[str, list[str]] = {}
    if isinstance(value, bool):
        return out
    if isinstance(value, int) and not -MAX_INTEGER - 1 <= value <= MAX_INTEGER:
        out[prefix or "_schema"] = ["Số quá lớn."]
    elif isinstance(value, dict):
        for key, val in value.items():
            out.update(oversized_integers(val, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(value, list):
        for i, val in enumerate(value):
            out.update(oversized_integers(val, f"{prefix}.{i}" if prefix else str(i)))
    return out


def json_body() -> Any:
    """The request's JSON body, or BadRequest when it is missing or malformed."""
    data = request.get_json(silent=True)
    if data is None:
        if request.get_data(cache=True):
            raise BadRequest("Dữ liệu JSON không hợp lệ.")
        data = {}
    too_large = oversized_integers(data)
    if too_large:
        raise ValidationFailed(N_("Dữ liệu không hợp lệ."), too_large)
    return nfc(data)


def load_json(schema: Schema, *, partial: bool = False, data: Any = None) -> Any:
    """Validate the JSON body with a marshmallow schema; 422 with fields when it fails."""
    payload = json_body() if data is None else nfc(data)
    if not isinstance(payload, dict):
        raise BadRequest("Nội dung yêu cầu phải là một đối tượng JSON.")
    try:
        return schema.load(payload, partial=partial)
    except ValidationError as exc:
        raise ValidationFailed(N_("Dữ liệu không hợp lệ."), flatten_messages(exc.messages)) from exc


def page_args() -> tuple[int, int]:
    fields: dict[str, list[str]] = {}
    values = {}
    for name, default in (("page", 1), ("per_page", 20)):
        raw = request.args.get(name, str(default))
        try:
            values[name] = int(raw)
        except ValueError:
            fields[name] = ["Phải là số nguyên."]
            continue
        if values[name] < 1:
            fields[name] = ["Phải lớn hơn hoặc bằng 1."]
    if "per_page" in values and values["per_page"] > MAX_PER_PAGE:
        fields["per_page"] = [Message(N_("Tối đa %(max)s."), max=MAX_PER_PAGE)]
    if values.get("page", 0) > MAX_PAGE:
        fields["page"] = ["Số quá lớn."]
    if fields:
        raise ValidationFailed(N_("Tham số phân trang không hợp lệ."), fields)
    return values["page"], values["per_page"]


def paginate(session: Session, stmt, schema: Schema) -> dict:
    """Run a select with ?page/?per_page and dump it in the list shape of API.md."""
    page, per_page = page_args()
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    rows = session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).all()
    return {
        "items": schema.dump(rows, many=True),
        "total": total,
        "page": page,
        "per_page": per_page,
    }


def list_body(items: list, total: int, page: int, per_page: int) -> dict:
    return {"items": items, "total": total, "page": page, "per_page": per_page}


def api_actor():
    """The caller of an API request: the bearer token's user, else (for reads) the session's."""
    return g.get("api_actor")


def signed_in_actor():
    actor = api_actor()
    if actor is None:
        raise NotAuthenticated(N_("Thiếu hoặc sai mã truy cập (token)."))
    return actor


# --- OpenAPI -----------------------------------------------------------------------------


def doc(
    summary: str,
    *,
    body: type[Schema] | Schema | None = None,
    response: type[Schema] | Schema | None = None,
    status: int | tuple[int, ...] = 200,
    many: bool = False,
    auth: bool = True,
    tags: list[str] | None = None,
    params: dict[str, dict] | None = None,
    upload: str | None = None,
    produces: list[str] | None = None,
    links: dict[str, dict] | None = None,
) -> Callable:
    """Describe an API function for /api/v1/openapi.json.

    ``params``: query parameters, name → JSON schema. ``upload``: the multipart field that
    carries a file (the body is then multipart/form-data). ``produces``: media types of a file
    answer. ``many``: the answer is a list body, ``{"items": [...], "total", "page", "per_page"}``.
    ``status``: the success code, or several (the first one carries the links).
    ``links``: OpenAPI links of the success answer, name → ``{"operationId": <function name of
    the target>, "parameters": {...}}`` with runtime expressions such as ``$response.body#/id``.
    """

    def decorate(fn: Callable) -> Callable:
        fn._api_doc = {  # type: ignore[attr-defined]
            "summary": summary,
            "body": body,
            "response": response,
            "status": status,
            "many": many,
            "auth": auth,
            "tags": tags,
            "params": params or {},
            "upload": upload,
            "produces": produces,
            "links": links or {},
        }
        return fn

    return decorate


def by_id(operation_id: str, *, body: dict | None = None, **parameters: str) -> dict:
    """A link to another operation: by_id("get_idea", idea_id="$response.body#/id").

    ``body``: fields of the target's request body (constants or runtime expressions)."""
    link: dict[str, Any] = {"operationId": operation_id, "parameters": parameters}
    if body is not None:
        link["requestBody"] = body
    return link


_ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
            "required": ["code", "message"],
        }
    },
    "required": ["error"],
}

# Answers every operation may give (API.md: Conventions), with the error shape.
_ERROR_STATUSES = {
    "400": "Bad request (malformed JSON, bad parameter)",
    "401": "No or invalid token",
    "403": "Forbidden",
    "404": "Not found, or not visible to the caller",
    "409": "Conflict: wrong state, stale version, duplicate",
    "422": "Validation failed (`fields` filled)",
    "429": "Rate limited",
}
# Answers of operations that take a body.
_BODY_ERROR_STATUSES = {
    "413": "Body too large",
    "415": "Unsupported media type",
}
_PAGE_PARAMS: dict[str, dict[str, Any]] = {
    "page": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
    "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
}


def _operation_ids(app, rules) -> dict[str, str]:
    """Endpoint → operationId: the view function's name, qualified only where names repeat."""
    names: dict[str, list[str]] = {}
    for rule in rules:
        names.setdefault(rule.endpoint.rsplit(".", 1)[-1], []).append(rule.endpoint)
    ids = {}
    for short, endpoints in names.items():
        for endpoint in set(endpoints):
            unique = len(set(endpoints)) == 1
            ids[endpoint] = short if unique else endpoint.removeprefix("api.").replace(".", "_")
    return ids


def _list_body(item: Any) -> dict:
    return {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": item},
            "total": {"type": "integer", "minimum": 0},
            "page": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
            "per_page": {"type": "integer", "minimum": 1},
        },
        "required": ["items"],
    }


def build_openapi(app) -> dict:
    spec = APISpec(
        title="ideadb API",
        version="1.0.0",
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        servers=[{"url": API_PREFIX}],
    )
    spec.components.schema("Error", _ERROR_SCHEMA)
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    error_ref = {"$ref": "#/components/schemas/Error"}
    rules = [
        r
        for r in sorted(app.url_map.iter_rules(), key=lambda r: r.rule)
        if r.rule.startswith(API_PREFIX + "/")
    ]
    operation_ids = _operation_ids(app, rules)
    known_ids = set(operation_ids.values())
    paths: dict[str, dict] = {}
    for url_rule in rules:
        view = app.view_functions[url_rule.endpoint]
        info = getattr(view, "_api_doc", None) or {}
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", url_rule.rule[len(API_PREFIX) :])
        params: list[dict[str, Any]] = [
            {"name": n, "in": "path", "required": True, "schema": {"type": "integer"}}
            for n in re.findall(r"{([^}]+)}", path)
        ]
        query = dict(_PAGE_PARAMS) if info.get("many") else {}
        query.update(info.get("params") or {})
        params += [
            {"name": name, "in": "query", "required": False, "schema": schema}
            for name, schema in query.items()
        ]
        for method in sorted((url_rule.methods or set()) - {"HEAD", "OPTIONS"}):
            op: dict[str, Any] = {
                "operationId": operation_ids[url_rule.endpoint],
                "summary": info.get("summary") or url_rule.endpoint,
            }
            if params:
                op["parameters"] = params
            takes_body = method in {"POST", "PUT", "PATCH", "DELETE"}
            errors = dict(_ERROR_STATUSES)
            if takes_body:
                errors.update(_BODY_ERROR_STATUSES)
            responses: dict[str, Any] = {
                code: {"description": text, "content": {"application/json": {"schema": error_ref}}}
                for code, text in sorted(errors.items())
            }
            statuses = info.get("status", 200)
            statuses = statuses if isinstance(statuses, tuple) else (statuses,)
            ok: dict[str, Any] = {"description": "OK"}
            if info.get("response") is not None:
                schema = info["response"]
                ok["content"] = {
                    "application/json": {"schema": _list_body(schema) if info["many"] else schema}
                }
            elif info.get("produces"):
                ok["content"] = {
                    media: {"schema": {"type": "object"}}
                    if media == "application/json"
                    else {"schema": {"type": "string", "format": "binary"}}
                    for media in info["produces"]
                }
            links = {}
            for name, link in (info.get("links") or {}).items():
                if link["operationId"] not in known_ids:
                    raise ValueError(f"link {name!r} of {url_rule.endpoint}: no such operation")
                links[name] = link
            for status in statuses:
                if status == 204:
                    responses["204"] = {"description": "No content"}
                else:
                    responses[str(status)] = dict(ok)
            if links:
                responses[str(statuses[0])]["links"] = links
            op["responses"] = responses
            if info.get("upload") and method in {"POST", "PUT"}:
                op["requestBody"] = {
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    info["upload"]: {"type": "string", "format": "binary"}
                                },
                                "required": [info["upload"]],
                            }
                        }
                    },
                }
            elif info.get("body") is not None and method in {"POST", "PUT", "PATCH"}:
                op["requestBody"] = {
                    "required": True,
                    "content": {"application/json": {"schema": info["body"]}},
                }
            if info.get("auth", True):
                op["security"] = [{"bearer": []}, {}]
            if info.get("tags"):
                op["tags"] = info["tags"]
            paths.setdefault(path, {})[method.lower()] = op
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return _bound_integers(spec.to_dict())


def _bound_integers(node: Any) -> Any:
    """Give every integer of the document the range the API accepts (see MAX_INTEGER)."""
    if isinstance(node, dict):
        if node.get("type") == "integer":
            node.setdefault("minimum", -MAX_INTEGER - 1)
            node.setdefault("maximum", MAX_INTEGER)
        for value in node.values():
            _bound_integers(value)
    elif isinstance(node, list):
        for value in node:
            _bound_integers(value)
    return node


def check_integer_params() -> None:
    """Reject documented integer query parameters that no column can hold (422, not a 500
    from the database driver)."""
    view = current_app.view_functions.get(request.endpoint or "")
    info = getattr(view, "_api_doc", None) or {}
    params: dict[str, dict[str, Any]] = dict(_PAGE_PARAMS) if info.get("many") else {}
    params.update(info.get("params") or {})
    fields: dict[str, list[str]] = {}
    for name, schema in params.items():
        raw = request.args.get(name)
        if schema.get("type") != "integer" or raw is None:
            continue
        try:
            number = int(raw)
        except ValueError:
            continue
        if not -MAX_INTEGER - 1 <= number <= max(MAX_INTEGER, int(schema.get("maximum", 0))):
            fields[name] = ["Số quá lớn."]
    if fields:
        raise ValidationFailed(N_("Tham số không hợp lệ."), fields)


def make_api_blueprint(children: list[Blueprint]) -> Blueprint:
    """A fresh /api/v1 blueprint per application, with the features' API blueprints inside."""
    bp = Blueprint("api", __name__, url_prefix=API_PREFIX)

    @bp.before_request
    def authenticate() -> None:
        from flask_login import current_user

        from ideadb.core.providers import token_user

        g.api_actor = None
        for value in (request.view_args or {}).values():
            # <int:...> matches any run of digits; wider ids name nothing.
            if isinstance(value, int) and value > MAX_INTEGER:
                raise NotFound(N_("Không tìm thấy."))
        check_integer_params()
        header = request.headers.get("Authorization", "")
        if header:
            scheme, _, token = header.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise NotAuthenticated(N_("Thiếu hoặc sai mã truy cập (token)."))
            user = token_user(request_session(), token.strip())
            if user is None:
                raise NotAuthenticated(N_("Mã truy cập không hợp lệ hoặc đã hết hạn."))
            g.api_actor = user
            g.api_token = token.strip()
        elif request.method in ("GET", "HEAD") and current_user.is_authenticated:
            # Pages' scripts read with the session; writes need a token (no CSRF on the API).
            g.api_actor = current_user._get_current_object()

    @bp.get("/openapi.json")
    @doc("OpenAPI 3 description of this API", auth=False)
    def openapi():
        return jsonify(build_openapi(current_app))

    for child in children:
        bp.register_blueprint(child)
    return bp
