import datetime as dt
import threading

import pytest
import whoosh.index

from portal.search import SearchRequest, WhooshProvider
from tests.search.corpus_docs import IDS, corpus_docs


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    provider = WhooshProvider(tmp_path_factory.mktemp("index"))
    provider.index_documents(corpus_docs())
    return provider


def ids(provider, q="", **filters):
    return [hit.id for hit in provider.search(SearchRequest(q=q, **filters)).hits]


@pytest.mark.parametrize(
    ("article", "terms"),
    [
        ("laixi", ["呼应联动", "承接率", "顶格推进"]),
        ("laiwu", ["乡呼县应", "吹哨报到", "职责边界清单"]),
        ("guiyang", ["融媒问政", "数智督查", "限时办结"]),
        ("qingdao_campaign", ["高效青岛", "任务台账", "攻势"]),
        ("qingdao_reengineering", ["公开答辩", "王清宪", "企业家"]),
    ],
)
def test_each_article_is_found_in_top_three_by_its_key_terms(provider, article, terms):
    for term in terms:
        assert IDS[article] in ids(provider, term)[:3], term


@pytest.mark.parametrize("q", ["乡呼县应", "鄉呼縣應", "吹哨報到", "萊蕪"])
def test_either_script_finds_the_traditional_article(provider, q):
    assert ids(provider, q)[0] == IDS["laiwu"]


def test_traditional_query_finds_simplified_articles(provider):
    assert IDS["guiyang"] in ids(provider, "融媒問政")


def test_sub_word_of_a_domain_term_still_matches(provider):
    assert IDS["laiwu"] in ids(provider, "吹哨")


@pytest.mark.parametrize("q", ['"吹哨报到"', '"鄉呼縣應、吹哨報到"', '"乡呼县应吹哨报到"', '"高效青岛"'])
def test_phrases_that_must_match(provider, q):
    assert ids(provider, q), q


@pytest.mark.parametrize("q", ['"报到吹哨"', '"呼县乡应"', '"高效青岛乡呼县应"', '"融媒问政 王清宪"'])
def test_phrases_that_must_not_match(provider, q):
    assert ids(provider, q) == [], q


def test_phrase_needs_characters_in_order_while_words_do_not(provider):
    assert ids(provider, "青岛 高效")  # both words appear somewhere
    assert ids(provider, '"青岛高效"') == []


def test_and_is_the_default(provider):
    assert ids(provider, "融媒问政 王清宪") == []
    assert set(ids(provider, "流程再造")) >= {IDS["laiwu"], IDS["qingdao_reengineering"]}


def test_or_and_not(provider):
    assert set(ids(provider, "融媒问政 OR 王清宪")) == {IDS["guiyang"], IDS["qingdao_reengineering"]}
    with_not = set(ids(provider, "流程再造 -王清宪"))
    assert IDS["qingdao_reengineering"] not in with_not and IDS["laiwu"] in with_not
    assert set(ids(provider, "流程再造 NOT 王清宪")) == with_not


def test_title_field(provider):
    assert ids(provider, "title:高效青岛") == [IDS["qingdao_campaign"]]
    assert ids(provider, "title:王清宪") == []  # only in the body


@pytest.mark.parametrize(
    "number", ["青政办发〔2021〕5号", "青政办发[2021]5号", "青政办发（2021）5号", "青政办发【2021】5号"]
)
def test_doc_number_variants_find_the_document(provider, number):
    assert ids(provider, f"文号:{number}") == [IDS["qingdao_campaign"]]
    assert ids(provider, f"doc_number:{number}") == [IDS["qingdao_campaign"]]
    assert IDS["qingdao_campaign"] in ids(provider, number)


def test_issuer_field(provider):
    assert set(ids(provider, "发文机关:青岛")) == {IDS["qingdao_campaign"], IDS["qingdao_reengineering"]}
    assert ids(provider, "issuer:萊蕪區") == [IDS["laiwu"]]


def test_facets_count_the_match_set_with_other_filters(provider):
    response = provider.search(SearchRequest(q="流程再造"))
    assert response.total == 4
    assert dict(response.facets["doc_type"]) == {"解读": 1, "新闻": 1, "方案": 1, "意见": 1}
    filtered = provider.search(SearchRequest(q="流程再造", doc_type="意见"))
    assert filtered.total == 1 and [h.id for h in filtered.hits] == [IDS["qingdao_reengineering"]]
    # the doc_type facet ignores its own filter (so other values stay selectable), the others apply it
    assert dict(filtered.facets["doc_type"]) == {"解读": 1, "新闻": 1, "方案": 1, "意见": 1}
    assert dict(filtered.facets["year"]) == {2019: 1}
    assert dict(filtered.facets["status"]) == {"repealed": 1}


def test_status_filter_accepts_code_or_label(provider):
    assert ids(provider, status="现行有效") == ids(provider, status="in_force")
    assert set(ids(provider, status="in_force")) == {IDS["laixi"], IDS["laiwu"]}


def test_year_and_date_filters(provider):
    assert set(ids(provider, year=2020)) == {IDS["laixi"], IDS["guiyang"]}
    assert ids(provider, date_from=dt.date(2020, 12, 1), date_to=dt.date(2020, 12, 31)) == [IDS["guiyang"]]


def test_year_from_a_form_string_and_junk_filters(provider):
    assert set(ids(provider, year="2020")) == {IDS["laixi"], IDS["guiyang"]}
    assert ids(provider, year="two thousand") == []


def test_sort_by_date_newest_first(provider):
    # campaign: written 2021; guiyang: published 2020-12-14; laixi: written 2020; reengineering: 2019; laiwu: undated
    expected = ["qingdao_campaign", "guiyang", "laixi", "qingdao_reengineering", "laiwu"]
    assert ids(provider, "满意率 OR 满意度", sort="date") == [IDS[name] for name in expected]


def test_pagination(provider):
    every = ids(provider, per_page=5)
    pages = ids(provider, per_page=2) + ids(provider, per_page=2, page=2) + ids(provider, per_page=2, page=3)
    assert pages == every and len(every) == 5
    assert ids(provider, per_page=2, page=4) == []
    assert provider.search(SearchRequest(per_page=2, page=3)).total == 5


def test_highlights_mark_original_text(provider):
    hit = provider.search(SearchRequest(q="乡呼县应")).hits[0]
    assert "<mark>鄉呼縣應</mark>" in hit.title_html
    assert "<mark>鄉呼縣應</mark>" in hit.snippet_html


def test_bad_queries_never_raise(provider):
    for q in ['"', "(((", "OR OR", "-", "title:", "文号:", "\x00", "NOT NOT x", "a" * 2000]:
        provider.search(SearchRequest(q=q))


def test_snippets_escape_html(tmp_path):
    provider = WhooshProvider(tmp_path)
    body = "正文<script>alert('吹哨')</script> 吹哨报到 & <b>粗体</b>"
    provider.index_documents([{"id": 7, "title": "<i>吹哨</i>", "body": body, "issuer": "x", "status": "in_force"}])
    hit = provider.search(SearchRequest(q="吹哨")).hits[0]
    assert "<script>" not in hit.snippet_html and "&lt;script&gt;" in hit.snippet_html
    assert "&lt;b&gt;" in hit.snippet_html and "&amp;" in hit.snippet_html
    assert hit.title_html == "&lt;i&gt;<mark>吹哨</mark>&lt;/i&gt;"


def test_upsert_and_delete(tmp_path):
    provider = WhooshProvider(tmp_path)
    provider.index_documents([{"id": 1, "title": "旧标题", "body": "融媒问政", "issuer": "甲"}])
    provider.index_documents([{"id": 1, "title": "新标题", "body": "数智督查", "issuer": "甲"}])
    assert ids(provider, "融媒问政") == [] and ids(provider, "数智督查") == [1]
    assert provider.search(SearchRequest()).total == 1
    provider.delete([1])
    assert provider.search(SearchRequest()).total == 0
    provider.index_documents([{"id": 2, "title": "t", "body": "b"}])
    provider.clear()
    assert provider.search(SearchRequest()).total == 0


def test_deleted_documents_left_in_a_segment_are_never_returned(tmp_path):
    provider = WhooshProvider(tmp_path)
    provider.index_documents([{"id": n, "title": f"文件{n}", "body": "数智督查"} for n in range(1, 4)])
    writer = whoosh.index.open_dir(str(tmp_path)).writer()  # e.g. the indexer process, without merging
    writer.delete_by_term("id", "2")
    writer.commit(merge=False)
    assert sorted(ids(provider, "数智督查")) == [1, 3]
    assert provider.search(SearchRequest(q="数智督查")).total == 2
    assert sorted(ids(provider, "数智督查", sort="date")) == [1, 3]


def test_concurrent_writers_never_see_lock_errors(tmp_path):
    errors: list[BaseException] = []
    providers = [WhooshProvider(tmp_path), WhooshProvider(tmp_path)]  # two handles, like two app instances

    def publish(worker: int) -> None:
        try:
            for n in range(5):
                doc_id = worker * 100 + n
                providers[worker % 2].index_documents([{"id": doc_id, "title": f"文件{doc_id}", "body": "吹哨报到"}])
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=publish, args=(worker,)) for worker in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert providers[0].search(SearchRequest(q="吹哨报到")).total == 30


@pytest.fixture(scope="module")
def runs_provider(tmp_path_factory):
    provider = WhooshProvider(tmp_path_factory.mktemp("runs"))
    provider.index_documents(
        [
            {
                "id": 1,
                "title": "关于推行乡呼县应工作机制的通知",
                "body": "全面推行乡呼县应，顶格推进，持续优化营商环境。",
            },
            {"id": 2, "title": "其他文件", "body": "乡里呼吁县里应当及时处理群众诉求。"},
            {"id": 3, "title": "中华人民共和国行政许可法", "body": "为了规范行政许可的设定和实施。"},
            {"id": 4, "title": "说明", "body": "人民共和国的名称。"},  # the same word standing alone
        ]
    )
    return provider


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("乡呼", [1]),  # segmented 乡 / 呼: single characters the index never holds inside 乡呼县应
        ("顶格", [1]),  # inside the domain word 顶格推进
        ("营商环", [1]),  # 营商 / 环: a run across the words 营商 and 环境
        ("呼县应", [1]),
        ("县应", [1]),
        ("乡呼县应", [1]),  # the whole word, as before
        ("鄉呼", [1]),  # Traditional input
        ("人民共和国", [3, 4]),  # a dictionary word, alone in 4 and inside 中华人民共和国 in 3
        ("title:乡呼", [1]),
        ("title:顶格", []),  # only in the body
        ("乡呼 -顶格", []),
        ("乡呼 OR 许可", [1, 3]),
        ("呼县 顶格", [1]),
    ],
)
def test_any_run_of_two_or_more_characters_inside_a_word_finds_it(runs_provider, q, expected):
    assert sorted(ids(runs_provider, q)) == expected, q


def test_a_run_is_highlighted_whole(runs_provider):
    hit = runs_provider.search(SearchRequest(q="营商环")).hits[0]
    assert "<mark>营商环</mark>" in hit.snippet_html


@pytest.mark.parametrize(
    ("q", "suggestion"),
    [
        ("营商坏境", "营商环境"),  # 坏 huai for 环 huan: one letter off
        ("乡呼县映", "乡呼县应"),  # 映 for 应: the same ying
        ("鄉呼縣映", "乡呼县应"),  # Traditional input, suggested in the index's script
        ('"营商坏境"', '"营商环境"'),
        ("营商坏境 -许可", "营商环境 -许可"),  # only the misspelt word changes
    ],
)
def test_a_misspelt_query_gets_a_suggestion_from_the_index_terms(runs_provider, q, suggestion):
    response = runs_provider.search(SearchRequest(q=q))
    assert response.total == 0 and response.suggestion == suggestion
    assert runs_provider.search(SearchRequest(q=suggestion)).total >= 1


@pytest.mark.parametrize("q", ["营商环境", "完全无关的词", "xyz", "营商环境 -推行"])
def test_no_suggestion_when_the_query_finds_documents_or_nothing_is_close(runs_provider, q):
    assert runs_provider.search(SearchRequest(q=q)).suggestion is None


def test_suggestions_come_from_the_index_not_a_dictionary(tmp_path):
    provider = WhooshProvider(tmp_path / "index")
    provider.index_documents([{"id": 1, "title": "通知", "body": "乡呼县应"}])
    assert provider.search(SearchRequest(q="营商坏境")).suggestion is None  # 营商环境 is in no document
    provider.index_documents([{"id": 2, "title": "意见", "body": "优化营商环境"}])
    assert provider.search(SearchRequest(q="营商坏境")).suggestion == "营商环境"


def test_a_suggestion_finds_documents_within_the_chosen_filters(tmp_path):
    provider = WhooshProvider(tmp_path / "index")
    provider.index_documents(
        [
            {"id": 1, "title": "通知", "body": "优化营商环境", "doc_type": "通知", "published_on": dt.date(2020, 1, 2)},
            {"id": 2, "title": "意见", "body": "营商", "doc_type": "意见", "published_on": dt.date(2021, 1, 2)},
        ]
    )
    assert provider.search(SearchRequest(q="营商坏境", doc_type="通知")).suggestion == "营商环境"
    assert provider.search(SearchRequest(q="营商坏境", doc_type="意见")).suggestion is None
    assert provider.search(SearchRequest(q="营商坏境", date_from=dt.date(2021, 1, 1))).suggestion is None
