"""Public pages: search (HTML, Atom, CSV), document pages with versions and diffs, attachment downloads."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time

from flask import Blueprint, Response, render_template, request, send_file, url_for
from flask_login import current_user
from markupsafe import escape

from portal.outputs import csv_response
from portal.policies import search, services
from portal.policies.attachments import get_attachment
from portal.policies.models import DOC_TYPES, STATUS_LABELS, PolicyStatus
from portal.policies.text import diff_lines, paragraphs
from portal.times import utcnow

bp = Blueprint("policies", __name__, url_prefix="/policies")

FEED_SIZE = 50
CSV_MAX = 1000


@bp.route("/")
def index():
    """政策文库: one box, an advanced panel, facets, highlighted results; every parameter in the URL."""
    params = search.parse_params(request.args)
    results = search.search(params)
    return render_template(
        "policies/search.html",
        results=results,
        params=params,
        doc_types=DOC_TYPES,
        statuses=[(s.value, label) for s, label in STATUS_LABELS.items() if s is not PolicyStatus.DRAFT],
        sorts=search.SORTS,
        facet_labels=search.FACET_LABELS,
    )


@bp.route("/feed.atom")
def feed():
    """An Atom feed of any search, newest first (subscribe to get alerts of new documents)."""
    params = search.parse_params(request.args)
    params = replace(params, sort="date", page=1, per_page=FEED_SIZE)
    results = search.search(params)
    updated = max((r.policy.updated_at for r in results.results), default=utcnow())
    body = render_template(
        "policies/feed.atom",
        results=results,
        params=params,
        updated=updated,
        entry_time=_entry_time,
        entry_summary=_entry_summary,
        self_url=url_for("policies.feed", _external=True, **params.to_args(sort="relevance", per_page=20)),
        html_url=url_for("policies.index", _external=True, **params.to_args(sort="date", per_page=20)),
    )
    return Response(body, mimetype="application/atom+xml")


def _entry_time(policy) -> str:
    day = policy.display_date
    moment = datetime.combine(day, time(0), tzinfo=UTC) if day else policy.created_at
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _entry_summary(result) -> str:
    """The entry's HTML summary as a string; the template escapes it once more for type="html"."""
    policy = result.policy
    facts = " · ".join(x for x in (policy.doc_number, policy.issuer, policy.status.label) if x)
    return f"<p>{escape(facts)}</p><p>{result.snippet_html}</p>"


@bp.route("/export.csv")
def export_csv():
    """The result list (up to 1,000 rows, in the search's order) as CSV that Excel opens (UTF-8 with BOM)."""
    params = search.parse_params(request.args)
    rows: list = []
    page = 1
    while len(rows) < CSV_MAX:
        chunk = search.search(replace(params, page=page, per_page=100))
        rows.extend(chunk.results)
        if page >= chunk.pages:
            break
        page += 1
    table = [["编号", "标题", "文号", "发文机关", "文种", "成文日期", "发布日期", "效力状态", "状态日期", "链接"]]
    for result in rows[:CSV_MAX]:
        p = result.policy
        table.append(
            [
                p.id,
                p.title,
                p.doc_number,
                p.issuer,
                p.doc_type,
                p.written_on.isoformat() if p.written_on else "",
                p.published_on.isoformat() if p.published_on else (p.year or ""),
                p.status.label,
                p.status_on.isoformat() if p.status_on else "",
                url_for("policies.detail", policy_id=p.id, _external=True),
            ]
        )
    stamp = utcnow().strftime("%Y%m%d")
    return csv_response(table, f"attachment; filename=policies-{stamp}.csv")


@bp.route("/<int:policy_id>")
def detail(policy_id: int):
    """The permalink of a document: text, status history, versions, links, citation."""
    policy = services.get_policy(current_user, policy_id)
    permalink = url_for("policies.detail", policy_id=policy.id, _external=True)
    return render_template(
        "policies/detail.html",
        policy=policy,
        paragraphs=paragraphs(policy.body_text) if policy.body_format.value == "text" else None,
        permalink=permalink,
        citation=services.citation(policy, permalink),
        versions=services.visible_versions(current_user, policy),
        interpretations=[p for p in policy.interpretations if p.is_public],
        actions=services.STATUS.available(current_user, policy),
    )


@bp.route("/<int:policy_id>/versions/<int:number>")
def version(policy_id: int, number: int):
    """One version and what changed against the one before (or ``?against=N``)."""
    policy = services.get_policy(current_user, policy_id)
    current = services.get_version(current_user, policy, number)
    against = request.args.get("against", type=int)
    if against:
        previous = services.get_version(current_user, policy, against)
    else:
        previous = services.previous_version(current_user, policy, current)
    changes = []
    if previous is not None:
        for name, label in services.VERSIONED_FIELDS.items():
            if name == "body":
                continue
            old, new = getattr(previous, name), getattr(current, name)
            if old != new:
                changes.append((label, _show(old), _show(new)))
        if previous.status != current.status:
            changes.append(("效力状态", previous.status.label, current.status.label))
    body_diff = diff_lines(previous.body_text, current.body_text) if previous is not None else []
    return render_template(
        "policies/version.html",
        policy=policy,
        version=current,
        previous=previous,
        changes=changes,
        body_diff=body_diff,
    )


def _show(value) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, list):
        return "、".join(value) or "（空）"
    return str(value)


@bp.route("/<int:policy_id>/attachments/<int:attachment_id>")
def attachment(policy_id: int, attachment_id: int):
    policy = services.get_policy(current_user, policy_id)
    item, path = get_attachment(policy, attachment_id)
    return send_file(path, mimetype=item.content_type, as_attachment=True, download_name=item.filename)
