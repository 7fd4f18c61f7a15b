"""The described API: every ``/api/v1`` endpoint declares its query and its responses as pydantic models, and the
OpenAPI 3.1 document at ``/api/v1/openapi.json`` is generated from them (spectree).

The models are the ones the endpoints run: spectree validates each request's query against its model before the
view (a bad argument raises the same ``Invalid`` as the HTML page, so the 400 body and its Chinese message are
unchanged) and each JSON body against the declared response model after it (a body that drifts from its model is a
500 in tests and a logged error, never a silently different document). How to declare an endpoint::

    from portal.apidoc import endpoint

    @bp.get("/things")
    @endpoint(summary="事项列表", query=ThingQuery, ok=ThingPage, listing=True)
    def things(): ...

``listing=True`` declares the list conventions (``Link``, ``ETag``, ``Cache-Control``, 304); ``not_found=True``
a 404. Every endpoint declares 400 and 429 with the shared error body.

Foundation: imports no capability package.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable, Iterable
from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from spectree import Response, SpecTree, Tag

from portal.errors import Invalid

log = logging.getLogger(__name__)

API_TITLE = "政民互动平台 开放数据 API"
API_VERSION = "1.0"


def one_of(values: Iterable[Any]) -> Any:
    """A ``Literal`` of the values (an Enum's members give their values): the document lists them."""
    return Literal[tuple(v.value if isinstance(v, Enum) else v for v in values)]  # type: ignore[valid-type]


# ---- shared bodies -------------------------------------------------------------------------------------------


class Body(BaseModel):
    """A response body: exactly these fields (a field the code adds without declaring it fails validation)."""

    model_config = ConfigDict(extra="forbid")


class ApiError(Body):
    code: str = Field(description="机器可读的错误代码：invalid、not_found、rate_limited、server_error 等")
    message: str = Field(description="中文说明，可直接展示给用户")
    field: str | None = Field(None, description="出错的参数名（参数错误时）")
    retry_after: int | None = Field(None, description="限流时：多少秒后可以重试（与 Retry-After 头相同）")
    details: dict[str, Any] | None = Field(None, description="补充信息（个别错误）")


class ErrorBody(Body):
    """Every error of the API: ``{"error": {"code", "message", "field"?}}``."""

    error: ApiError


class PageBody(Body):
    """The shared head of every paginated list; a list's model adds ``results`` (and any extra field)."""

    total: int = Field(ge=0, description="符合条件的总条数")
    page: int = Field(ge=1, description="当前页码（从 1 开始）")
    per_page: int = Field(ge=1, le=100, description="每页条数")
    pages: int = Field(ge=0, description="总页数（空列表为 0）")


# ---- the document --------------------------------------------------------------------------------------------

TAGS = {
    "feedback": Tag(name="feedback", description="问政：公开诉求（工单）"),
    "hearings": Tag(name="hearings", description="公开答辩：承诺事项"),
    "plans": Tag(name="plans", description="作战方案：方案、攻坚任务与进度"),
    "policies": Tag(name="policies", description="政策文库：检索与全文"),
    "data": Tag(name="data", description="数据公开：部门考核指标"),
    "ratings": Tag(name="ratings", description="企业评价：满意度指数"),
}

DESCRIPTION = """政民互动平台公开数据的机器可读接口。只读接口无需登录。

**共同约定**

- 错误：`{"error": {"code", "message", "field"}}`，`message` 为中文说明；参数错误 400 `invalid`（`field` 指出参数），
  不存在 404 `not_found`，请求过于频繁 429 `rate_limited`（带 `Retry-After` 头与 `retry_after`），
  服务暂时不可用 503 `unavailable`（带 `Retry-After` 头）。
- 分页：`page`（从 1 开始）与 `per_page`（1–100，默认 20）；响应体含 `total`、`page`、`per_page`、`pages` 与 `results`；
  `Link` 头（RFC 8288）给出 first、prev、next、last 的完整地址，保留同样的筛选条件。
- 缓存：列表带强 `ETag` 与 `Cache-Control: no-cache`；请求带 `If-None-Match` 且列表未变时返回 304（无正文）。
- 时间：ISO 8601，带时区偏移（如 `2026-11-23T08:32:00+00:00`）；日期为 `YYYY-MM-DD`（北京时间的日历日）。
- 个人信息：公开接口中的姓名、电话、证件号、车牌、门牌号均已遮盖。
- API 密钥：读取无需密钥（按来源地址限流）；登记的客户端可在请求头 `X-API-Key` 中带上管理员发放的密钥，
  获得更高的读取限额。无效的密钥返回 401 `invalid_api_key`，已吊销的返回 403 `api_key_revoked`。
"""

RESPONSE_TEXT = {
    "200": "成功",
    "304": "未修改：列表与 If-None-Match 中的 ETag 相同（无正文）",
    "400": "参数有误：`error.field` 指出哪个参数，`error.message` 为中文说明",
    "401": "API 密钥无效（`invalid_api_key`）：X-API-Key 不是有效的密钥",
    "403": "API 密钥已被吊销（`api_key_revoked`）",
    "404": "不存在（或不公开）",
    "429": "请求过于频繁：`Retry-After` 头给出多少秒后可以重试",
    "503": "服务暂时不可用（数据库或缓存正在恢复）：`Retry-After` 头给出多少秒后重试",
}

LIST_HEADERS = {
    "Link": {
        "description": "RFC 8288 分页链接：first、prev、next、last（完整地址，保留筛选条件），"
        '如 `<https://…?page=2&per_page=20>; rel="next"`',
        "schema": {"type": "string"},
    },
    "ETag": {
        "description": "列表内容的强 ETag；带 If-None-Match 再次请求，未变时返回 304",
        "schema": {"type": "string"},
    },
    "Cache-Control": {"description": "`no-cache`：每次使用前向服务器确认（ETag）", "schema": {"type": "string"}},
}
ETAG_HEADER = {"ETag": LIST_HEADERS["ETag"]}
RETRY_AFTER = {"Retry-After": {"description": "多少秒后可以重试", "schema": {"type": "integer", "minimum": 0}}}
IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "description": "上次响应的 ETag；列表未变时返回 304",
    "schema": {"type": "string"},
}
MAX_ID = 2**31 - 1
API_KEY = {
    "type": "apiKey",
    "in": "header",
    "name": "X-API-Key",
    "description": "管理员发放的 API 密钥（可选）：更高的读取限额；写入接口必需",
}


class ResponseMismatch(RuntimeError):
    """A JSON body that does not match its declared model: a bug in the endpoint (or in its model)."""


def _before(request, response, error, instance, adapter) -> None:
    """A query that fails its model: the shared 400 (the models' own validators raise Invalid first)."""
    if error is None:
        return
    first = error.errors()[0]
    name = str(first["loc"][0]) if first.get("loc") else None
    raise Invalid(f"参数 {name} 的值无效" if name else "参数无效", field=name)


def _after(request, response, error, instance, adapter) -> None:
    if error is not None:
        log.error("%s %s: response does not match its model: %s", request.method, request.path, error)
        raise ResponseMismatch(f"{request.path}: {error}")


_names: dict[str, type] = {}


def _model_name(model: type) -> str:
    """Components are named by their class; two models may not share a name (one would hide the other)."""
    name = model.__name__
    if _names.setdefault(name, model) is not model:
        raise TypeError(f"two API models are named {name}: {model.__module__} and {_names[name].__module__}")
    return name


spec = SpecTree(
    "flask",
    mode="strict",  # only the endpoints declared here
    title=API_TITLE,
    version=API_VERSION,
    description=DESCRIPTION,
    openapi_version="3.1.0",
    annotations=False,
    page_templates={},  # the portal serves its own page (vendored UI, no CDN)
    naming_strategy=_model_name,
    nested_naming_strategy=lambda parent, child: child,
    validation_error_status=400,
    validation_error_model=ErrorBody,
    before=_before,
    after=_after,
)

# operationId → what spectree does not write itself (summaries in Chinese, list headers, 304, 404)
_declared: dict[str, dict[str, Any]] = {}


def endpoint(
    *,
    summary: str,
    tag: str,
    ok: type[BaseModel],
    description: str = "",
    query: type[BaseModel] | None = None,
    listing: bool = False,
    not_found: bool = False,
    etag: bool | None = None,
) -> Callable:
    """Declare a GET endpoint of ``/api/v1``: its query model, its 200 body and its error answers."""

    def decorate(func: Callable) -> Callable:
        operation_id = f"{tag}.{func.__name__}"
        codes: dict[str, Any] = {
            "HTTP_200": ok,
            "HTTP_400": ErrorBody,
            "HTTP_401": ErrorBody,  # the API gate (portal.apiclients): an unknown X-API-Key
            "HTTP_403": ErrorBody,  # a revoked key
            "HTTP_429": ErrorBody,
            "HTTP_503": ErrorBody,
        }
        if not_found:
            codes["HTTP_404"] = ErrorBody
        _declared[operation_id] = {
            "summary": summary,
            "description": description,
            "listing": listing,
            "etag": listing if etag is None else etag,
        }
        return spec.validate(query=query, resp=Response(**codes), tags=[TAGS[tag]], operation_id=operation_id)(func)

    return decorate


_document: dict[str, Any] | None = None


def document() -> dict[str, Any]:
    """The OpenAPI 3.1 document (built once per process, inside an app context)."""
    global _document
    if _document is None:
        _document = _complete(copy.deepcopy(spec.spec))
    return _document


def _complete(doc: dict[str, Any]) -> dict[str, Any]:
    """Add to spectree's document what its decorator cannot say: Chinese texts, headers, 304 and path bounds."""
    for operations in doc["paths"].values():
        for operation in operations.values():
            declared = _declared.get(operation["operationId"], {})
            operation["summary"] = declared.get("summary") or operation["summary"]
            operation["description"] = declared.get("description", "")
            for parameter in operation["parameters"]:
                if parameter["in"] == "path" and parameter["schema"].get("type") == "integer":
                    parameter["schema"] = {"type": "integer", "minimum": 0, "maximum": MAX_ID}
                if not parameter.get("description"):
                    parameter.pop("description", None)
            responses = operation["responses"]
            for code, response in responses.items():
                response["description"] = RESPONSE_TEXT.get(code, response["description"])
            responses["429"]["headers"] = copy.deepcopy(RETRY_AFTER)
            responses["503"]["headers"] = copy.deepcopy(RETRY_AFTER)
            if declared.get("listing"):
                responses["200"]["headers"] = copy.deepcopy(LIST_HEADERS)
            elif declared.get("etag"):
                responses["200"]["headers"] = copy.deepcopy({k: v for k, v in LIST_HEADERS.items() if k != "Link"})
            if declared.get("etag"):
                operation["parameters"].append(copy.deepcopy(IF_NONE_MATCH))
                responses["304"] = {"description": RESPONSE_TEXT["304"], "headers": copy.deepcopy(ETAG_HEADER)}
            operation["responses"] = dict(sorted(responses.items()))
    doc["tags"] = [tag.to_dict(exclude_none=True) for tag in TAGS.values()]
    doc["components"]["securitySchemes"] = {"ApiKey": API_KEY}
    doc["security"] = [{}, {"ApiKey": []}]  # a key is optional for reads
    _prune(doc)
    return doc


def _prune(doc: dict[str, Any]) -> None:
    """Keep the components a response refers to (query models are written out as parameters); their class
    docstrings are notes for developers (in English), not the document's text."""
    schemas = doc["components"]["schemas"]
    used: set[str] = set()
    pending: list[Any] = [doc["paths"]]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            ref = value.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                name = ref.rsplit("/", 1)[1]
                if name not in used:
                    used.add(name)
                    pending.append(schemas[name])
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    doc["components"]["schemas"] = {name: schemas[name] for name in sorted(used)}
    for schema in doc["components"]["schemas"].values():
        schema.pop("description", None)
