import pytest

from portal.search.query import And, Not, Or, Phrase, Term, parse


def test_terms_are_anded_by_default():
    assert parse("乡呼县应 吹哨报到") == And((Term("乡呼县应"), Term("吹哨报到")))


def test_or_binds_tighter_than_implicit_and():
    assert parse("承接率 OR 办结率 莱西") == And((Or((Term("承接率"), Term("办结率"))), Term("莱西")))


@pytest.mark.parametrize("q", ["工单 -新闻", "工单 NOT 新闻"])
def test_exclusion(q):
    assert parse(q) == And((Term("工单"), Not(Term("新闻"))))


@pytest.mark.parametrize("q", ['"吹哨报到"', "“吹哨报到”", "「吹哨报到」"])
def test_quoted_phrases(q):
    assert parse(q) == Phrase("吹哨报到")


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("title:满意率", Term("满意率", "title")),
        ("标题：满意率", Term("满意率", "title")),
        ("文號：青政發（2021）5號", Term("青政发(2021)5号", "doc_number")),
        ("doc_number:青政发[2021]5号", Term("青政发[2021]5号", "doc_number")),
        ("发文机关:青岛", Term("青岛", "issuer")),
        ("issuer:青岛", Term("青岛", "issuer")),
    ],
)
def test_field_search_and_aliases(q, expected):
    assert parse(q) == expected


def test_traditional_query_is_normalised():
    assert parse("鄉呼縣應") == Term("乡呼县应")


@pytest.mark.parametrize(
    "q", ['"unbalanced', "((( a", ")))a(((", "a OR", "NOT", "-", "OR", "", "   ", '"" ()', "a:b:c"]
)
def test_bad_syntax_never_raises(q):
    parse(q)


def test_unbalanced_quote_degrades_to_plain_terms():
    assert parse('"吹哨 报到') == And((Term("吹哨"), Term("报到")))
