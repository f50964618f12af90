"""/api/v1/openapi.json is valid OpenAPI 3, documents every /api/v1 route, and its request
schemas are the marshmallow schemas the routes validate with."""
from __future__ import annotations

import os
import re

import pytest

from sfoflow.schemas.reviews import ReviewCreate, ReviewFilter

try:  # a test dependency (openapi-spec-validator)
    from openapi_spec_validator import validate as validate_spec
except ImportError:  # pragma: no cover
    if os.environ.get("CI", "").lower() == "true":
        raise
    validate_spec = None


@pytest.fixture
def spec(client):
    resp = client.get("/api/v1/openapi.json")  # public: no token
    assert resp.status_code == 200
    return resp.json


def _path(rule: str) -> str:
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule)


def _documented_views(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule, method, app.view_functions[rule.endpoint]


def _loaded_names(schema) -> set[str]:
    return {f.data_key or name for name, f in schema.fields.items() if not f.dump_only}


def _required(schema) -> set[str]:
    return {f.data_key or name for name, f in schema.fields.items() if f.required}


def test_document_is_valid_openapi_3(spec):
    if validate_spec is None:
        pytest.skip("openapi-spec-validator is not installed (pip install openapi-spec-validator)")
    assert spec["openapi"].startswith("3.")
    validate_spec(spec)  # raises on any violation


def test_every_api_route_is_documented(app, spec):
    missing = [f"{method} {rule.rule}" for rule, method, _view in _documented_views(app)
               if method.lower() not in spec["paths"].get(_path(rule.rule), {})]
    assert not missing, "routes missing from the OpenAPI document (add @doc):\n" + "\n".join(missing)


def test_request_bodies_are_the_marshmallow_schemas(app, spec):
    components = spec["components"]["schemas"]
    checked = 0
    for rule, method, view in _documented_views(app):
        body = getattr(view, "_openapi", {}).get("body")
        if body is None:
            continue
        schema = body() if isinstance(body, type) else body
        op = spec["paths"][_path(rule.rule)][method.lower()]
        ref = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        component = components[ref.rsplit("/", 1)[-1]]
        assert set(component["properties"]) == _loaded_names(schema), rule.rule
        assert set(component.get("required", [])) == _required(schema), rule.rule
        checked += 1
    assert checked >= 6  # intake, action, high profile, parallel reviews, extension, users


def test_review_create_is_exactly_the_intake_schema(spec):
    component = spec["components"]["schemas"]["ReviewCreate"]
    assert set(component["properties"]) == set(ReviewCreate().fields)
    assert set(component["required"]) == {"reference", "region", "offence_category", "received_on",
                                          "local_team_email"}
    assert component["properties"]["received_on"]["format"] == "date"
    assert component["properties"]["reference"]["maxLength"] == 64
    assert component["properties"]["local_team_email"]["maxLength"] == 254


def test_list_query_parameters_are_the_filter_schema(spec):
    params = spec["paths"]["/api/v1/reviews"]["get"]["parameters"]
    assert {p["name"] for p in params if p["in"] == "query"} == set(ReviewFilter().fields)


def test_the_csv_import_documents_its_body(spec):
    content = spec["paths"]["/api/v1/reviews/import"]["post"]["requestBody"]["content"]
    assert "text/csv" in content


def test_protected_routes_declare_bearer_security(app, spec):
    for rule, method, view in _documented_views(app):
        op = spec["paths"][_path(rule.rule)][method.lower()]
        if getattr(view, "roles", None):
            assert op.get("security") == [{"bearer": []}], rule.rule
        else:
            assert "security" not in op, rule.rule


def test_the_import_documents_both_answers_and_the_status_url(client, session, spec):
    """201 (imported at once) and 202 (a background job: its body, and its status URL in Location);
    the status URL's answer is the same job. Each documented body has the keys the API returns."""
    from tests.support.core import auth, make_person

    op = spec["paths"]["/api/v1/reviews/import"]["post"]
    components = spec["components"]["schemas"]
    assert op["responses"]["201"]["content"]["application/json"]["schema"]["$ref"].endswith("/ImportResult")
    accepted = op["responses"]["202"]
    assert accepted["content"]["application/json"]["schema"]["$ref"].endswith("/ImportJobOut")
    assert accepted["headers"]["Location"]["schema"] == {"type": "string"}
    assert [p["name"] for p in op["parameters"] if p["in"] == "query"] == ["background"]
    status_op = spec["paths"]["/api/v1/imports/{job_id}"]["get"]
    assert status_op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/ImportJobOut")
    assert {"401", "403", "404"} <= set(status_op["responses"])
    job_out = components["ImportJobOut"]
    assert job_out["properties"]["skipped"]["items"]["$ref"].endswith("/ImportSkipped")
    assert set(components["ImportSkipped"]["properties"]) == {"row", "reference", "reason"}

    _user, token = make_person(session, "central_team")
    text = ("reference,region,offence_category,received_on,local_team_email\n"
            "SFO/D/1,london,homicide,2023-04-27,a@b.org\n")
    resp = client.post("/api/v1/reviews/import?background=true", data=text.encode(), content_type="text/csv",
                       headers=auth(token))
    assert resp.status_code == 202
    assert set(resp.json) == set(job_out["properties"])
    status = client.get(resp.headers["Location"], headers=auth(token))
    assert status.status_code == 200 and set(status.json) == set(job_out["properties"])
    resp = client.post("/api/v1/reviews/import", data=text.replace("D/1", "D/2").encode(), content_type="text/csv",
                       headers=auth(token))
    assert resp.status_code == 201 and set(resp.json) == set(components["ImportResult"]["properties"])
    resp = client.post("/api/v1/reviews/import?background=maybe", data=text.encode(), content_type="text/csv",
                       headers=auth(token))
    assert resp.status_code == 422
