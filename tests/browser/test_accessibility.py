"""axe-core on every main page, at 1280 and 360 px, as anonymous and as each role that uses the page:
no serious or critical violation.

axe-core is vendored from npm (static/vendor/axe-core, pinned in its VERSION file); the test adds it to the page
it checks, no page loads it by itself. One page per role is reused for all its paths and both widths, and axe
runs once per page × width × role.
"""

from __future__ import annotations

import pytest

from tests.support.browser import log_in
from tests.support.demo import demo_ids

pytestmark = pytest.mark.browser

AXE = "/static/vendor/axe-core/axe.min.js"
WIDTHS = (1280, 360)
# Only what fails WCAG for someone today: moderate and minor findings (best practices) are not counted.
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({id: v.id, impact: v.impact, help: v.help,
                  nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ') + ' — ' + (n.failureSummary || ''))}));
}"""


def main_pages(i: dict[str, object]) -> dict[str | None, list[str]]:
    """Every main page, as the roles that use it (None: anonymous)."""
    live, plan = i["live_hearing"], i["plan"]
    consulting, consulted = i["open_consultation"], i["published_consultation"]
    return {
        None: [
            "/",
            "/hearings/",
            f"/hearings/{live}",
            f"/hearings/{i['closed_hearing']}",
            f"/hearings/{i['closed_hearing']}/transcript",
            f"/hearings/{live}/projector/{i['projector_token']}",
            "/j",
            "/feedback/",
            "/feedback/public/",
            f"/feedback/{i['public_order']}",
            "/plans/",
            f"/plans/{plan}",
            f"/plans/{plan}/tasks",
            f"/plans/tasks/{i['shenpi_task']}",
            f"/plans/{plan}/versions",
            f"/plans/{plan}/compare",
            "/plans/tasks/",
            "/hearings/commitments/",
            "/policies/",
            "/policies/?q=吹哨报到",
            f"/policies/{i['policy']}",
            f"/policies/{i['policy']}/versions/{i['policy_version']}",
            "/data/",
            "/ratings/",
            f"/ratings/departments/{i['department']}",
            f"/ratings/policies/{i['policy']}",
            f"/ratings/items?policy={i['policy']}",
            "/scorecards/",
            f"/scorecards/{i['official_department']}",
            f"/feedback/public/?kpi=dispatched&kpi_from=2026-01-01&kpi_to=2026-12-31&dept={i['official_department']}",
            "/departments/",
            "/api/v1/docs",
            "/consultations/",
            f"/consultations/{consulting}",
            f"/consultations/{consulted}",
            f"/consultations/{consulted}/report",
            f"/consultations/{consulted}/report/print",
            f"/consultations/{consulted}/changes",
            "/login",
            "/register",
        ],
        "citizen": [
            "/",
            f"/hearings/{live}",
            "/feedback/new",
            "/feedback/mine",
            f"/feedback/{i['citizen_closed']}",
            f"/feedback/{i['citizen_open']}",
            "/feedback/notices",
            f"/hearings/commitments/{i['commitment']}",
            "/account",
            "/account/password",
            f"/consultations/{consulting}",
        ],
        "entrepreneur": [
            "/feedback/new",
            "/account",
            "/ratings/mine",
            f"/ratings/rate/policy/{i['policy']}",
            "/enterprises/",
            "/enterprises/apply",
        ],
        "unit": ["/feedback/new"],
        "official": [
            "/feedback/workbench",
            f"/feedback/{i['official_open']}",
            "/feedback/responsibilities/",
            "/scorecards/divisions",
        ],
        "dispatcher": [
            "/feedback/desk",
            f"/feedback/{i['submitted']}",
            f"/feedback/{i['returned']}",
            "/feedback/phone",
            "/data/",
            "/data/supervision",
        ],
        "host": [
            f"/hearings/{live}/host",
            f"/hearings/{live}/close",
            "/hearings/manage/",
            "/hearings/manage/new",
            f"/hearings/manage/{i['scheduled_hearing']}/edit",
            f"/hearings/{i['closed_hearing']}/analytics",
        ],
        "moderator": [f"/hearings/{live}/moderate", f"/consultations/{consulting}/moderate"],
        "vicemayor": [f"/hearings/{live}/panel"],  # heads the live hearing's 答辩团
        "shenpi": [f"/plans/tasks/{i['shenpi_task']}", "/ratings/comments"],
        "editor": ["/policies/manage/", "/policies/manage/new", f"/policies/manage/{i['policy']}/edit"],
        "admin": [
            "/admin/users",
            "/admin/users/new",
            f"/admin/users/{i['citizen_user']}",
            "/admin/departments",
            "/admin/departments/new",
            f"/admin/departments/{i['department']}",
            "/admin/api-clients/",
            "/admin/api-clients/new",
            "/enterprises/review",
            "/plans/admin/",
            f"/plans/admin/{plan}",
            f"/plans/admin/{plan}/tasks/new",
            f"/plans/admin/tasks/{i['shenpi_task']}",
            f"/plans/admin/battles/{i['battle']}",
            f"/plans/admin/goals/{i['goal']}",
            "/ratings/admin/raters",
            "/ratings/admin/audit",
            "/consultations/new",
            f"/consultations/{consulting}/answers",
        ],
    }


@pytest.fixture(scope="module")
def pages(live_server) -> dict[str | None, list[str]]:
    return main_pages(demo_ids(live_server))


ROLES = [None, "citizen", "entrepreneur", "unit", "official", "dispatcher", "host", "moderator", "vicemayor", "shenpi"]
ROLES += ["editor", "admin"]


def test_every_role_of_the_page_list_is_checked(pages):
    assert list(pages) == ROLES


def open_page(page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200, f"{path}: {response and response.status}"
    if page.locator("#live-root").count():  # a live page: check it as it looks once the queue has arrived
        page.locator("#live-root[data-joined]").wait_for()
    page.add_script_tag(url=AXE)


def violations(page) -> list[str]:
    return [f"{v['impact']} {v['id']} ({v['help']}): " + " | ".join(v["nodes"]) for v in page.evaluate(RUN_AXE)]


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role or "anonymous")
def test_no_serious_or_critical_axe_violations(new_page, pages, role):
    page = new_page()
    if role:
        log_in(page, role)
    problems = []
    for path in pages[role]:
        # Loaded once, checked at each width: the layout follows the viewport (CSS, and scroll-regions.js
        # on resize), so the narrow check needs no second load.
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        open_page(page, path)
        for width in WIDTHS:
            if width != WIDTHS[0]:
                page.set_viewport_size({"width": width, "height": 900})
                page.wait_for_timeout(250)  # scroll-regions.js settles 150 ms after a resize
            problems += [f"{path} at {width} px: {found}" for found in violations(page)]
    assert not problems, "\n".join(problems)
