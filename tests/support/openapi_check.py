"""Every response of an /api/v1 endpoint that a test receives is checked against the generated OpenAPI document.

``install(app)`` wraps the Flask test client: a response to a documented operation (path and method in the
document) must have a declared status, the declared headers and a body matching the declared schema — error
responses included. A mismatch fails the test that made the request. The document is read once per session.
"""

from __future__ import annotations

from flask.testing import FlaskClient
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from openapi_core.templating.paths.exceptions import PathError

PREFIX = "/api/v1/"
_api: OpenAPI | None = None
checked: list[str] = []  # "GET /api/v1/... 200", for the test that proves the hook runs


def openapi(app) -> OpenAPI:
    global _api
    if _api is None:
        from portal.apidoc import document

        with app.app_context():
            _api = OpenAPI.from_dict(document())
    return _api


class DocumentMismatch(AssertionError):
    pass


def check(app, response) -> None:
    request = response.request
    if not request.path.startswith(PREFIX) or request.method == "HEAD":
        return
    api = openapi(app)
    try:
        result_errors = list(
            api.iter_response_errors(WerkzeugOpenAPIRequest(request), WerkzeugOpenAPIResponse(response))
        )
    except PathError:
        result_errors = [PathError()]
    if any(isinstance(e, PathError) for e in result_errors):
        return  # not a documented operation (the document itself, its page, an unknown path or method)
    if result_errors:
        details = "; ".join(_describe(e) for e in result_errors)
        raise DocumentMismatch(
            f"{request.method} {request.full_path} → {response.status_code} does not match /api/v1/openapi.json: {details}"
        )
    checked.append(f"{request.method} {request.path} {response.status_code}")


def _describe(error: Exception) -> str:
    causes = [error, *(getattr(error, "schema_errors", None) or [])]
    cause = error.__cause__
    if cause is not None:
        causes += [cause, *(getattr(cause, "schema_errors", None) or [])]
    return " / ".join(str(c)[:500] for c in causes)


def install(app) -> None:
    """Wrap ``FlaskClient.open`` (every test client of the session) once."""
    if getattr(FlaskClient.open, "_openapi_checked", False):
        return
    original = FlaskClient.open

    def open_and_check(self, *args, **kwargs):
        response = original(self, *args, **kwargs)
        check(self.application, response)
        return response

    open_and_check._openapi_checked = True
    FlaskClient.open = open_and_check
