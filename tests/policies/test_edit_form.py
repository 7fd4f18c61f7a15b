"""Policy editing through the rendered edit form, as the editor fills it in."""

from datetime import date

from tests.support.forms import open_form


def test_the_editor_saves_a_new_version_through_the_edit_form(make_policy, users, login, db):
    policy = make_policy(
        "贵阳市政务服务“一网通办”管理办法",
        doc_number="筑府发〔2020〕3号",
        published_on=date(2020, 3, 1),
        topics=["一网通办"],
    )
    base = policy.version
    client = login(users["editor"])
    form = open_form(client, f"/policies/manage/{policy.id}/edit", form="保存为新版本")
    # The form comes filled with the document as saved.
    loaded = form.value_dict()
    assert loaded["title"] == ["贵阳市政务服务“一网通办”管理办法"] and loaded["base_version"] == [str(base)]
    form.fill("标题", "贵阳市政务服务“一网通办”管理办法（修订）")
    form.fill("文号", "筑府发〔2021〕7号")
    form.select("文种", "规定")
    form.fill("发布日期", "2021-04-02")
    form.fill("主题", "一网通办、营商环境")
    form.check("正文格式", "纯文本")
    form.fill("正文", "为深化“一网通办”改革，制定本规定。\n第一条　各级各部门应当限时办结。")
    form.fill("修改说明", "按2021年修订稿更新")
    response = form.submit(button="保存为新版本")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/policies/{policy.id}")

    db.session.expire_all()
    assert policy.version == base + 1
    assert policy.title == "贵阳市政务服务“一网通办”管理办法（修订）"
    assert policy.doc_number == "筑府发〔2021〕7号" and policy.doc_type == "规定"
    assert policy.published_on == date(2021, 4, 2) and policy.topics == ["一网通办", "营商环境"]
    assert policy.body_text.startswith("为深化“一网通办”改革")
    assert policy.interprets_id is None and policy.issuer == "贵阳市人民政府"  # untouched fields kept
    version = policy.versions[-1]
    assert version.number == base + 1 and version.summary == "按2021年修订稿更新"
    assert version.actor_id == users["editor"].id and version.title == policy.title
    # The saved document is what the public page and the search now show.
    page = client.get(f"/policies/{policy.id}").get_data(as_text=True)
    assert "（修订）" in page and "筑府发〔2021〕7号" in page
    found = client.get("/api/v1/policies/search", query_string={"q": "文号:筑府发[2021]7号"}).get_json()
    assert [r["id"] for r in found["results"]] == [policy.id]


def test_a_bad_edit_returns_the_form_with_what_was_typed(make_policy, users, login, db):
    policy = make_policy()
    client = login(users["editor"])
    form = open_form(client, f"/policies/manage/{policy.id}/edit", form="保存为新版本")
    form.fill("标题", "")
    form.fill("正文", "改过的正文")
    response = form.submit(button="保存为新版本")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "请填写文件标题" in html and "改过的正文" in html
    db.session.expire_all()
    assert policy.title == "贵阳市政务服务“一网通办”管理办法"
