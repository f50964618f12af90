"""The OpenAPI document, generated from the routes and the same marshmallow schemas they use."""
from __future__ import annotations

import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, current_app, jsonify

from ..schemas.boundary import INT_MAX
from ..schemas.common import ErrorSchema

bp = Blueprint("openapi", __name__)


class Answer:
    """Another success answer an API view may give besides ``status`` (e.g. 202 when the work
    goes to the background): what it means, its body's schema, and its headers (name -> meaning)."""

    def __init__(self, description: str, response=None, headers: dict[str, str] | None = None):
        self.description, self.response, self.headers = description, response, dict(headers or {})


def doc(summary: str, *, body=None, query=None, response=None, status: int = 200, tags=(), form=None,
        also: tuple[str, ...] = (), answers: dict[int, Answer] | None = None):
    """Describe an API view for the OpenAPI document (schemas are classes or instances); ``also``
    names other media types the success answer may take (``text/csv`` with ?format=csv);
    ``answers`` the other success answers by status code."""
    def decorate(view):
        view._openapi = dict(summary=summary, body=body, query=query, response=response, status=status,
                             tags=list(tags), form=form, also=tuple(also), answers=dict(answers or {}))
        return view
    return decorate


def _name_resolver():
    """Name each schema class once; two classes with one name (e.g. two ``BalanceOut``) get the
    module's name as a prefix instead of silently overwriting each other in the document."""
    names: dict[type, str] = {}

    def resolve(schema) -> str:
        cls = schema if isinstance(schema, type) else type(schema)
        if cls not in names:
            name = cls.__name__
            if name in names.values():
                name = cls.__module__.rsplit(".", 1)[-1].title().replace("_", "") + name
            names[cls] = name
        return names[cls]

    return resolve


def build_spec(app) -> dict:
    _name = _name_resolver()
    spec = APISpec(title="sfoflow API", version="1", openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin(schema_name_resolver=_name)],
                   info={"description": "Case tracking for the independent QA of Serious Further Offence reviews. "
                                        "Authenticate with `Authorization: Bearer <token>`."})
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Error", schema=ErrorSchema)
    seen = {"ErrorSchema"}

    def ref(schema):
        name = _name(schema)
        if name not in seen and name not in spec.components.schemas:  # nested ones register themselves
            spec.components.schema(name, schema=schema)
            seen.add(name)
        return name

    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.endpoint.startswith("api."):
            continue
        view = app.view_functions[rule.endpoint]
        meta = getattr(view, "_openapi", None)
        if meta is None:
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        params = [{"in": "path", "name": arg, "required": True,
                   "schema": {"type": "integer", "minimum": 0, "maximum": INT_MAX}
                   if rule._converters[arg].__class__.__name__ == "IntegerConverter" else {"type": "string"}}
                  for arg in rule.arguments]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            op = {"summary": meta["summary"], "tags": meta["tags"] or [rule.rule.split("/")[3]],
                  "parameters": list(params), "responses": {}}
            roles = getattr(view, "roles", None)
            if roles:
                op["security"] = [{"bearer": []}]
                op["description"] = "Roles: " + ", ".join(roles)
            if meta["query"] is not None:
                op["parameters"].append({"in": "query", "schema": meta["query"]})
            if meta["body"] is not None:
                op["requestBody"] = {"required": True, "content": {
                    "application/json": {"schema": {"$ref": f"#/components/schemas/{ref(meta['body'])}"}}}}
            if meta["form"]:
                op["requestBody"] = {"required": True, "content": {meta["form"]: {"schema": {"type": "string"}}}}
            ok = {"description": "OK"}
            if meta["response"] is not None:
                schema = {"$ref": f"#/components/schemas/{ref(meta['response'])}"}
                ok["content"] = {"application/json": {"schema": schema}}
            for media_type in meta.get("also", ()):
                ok.setdefault("content", {})[media_type] = {"schema": {"type": "string"}}
            op["responses"][str(meta["status"])] = ok
            for code, answer in sorted(meta.get("answers", {}).items()):
                other = {"description": answer.description}
                if answer.response is not None:
                    other["content"] = {"application/json": {
                        "schema": {"$ref": f"#/components/schemas/{ref(answer.response)}"}}}
                if answer.headers:
                    other["headers"] = {name: {"description": text, "schema": {"type": "string"}}
                                        for name, text in answer.headers.items()}
                op["responses"][str(code)] = other
            for code, text in (("401", "not signed in"), ("403", "role not permitted"),
                               ("404", "not found"), ("409", "refused: state or stale version"),
                               ("422", "invalid input")):
                error = {"$ref": "#/components/schemas/Error"}
                op["responses"][code] = {"description": text, "content": {"application/json": {"schema": error}}}
            spec.path(path=path, operations={method.lower(): op})
    return spec.to_dict()


@bp.get("/openapi.json")
@doc("This document: the API described as OpenAPI 3 (no token needed)", tags=["openapi"])
def openapi_json():
    return jsonify(build_spec(current_app))
