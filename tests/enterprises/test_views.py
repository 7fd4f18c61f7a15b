"""The enterprise pages as people use them: 申请加入企业 with a licence photo, the admins' queue (approve, refuse
with a reason), 我的企业 with invitations by name and by link, and who may see a licence photo."""

from __future__ import annotations

import re

import pytest

from portal.accounts.models import Role
from portal.enterprises import services
from portal.enterprises.models import MembershipState
from tests.support.factories import LICENCE_PNG
from tests.support.forms import open_form

NAME, CODE = "青岛莱西测试机械有限公司", "91370285163560001U"


@pytest.fixture
def people(factory, users):
    return {"boss": users["entrepreneur"], "admin": users["admin"], "colleague": factory.user(Role.ENTREPRENEUR)}


def _apply_through_the_form(client, code=CODE, licence=LICENCE_PNG):
    form = open_form(client, "/enterprises/apply", form="#join-form")
    form.fill("企业名称", NAME)
    form.fill("统一社会信用代码", code.lower())  # letters in any case
    if licence is not None:
        form.attach("营业执照照片", "营业执照.png", licence, "image/png")
    return form.submit(button="提交申请")


def _membership(db, user):
    db.session.expire_all()
    return services.my_memberships(user)[0]


def test_join_request_approved_in_the_admin_queue(db, login, people):
    boss, admin = login(people["boss"]), login(people["admin"])
    response = _apply_through_the_form(boss)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    m = _membership(db, people["boss"])
    assert m.state == MembershipState.PENDING and m.enterprise.uscc == CODE
    mine = boss.get("/enterprises/").get_data(as_text=True)
    assert "待审核" in mine and NAME in mine

    queue = admin.get("/enterprises/review").get_data(as_text=True)
    assert NAME in queue and f"/enterprises/memberships/{m.id}/licence" in queue  # the photo, shown to the admin
    photo = admin.get(f"/enterprises/memberships/{m.id}/licence")
    assert photo.status_code == 200 and photo.data == LICENCE_PNG and photo.mimetype == "image/png"
    assert photo.headers["X-Content-Type-Options"] == "nosniff" and "no-store" in photo.headers["Cache-Control"]
    open_form(admin, "/enterprises/review", form=f"[action='/enterprises/memberships/{m.id}/approve']").submit()
    assert _membership(db, people["boss"]).state == MembershipState.APPROVED

    mine = boss.get("/enterprises/").get_data(as_text=True)
    assert "已认证的企业" in mine and NAME in mine and CODE in mine
    new = boss.get("/feedback/new").get_data(as_text=True)
    assert "以企业名义提交" in new and NAME in new


def test_refusal_needs_a_reason_which_the_applicant_reads(db, login, people):
    boss, admin = login(people["boss"]), login(people["admin"])
    _apply_through_the_form(boss)
    m = _membership(db, people["boss"])
    refuse = f"[action='/enterprises/memberships/{m.id}/refuse']"
    response = open_form(admin, "/enterprises/review", form=refuse).submit(button="不予通过")
    assert response.status_code == 400 and "请填写不予通过的理由" in response.get_data(as_text=True)
    assert _membership(db, people["boss"]).state == MembershipState.PENDING
    form = open_form(admin, "/enterprises/review", form=refuse)
    form.fill("不予通过的理由", "执照照片上的代码与填写的不一致")
    assert form.submit(button="不予通过").status_code == 302
    assert _membership(db, people["boss"]).state == MembershipState.REFUSED
    mine = boss.get("/enterprises/").get_data(as_text=True)
    assert "未通过" in mine and "执照照片上的代码与填写的不一致" in mine
    new = boss.get("/feedback/new").get_data(as_text=True)
    assert 'name="enterprise_id"' not in new and 'data-testid="enterprise-hint"' in new  # a link to 认证所属企业


def test_the_form_refuses_a_bad_code_and_a_missing_or_fake_photo(db, login, people):
    boss = login(people["boss"])
    bad = _apply_through_the_form(boss, code="91370285163560001X")
    assert bad.status_code == 400 and "校验码不正确" in bad.get_data(as_text=True)
    missing = _apply_through_the_form(boss, licence=None)
    assert missing.status_code == 400 and "请上传营业执照照片" in missing.get_data(as_text=True)
    fake = _apply_through_the_form(boss, licence=b"<html>not a photo</html>")
    assert fake.status_code == 400 and "不是图片" in fake.get_data(as_text=True)
    assert services.my_memberships(people["boss"]) == []


def test_the_licence_photo_is_for_the_applicant_and_admins_only(db, login, people, factory, client):
    m = services.apply(
        people["boss"], services.JoinRequest(NAME, CODE, [services.uploads.Upload("执照.png", LICENCE_PNG)])
    )
    url = f"/enterprises/memberships/{m.id}/licence"
    assert login(people["boss"]).get(url).data == LICENCE_PNG
    assert login(people["admin"]).get(url).status_code == 200
    services.decide(people["admin"], m.id, "approve")
    # another verified member of the same enterprise does not see it either
    services.accept_invitation(people["colleague"], services.invite(people["boss"], m.enterprise_id, "").invitation)
    assert login(people["colleague"]).get(url).status_code == 404
    assert login(factory.user(Role.OFFICIAL)).get(url).status_code == 404
    assert client.get(url).status_code == 302  # anonymous: to the log-in page
    assert "/enterprises/memberships" not in client.get("/feedback/public/").get_data(as_text=True)


def test_invitations_by_name_and_by_link(db, login, people, factory):
    firm = factory.verified_member(people["boss"], NAME, CODE)
    boss, colleague = login(people["boss"]), login(people["colleague"])
    form = open_form(boss, "/enterprises/", form=f"[action='/enterprises/{firm.id}/invitations']")
    form.fill("邀请同事（用户名）", people["colleague"].username)
    assert form.submit().status_code == 302
    page = colleague.get("/enterprises/").get_data(as_text=True)
    assert "收到的邀请" in page and NAME in page
    open_form(colleague, "/enterprises/", form="接受邀请").submit(button="接受邀请")
    assert services.is_verified_member(people["colleague"], firm.id)
    assert NAME in colleague.get("/feedback/new").get_data(as_text=True)

    # a one-time link: shown once to the inviter, accepted by whoever opens it signed in as an entrepreneur
    form = open_form(boss, "/enterprises/", form=f"[action='/enterprises/{firm.id}/invitations']")
    page = form.submit(follow_redirects=True).get_data(as_text=True)
    link = re.search(r"http://portal\.test(/enterprises/join/[\w-]+)", page).group(1)
    third = factory.user(Role.ENTREPRENEUR)
    third_client = login(third)
    assert NAME in third_client.get(link).get_data(as_text=True)
    open_form(third_client, link, form="接受邀请，加入企业").submit(button="接受邀请，加入企业")
    assert services.is_verified_member(third, firm.id)
    again = login(factory.user(Role.ENTREPRENEUR)).post(link)
    assert again.status_code == 409  # used once


def test_several_enterprises_show_in_my_enterprises_and_the_filing_choice(db, login, people, factory):
    first = factory.verified_member(people["boss"], "青岛第一测试有限公司", "91370285MA3C00010Q")
    second = factory.verified_member(people["boss"], "青岛第二测试有限公司", "91370200MA3C12345E")
    boss = login(people["boss"])
    page = boss.get("/enterprises/").get_data(as_text=True)
    assert page.count('data-testid="my-enterprise"') == 2
    form = open_form(boss, "/feedback/new", form=".fb-form")
    for enterprise in (first, second):
        form.select("以企业名义提交", enterprise.name)  # both are choices
    form.select("以企业名义提交", "以个人名义提交")
