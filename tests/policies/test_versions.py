from datetime import date

import pytest

from portal.errors import Invalid
from portal.policies import services
from portal.policies.models import BodyFormat
from portal.policies.text import diff_lines


def _data(policy, **changes):
    values = dict(
        title=policy.title,
        body=policy.body,
        body_format=policy.body_format,
        doc_number=policy.doc_number,
        issuer=policy.issuer,
        doc_type=policy.doc_type,
        written_on=policy.written_on,
        published_on=policy.published_on,
        topics=list(policy.topics),
    )
    values.update(changes)
    return services.PolicyData(**values)


def test_every_edit_makes_a_new_version_with_what_changed(make_policy, editor):
    policy = make_policy()
    services.update_policy(editor, policy.id, _data(policy, title="贵阳市政务服务一网通办管理办法（修订）"))
    assert [v.number for v in policy.versions] == [1, 2, 3]
    assert policy.versions[-1].summary == "修改标题"
    assert policy.versions[-1].actor_id == editor.id
    assert policy.versions[1].title == "贵阳市政务服务“一网通办”管理办法"  # the old snapshot is kept


def test_an_edit_without_changes_is_refused(make_policy, editor):
    policy = make_policy()
    with pytest.raises(Invalid, match="没有检测到任何修改"):
        services.update_policy(editor, policy.id, _data(policy))


def test_html_bodies_are_sanitised_and_searchable_as_text(make_policy):
    policy = make_policy(
        body='<p onclick="x()">第一条　限时办结。</p><script>alert(1)</script><p><a href="javascript:x">链接</a></p>',
        body_format=BodyFormat.HTML,
    )
    assert "<script" not in policy.body and "onclick" not in policy.body and "javascript:" not in policy.body
    assert policy.body_text.splitlines()[0] == "第一条　限时办结。"


def test_diff_marks_changed_characters_and_escapes_html():
    lines = diff_lines("第一条　按月调度。\n第二条　<b>不变</b>", "第一条　按周调度。\n第二条　<b>不变</b>")
    removed = next(str(line.html) for line in lines if line.kind == "del")
    added = next(str(line.html) for line in lines if line.kind == "ins")
    assert "<del>月</del>" in removed and "<ins>周</ins>" in added
    assert any("&lt;b&gt;不变&lt;/b&gt;" in str(line.html) for line in lines if line.kind == "same")


def test_version_page_shows_field_changes_and_body_diff(make_policy, editor, client):
    policy = make_policy()
    new_body = policy.body.replace("限时办结", "即时办结")
    services.update_policy(editor, policy.id, _data(policy, body=new_body, published_on=date(2020, 3, 5)), "勘误")
    html = client.get(f"/policies/{policy.id}/versions/3").get_data(as_text=True)
    assert "<del>限</del>时办结" in html and "<ins>即</ins>时办结" in html
    assert "发布日期" in html and "2020-03-05" in html
    assert "勘误" in html


def test_document_page_lists_the_version_history(make_policy, client, users, login):
    policy = make_policy()
    html = login(users["editor"]).get(f"/policies/{policy.id}").get_data(as_text=True)
    assert "第 2 版" in html and "第 1 版" in html and "创建草稿" in html
    public = client.get(f"/policies/{policy.id}").get_data(as_text=True)
    assert "第 2 版" in public and "第 1 版" not in public and "创建草稿" not in public


def test_text_struck_from_a_draft_never_shows_in_the_public_history(make_policy, client, users, login):
    editor = users["editor"]
    secret = "第二条　拟对未按期办结的单位通报并扣减绩效分。"
    policy = make_policy(publish=False, body=f"第一条　各级各部门应当限时办结。\n{secret}")
    services.update_policy(editor, policy.id, _data(policy, body="第一条　各级各部门应当限时办结。"), "删去第二条")
    services.transition(editor, policy.id, "publish")
    assert [v.number for v in policy.versions] == [1, 2, 3]  # draft, edited draft, published

    for number in (1, 2):
        assert client.get(f"/policies/{policy.id}/versions/{number}").status_code == 404
    first_public = client.get(f"/policies/{policy.id}/versions/3")
    assert first_public.status_code == 200
    assert client.get(f"/policies/{policy.id}/versions/3?against=1").status_code == 404
    api = client.get(f"/api/v1/policies/{policy.id}").json
    assert [v["number"] for v in api["versions"]] == [3]
    for response in (first_public, client.get(f"/policies/{policy.id}"), client.get(f"/api/v1/policies/{policy.id}")):
        text = response.get_data(as_text=True)
        assert "扣减绩效分" not in text and "删去第二条" not in text

    editor_client = login(users["editor"])
    draft_diff = editor_client.get(f"/policies/{policy.id}/versions/2").get_data(as_text=True)
    assert "扣减绩效分" in draft_diff  # editors still read the whole history


def test_unknown_version_is_404(make_policy, client):
    policy = make_policy()
    assert client.get(f"/policies/{policy.id}/versions/99").status_code == 404


def test_saving_a_form_loaded_before_someone_elses_save_is_refused_with_409(make_policy, users, login, db):
    policy = make_policy()
    client = login(users["editor"])
    form = {"title": "贵阳市政务服务一网通办管理办法", "body_format": "text", "body": "正文", "interprets_id": "0"}
    first = client.post(f"/policies/manage/{policy.id}/edit", data={**form, "base_version": "2"})
    assert first.status_code == 302
    stale = client.post(f"/policies/manage/{policy.id}/edit", data={**form, "title": "另一个标题", "base_version": "2"})
    assert stale.status_code == 409 and "已被其他编辑修改为第 3 版" in stale.get_data(as_text=True)
    db.session.expire_all()
    assert policy.title == "贵阳市政务服务一网通办管理办法" and policy.version == 3
