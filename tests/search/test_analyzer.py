import pytest

from portal.search.analyzer import (
    bigrams,
    doc_number_terms,
    index_terms,
    looks_like_doc_number,
    normalize,
    normalize_aligned,
    normalize_doc_number,
    query_terms,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("鄉呼縣應、吹哨報到", "乡呼县应、吹哨报到"),
        ("萊蕪區12345熱線", "莱芜区12345热线"),
        ("ＧＤＰ增长１２％", "gdp增长12%"),
        ("GDP", "gdp"),
        ("Ｗｏｒｋ　Ｏｒｄｅｒ", "work order"),
        ("乡呼县应", "乡呼县应"),
    ],
)
def test_normalize_folds_script_width_and_case(text, expected):
    assert normalize(text) == expected


def test_traditional_and_simplified_segment_to_the_same_terms():
    assert query_terms("鄉呼縣應") == query_terms("乡呼县应") == ["乡呼县应"]


@pytest.mark.parametrize("word", ["乡呼县应", "吹哨报到", "承接率", "办结率", "满意率", "12345"])
def test_domain_words_stay_whole_terms(word):
    assert query_terms(word) == [word]


def test_search_mode_indexes_whole_domain_word_and_its_sub_words():
    terms = index_terms(normalize("萊蕪區推行吹哨報到機制"))
    assert {"吹哨报到", "吹哨", "报到"} <= set(terms)


def test_mixed_latin_and_digits_are_separate_terms():
    assert query_terms("12345热线") == ["12345", "热线"]
    assert "gdp" in index_terms(normalize("全市GDP增长"))


def test_normalize_aligned_keeps_length_and_positions():
    original = "萊蕪區“鄉呼縣應”ＡＢＣ"
    aligned = normalize_aligned(original)
    assert len(aligned) == len(original)
    assert aligned.index("乡呼县应") == original.index("鄉呼縣應")


def test_normalize_aligned_falls_back_when_conversion_changes_length():
    original = "İstanbul 鄉呼縣應"  # "İ".lower() is two code points
    aligned = normalize_aligned(original)
    assert len(aligned) == len(original)
    assert aligned.endswith("乡呼县应")


@pytest.mark.parametrize(
    "number",
    [
        "青政发〔2021〕5号",
        "青政发[2021]5号",
        "青政发(2021)5号",
        "青政发（2021）5号",
        "青政发【2021】5号",
        "青政發〔2021〕5號",
    ],
)
def test_doc_number_variants_normalise_alike(number):
    assert normalize_doc_number(number) == "青政发(2021)5号"
    assert looks_like_doc_number(number)


def test_doc_number_terms_include_prefix_and_year():
    assert doc_number_terms("青政发〔2021〕5号") == ["青政发(2021)5号", "青政发", "青政发(2021)"]


def test_bigrams_are_sequential():
    assert bigrams("吹哨报到") == ["吹哨", "哨报", "报到"]
    assert bigrams("哨") == ["哨"]
