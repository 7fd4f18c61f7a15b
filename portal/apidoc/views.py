"""``/api/v1/openapi.json`` (the generated document) and ``/api/v1/docs`` (a page that renders it)."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template

from portal.apidoc import document
from portal.opendata import conditional

bp = Blueprint("apidoc", __name__, url_prefix="/api/v1")


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 document of every /api/v1 endpoint, generated from the models the endpoints run."""
    return conditional(jsonify(document()))


@bp.get("/docs")
def docs():
    """The document rendered for people (Swagger UI, vendored; started by static/js/api-docs.js)."""
    return render_template("apidoc/docs.html")
