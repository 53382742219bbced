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
from ideadb.core.errors import BadRequest, NotAuthenticated, ValidationFailed
from ideadb.core.text import nfc_deep

API_PREFIX = "/api/v1"
MAX_PER_PAGE = 100


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


def json_body() -> Any:
    """The request's JSON body, or BadRequest when it is missing or malformed."""
    data = request.get_json(silent=True)
    if data is None:
        if request.get_data(cache=True):
            raise BadRequest("Dữ liệu JSON không hợp lệ.")
        data = {}
    return nfc(data)


def load_json(schema: Schema, *, partial: bool = False, data: Any = None) -> Any:
    """Validate the JSON body with a marshmallow schema; 422 with fields when it fails."""
    payload = json_body() if data is None else nfc(data)
    if not isinstance(payload, dict):
        raise BadRequest("Nội dung yêu cầu phải là một đối tượng JSON.")
    try:
        return schema.load(payload, partial=partial)
    except ValidationError as exc:
        raise ValidationFailed("Dữ liệu không hợp lệ.", flatten_messages(exc.messages)) from exc


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
        fields["per_page"] = [f"Tối đa {MAX_PER_PAGE}."]
    if fields:
        raise ValidationFailed("Tham số phân trang không hợp lệ.", fields)
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
        raise NotAuthenticated("Thiếu hoặc sai mã truy cập (token).")
    return actor


# --- OpenAPI -----------------------------------------------------------------------------


def doc(
    summary: str,
    *,
    body: type[Schema] | Schema | None = None,
    response: type[Schema] | Schema | None = None,
    status: int = 200,
    many: bool = False,
    auth: bool = True,
    tags: list[str] | None = None,
) -> Callable:
    """Describe an API function for /api/v1/openapi.json."""

    def decorate(fn: Callable) -> Callable:
        fn._api_doc = {  # type: ignore[attr-defined]
            "summary": summary,
            "body": body,
            "response": response,
            "status": status,
            "many": many,
            "auth": auth,
            "tags": tags,
        }
        return fn

    return decorate


_ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "array"}},
            },
            "required": ["code", "message"],
        }
    },
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
    paths: dict[str, dict] = {}
    for url_rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not url_rule.rule.startswith(API_PREFIX + "/"):
            continue
        view = app.view_functions[url_rule.endpoint]
        info = getattr(view, "_api_doc", None)
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", url_rule.rule[len(API_PREFIX) :])
        params = [
            {"name": n, "in": "path", "required": True, "schema": {"type": "integer"}}
            for n in re.findall(r"{([^}]+)}", path)
        ]
        for method in sorted((url_rule.methods or set()) - {"HEAD", "OPTIONS"}):
            op: dict[str, Any] = {"summary": (info or {}).get("summary") or url_rule.endpoint}
            if params:
                op["parameters"] = params
            responses: dict[str, Any] = {
                "default": {
                    "description": "Error",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                }
            }
            ok: dict[str, Any] = {"description": "OK"}
            if info and info.get("response") is not None:
                schema = info["response"]
                ok["content"] = {"application/json": {"schema": schema}}
            responses[str((info or {}).get("status", 200))] = ok
            op["responses"] = responses
            if info and info.get("body") is not None and method in {"POST", "PUT", "PATCH"}:
                op["requestBody"] = {
                    "required": True,
                    "content": {"application/json": {"schema": info["body"]}},
                }
            if info is None or info.get("auth", True):
                op["security"] = [{"bearer": []}, {}]
            if info and info.get("tags"):
                op["tags"] = info["tags"]
            paths.setdefault(path, {})[method.lower()] = op
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()


def make_api_blueprint(children: list[Blueprint]) -> Blueprint:
    """A fresh /api/v1 blueprint per application, with the features' API blueprints inside."""
    bp = Blueprint("api", __name__, url_prefix=API_PREFIX)

    @bp.before_request
    def authenticate() -> None:
        from flask_login import current_user

        from ideadb.core.providers import token_user

        g.api_actor = None
        header = request.headers.get("Authorization", "")
        if header:
            scheme, _, token = header.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise NotAuthenticated("Thiếu hoặc sai mã truy cập (token).")
            user = token_user(request_session(), token.strip())
            if user is None:
                raise NotAuthenticated("Mã truy cập không hợp lệ hoặc đã hết hạn.")
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
