"""An entrepreneur of a verified enterprise rates a policy through the form in Chromium; the policy's 企业家满意度
shows 样本不足 until five enterprises have rated it, then the index."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.hearings.live_support import live_db
from tests.support.browser import log_in

pytestmark = pytest.mark.browser

OTHER_RATERS = ("xijie", "beiqi", "lanhai", "xinyuan")  # demo members of four other enterprises (demo/ratings.yaml)


@pytest.fixture
def policy_rated_by_four(live_server) -> tuple[int, str]:
    """A published policy no demo enterprise rated, now rated 4/4/4/4/4 by four other enterprises this quarter."""
    from portal.enterprises import services as enterprises
    from portal.policies.public import Policy, PolicyStatus
    from portal.ratings import services, targets
    from portal.ratings.models import EnterpriseRating

    with live_db(live_server) as db:
        rated = sa.select(EnterpriseRating.policy_id).where(EnterpriseRating.policy_id.is_not(None))
        policy = db.session.scalars(
            sa.select(Policy).where(Policy.status == PolicyStatus.IN_FORCE, Policy.id.not_in(rated)).order_by(Policy.id)
        ).first()
        from portal.accounts.services import find_user

        for username in OTHER_RATERS:
            user = find_user(username)
            assert enterprises.verified_enterprises(user), username
            scores = dict.fromkeys(("attitude", "style", "efficiency", "competence", "overall"), 4)
            services.rate(user, targets.policy_target(policy.id), scores, "")
        return policy.id, policy.title


def test_an_entrepreneur_rates_a_policy_and_the_index_appears_at_five_enterprises(new_page, policy_rated_by_four):
    policy_id, title = policy_rated_by_four
    public = new_page()
    public.goto(f"/ratings/policies/{policy_id}")
    expect(public.get_by_test_id("insufficient").first).to_be_visible()
    expect(public.get_by_test_id("index-value")).to_have_count(0)

    page = new_page()
    log_in(page, "entrepreneur")
    page.goto(f"/policies/{policy_id}")
    page.get_by_role("link", name="评价政策兑现").click()
    expect(page.get_by_test_id("rate-target")).to_have_text(title)
    # Every dimension is a labelled radio group (fieldset + legend): choose by what a person reads.
    for group, choice in (("服务态度", "5 分 很满意"), ("工作作风", "4 分 满意"), ("办事效率", "3 分 一般")):
        page.get_by_role("group", name=group).get_by_label(choice).check()
    page.get_by_role("group", name="业务能力").get_by_label("4 分 满意").check()
    page.get_by_role("group", name="总体评价").get_by_label("4 分 满意").check()
    page.get_by_label("意见建议（选填）").fill("奖补资金兑现及时，申报材料可再精简。")
    page.get_by_role("button", name="提交评价").click()
    expect(page.get_by_text("感谢您的评价")).to_be_visible()
    expect(page.get_by_test_id("my-ratings")).to_contain_text(title)

    public.reload()
    # Four enterprises at 4 (score 4.0) and this one at 0.15 × 16 + 0.4 × 4 = 4.0: the index is 75.0.
    expect(public.get_by_test_id("index-value").first).to_have_text("75.0")
    expect(public.get_by_text("奖补资金兑现及时，申报材料可再精简。")).to_be_visible()
    expect(public.locator("body")).not_to_contain_text(re.compile("李海燕|青岛海润食品"))
