"""The generated OpenAPI document: valid 3.1, complete, and the checks that keep the endpoints to it."""

from __future__ import annotations

import json
import re

import pytest
from openapi_spec_validator import validate
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from tests.support import openapi_check

DOCUMENT = "/api/v1/openapi.json"


@pytest.fixture(scope="module")
def doc(app):
    return app.test_client().get(DOCUMENT).get_json()


def test_the_document_is_valid_openapi_3_1(doc):
    assert doc["openapi"] == "3.1.0"
    validate(doc)  # raises on any error against the OpenAPI 3.1 schema
    assert doc["info"]["title"] == "政民互动平台 开放数据 API"


def test_every_api_v1_endpoint_is_in_the_document(app, doc):
    own = {"/api/v1/openapi.json", "/api/v1/docs"}
    routes = {
        rule.rule.replace("<int:", "<").replace("<", "{").replace(">", "}")
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1") and rule.rule not in own
    }
    missing = routes - set(doc["paths"])
    assert not missing, f"declare these with portal.apidoc.endpoint: {sorted(missing)}"


def test_operations_have_chinese_summaries_and_the_shared_errors(doc):
    for path, operations in doc["paths"].items():
        for operation in operations.values():
            assert any("\u4e00" <= ch <= "\u9fff" for ch in operation["summary"]), path
            responses = operation["responses"]
            for code in ("400", "401", "403", "429", "503"):
                assert responses[code]["content"]["application/json"]["schema"] == {
                    "$ref": "#/components/schemas/ErrorBody"
                }, (path, code)
            assert "Retry-After" in responses["429"]["headers"]
            if "{" in path:
                assert "404" in responses, path


def test_lists_declare_link_etag_and_304(doc):
    for path in ("/api/v1/feedback", "/api/v1/hearings/commitments", "/api/v1/plans/tasks", "/api/v1/policies/search"):
        responses = doc["paths"][path]["get"]["responses"]
        assert {"Link", "ETag", "Cache-Control"} <= set(responses["200"]["headers"]), path
        assert "304" in responses, path
        names = {p["name"] for p in doc["paths"][path]["get"]["parameters"]}
        assert {"page", "per_page", "If-None-Match"} <= names, path


def test_query_parameters_carry_the_readers_bounds_and_choices(doc):
    params = {p["name"]: p["schema"] for p in doc["paths"]["/api/v1/feedback"]["get"]["parameters"]}
    assert params["per_page"]["maximum"] == 100 and params["page"]["minimum"] == 1
    assert "complaint" in params["kind"]["enum"] and params["from"]["format"] == "date"
    times = doc["components"]["schemas"]["OrderSummary"]["properties"]["created_at"]
    assert times["format"] == "date-time"


def test_a_bad_argument_is_the_same_400_as_before(client):
    response = client.get("/api/v1/feedback?page=x")
    assert response.status_code == 400
    assert response.get_json() == {"error": {"code": "invalid", "message": "页码必须是整数", "field": "page"}}
    response = client.get("/api/v1/policies/search?per_page=1000")
    assert response.status_code == 400 and response.get_json()["error"]["field"] == "per_page"
    assert "每页条数" in response.get_json()["error"]["message"]


def test_policy_search_and_kpi_answer_with_etag_and_304(client):
    # (the KPI body carries its computed_at: its ETag holds while the figures are cached, 60 s in production)
    assert client.get("/api/v1/data/kpi?period=2026-Q3").headers["ETag"]
    for url in ("/api/v1/policies/search?q=营商", "/api/v1/plans"):
        first = client.get(url)
        assert first.status_code == 200 and first.headers["ETag"], url
        again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304 and again.data == b"", url
    # A query nothing matches (the session's search index may hold earlier tests' documents): no pages.
    search = client.get("/api/v1/policies/search?q=qzxjvwk")
    assert 'rel="first"' in search.headers["Link"] and search.get_json()["pages"] == 0


def test_a_body_that_drifts_from_its_model_is_an_error_not_a_silent_change(client, monkeypatch, caplog):
    """A field the code adds without declaring it: the endpoint answers 500 (logged), which the suite's hook
    reports as outside the document; a person never gets an undocumented body."""
    monkeypatch.setattr("portal.plans.api.conditional", lambda response: _with_extra_field(response))
    with pytest.raises(openapi_check.DocumentMismatch, match="500"):
        client.get("/api/v1/plans")
    assert "response does not match its model" in caplog.text and "secret" in caplog.text


def _with_extra_field(response):
    body = response.get_json()
    body["secret"] = "138****0000"
    response.set_data(json.dumps(body))
    return response


def test_the_suite_hook_fails_a_response_outside_the_document(app):
    environ = EnvironBuilder(
        path="/api/v1/feedback", query_string="page=x", base_url="http://portal.test"
    ).get_environ()
    response = app.response_class(json.dumps({"error": {"code": "invalid"}}), status=400, mimetype="application/json")
    response.request = Request(environ)
    with pytest.raises(openapi_check.DocumentMismatch, match="message"):
        openapi_check.check(app, response)
    response = app.response_class(json.dumps({"oops": 1}), status=418, mimetype="application/json")
    response.request = Request(environ)
    with pytest.raises(openapi_check.DocumentMismatch):
        openapi_check.check(app, response)


def test_the_docs_page_loads_the_vendored_ui_from_files(client):
    response = client.get("/api/v1/docs")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "开放数据 API" in html
    assert 'data-spec-url="/api/v1/openapi.json"' in html
    scripts = re.findall(r'<script src="([^"]+)"', html)
    bundle = next(src for src in scripts if "vendor/swagger-ui-dist-5.35.0/swagger-ui-bundle" in src)
    assert any("js/api-docs" in src for src in scripts)
    assert "<script>" not in html  # no inline script (CSP script-src 'self')
    assert client.get(bundle).status_code == 200
    footer = client.get("/").get_data(as_text=True)
    assert 'href="/api/v1/docs"' in footer
