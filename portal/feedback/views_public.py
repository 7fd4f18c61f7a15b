"""公开诉求: the public list of public work orders as a page, CSV, Atom and JSON (same filters everywhere)."""

from __future__ import annotations

from flask import render_template, request, url_for

from portal.apidoc import endpoint
from portal.feedback import clock, listing, listing_csv, services
from portal.feedback.api import api
from portal.feedback.enums import CATEGORIES, OrderKind, OrderState
from portal.feedback.schemas import OrderPage, OrderQuery
from portal.feedback.views import bp
from portal.opendata import (
    CSV_MAX_ROWS,
    FEED_SIZE,
    FeedEntry,
    csv_response,
    json_page,
    list_args,
    list_feed,
    page_args,
    recent_periods,
)
from portal.privacy import mask_personal
from portal.times import to_local, utcnow


@bp.route("/public/")
def public_list():
    """Every public order: filters, text search over the masked text, sorting, pages, downloads."""
    filters = listing.parse_filter(request.args)
    page_number, per_page = page_args(request.args)
    page = listing.search_orders(filters, page_number, per_page)
    return render_template(
        "feedback/public_list.html",
        page=page,
        filters=filters,
        tally=listing.evidence_tally(filters),
        evidence_department=listing.evidence_department(filters),
        now=clock.now(),
        departments=listing.filter_departments(),
        kinds=list(OrderKind),
        categories=CATEGORIES,
        states=list(OrderState),
        periods=recent_periods(to_local(clock.now()).date()),
        sorts=[(key, label) for key, (label, _) in listing.SORTS.items()],
        args=list_args(page=None),
        is_overdue=listing.is_overdue,
        is_enterprise=listing.is_enterprise,
        requester_label=services.requester_label,
        departments_of=listing.departments,
    )


@bp.route("/public/orders.csv")
def public_list_csv():
    """The filtered list as CSV (up to 5,000 rows, masked as on the page)."""
    filters = listing.parse_filter(request.args)
    stamp = utcnow().strftime("%Y%m%d")
    return csv_response(listing_csv.HEADER, listing_csv.rows(filters, CSV_MAX_ROWS), f"公开诉求-{stamp}.csv")


@bp.route("/public/feed.atom")
def public_list_feed():
    """New replies and closings of the filtered orders, newest first (subscribe to follow them)."""
    filters = listing.parse_filter(request.args)
    entries = []
    for event in listing.feed_events(filters, FEED_SIZE):
        order = event.order
        url = url_for("feedback.order", tracking_no=order.tracking_no, _external=True)
        title = mask_personal(order.title)
        verb = "已办结" if event.action.value == "close" else f"{event.actor_label or '承办部门'}答复"
        entries.append(
            FeedEntry(
                id=f"{url}#event-{event.id}",
                title=f"{verb}：{title}",
                url=url,
                updated=event.created_at,
                summary=mask_personal(event.note) or f"{order.tracking_no} {order.state.label}",
                author=event.actor_label,
                category=(event.action.value, event.action.label),
            )
        )
    return list_feed(
        entries,
        title="公开诉求" + (f"：{filters.q}" if filters.q else "") + " · 最新答复与办结",
        items="公开诉求",
        news="答复与办结",
        author="政民互动平台 问政",
        feed_endpoint="feedback.public_list_feed",
        page_endpoint="feedback.public_list",
    )


@api.get("")
@endpoint(
    summary="公开诉求列表",
    description="只含提交人选择公开的诉求，与 /feedback/public/ 页面同样的筛选、检索与排序；文字中的个人信息已遮盖。"
    "同一列表的 CSV：/feedback/public/orders.csv，Atom：/feedback/public/feed.atom（参数相同）。",
    tag="feedback",
    query=OrderQuery,
    ok=OrderPage,
    listing=True,
)
def orders():
    """The public list as JSON: same filters as the page, ``page`` / ``per_page``, Link headers, ETag."""
    filters = listing.parse_filter(request.args)
    page_number, per_page = page_args(request.args)
    page = listing.search_orders(filters, page_number, per_page)
    now = clock.now()
    return json_page(page, [listing.summary(o, now) for o in page.items])
