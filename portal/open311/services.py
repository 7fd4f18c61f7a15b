"""GeoReport v2 over the public work orders: service codes, request look-ups and filing through the web form's
service. Views render what these return as JSON or XML (``formats.py``).

A service is a kind × category of the intake form (``complaint-city-management`` is 城市管理 · 投诉): the codes are
fixed here, so they stay stable when the form's list is reordered (a test holds every category to a code).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import current_app, url_for
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import selectinload

from portal.accounts import services as accounts
from portal.accounts.models import DepartmentKind, User
from portal.errors import Invalid, NotFound
from portal.extensions import db
from portal.feedback.public import (
    CATEGORIES,
    Assignment,
    AssignmentState,
    OrderData,
    OrderKind,
    OrderState,
    WorkOrder,
    file_order,
)
from portal.opendata import iso
from portal.privacy import mask_personal

CATEGORY_CODES = {
    "城市管理": "city-management",
    "市场监管": "market-regulation",
    "生态环境": "environment",
    "社会治安": "public-security",
    "医疗保障": "medical-insurance",
    "人力社保": "labour-social-security",
    "住房建设": "housing-construction",
    "规划国土": "planning-land",
    "营商环境": "business-environment",
    "工业经济": "industry",
    "交通出行": "transport",
    "政务服务": "government-services",
    "其他": "other",
}
KIND_DESCRIPTIONS = {
    OrderKind.CONSULTATION: "咨询政策、办事流程等问题",
    OrderKind.HELP: "遇到困难，请求有关部门帮助解决",
    OrderKind.COMPLAINT: "反映违法违规行为或服务问题",
    OrderKind.SUGGESTION: "对工作提出意见和建议",
    OrderKind.CALL: "镇街、部门发起的呼叫（吹哨），仅限单位账号提交",
}
DEFAULT_DAYS = 90  # the specification's default window and widest range
MAX_RESULTS = 1000  # the specification's default limit
MAX_IDS = 100


@dataclass(frozen=True)
class Service:
    code: str
    kind: OrderKind
    category: str

    @property
    def name(self) -> str:
        return f"{self.category}·{self.kind.label}"


def services() -> list[Service]:
    return [
        Service(f"{kind.value}-{CATEGORY_CODES[category]}", kind, category)
        for category in CATEGORIES
        for kind in OrderKind
    ]


def service_for(code: str) -> Service:
    found = next((s for s in services() if s.code == code), None)
    if found is None:
        raise NotFound("没有这个 service_code")
    return found


def code_of(order: WorkOrder) -> str:
    return f"{order.kind.value}-{CATEGORY_CODES.get(order.category, 'other')}"


def service_list() -> list[dict]:
    return [
        {
            "service_code": s.code,
            "service_name": s.name,
            "description": KIND_DESCRIPTIONS[s.kind],
            "metadata": True,
            "type": "realtime",
            "keywords": f"{s.category},{s.kind.label}",
            "group": s.category,
        }
        for s in services()
    ]


def _departments(kind: DepartmentKind) -> list[dict]:
    return [{"key": str(d.id), "name": d.name} for d in accounts.list_departments() if d.kind == kind]


def definition(code: str) -> dict:
    """The attributes a request of this service takes beyond the specification's own fields (the web form's)."""
    service = service_for(code)
    attributes = [
        ("title", "string", True, "标题：一句话概括，4至60个字", None),
        (
            "public",
            "singlevaluelist",
            False,
            "是否同意公开诉求内容（姓名、电话始终不公开），默认公开",
            [{"key": "1", "name": "公开"}, {"key": "0", "name": "不公开"}],
        ),
        ("district", "singlevaluelist", False, "所属区（市）", _departments(DepartmentKind.DISTRICT)),
        ("street", "singlevaluelist", False, "所属镇（街道）", _departments(DepartmentKind.TOWNSHIP)),
    ]
    return {
        "service_code": service.code,
        "attributes": [
            {
                "variable": True,
                "code": code_,
                "datatype": datatype,
                "required": required,
                "datatype_description": description,
                "order": n,
                "description": description,
                **({"values": values} if values is not None else {}),
            }
            for n, (code_, datatype, required, description, values) in enumerate(attributes, start=1)
        ],
    }


# -- reading requests -----------------------------------------------------------------------------------------

_TAG = re.compile(r"<[^>]+>")


def _plain(reply_html: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(_TAG.sub(" ", reply_html or ""))).strip()


def _latest_reply(order: WorkOrder) -> Assignment | None:
    replied = [a for a in order.assignments if a.replied_at is not None and a.state != AssignmentState.RETURNED]
    return max(replied, key=lambda a: (a.replied_at, a.id), default=None)


def _media_url(order: WorkOrder) -> str | None:
    """The first image a department attached to its reply (the requester's own files are never public)."""
    image = next((f for f in order.attachments if f.assignment_id is not None and f.is_image), None)
    if image is None:
        return None
    return url_for("feedback.attachment", attachment_id=image.id, filename=image.filename, _external=True)


def request_view(order: WorkOrder) -> dict:
    """One public order as a GeoReport v2 request: masked text, no requester, no contact details."""
    lead = order.lead_assignment
    reply = _latest_reply(order)
    title, description = mask_personal(order.title), mask_personal(order.description)
    place = mask_personal(order.place)
    area = order.street or order.district
    return {
        "service_request_id": order.tracking_no,
        "status": "closed" if order.state == OrderState.CLOSED else "open",
        "status_notes": mask_personal(_plain(reply.reply_html)) if reply is not None else None,
        "service_name": f"{order.category}·{order.kind.label}",
        "service_code": code_of(order),
        "description": f"{title}\n{description}",
        "agency_responsible": lead.department.name if lead is not None else None,
        "service_notice": order.state.label,
        "requested_datetime": iso(order.created_at),
        "updated_datetime": iso(order.updated_at),
        "expected_datetime": iso(lead.due_at) if lead is not None and order.state != OrderState.CLOSED else None,
        "address": (place + (f"（{area.short_name}）" if area else ""))
        if place
        else (area.short_name if area else None),
        "media_url": _media_url(order),
    }


def _query():
    return (
        sa.select(WorkOrder)
        .where(WorkOrder.is_public.is_(True))
        .options(
            selectinload(WorkOrder.assignments).selectinload(Assignment.department),
            selectinload(WorkOrder.attachments),
            selectinload(WorkOrder.district),
            selectinload(WorkOrder.street),
        )
    )


def get_request(service_request_id: str) -> dict:
    order = db.session.scalar(_query().where(WorkOrder.tracking_no == service_request_id.strip().upper()))
    if order is None:
        raise NotFound("没有这个编号的公开诉求")
    return request_view(order)


def _datetime(value: str, name: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise Invalid(f"{name} 应为 W3C 日期时间，如 2026-11-23T08:00:00+08:00", field=name) from None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


def _list_arg(args, name: str) -> list[str]:
    return [v.strip() for v in (args.get(name) or "").split(",") if v.strip()]


def find_requests(args, now: datetime) -> list[dict]:
    """``requests`` GET: by ``service_request_id`` (comma list; overrides the rest) or by ``service_code``,
    ``status`` (open, closed) and ``start_date`` / ``end_date`` (default the last 90 days, at most 90 days
    apart), newest first, at most 1,000."""
    ids = _list_arg(args, "service_request_id")
    query = _query()
    if ids:
        if len(ids) > MAX_IDS:
            raise Invalid(f"service_request_id 最多{MAX_IDS}个", field="service_request_id")
        query = query.where(WorkOrder.tracking_no.in_([i.upper()[:40] for i in ids]))
    else:
        codes = _list_arg(args, "service_code")
        if codes:
            chosen = [service_for(c) if c in {s.code for s in services()} else None for c in codes]
            if None in chosen:
                raise Invalid("没有这个 service_code", field="service_code")
            query = query.where(
                sa.or_(*(sa.and_(WorkOrder.kind == s.kind, WorkOrder.category == s.category) for s in chosen))
            )
        statuses = set(_list_arg(args, "status"))
        if statuses - {"open", "closed"}:
            raise Invalid("status 只能是 open 或 closed", field="status")
        if statuses == {"open"}:
            query = query.where(WorkOrder.state != OrderState.CLOSED)
        elif statuses == {"closed"}:
            query = query.where(WorkOrder.state == OrderState.CLOSED)
        start = _datetime(args["start_date"], "start_date") if args.get("start_date") else None
        end = _datetime(args["end_date"], "end_date") if args.get("end_date") else None
        window = timedelta(days=DEFAULT_DAYS)
        if start is None and end is None:
            start, end = now - window, now
        elif start is None:
            start = end - window
        elif end is None:
            end = start + window
        if end < start:
            raise Invalid("end_date 不能早于 start_date", field="end_date")
        if end - start > window:
            raise Invalid(f"start_date 与 end_date 相隔不能超过{DEFAULT_DAYS}天", field="end_date")
        query = query.where(WorkOrder.created_at >= start, WorkOrder.created_at <= end)
    query = query.order_by(WorkOrder.created_at.desc(), WorkOrder.id.desc()).limit(MAX_RESULTS)
    return [request_view(order) for order in db.session.scalars(query)]


# -- filing ---------------------------------------------------------------------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="open311-token")


def token_for(tracking_no: str) -> str:
    return _serializer().dumps(tracking_no)


def request_of_token(token: str) -> dict:
    """``tokens/{token}``: the id of the request a POST answered with this token."""
    try:
        tracking_no = _serializer().loads(token)
    except BadSignature:
        raise NotFound("没有这个 token") from None
    if not isinstance(tracking_no, str) or not db.session.scalar(
        sa.select(WorkOrder.id).where(WorkOrder.tracking_no == tracking_no)
    ):
        raise NotFound("没有这个 token")
    return {"service_request_id": tracking_no, "token": token}


def _department_id(value: str, name: str) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    if not value.isdigit() or len(value) > 9:
        raise Invalid(f"attribute[{name}] 应为服务定义中列出的编号", field=name)
    return int(value)


def _place(form) -> str:
    address = (form.get("address_string") or "").strip()
    if address:
        return address
    lat, long = (form.get("lat") or "").strip(), (form.get("long") or "").strip()
    if lat or long:
        try:
            lat_f, long_f = float(lat), float(long)
        except ValueError:
            raise Invalid("lat 与 long 应为数字", field="lat") from None
        if not (-90 <= lat_f <= 90 and -180 <= long_f <= 180):
            raise Invalid("lat 或 long 超出范围", field="lat")
        return f"经纬度 {lat_f:.6f},{long_f:.6f}"
    return ""


def file_request(owner: User, form) -> dict:
    """``requests`` POST: a work order filed as the web form files it, in the name of the key's owner account;
    the person's name and phone (``last_name`` + ``first_name``, ``phone``) are its contact, never public."""
    code = (form.get("service_code") or "").strip()
    service = next((s for s in services() if s.code == code), None)
    # An unknown code goes to the form's service as an unknown kind or category: refused with its messages.
    kind, category = (service.kind.value, service.category) if service else (code.split("-", 1)[0], "")
    public = (form.get("attribute[public]") or "1").strip()
    if public not in ("0", "1"):
        raise Invalid("attribute[public] 只能是 1 或 0", field="public")
    name = f"{(form.get('last_name') or '').strip()}{(form.get('first_name') or '').strip()}"
    data = OrderData(
        kind=kind,
        category=category,
        title=form.get("attribute[title]") or "",
        description=form.get("description") or "",
        place=_place(form),
        district_id=_department_id(form.get("attribute[district]"), "district"),
        street_id=_department_id(form.get("attribute[street]"), "street"),
        is_public=public == "1",
        requester_name=name,
        requester_phone=form.get("phone") or "",
    )
    order = file_order(owner, data)
    return {
        "service_request_id": order.tracking_no,
        "token": token_for(order.tracking_no),
        "service_notice": f"已受理，诉求编号 {order.tracking_no}",
        "account_id": None,
    }
