"""The plan overview lists the plan's hearings and the 承诺事项 made at them, sections the hearings package adds."""

from datetime import UTC, date, datetime

import pytest

from portal.actors import SYSTEM
from portal.plans import sections

hearings = pytest.importorskip("portal.hearings.services")


@pytest.fixture
def commitment(scenario, app):
    if "hearings" not in app.blueprints:
        pytest.skip("hearings capability not enabled")
    from portal.hearings.models import HearingKind

    hearing = hearings.create_hearing(
        SYSTEM,
        hearings.HearingData(
            kind=HearingKind.DEFENSE,
            title="作战方案公开答辩",
            starts_at=datetime(2021, 3, 26, 1, 30, tzinfo=UTC),
            plan_id=scenario.plan.id,
        ),
    )
    return hearings.flag_commitment(
        SYSTEM, hearing, None, scenario.lead.id, "年底前新增 100 项主题式服务场景", date(2026, 12, 31)
    )


def test_overview_lists_the_commitments_made_at_the_plans_hearings(commitment, scenario, client):
    body = client.get(f"/plans/{scenario.plan.id}").get_data(as_text=True)
    assert "答辩承诺事项" in body
    assert "年底前新增 100 项主题式服务场景" in body
    assert scenario.lead.short_name in body


def test_overview_says_so_when_the_hearings_made_no_commitments(scenario, client, app):
    if "hearings" not in app.blueprints:
        pytest.skip("hearings capability not enabled")
    body = client.get(f"/plans/{scenario.plan.id}").get_data(as_text=True)
    assert "答辩承诺事项" in body
    assert "暂无承诺事项" in body


def test_without_the_hearings_sections_the_plan_page_leaves_them_out(commitment, scenario, client, monkeypatch):
    for template in [t for t in sections._SECTIONS if t.startswith("hearings/")]:
        monkeypatch.delitem(sections._SECTIONS, template)
    body = client.get(f"/plans/{scenario.plan.id}").get_data(as_text=True)
    assert "答辩承诺事项" not in body
    assert "作战方案公开答辩" not in body


def test_overview_lists_the_plans_hearings(commitment, scenario, client):
    body = client.get(f"/plans/{scenario.plan.id}").get_data(as_text=True)
    assert "公开答辩与质询" in body
    assert "作战方案公开答辩" in body
