"""The form helper sends exactly what a browser sends, on small pages served by a tiny app."""

from __future__ import annotations

import pytest
from flask import Flask, jsonify, request

from tests.support.forms import FormError, forms_in, open_form

PAGES: dict[str, str] = {}


@pytest.fixture(scope="module")
def echo():
    app = Flask("forms_helper_test")

    @app.get("/page/<name>")
    def page(name):
        return PAGES[name]

    @app.route("/echo", methods=["GET", "POST"])
    @app.route("/echo/<path:rest>", methods=["GET", "POST"])
    def echo_view(rest=""):
        return jsonify(
            method=request.method,
            path=request.path,
            content_type=request.mimetype,
            args=list(request.args.items(multi=True)),
            form=list(request.form.items(multi=True)),
            files=[(k, f.filename, f.read().decode(), f.mimetype) for k, f in request.files.items(multi=True)],
        )

    return app.test_client()


def page(name: str, body: str) -> str:
    PAGES[name] = f"<!doctype html><html><body>{body}</body></html>"
    return f"/page/{name}"


def test_the_hidden_input_and_the_dropdown_of_one_name_are_both_sent_in_document_order(echo):
    url = page(
        "dup",
        """<form method="post" action="/echo">
             <input type="hidden" name="csrf_token" value="tok">
             <input type="hidden" name="question_id" value="">
             <label for="q">问题</label>
             <select id="q" name="question_id"><option value="">（不关联）</option><option value="7">问题七</option></select>
             <button>登记</button>
           </form>""",
    )
    form = open_form(echo, url)
    form.select("问题", "问题七")
    assert form.values() == [("csrf_token", "tok"), ("question_id", ""), ("question_id", "7")]
    body = form.submit().get_json()
    assert body["form"] == [["csrf_token", "tok"], ["question_id", ""], ["question_id", "7"]]
    assert body["method"] == "POST" and body["content_type"] == "application/x-www-form-urlencoded"


def test_successful_controls_only(echo):
    url = page(
        "successful",
        """<form method="post" action="/echo">
             <input name="plain" value="a">
             <input name="off" value="x" disabled>
             <fieldset disabled><legend>停用组 <input name="in_legend" value="L"></legend><input name="in_fs" value="F"></fieldset>
             <input type="checkbox" name="cb" value="1" checked>
             <input type="checkbox" name="cb" value="2">
             <input type="checkbox" name="flag" checked>
             <input type="radio" name="r" value="a"><input type="radio" name="r" value="b" checked>
             <select name="single"><option disabled>x</option><option value="v1">一</option><option value="v2">二</option></select>
             <select name="chosen"><option value="1">一</option><option value="2" selected>二</option></select>
             <select name="multi" multiple><option value="m1" selected>一</option><option value="m2">二</option><option value="m3" selected>三</option></select>
             <select name="multi_none" multiple><option value="n1">一</option></select>
             <textarea name="t">
first
second</textarea>
             <input name="" value="unnamed">
             <input type="reset" name="reset" value="重置">
             <input type="button" name="btn" value="按钮">
             <button name="act" value="save">保存</button>
             <button name="act" value="send">发送</button>
           </form>
           <input form="other" name="elsewhere" value="no">""",
    )
    form = open_form(echo, url)
    assert form.values(button="发送") == [
        ("plain", "a"),
        ("in_legend", "L"),
        ("cb", "1"),
        ("flag", "on"),
        ("r", "b"),
        ("single", "v1"),
        ("chosen", "2"),
        ("multi", "m1"),
        ("multi", "m3"),
        ("t", "first\nsecond"),
        ("act", "send"),
    ]
    sent = form.submit(button="发送").get_json()["form"]
    assert ["t", "first\r\nsecond"] in sent  # browsers send line breaks as CRLF
    # Pressing Enter submits with the first submit button.
    assert form.values()[-1] == ("act", "save")


def test_labels_of_every_kind_and_groups(echo):
    url = page(
        "labels",
        """<form method="post" action="/echo" id="f">
             <label for="title">标题 *</label><input id="title" name="title">
             <label>回复内容：<textarea name="reply"></textarea></label>
             <input name="search" aria-label="搜索关键词">
             <span id="ph-label">联系电话</span><input name="phone" aria-labelledby="ph-label">
             <fieldset><legend>协办部门</legend>
               <label><input type="checkbox" name="dept" value="3"> 大数据局</label>
               <label><input type="checkbox" name="dept" value="4" checked> 市行政审批服务局</label>
             </fieldset>
             <div role="radiogroup" aria-label="满意度">
               <label><input type="radio" name="sat" value="good"> 满意</label>
               <label><input type="radio" name="sat" value="bad"> 不满意</label>
             </div>
             <label><input type="checkbox" name="agree" value="yes"> 我已阅读须知</label>
             <label for="lead">主办部门</label>
             <select id="lead" name="lead"><option value="">请选择</option><option value="3">大数据局</option><option value="4">市行政审批服务局</option></select>
             <input type="submit" value="提交">
           </form>""",
    )
    form = open_form(echo, url, form="#f")
    form.fill("标题", "路灯不亮").fill("回复内容", "已修复").fill("搜索关键词", "路灯").fill("联系电话", "123")
    form.check("协办部门", "大数据局").uncheck("协办部门", "市行政审批服务局")
    form.check("满意度", "不满意").check("满意度", "满意")
    form.check("我已阅读须知")
    form.select("主办部门", "市行政审批服务局")
    assert form.value_dict() == {
        "title": ["路灯不亮"],
        "reply": ["已修复"],
        "search": ["路灯"],
        "phone": ["123"],
        "dept": ["3"],
        "sat": ["good"],
        "agree": ["yes"],
        "lead": ["4"],
    }
    # By name works too.
    form.fill("title", "另一个标题").select("lead", "3")
    assert form.value_dict()["title"] == ["另一个标题"] and form.value_dict()["lead"] == ["3"]


def test_clear_errors_for_missing_or_ambiguous_labels_and_options(echo):
    url = page(
        "errors",
        """<form method="post" action="/echo">
             <label for="a">部门名称</label><input id="a" name="a">
             <label for="b">部门简称</label><input id="b" name="b">
             <label for="s">主办部门</label><select id="s" name="s"><option>大数据局</option><option disabled>旧局</option></select>
             <label for="d">停用</label><input id="d" name="d" disabled>
             <label for="r">只读</label><input id="r" name="r" readonly>
             <fieldset><legend>协办</legend><label><input type="radio" name="x" value="1"> 主办</label></fieldset>
             <button>保存</button>
           </form>""",
    )
    form = open_form(echo, url)
    with pytest.raises(FormError, match="no text field labelled or named '地址'"):
        form.fill("地址", "x")
    with pytest.raises(FormError, match="2 text fields match '部门'"):
        form.fill("部门", "x")
    with pytest.raises(FormError, match="has no option '市政府'"):
        form.select("主办部门", "市政府")
    with pytest.raises(FormError, match="disabled"):
        form.select("主办部门", "旧局")
    with pytest.raises(FormError, match="disabled"):
        form.fill("停用", "x")
    with pytest.raises(FormError, match="read-only"):
        form.fill("只读", "x")
    with pytest.raises(FormError, match="cannot uncheck the radio"):
        form.uncheck("协办", "主办")
    with pytest.raises(FormError, match="no submit button '删除'"):
        form.submit(button="删除")
    form.fill("部门名称", "大数据局")  # an exact label wins over a partial match


def test_get_forms_send_a_query_string_and_replace_the_actions_query(echo):
    url = page(
        "search",
        """<form action="/echo/search?stale=1" role="search">
             <label for="q">关键词</label><input id="q" name="q" value="old">
             <select name="year" aria-label="年份"><option value="">全部</option><option>2024</option></select>
             <button>搜索</button>
           </form>""",
    )
    form = open_form(echo, url)
    form.fill("关键词", "营商 环境").select("年份", "2024")
    body = form.submit().get_json()
    assert body["method"] == "GET" and body["path"] == "/echo/search"
    assert body["args"] == [["q", "营商 环境"], ["year", "2024"]]


def test_formaction_formmethod_and_relative_actions(echo):
    url = page(
        "buttons",
        """<form method="post" action="echo/ignored">
             <input name="n" value="1">
             <button>默认</button>
             <button formaction="/echo/other" name="go" value="x">另存</button>
             <button formaction="/echo/get" formmethod="get">查询</button>
           </form>""",
    )
    form = open_form(echo, url)
    assert form.request_for()["url"] == "/page/echo/ignored"  # resolved against /page/buttons
    other = form.submit(button="另存").get_json()
    assert other["path"] == "/echo/other" and other["form"] == [["n", "1"], ["go", "x"]]
    got = form.submit(button="查询").get_json()
    assert got["method"] == "GET" and got["args"] == [["n", "1"]]


def test_an_empty_action_posts_to_the_page_itself():
    forms = forms_in('<form method="post"><input name="a" value="1"></form>', "http://portal.test/x/y?z=1")
    assert forms[0].request_for()["url"] == "/x/y?z=1"


def test_files_go_multipart_and_a_form_without_multipart_is_refused(echo):
    url = page(
        "upload",
        """<form method="post" action="/echo" enctype="multipart/form-data" id="good">
             <label for="f">附件</label><input type="file" id="f" name="file">
             <input type="file" name="other" aria-label="其他附件">
             <input name="title" value="t"><button>上传</button>
           </form>
           <form method="post" action="/echo" id="bad">
             <label for="g">图片</label><input type="file" id="g" name="file"><button>上传</button>
           </form>""",
    )
    form = open_form(echo, url, form="#good")
    form.attach("附件", "a.txt", b"hello", "text/plain")
    body = form.submit().get_json()
    assert body["content_type"] == "multipart/form-data"
    # An empty file input is sent as a part with no file name, as browsers do.
    assert body["files"] == [["file", "a.txt", "hello", "text/plain"], ["other", "", "", "application/octet-stream"]]
    assert body["form"] == [["title", "t"]]
    bad = open_form(echo, url, form="#bad")
    bad.attach("图片", "a.png", b"x", "image/png")
    with pytest.raises(FormError, match="only the file name"):
        bad.submit()


def test_picking_a_form(echo):
    url = page(
        "many",
        """<form action="/echo/one" method="post" class="one"><button>签收</button></form>
           <form action="/echo/two" method="post" aria-label="退回"><button>退回</button></form>
           <form action="/echo/two/more" method="post" data-kind="x"><button>延期</button></form>""",
    )
    assert open_form(echo, url, form=".one").action == "/echo/one"
    assert open_form(echo, url, form="签收").action == "/echo/one"
    assert open_form(echo, url, form="/two/more").action == "/echo/two/more"
    assert open_form(echo, url, form="[data-kind=x]").action == "/echo/two/more"
    with pytest.raises(FormError, match="several forms"):
        open_form(echo, url)
    with pytest.raises(FormError, match="2 forms match '/two'"):
        open_form(echo, url, form="/two")
    with pytest.raises(FormError, match="no form matches"):
        open_form(echo, url, form="#nope")


def test_unclosed_options_and_list_items_parse_like_a_browser():
    html = """<form><select name="s"><option value="1">一<option value="2" selected>二</select>
              <ul><li><input name="a" value="x"><li><input name="b" value="y"></ul></form>"""
    form = forms_in(html)[0]
    assert form.values() == [("s", "2"), ("a", "x"), ("b", "y")]
