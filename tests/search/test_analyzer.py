import random
from pathlib import Path

import jieba
import pytest

from portal.search.analyzer import (
    SearchSegmenter,
    bigram_set,
    bigrams,
    doc_number_terms,
    index_terms,
    jieba_index_terms,
    looks_like_doc_number,
    normalize,
    normalize_aligned,
    normalize_doc_number,
    normalize_for_index,
    phrase_chars,
    query_terms,
)

CORPUS = sorted(Path("/work/shared/corpus").glob("*.txt"))


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


def test_bigram_set_is_the_distinct_bigrams():
    assert bigram_set("吹哨吹哨") == {"吹哨", "哨吹"} == set(bigrams("吹哨吹哨"))
    assert bigram_set("哨") == {"哨"} and bigram_set("") == set()


def test_phrase_chars_keeps_word_characters_only():
    assert phrase_chars("乡呼县应、吹哨 报到！gdp_2.5%") == "乡呼县应吹哨报到gdp_25"


def test_normalize_for_index_remembers_only_the_same_text():
    assert normalize_for_index("鄉呼縣應") == "乡呼县应"
    assert normalize_for_index("鄉呼縣應") == "乡呼县应"
    assert normalize_for_index("ＧＤＰ") == "gdp"


@pytest.mark.parametrize("path", CORPUS, ids=lambda path: path.name)
def test_fast_segmenter_gives_jieba_search_mode_terms_on_real_articles(path):
    text = normalize(path.read_text())
    assert index_terms(text) == jieba_index_terms(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "全市gdp增长12345热线abc def",
        "3.5%的增长-率 c++ a#b&c_d",
        "日本語のテキスト와한국어 ёж é",
        "a.b_c#d+e&f%g-h 12 345  x\r\ny\t",
        "𠀀𠀁乡呼县应吹哨报到接诉即办",
        "的了和是在",
        "...--%%",
    ],
)
def test_fast_segmenter_gives_jieba_search_mode_terms_on_odd_text(text):
    assert index_terms(text) == jieba_index_terms(text)


def test_fast_segmenter_gives_jieba_search_mode_terms_on_shuffled_text():
    """Random splices of real sentences with stray letters, digits and punctuation (word graph edge cases)."""
    source = "".join(normalize(path.read_text()) for path in CORPUS)
    rng = random.Random(20261123)
    noise = "abcxyz0123456789 .-_%#&+，。、“”（）\n𠀀"
    for _ in range(300):
        parts = []
        for _ in range(rng.randint(1, 6)):
            start = rng.randrange(len(source))
            parts.append(source[start : start + rng.randint(1, 40)])
            parts.append("".join(rng.choice(noise) for _ in range(rng.randint(0, 3))))
        text = "".join(parts)
        assert index_terms(text) == jieba_index_terms(text), text


@pytest.mark.parametrize(
    ("text", "words", "longer"),
    [
        ("甲乙丙", {"甲": 5, "乙": 1, "丙": 5, "甲乙": 9, "乙丙": 9}, "甲乙"),
        ("甲乙丙丁", {"甲": 5, "乙": 1, "丙": 1, "丁": 5, "甲乙丙": 9, "乙丙丁": 9}, "甲乙丙"),
    ],
)
def test_fast_segmenter_breaks_ties_like_jieba(tmp_path, text, words, longer):
    """Two routes with exactly the same score: jieba takes the longer word at the left (max over (score, end))."""
    dictionary = tmp_path / "dict.txt"
    dictionary.write_text("".join(f"{word} {freq}\n" for word, freq in words.items()))
    tokenizer = jieba.Tokenizer(str(dictionary))
    tokenizer.tmp_dir = str(tmp_path)
    tokenizer.initialize()
    expected = [t for t in tokenizer.cut_for_search(text, HMM=False) if t]
    assert longer in expected
    assert SearchSegmenter(tokenizer).terms(text) == expected
