"""GeoReport v2 endpoints under /open311/v2/, each in JSON and XML (``.json`` / ``.xml``)."""

from __future__ import annotations

from flask import Blueprint, request, url_for

from portal.apiclients import gate
from portal.errors import DomainError, NotFound
from portal.extensions import csrf, db
from portal.open311 import services
from portal.open311.formats import errors, respond
from portal.opendata import conditional
from portal.times import utcnow

bp = Blueprint("open311", __name__, url_prefix="/open311/v2")
FMT = "<any(json, xml):fmt>"
CHANGESET = "2026-12-02T00:00:00+00:00"  # when this endpoint's services or fields last changed
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"


def _format() -> str:
    fmt = (request.view_args or {}).get("fmt")
    return fmt if fmt in ("json", "xml") else ("xml" if request.path.endswith(".xml") else "json")


@gate.error_format("/open311/")
def render_error(error: DomainError):
    """A key problem is 403 in the specification (401 elsewhere in the API)."""
    return errors(_format(), 403 if error.status == 401 else error.status, error.message)


@bp.errorhandler(DomainError)
def domain_error(error: DomainError):
    return render_error(error)


def _get(fmt: str, root: str, item: str | None, body):
    return conditional(respond(fmt, root, item, body))


@bp.route(f"/discovery.{FMT}")
def discovery(fmt: str):
    """Where the endpoint is, which specification and formats it speaks, and how to get a key."""
    return _get(
        fmt,
        "discovery",
        None,
        {
            "changeset": CHANGESET,
            "contact": "12345 市民服务热线",
            "key_service": "向平台管理员申请 API 密钥（X-API-Key 请求头或 api_key 参数）",
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": url_for(".discovery", fmt=fmt, _external=True).rsplit("/", 1)[0],
                    "changeset": CHANGESET,
                    "type": "production",
                    "formats": ["text/xml", "application/json"],
                }
            ],
        },
    )


@bp.route(f"/services.{FMT}")
def service_list(fmt: str):
    """Every kind × category of the intake form, with its service_code."""
    return _get(fmt, "services", "service", services.service_list())


@bp.route(f"/services/<service_code>.{FMT}")
def service_definition(service_code: str, fmt: str):
    """The attributes of a service (title, public, district, street)."""
    return _get(fmt, "service_definition", None, services.definition(service_code))


@bp.route(f"/requests.{FMT}")
def list_requests(fmt: str):
    """Public work orders, filtered as the specification lists."""
    return _get(fmt, "service_requests", "request", services.find_requests(request.args, utcnow()))


@bp.route(f"/requests.{FMT}", methods=["POST"])
@csrf.exempt  # a key, not a session cookie, authorises it
def create_request(fmt: str):
    """File a work order with an API key, as the web form does."""
    client = gate.require_client()
    try:
        body = services.file_request(client.owner, request.form)
    except DomainError:
        db.session.rollback()
        raise
    return respond(fmt, "service_requests", "request", [body], 201)


@bp.route(f"/requests/<service_request_id>.{FMT}")
def get_request(service_request_id: str, fmt: str):
    """One public work order by its tracking number."""
    return _get(fmt, "service_requests", "request", [services.get_request(service_request_id)])


@bp.route(f"/tokens/<token>.{FMT}")
def token(token: str, fmt: str):
    """The service_request_id of the request a POST answered with this token."""
    return _get(fmt, "service_requests", "request", [services.request_of_token(token)])


@bp.route("/<path:rest>", methods=["GET", "POST"])
@csrf.exempt  # answers 404 whatever comes
def unknown(rest: str):
    """An unknown path or format answers the specification's error list."""
    raise NotFound("没有这个接口；格式后缀只能是 .json 或 .xml")
