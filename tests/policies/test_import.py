import json

import sqlalchemy as sa

from portal.actors import SYSTEM
from portal.policies.importer import import_directory
from portal.policies.models import Policy, PolicyStatus


def test_import_publishes_every_article_of_the_manifest(ctx, corpus):
    report = import_directory(corpus, SYSTEM)
    assert len(report.imported) == 5 and report.skipped == []
    laiwu = next(p for p in report.policies if "萊蕪" in p.title)
    assert laiwu.status is PolicyStatus.IN_FORCE
    assert laiwu.script == "zh-Hant" and "鄉呼縣應" in laiwu.body  # original text kept for display
    assert "鄉呼縣應" in laiwu.topics


def test_import_keeps_unknown_dates_unknown_and_known_ones(ctx, corpus):
    report = import_directory(corpus, SYSTEM)
    by_title = {p.title: p for p in report.policies}
    guiyang = by_title["优化政府治理机制 提升为民服务效能"]
    laiwu = next(p for p in report.policies if "萊蕪" in p.title)
    assert guiyang.published_on.isoformat() == "2020-12-14"
    assert laiwu.published_on is None and laiwu.year is None and laiwu.status_on is None
    assert guiyang.status_on == guiyang.published_on


def test_bad_files_are_reported_by_name_and_skipped_while_good_ones_import(db, corpus):
    manifest = json.loads((corpus / "manifest.json").read_text())
    (corpus / "gbk.txt").write_bytes("贵阳市规范性文件清理".encode("gbk"))
    (corpus / "empty.txt").write_text("  \n\n")
    (corpus / "untitled.txt").write_text("正文内容")
    (corpus / "stray.txt").write_text("清单里没有的文件")
    manifest["documents"] += [
        {"file": "gbk.txt", "title": "GBK 编码的文件"},
        {"file": "empty.txt", "title": "空文件"},
        {"file": "untitled.txt", "title": ""},
        {"file": "missing.txt", "title": "不存在的文件"},
    ]
    (corpus / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False))

    report = import_directory(corpus, SYSTEM)

    reasons = dict(report.skipped)
    assert "UTF-8" in reasons["gbk.txt"]
    assert "为空" in reasons["empty.txt"]
    assert "标题" in reasons["untitled.txt"]
    assert "不存在" in reasons["missing.txt"]
    assert "manifest" in reasons["stray.txt"]
    assert len(report.imported) == 5
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Policy)) == 5


def test_import_twice_creates_nothing_new(ctx, corpus):
    import_directory(corpus, SYSTEM)
    again = import_directory(corpus, SYSTEM)
    assert again.imported == [] and len(again.existing) == 5


def test_cli_import_prints_skipped_files_and_succeeds(runner, ctx, corpus):
    (corpus / "stray.txt").write_text("清单里没有的文件")
    result = runner.invoke(args=["policies", "import", str(corpus)])
    assert result.exit_code == 0, result.output
    assert "导入 5 个文件" in result.output and "跳过 stray.txt" in result.output


def test_cli_import_refuses_a_broken_manifest_with_a_message(runner, ctx, corpus):
    (corpus / "manifest.json").write_text("{not json")
    result = runner.invoke(args=["policies", "import", str(corpus)])
    assert result.exit_code != 0 and "manifest.json 无法解析" in result.output


def test_imported_articles_are_searchable_in_either_script(ctx, articles):
    from tests.policies.conftest import search_ids

    laiwu = articles["laiwu-township-whistle.zh-Hant.txt"]
    assert search_ids(q="乡呼县应")[:1] == [laiwu.id]
    assert search_ids(q="鄉呼縣應")[:1] == [laiwu.id]


def test_a_saved_web_page_is_imported_as_its_article_with_the_date_of_its_byline(ctx, corpus, client):
    """The Guiyang article is a saved page: site title, the title again, a byline with 作者/来源/编辑/时间. Without a
    date in the manifest, the document and its versions take the byline's date, never the day of the import."""
    manifest = json.loads((corpus / "manifest.json").read_text())
    for entry in manifest["documents"]:
        entry.pop("published_on", None)
    (corpus / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False))

    report = import_directory(corpus, SYSTEM)

    by_title = {p.title: p for p in report.policies}
    guiyang = by_title["优化政府治理机制 提升为民服务效能"]
    assert guiyang.published_on.isoformat() == "2020-12-14"
    assert [v.dated_on.isoformat() for v in guiyang.versions] == ["2020-12-14", "2020-12-14"]
    first_lines = guiyang.body_text.splitlines()[:3]
    assert not any("作者" in line or "数博会官网" in line or line == guiyang.title for line in first_lines)
    qingdao = by_title["塑造制度机制新优势 擦亮“高效青岛”品牌"]
    assert "评论" not in qingdao.body_text and "我的位置" not in qingdao.body_text
    speech = by_title["加快机制创新 深化流程再造"]
    assert "责任编辑" not in speech.body_text and "createElement" not in speech.body_text
    assert speech.body_text.startswith("省委常委、青岛市委书记 王清宪")  # the author of a speech stays

    page = client.get(f"/policies/{guiyang.id}").get_data(as_text=True)
    history = page.split('data-testid="versions"', 1)[1].split("</ol>", 1)[0]
    assert history.count("2020年12月14日") == 1  # the public history: the published version, at its own date
    laiwu = next(p for p in report.policies if "萊蕪" in p.title)
    history = client.get(f"/policies/{laiwu.id}").get_data(as_text=True).split('data-testid="versions"', 1)[1]
    assert history.split("</ol>", 1)[0].count("日期不详") == 1  # no date given: none invented


def test_an_editors_change_is_dated_when_it_was_made(ctx, make_policy, editor):
    from portal.policies import services

    policy = make_policy(publish=False)
    assert policy.versions[0].dated_on is None  # created by a person today: dated by its record time
    services.transition(editor, policy.id, "publish")
    assert policy.versions[-1].dated_on == policy.published_on
