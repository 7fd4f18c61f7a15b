"""承诺事项 of all hearings: the public list as a page, CSV, Atom and JSON (same filters everywhere)."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for

from portal.apidoc import endpoint
from portal.hearings import commitment_list
from portal.hearings.models import CommitmentStatus
from portal.hearings.schemas import CommitmentPage, CommitmentQuery
from portal.hearings.views import bp
from portal.opendata import (
    CSV_MAX_ROWS,
    FEED_SIZE,
    FeedEntry,
    csv_response,
    json_page,
    list_args,
    list_feed,
    page_args,
)
from portal.times import utcnow

api = Blueprint("hearings_api", __name__, url_prefix="/api/v1/hearings")


@bp.route("/commitments/")
def commitments():
    """Every commitment made in a hearing, by department and status, with its due date."""
    filters = commitment_list.parse_filter(request.args)
    page_number, per_page = page_args(request.args)
    page = commitment_list.search(filters, page_number, per_page)
    return render_template(
        "hearings/commitments.html",
        page=page,
        filters=filters,
        departments=[(d.id, d.name) for d in commitment_list.filter_departments()],
        hearings=[(h.id, h.title) for h in commitment_list.filter_hearings()],
        statuses=[(s.value, s.label) for s in CommitmentStatus],
        sorts=[(key, label) for key, (label, _) in commitment_list.SORTS.items()],
        args=list_args(page=None),
    )


@bp.route("/commitments.csv")
def commitments_csv():
    filters = commitment_list.parse_filter(request.args)
    rows = commitment_list.csv_rows(commitment_list.export(filters, CSV_MAX_ROWS))
    return csv_response(commitment_list.CSV_HEADER, rows, f"承诺事项-{utcnow().strftime('%Y%m%d')}.csv")


@bp.route("/commitments.atom")
def commitments_feed():
    """New commitments and every status record of the filtered ones, newest first."""
    filters = commitment_list.parse_filter(request.args)
    entries = []
    for update, item in commitment_list.feed_updates(filters, FEED_SIZE):
        url = url_for("hearings.commitment", commitment_id=item.id, _external=True)
        verb = "新承诺" if update.from_status is None else update.to_label
        entries.append(
            FeedEntry(
                id=f"{url}#update-{update.id}",
                title=f"{verb}：{item.department.short_name} · {item.text[:60]}",
                url=url,
                updated=update.created_at,
                summary=f"{update.note}（完成时限 {item.due_date.isoformat()}）",
                author=item.department.name,
                category=(update.to_status, update.to_label),
            )
        )
    return list_feed(
        entries,
        title="公开答辩承诺事项 · 最新进展",
        items="承诺事项",
        news="进展",
        author="政民互动平台 公开答辩",
        feed_endpoint="hearings.commitments_feed",
        page_endpoint="hearings.commitments",
    )


@api.get("/commitments")
@endpoint(
    summary="承诺事项列表",
    description="所有公开答辩中作出的承诺，与 /hearings/commitments/ 页面同样的筛选与排序。"
    "CSV：/hearings/commitments.csv，Atom：/hearings/commitments.atom（参数相同）。",
    tag="hearings",
    query=CommitmentQuery,
    ok=CommitmentPage,
    listing=True,
)
def commitments_json():
    filters = commitment_list.parse_filter(request.args)
    page_number, per_page = page_args(request.args)
    page = commitment_list.search(filters, page_number, per_page)
    return json_page(page, [commitment_list.summary(c) for c in page.items])
