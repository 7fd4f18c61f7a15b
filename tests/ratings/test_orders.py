"""After a work order filed for an enterprise closes, the enterprise rates each department that handled it and the
official named on its reply; member scores average those ratings."""

from __future__ import annotations

import pytest

from portal.accounts.models import Role
from portal.errors import Conflict, Forbidden, NotFound
from portal.feedback import lifecycle
from portal.feedback import services as feedback
from portal.ratings import index, services, targets
from portal.ratings.periods import current_period
from tests.ratings.conftest import scores


@pytest.fixture
def enterprise_order(db, factory, rater):
    """An order filed by a verified member for their enterprise, dispatched to two departments, both replied."""
    member = rater("订单测试企业有限公司")
    enterprise = member_enterprise(member)
    dispatcher = factory.user(Role.DISPATCHER)
    lead, assist = factory.department("市市场监督管理局"), factory.department("市生态环境局")
    officials = {
        lead.id: factory.user(Role.OFFICIAL, department=lead, display_name="王明"),
        assist.id: factory.user(Role.OFFICIAL, department=assist, display_name="赵丽"),
    }
    order = feedback.file_order(
        member,
        feedback.OrderData(
            kind="complaint",
            category="市场监管",
            title="食品经营许可延续审查材料要求不一致",
            description="同一材料两个窗口的要求不一样，来回跑了三次，请核实。",
            enterprise_id=enterprise.id,
        ),
    )
    lifecycle.dispatch_order(dispatcher, order, [lead.id, assist.id], lead.id)
    for assignment in order.assignments:
        official = officials[assignment.department_id]
        lifecycle.sign_assignment(official, assignment, official.display_name, "13800000000")
        lifecycle.reply_assignment(official, assignment, "<p>已核实，统一了材料清单并公布。</p>")
    return {"member": member, "order": order, "lead": lead, "assist": assist, "officials": officials}


def member_enterprise(member):
    return services.rater_enterprises(member)[0]


def test_the_enterprise_rates_each_handling_department_and_the_answering_official_after_closing(
    db, factory, enterprise_order
):
    o = enterprise_order
    order, member = o["order"], o["member"]
    with pytest.raises(Conflict):  # not closed yet
        targets.order_department_target(order.tracking_no, o["lead"].id)
    lifecycle.close_order(factory.user(Role.DISPATCHER), order)
    for department in (o["lead"], o["assist"]):
        target = targets.order_department_target(order.tracking_no, department.id)
        services.rate(member, target, scores(4, 4, 4, 4, 4))
    official = o["officials"][o["lead"].id]
    rated = services.rate(member, targets.order_member_target(order.tracking_no, official.id), scores(5, 4, 3, 2, 5))
    assert rated.rating.department_id == o["lead"].id and rated.rating.member_id == official.id
    # The order's enterprise rates, whoever of its members submits; another enterprise's member may not.
    with pytest.raises(Forbidden):
        services.rate(
            factory_rater(factory), targets.order_department_target(order.tracking_no, o["lead"].id), scores()
        )
    with pytest.raises(NotFound):  # not someone who answered
        targets.order_member_target(order.tracking_no, factory.user(Role.OFFICIAL).id)
    [score] = index.member_scores(current_period(), o["lead"].id)
    assert (score.member_id, score.name, score.ratings, score.raters) == (official.id, "王明", 1, 1)
    assert score.averages == {"attitude": 5, "style": 4, "efficiency": 3, "competence": 2, "overall": 5}
    # 0.15 × 14 + 0.4 × 5 = 4.1 → 77.5
    assert score.index == 77.5


def factory_rater(factory):
    other = factory.user(Role.ENTREPRENEUR)
    factory.verified_member(other, "另一家企业有限公司", "91370285163560001U")
    return other


def test_the_order_page_offers_the_rating_buttons_to_the_enterprise_only(db, factory, login, enterprise_order):
    o = enterprise_order
    lifecycle.close_order(factory.user(Role.DISPATCHER), o["order"])
    page = login(o["member"]).get(f"/feedback/{o['order'].tracking_no}").get_data(as_text=True)
    assert f"/ratings/rate/orders/{o['order'].tracking_no}/departments/{o['lead'].id}" in page
    assert f"/ratings/rate/orders/{o['order'].tracking_no}/members/{o['officials'][o['lead'].id].id}" in page
    public = login(factory.user(Role.CITIZEN)).get(f"/feedback/{o['order'].tracking_no}").get_data(as_text=True)
    assert "/ratings/rate/orders/" not in public
