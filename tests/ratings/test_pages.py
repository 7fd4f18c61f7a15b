"""The pages: a rating submitted through the form as a person does; the anonymity of every public output below
and above k; the admin's who-rated view is audited; the department answers publicly."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.accounts.models import Enterprise, Role
from portal.policies.public import Policy, PolicyStatus
from portal.ratings.models import EnterpriseRating, RatingAuditEntry
from portal.ratings.targets import department_target, policy_target
from tests.ratings.conftest import scores
from tests.support.forms import open_form
from tests.support.personal_data import readable

SECRET_COMMENT = "审批窗口让我们跑了三趟"


@pytest.fixture
def published_policy(db):
    policy = Policy(title="关于支持中小企业发展的若干措施", status=PolicyStatus.IN_FORCE, issuer="市政府")
    db.session.add(policy)
    db.session.commit()
    return policy


@pytest.fixture
def world(db, factory, rater, rate, published_policy):
    """Five enterprises rate a department (one with a comment) and the policy; four rate a second department."""
    rated, thin = factory.department("市行政审批服务局"), factory.department("市海洋发展局")
    members = [rater(f"保密{n}号科技有限公司") for n in range(5)]
    for n, member in enumerate(members):
        rate(member, department_target(rated.id), comment=SECRET_COMMENT if n == 0 else "", **scores(4, 4, 4, 4, 4))
        rate(member, policy_target(published_policy.id), **scores(5, 5, 5, 5, 5))
        if n < 4:
            rate(member, department_target(thin.id), comment="只有四家企业时的意见", **scores(1, 1, 1, 1, 1))
    official = factory.user(Role.OFFICIAL, department=rated)
    secrets = [m.display_name for m in members] + [m.username for m in members]
    secrets += [e.name for e in db.session.scalars(sa.select(Enterprise))]
    secrets += [e.uscc for e in db.session.scalars(sa.select(Enterprise))]
    return {"rated": rated, "thin": thin, "members": members, "official": official, "secrets": secrets}


def _leaks(text: str, secrets: list[str]) -> list[str]:
    return [s for s in secrets if s in text]


def public_urls(world, policy) -> list[str]:
    rated, thin = world["rated"].id, world["thin"].id
    return [
        "/",
        "/departments/",
        f"/policies/{policy.id}",
        "/ratings/",
        f"/ratings/departments/{rated}",
        f"/ratings/departments/{thin}",
        f"/ratings/policies/{policy.id}",
        "/ratings/items",
        f"/ratings/items?department={rated}",
        f"/ratings/items?department={thin}",
        f"/ratings/items?policy={policy.id}",
        "/ratings/index.csv",
        "/api/v1/ratings/index",
    ]


def test_no_public_page_csv_or_api_names_who_rated(client, login, world, published_policy):
    official_client = login(world["official"])
    for url in public_urls(world, published_policy):
        response = client.get(url)
        assert response.status_code == 200, url
        assert _leaks(readable(response), world["secrets"]) == [], url
    # The rated department reads its comments without names.
    response = official_client.get("/ratings/comments")
    assert SECRET_COMMENT in response.get_data(as_text=True)
    assert _leaks(readable(response), world["secrets"]) == []


def test_below_k_no_figure_and_no_comment_appears_anywhere(client, world, published_policy):
    thin = world["thin"]
    page = client.get(f"/ratings/departments/{thin.id}").get_data(as_text=True)
    assert "样本不足" in page and "只有四家企业时的意见" not in page and 'data-testid="index-value"' not in page
    items = client.get(f"/ratings/items?department={thin.id}").get_data(as_text=True)
    assert "样本不足" in items and 'data-testid="counted-ratings"' not in items
    data = client.get("/api/v1/ratings/index").get_json()
    row = next(d for d in data["departments"] if d["department_id"] == thin.id)
    assert row["value"] is None and row["dimensions"] is None and row["sufficient"] is False and row["k"] == 5
    csv = client.get("/ratings/index.csv").get_data(as_text=True)
    line = next(x for x in csv.splitlines() if thin.name in x)
    assert line.endswith("样本不足") and ",0.0," not in line and ",25.0," not in line


def test_at_k_the_figure_the_items_behind_it_and_the_comments_appear(client, world, published_policy):
    rated = world["rated"]
    page = client.get(f"/ratings/departments/{rated.id}").get_data(as_text=True)
    assert 'data-testid="index-value">75.0<' in page and SECRET_COMMENT in page
    assert "/ratings/items?period=" in page  # the figure links to the ratings behind it
    items = client.get(f"/ratings/items?department={rated.id}").get_data(as_text=True)
    assert items.count('<tr><th scope="row"') == 5
    data = client.get("/api/v1/ratings/index").get_json()
    row = next(d for d in data["departments"] if d["department_id"] == rated.id)
    assert (row["value"], row["raters"], row["eligible"]) == (75.0, 5, 5)
    policy = next(p for p in data["policies"] if p["policy_id"] == published_policy.id)
    assert policy["value"] == 100.0
    # City-wide: per enterprise (4 + 5 + 1) / 3 = 3.33 for four of them, (4 + 5) / 2 = 4.5 for the fifth.
    assert data["city"]["value"] == pytest.approx(25 * ((4 * 10 / 3 + 4.5) / 5 - 1), abs=0.05)


def test_the_department_answers_through_its_page_and_the_answer_shows_publicly(client, login, db, world):
    official = login(world["official"])
    form = open_form(official, "/ratings/comments", form=".answer-form")
    form.fill("公开回复", "已在政务大厅增设企业专窗")
    assert form.submit().status_code == 302
    page = client.get(f"/ratings/departments/{world['rated'].id}").get_data(as_text=True)
    assert "已在政务大厅增设企业专窗" in page


def test_who_rated_is_for_admins_and_every_view_is_audited(client, login, factory, db, world):
    admin = factory.user(Role.ADMIN)
    assert login(world["official"]).get("/ratings/admin/raters").status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RatingAuditEntry)) == 0
    admin_client = login(admin)
    page = admin_client.get("/ratings/admin/raters").get_data(as_text=True)
    assert world["members"][0].display_name in page and "保密0号科技有限公司" in page
    entries = db.session.scalars(sa.select(RatingAuditEntry)).all()
    assert [(e.viewer_id, e.path.startswith("/ratings/admin/raters")) for e in entries] == [(admin.id, True)]
    log = admin_client.get("/ratings/admin/audit").get_data(as_text=True)
    assert admin.display_name in log and "评价人名单" in log
    assert login(world["official"]).get("/ratings/admin/audit").status_code == 403


def test_an_entrepreneur_rates_a_policy_through_the_form_and_changes_it(login, db, rater, published_policy):
    member = rater("表单测试企业")
    client = login(member)
    detail = client.get(f"/policies/{published_policy.id}").get_data(as_text=True)
    assert "评价政策兑现" in detail
    form = open_form(client, f"/ratings/rate/policy/{published_policy.id}", form=".rate-form")
    for label, option in (("服务态度", "4 分 满意"), ("工作作风", "5 分 很满意"), ("办事效率", "3 分 一般")):
        form.check(label, option)
    form.check("业务能力", "4 分 满意")
    form.check("总体评价", "2 分 不满意")
    form.fill("意见建议（选填）", "补贴到账慢")
    assert form.submit().status_code == 302
    again = open_form(client, f"/ratings/rate/policy/{published_policy.id}", form=".rate-form")
    again.check("总体评价", "4 分 满意")
    assert again.submit(button="修改评价").status_code == 302
    rating = db.session.scalar(sa.select(EnterpriseRating))
    db.session.refresh(rating)
    assert rating.scores == (4, 5, 3, 4, 4) and rating.comment == "补贴到账慢" and len(rating.events) == 2
    mine = client.get("/ratings/mine").get_data(as_text=True)
    assert published_policy.title in mine and "修改" in mine


def test_a_missing_score_is_refused_with_its_label(login, rater, published_policy):
    client = login(rater())
    form = open_form(client, f"/ratings/rate/policy/{published_policy.id}", form=".rate-form")
    form.check("服务态度", "4 分 满意")
    response = form.submit()
    assert response.status_code == 400 and "请为工作作风选择 1–5 分" in response.get_data(as_text=True)


def test_a_citizen_gets_a_readable_refusal(login, factory, published_policy):
    response = login(factory.user(Role.CITIZEN)).get(f"/ratings/rate/policy/{published_policy.id}")
    assert response.status_code == 403 and "认证的企业成员" in response.get_data(as_text=True)


def test_a_member_of_two_enterprises_chooses_which_one_rates(login, db, factory, rater, published_policy):
    from tests.ratings.conftest import uscc

    member = rater("第一家企业有限公司")
    second = factory.verified_member(member, "第二家企业有限公司", uscc(880_001))
    form = open_form(login(member), f"/ratings/rate/policy/{published_policy.id}", form=".rate-form")
    form.select("以哪家企业的名义评价", "第二家企业有限公司")
    for label in ("服务态度", "工作作风", "办事效率", "业务能力", "总体评价"):
        form.check(label, "3 分 一般")
    assert form.submit().status_code == 302
    assert db.session.scalar(sa.select(EnterpriseRating.enterprise_id)) == second.id
