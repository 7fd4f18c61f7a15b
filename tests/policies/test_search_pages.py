"""The search page, the JSON API, the Atom feed and the CSV export."""

import csv
import io
import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest

from portal.actors import SYSTEM
from portal.policies import services

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def archive(make_policy):
    """Three normative documents besides whatever a test imports."""
    a = make_policy("贵阳市政务服务限时办结管理办法", doc_number="筑府发〔2019〕12号", published_on=date(2019, 5, 6))
    b = make_policy(
        "贵阳市人民政府关于推进数字政府建设的意见",
        doc_type="意见",
        doc_number="筑府发〔2020〕3号",
        issuer="贵阳市人民政府办公厅",
        published_on=date(2020, 2, 10),
        body="推进数字政府建设，限时办结群众诉求。",
    )
    c = make_policy(
        "贵阳市行政规范性文件管理办法",
        doc_number="筑司通〔2016〕7号",
        published_on=date(2016, 7, 1),
        body="规范行政规范性文件的制定、备案审查和定期清理。",
    )
    services.transition(SYSTEM, c.id, "repeal", date(2020, 10, 30), "规范性文件清理：与现行法律法规相冲突")
    return {"a": a, "b": b, "c": c}


@pytest.mark.parametrize("q", ["乡呼县应", "鄉呼縣應"])
def test_the_search_page_finds_the_traditional_article_in_either_script(client, articles, q):
    laiwu = articles["laiwu-township-whistle.zh-Hant.txt"]
    html = client.get("/policies/", query_string={"q": q}).get_data(as_text=True)
    assert "找到 1 件" in html
    assert f'href="/policies/{laiwu.id}"' in html
    assert "<mark>鄉呼縣應</mark>" in html  # highlighted in the original script


@pytest.mark.parametrize("q", ["乡呼县应", "鄉呼縣應"])
def test_the_api_finds_the_traditional_article_in_either_script(client, articles, q):
    laiwu = articles["laiwu-township-whistle.zh-Hant.txt"]
    body = client.get("/api/v1/policies/search", query_string={"q": q}).get_json()
    assert body["total"] == 1
    hit = body["results"][0]
    assert hit["id"] == laiwu.id and hit["title"] == laiwu.title and hit["status"] == "in_force"
    assert hit["url"].endswith(f"/policies/{laiwu.id}") and "<mark>" in hit["snippet"]
    assert set(hit) >= {"id", "title", "doc_number", "issuer", "published_on", "status", "url", "snippet"}


@pytest.mark.parametrize("q", ["筑府发〔2019〕12号", "筑府发[2019]12号", "筑府发(2019)12号", "文号:筑府发（2019）12号"])
def test_document_numbers_match_in_every_bracket_style(client, archive, q):
    body = client.get("/api/v1/policies/search", query_string={"q": q}).get_json()
    assert [r["id"] for r in body["results"]] == [archive["a"].id]


def test_facets_count_by_type_status_issuer_and_year(client, archive):
    facets = client.get("/api/v1/policies/search", query_string={"q": "限时办结"}).get_json()["facets"]
    assert {f["value"]: f["count"] for f in facets["doc_type"]} == {"办法": 1, "意见": 1}
    assert {f["value"]: f["count"] for f in facets["year"]} == {"2019": 1, "2020": 1}
    assert {f["label"] for f in facets["status"]} == {"现行有效"}


def test_filters_narrow_results_and_keep_other_facets(client, archive):
    body = client.get("/api/v1/policies/search", query_string={"status": "repealed"}).get_json()
    assert [r["id"] for r in body["results"]] == [archive["c"].id]
    statuses = {f["value"]: f["count"] for f in body["facets"]["status"]}
    assert statuses == {"in_force": 2, "repealed": 1}  # a facet's own filter does not narrow its counts
    by_issuer = client.get("/api/v1/policies/search", query_string={"issuer": "贵阳市人民政府办公厅"}).get_json()
    assert [r["id"] for r in by_issuer["results"]] == [archive["b"].id]
    by_type_year = client.get("/api/v1/policies/search", query_string={"type": "办法", "year": 2019}).get_json()
    assert [r["id"] for r in by_type_year["results"]] == [archive["a"].id]


def test_date_range_and_date_sort(client, archive):
    ranged = client.get("/api/v1/policies/search", query_string={"from": "2019-01-01", "to": "2019-12-31"})
    assert [r["id"] for r in ranged.get_json()["results"]] == [archive["a"].id]
    newest = client.get("/api/v1/policies/search", query_string={"sort": "date"}).get_json()
    assert [r["id"] for r in newest["results"]] == [archive["b"].id, archive["a"].id, archive["c"].id]


def test_pagination_through_the_api(client, archive):
    first = client.get("/api/v1/policies/search", query_string={"sort": "date", "per_page": 2}).get_json()
    second = client.get("/api/v1/policies/search", query_string={"sort": "date", "per_page": 2, "page": 2}).get_json()
    assert first["total"] == 3 and first["pages"] == 2
    assert [r["id"] for r in first["results"] + second["results"]] == [archive[k].id for k in "bac"]


def test_the_page_shows_facets_as_links_that_keep_the_query(client, archive):
    html = client.get("/policies/", query_string={"q": "限时办结"}).get_data(as_text=True)
    assert "/policies/?q=%E9%99%90%E6%97%B6%E5%8A%9E%E7%BB%93&amp;type=%E6%84%8F%E8%A7%81" in html  # 文种=意见
    assert "找到 2 件" in html


def test_a_search_without_results_explains_what_to_try(client, archive):
    html = client.get("/policies/", query_string={"q": "不存在的词语组合", "status": "repealed"}).get_data(as_text=True)
    assert "没有找到符合条件的文件" in html and "去掉所有筛选条件" in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"status": "有效"}, "效力状态应为"),
        ({"year": "二〇二〇"}, "年份应为整数"),
        ({"year": "1800"}, "年份应在"),
        ({"sort": "popular"}, "排序方式"),
        ({"from": "2020-13-01"}, "起始日期格式"),
        ({"from": "2021-01-01", "to": "2020-01-01"}, "起始日期不能晚于截止日期"),
        ({"per_page": "1000"}, "每页条数"),
        ({"page": "0"}, "页码"),
        ({"q": "字" * 201}, "检索词过长"),
    ],
)
def test_bad_parameters_get_a_400_with_a_chinese_message(client, params, message):
    response = client.get("/api/v1/policies/search", query_string=params)
    assert response.status_code == 400
    assert message in response.get_json()["error"]["message"]
    page = client.get("/policies/", query_string=params)
    assert page.status_code == 400 and message in page.get_data(as_text=True)


def test_odd_query_syntax_never_fails(client, archive):
    for q in ['"', "((", "OR", "-", "title:", "文号:", 'a "b', "<script>"]:
        assert client.get("/api/v1/policies/search", query_string={"q": q}).status_code == 200, q


def test_the_atom_feed_lists_a_search_newest_first(client, archive):
    response = client.get("/policies/feed.atom", query_string={"q": "限时办结"})
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)
    titles = [e.find(f"{ATOM}title").text for e in feed.findall(f"{ATOM}entry")]
    assert titles == [archive["b"].title, archive["a"].title]
    assert feed.find(f"{ATOM}entry/{ATOM}link").get("href").endswith(f"/policies/{archive['b'].id}")


def test_the_csv_export_holds_the_result_list(client, archive):
    response = client.get("/policies/export.csv", query_string={"q": "管理办法", "sort": "date"})
    text = response.get_data(as_text=True)
    assert response.mimetype == "text/csv" and text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["编号", "标题", "文号"]
    assert [row[2] for row in rows[1:]] == ["筑府发〔2019〕12号", "筑司通〔2016〕7号"]
    assert rows[2][7] == "废止" and rows[2][8] == "2020-10-30"


def test_the_document_api_returns_status_history_and_citation(client, archive):
    body = client.get(f"/api/v1/policies/{archive['c'].id}").get_json()
    assert body["status_changes"][-1] == {
        "from": "in_force",
        "to": "repealed",
        "effective_on": "2020-10-30",
        "reason": "规范性文件清理：与现行法律法规相冲突",
    }
    assert body["citation"].startswith(
        "《贵阳市行政规范性文件管理办法》（筑司通〔2016〕7号），贵阳市人民政府，2016年7月1日。"
    )


def test_the_document_page_offers_the_citation_with_a_copy_button(client, archive):
    html = client.get(f"/policies/{archive['a'].id}").get_data(as_text=True)
    assert "《贵阳市政务服务限时办结管理办法》（筑府发〔2019〕12号），贵阳市人民政府，2019年5月6日。" in html
    assert 'data-copy="#citation-text"' in html and re.search(r"policies-detail\.[0-9a-f]{12}\.js", html)


def test_the_home_page_has_a_policy_search_box_and_latest_documents(client, archive):
    html = client.get("/").get_data(as_text=True)
    assert 'id="home-policy-q"' in html and archive["b"].title in html


def test_active_filters_are_listed_with_links_that_remove_them(client, archive):
    html = client.get("/policies/", query_string={"q": "管理办法", "status": "repealed", "year": 2016}).get_data(
        as_text=True
    )
    assert "废止 ×" in html and "2016年 ×" in html
    assert 'href="/policies/?q=%E7%AE%A1%E7%90%86%E5%8A%9E%E6%B3%95&amp;year=2016"' in html  # status removed


@pytest.mark.parametrize("q", ["乡呼县应", "鄉呼縣應"])
def test_while_the_index_is_empty_the_database_answers_in_either_script(app, client, articles, q):
    from portal.search import indexer

    indexer.get_provider(app).clear()
    body = client.get("/api/v1/policies/search", query_string={"q": q}).get_json()
    laiwu = articles["laiwu-township-whistle.zh-Hant.txt"]
    assert body["degraded"] is True
    assert [r["id"] for r in body["results"]] == [laiwu.id]
    assert "<mark>鄉呼縣應</mark>" in body["results"][0]["snippet"]
    assert {f["value"]: f["count"] for f in body["facets"]["status"]} == {"in_force": 1}


def test_the_fallback_matches_document_numbers_in_every_bracket_style(app, client, archive):
    from portal.search import indexer

    indexer.get_provider(app).clear()
    for q in ("文号:筑府发[2019]12号", "筑府发（2019）12号"):
        body = client.get("/api/v1/policies/search", query_string={"q": q}).get_json()
        assert [r["id"] for r in body["results"]] == [archive["a"].id], q
    filtered = client.get("/api/v1/policies/search", query_string={"status": "repealed"}).get_json()
    assert [r["id"] for r in filtered["results"]] == [archive["c"].id]
    html = client.get("/policies/", query_string={"q": "限时办结"}).get_data(as_text=True)
    assert "检索索引正在更新" in html


def test_a_topic_link_finds_the_document_even_when_its_text_lacks_the_word(client, make_policy):
    policy = make_policy("贵阳市企业开办便利化若干规定", topics=["营商环境"], body="压缩企业开办时间。")
    html = client.get(f"/policies/{policy.id}").get_data(as_text=True)
    assert 'href="/policies/?q=%E8%90%A5%E5%95%86%E7%8E%AF%E5%A2%83"' in html
    body = client.get("/api/v1/policies/search", query_string={"q": "营商环境"}).get_json()
    assert [r["id"] for r in body["results"]] == [policy.id]


def test_an_estimated_total_says_so_on_the_page_and_in_the_api(client, make_policy, monkeypatch):
    from portal.search import engine, phrases

    for n in range(8):
        make_policy(f"贵阳市数据共享平台管理办法（第{n}号）", body="依托数据共享平台推进政务服务。")
    # As if the phrase had thousands of candidates: the total becomes a sampled estimate.
    monkeypatch.setattr(engine, "TEXT_CHECK_CANDIDATES", 0)
    monkeypatch.setattr(phrases, "SAMPLE", 3)
    api = client.get("/api/v1/policies/search", query_string={"q": '"共享平台"', "per_page": 2}).get_json()
    assert api["total_estimated"] is True and len(api["results"]) == 2
    page = client.get("/policies/", query_string={"q": '"共享平台"', "per_page": 2}).get_data(as_text=True)
    assert "找到约" in page
    exact = client.get("/api/v1/policies/search", query_string={"q": "共享平台"}).get_json()
    assert exact["total_estimated"] is False and exact["total"] == 8


@pytest.mark.parametrize("q", ['"(*:', "。，！", "OR", "-", "的"])
def test_a_query_of_punctuation_only_gets_a_message_not_the_whole_archive(client, archive, q):
    api = client.get("/api/v1/policies/search", query_string={"q": q})
    assert api.status_code == 200
    body = api.get_json()
    assert body["total"] == 0 and body["results"] == []
    assert "没有可以检索的文字" in body["notice"]
    page = client.get("/policies/", query_string={"q": q})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "没有可以检索的文字" in html and 'data-testid="result"' not in html
    # A real query next to the punctuation still searches.
    assert client.get("/api/v1/policies/search", query_string={"q": f"{q} 限时办结"}).get_json()["total"] == 2


def test_a_substring_of_a_word_finds_the_document_on_the_page(client, make_policy):
    policy = make_policy("关于全面推行乡呼县应工作机制的通知", body="全面推行乡呼县应，顶格推进，持续优化营商环境。")
    for q in ("乡呼", "顶格", "营商环", "乡呼县应", "鄉呼"):
        html = client.get("/policies/", query_string={"q": q}).get_data(as_text=True)
        assert f"/policies/{policy.id}" in html and "找到 1 件" in html, q


def test_the_year_facet_reaches_every_year_of_the_archive(client, make_policy):
    years = list(range(1996, 2026))  # thirty years, one document each, two in 2001
    for year in years:
        make_policy(f"{year}年度政务服务工作安排", published_on=date(year, 6, 1))
    make_policy("2001年补充通知", published_on=date(2001, 9, 1))
    api = client.get("/api/v1/policies/search").get_json()
    counts = {int(f["value"]): f["count"] for f in api["facets"]["year"]}
    assert counts == {year: 2 if year == 2001 else 1 for year in years}
    html = client.get("/policies/").get_data(as_text=True)
    for year in years:
        assert f'href="/policies/?year={year}" data-facet="year"' in html, year
    # A facet link selects that year.
    oldest = client.get("/policies/", query_string={"year": 1996}).get_data(as_text=True)
    assert "1996年度政务服务工作安排" in oldest and "找到 1 件" in oldest


def test_a_misspelt_query_gets_a_did_you_mean_link_on_the_page_and_in_the_api(client, make_policy):
    policy = make_policy("关于全面推行乡呼县应工作机制的通知", body="全面推行乡呼县应，持续优化营商环境。")
    for typo, right in (("营商坏境", "营商环境"), ("乡呼县映", "乡呼县应")):
        api = client.get("/api/v1/policies/search", query_string={"q": typo, "type": "办法"}).get_json()
        assert api["total"] == 0 and api["suggestion"]["q"] == right
        html = client.get("/policies/", query_string={"q": typo}).get_data(as_text=True)
        link = re.search(r'您是不是要找：<a href="([^"]+)">([^<]+)</a>', html)
        assert link and link.group(2) == right, html
        followed = client.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
        assert f"/policies/{policy.id}" in followed and "找到 1 件" in followed
