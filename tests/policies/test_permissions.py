import pytest

from portal.errors import Forbidden
from portal.policies import services


@pytest.mark.parametrize("role", ["editor", "admin"])
def test_editors_and_admins_may_create_documents(users, login, role):
    client = login(users[role])
    assert client.get("/policies/manage/new").status_code == 200
    response = client.post(
        "/policies/manage/new",
        data={
            "title": "关于做好融媒问政工作的通知",
            "doc_type": "通知",
            "body_format": "text",
            "body": "正文",
            "interprets_id": "0",
        },
    )
    assert response.status_code == 302


@pytest.mark.parametrize("role", ["citizen", "official", "dispatcher", "moderator", "host", "entrepreneur"])
def test_other_roles_are_refused(users, login, make_policy, role):
    policy = make_policy()
    client = login(users[role])
    assert client.get("/policies/manage/").status_code == 403
    assert client.post("/policies/manage/new", data={"title": "x", "body_format": "text"}).status_code == 403
    assert client.post(f"/policies/manage/{policy.id}/status/repeal", data={"reason": "x"}).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/policies/manage/new")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_services_refuse_a_citizen(users, make_policy):
    policy = make_policy()
    with pytest.raises(Forbidden):
        services.transition(users["citizen"], policy.id, "repeal", None, "x")


def test_drafts_are_hidden_from_the_public_but_shown_to_editors(make_policy, users, login, client):
    draft = make_policy(publish=False)
    assert client.get(f"/policies/{draft.id}").status_code == 404
    assert login(users["editor"]).get(f"/policies/{draft.id}").status_code == 200


def test_an_edit_form_with_an_empty_title_answers_400_and_keeps_the_document(make_policy, users, login, db):
    policy = make_policy()
    response = login(users["editor"]).post(
        f"/policies/manage/{policy.id}/edit", data={"title": "", "body_format": "text", "body": "新正文"}
    )
    assert response.status_code == 400 and "请填写文件标题" in response.get_data(as_text=True)
    db.session.expire_all()
    assert policy.version == 2 and "新正文" not in policy.body
