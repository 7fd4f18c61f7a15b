"""JSON API: ``GET /api/v1/policies/search`` and ``GET /api/v1/policies/<id>``."""

from __future__ import annotations

from flask import Blueprint, jsonify, request, url_for
from flask_login import current_user

from portal.apidoc import endpoint
from portal.opendata import Page, conditional, with_links
from portal.policies import search, services
from portal.policies.models import Policy
from portal.policies.schemas import PolicyDocument, PolicySearchPage, PolicySearchQuery

bp = Blueprint("policies_api", __name__, url_prefix="/api/v1/policies")


def _summary(policy: Policy) -> dict:
    return {
        "id": policy.id,
        "title": policy.title,
        "doc_number": policy.doc_number or None,
        "issuer": policy.issuer or None,
        "doc_type": policy.doc_type or None,
        "written_on": policy.written_on.isoformat() if policy.written_on else None,
        "published_on": policy.published_on.isoformat() if policy.published_on else None,
        "year": policy.display_year,
        "status": policy.status.value,
        "status_label": policy.status.label,
        "url": url_for("policies.detail", policy_id=policy.id, _external=True),
    }


@bp.get("/search")
@endpoint(
    summary="检索政策文件",
    description="与 /policies/ 页面相同的检索（检索语法见 q）。分面计数不含自身的筛选；"
    "Atom：/policies/feed.atom，CSV：/policies/export.csv（参数相同）。",
    tag="policies",
    query=PolicySearchQuery,
    ok=PolicySearchPage,
    listing=True,
)
def search_policies():
    """The search page's query as JSON; bad parameters → 400 with a Chinese message."""
    params = search.parse_params(request.args)
    results = search.search(params)
    page = Page(items=[], total=results.total, page=params.page, per_page=params.per_page)
    response = jsonify(
        total=results.total,
        total_estimated=results.estimated,
        page=params.page,
        per_page=params.per_page,
        pages=page.pages,
        degraded=results.degraded,
        notice=results.notice,
        suggestion=(
            {
                "q": results.suggestion,
                "url": url_for("policies.index", _external=True, **params.to_args(q=results.suggestion)),
            }
            if results.suggestion
            else None
        ),
        results=[{**_summary(r.policy), "snippet": str(r.snippet_html)} for r in results.results],
        facets={
            name: [{"value": f.value, "label": f.label, "count": f.count} for f in values]
            for name, values in results.facets.items()
        },
    )
    # the links stop at the last page a request may ask for (page ≤ MAX_PAGE)
    reachable = Page(
        items=[], total=min(page.total, search.MAX_PAGE * page.per_page), page=page.page, per_page=page.per_page
    )
    return conditional(with_links(response, reachable))


@bp.get("/<int:policy_id>")
@endpoint(
    summary="一件政策文件",
    description="正文、效力变化与版本。草稿与不存在的编号返回 404。",
    tag="policies",
    ok=PolicyDocument,
    not_found=True,
)
def get_policy(policy_id: int):
    """One document with its body text, status history and versions."""
    policy = services.get_policy(current_user, policy_id)
    return jsonify(
        {
            **_summary(policy),
            "topics": list(policy.topics or []),
            "body": policy.body_text,
            "interprets": policy.interprets_id,
            "status_changes": [
                {
                    "from": c.from_status.value,
                    "to": c.to_status.value,
                    "effective_on": c.effective_on.isoformat(),
                    "reason": c.reason,
                }
                for c in policy.status_changes
            ],
            "versions": [
                {"number": v.number, "summary": v.summary, "created_at": v.created_at.isoformat()}
                for v in services.visible_versions(current_user, policy)
            ],
            "citation": services.citation(policy, url_for("policies.detail", policy_id=policy.id, _external=True)),
        }
    )
