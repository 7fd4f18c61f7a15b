"""Generations that share segments: per-segment caches are reused, and combined results stay exact."""

import datetime as dt
import random
from collections import Counter

import pytest
import whoosh.index

from portal.search import SearchRequest, WhooshProvider, engine, phrases
from portal.search.schema import to_fields

ISSUERS = ["市政府办公室", "市场监管局", "司法局"]
TYPES = ["通知", "意见", "方案"]


def make_doc(n: int) -> dict:
    rng = random.Random(n)
    day = dt.date(2015, 1, 1) + dt.timedelta(days=(n * 37) % 2999)  # distinct dates, not in id order
    # Every document holds the bigrams of "共享平台"; only those with n % 3 hold the phrase itself.
    body = f"第{n}号文件。" + ("推进数据共享平台建设，" if n % 3 else "平台共享，享平安，") + "数智督查"
    return {
        "id": n,
        "title": f"关于第{n}号工作的{rng.choice(TYPES)}",
        "body": body,
        "issuer": rng.choice(ISSUERS),
        "doc_type": rng.choice(TYPES),
        "status": "in_force",
        "published_on": day if n % 7 else None,
    }


def add_segment(path, docs) -> None:
    """Commit ``docs`` as a segment of its own (no merge), like a bulk load with several segments."""
    writer = whoosh.index.open_dir(str(path)).writer()
    for doc in docs:
        writer.update_document(**to_fields(doc))
    writer.commit(merge=False)


@pytest.fixture
def segmented(tmp_path):
    provider = WhooshProvider(tmp_path)
    docs = {n: make_doc(n) for n in range(1, 61)}
    for start in (1, 21, 41):
        add_segment(tmp_path, [docs[n] for n in range(start, start + 20)])
    return provider, docs


def expected_facets(docs: dict, predicate=lambda doc: True) -> dict:
    chosen = [doc for doc in docs.values() if predicate(doc)]
    return {
        "issuer": Counter(doc["issuer"] for doc in chosen),
        "doc_type": Counter(doc["doc_type"] for doc in chosen),
        "year": Counter(doc["published_on"].year for doc in chosen if doc["published_on"]),
    }


def newest_ids(docs: dict) -> list[int]:
    return [doc["id"] for doc in sorted(docs.values(), key=lambda d: d["published_on"] or dt.date.min, reverse=True)]


def test_adding_one_document_reuses_the_untouched_segments_caches(segmented):
    provider, _ = segmented
    provider.search(SearchRequest(q="数智督查"))
    before = {leaf.segment().segment_id(): data for leaf, _, data in provider.view().segments}
    assert len(before) == 3
    provider.index_documents([make_doc(61)])
    provider.search(SearchRequest(q="数智督查"))
    after = {leaf.segment().segment_id(): data for leaf, _, data in provider.view().segments}
    reused = [sid for sid in before if sid in after]
    assert reused and all(after[sid] is before[sid] for sid in reused)
    assert set(after) - set(before)  # the new document's segment was read, nothing else rebuilt


def test_facets_and_date_order_are_exact_after_a_new_segment(segmented, monkeypatch):
    provider, docs = segmented
    provider.search(SearchRequest())
    docs[61] = make_doc(61)
    docs[61]["published_on"] = dt.date(2030, 1, 1)
    provider.index_documents([docs[61]])
    response = provider.search(SearchRequest(per_page=100))
    assert response.total == 61
    want = expected_facets(docs)
    for name in ("issuer", "doc_type", "year"):
        assert dict(response.facets[name]) == dict(want[name]), name
    by_date = [hit.id for hit in provider.search(SearchRequest(sort="date", per_page=100)).hits]
    assert by_date[0] == 61
    dated = [doc_id for doc_id in newest_ids(docs) if docs[doc_id]["published_on"]]
    assert by_date[: len(dated)] == dated
    monkeypatch.setattr(engine, "_SMALL_MATCH_SET", 0)  # the per-segment walk used for big match sets
    walked = [hit.id for hit in provider.search(SearchRequest(sort="date", per_page=100)).hits]
    assert walked == by_date


def test_replacing_a_document_in_an_old_segment_masks_its_old_version(segmented):
    provider, docs = segmented
    provider.search(SearchRequest(q="数智督查"))
    provider.index_documents([dict(docs[5], body="融媒问政", issuer="新机关")])
    assert provider.search(SearchRequest(q="数智督查")).total == 59
    assert [hit.id for hit in provider.search(SearchRequest(q="融媒问政")).hits] == [5]
    facets = dict(provider.search(SearchRequest()).facets["issuer"])
    assert facets["新机关"] == 1 and sum(facets.values()) == 60


def test_date_range_spans_segments(segmented):
    provider, docs = segmented
    first, last = dt.date(2016, 1, 1), dt.date(2019, 12, 31)
    want = {n for n, doc in docs.items() if doc["published_on"] and first <= doc["published_on"] <= last}
    response = provider.search(SearchRequest(date_from=first, date_to=last, per_page=100))
    assert {hit.id for hit in response.hits} == want


PHRASE_DOCS = {n for n in range(1, 61) if n % 3}


def test_a_deferred_common_phrase_returns_only_documents_holding_it(segmented, monkeypatch):
    provider, _ = segmented
    monkeypatch.setattr(engine, "TEXT_CHECK_CANDIDATES", 0)  # as if the phrase had thousands of candidates
    response = provider.search(SearchRequest(q='"共享平台"', per_page=100))
    assert {hit.id for hit in response.hits} == PHRASE_DOCS
    assert response.total == len(PHRASE_DOCS)  # page not filled: every candidate was checked
    assert not response.estimated
    by_date = provider.search(SearchRequest(q='"共享平台"', sort="date", per_page=100))
    assert {hit.id for hit in by_date.hits} == PHRASE_DOCS


def test_a_deferred_phrase_fills_pages_with_real_matches_and_estimates_the_total(segmented, monkeypatch):
    provider, _ = segmented
    monkeypatch.setattr(engine, "TEXT_CHECK_CANDIDATES", 0)
    monkeypatch.setattr(phrases, "SAMPLE", 6)
    seen = []
    for page in (1, 2, 3):
        response = provider.search(SearchRequest(q='"共享平台"', per_page=5, page=page))
        assert len(response.hits) == 5
        assert len(seen) + 5 <= response.total <= 60
        assert response.estimated, "a sampled total must say it is an estimate"
        assert sum(count for _, count in response.facets["issuer"]) <= 60
        seen.extend(hit.id for hit in response.hits)
    assert set(seen) <= PHRASE_DOCS and len(set(seen)) == 15


def test_phrases_under_not_and_or_stay_exact_when_common(segmented, monkeypatch):
    provider, _ = segmented
    assert not provider.view().searcher.schema["body_bigrams"].format.supports("positions")  # text checks only
    monkeypatch.setattr(engine, "TEXT_CHECK_CANDIDATES", 0)
    excluded = provider.search(SearchRequest(q='数智督查 NOT "共享平台"', per_page=100))
    assert {hit.id for hit in excluded.hits} == set(range(1, 61)) - PHRASE_DOCS
    assert excluded.total == 20
    either = provider.search(SearchRequest(q='"共享平台" OR "不存在的短语"', per_page=100))
    assert {hit.id for hit in either.hits} == PHRASE_DOCS and either.total == 40


def test_a_phrase_checked_on_stored_text_is_exact_across_segments(segmented):
    provider, _ = segmented
    response = provider.search(SearchRequest(q='"數據共享平臺"', per_page=100))  # Traditional input, normalised
    assert {hit.id for hit in response.hits} == PHRASE_DOCS and response.total == 40
    assert dict(response.facets["issuer"]) == dict(expected_facets({n: make_doc(n) for n in PHRASE_DOCS})["issuer"])


def test_a_deferred_phrase_its_candidates_never_hold_is_resolved_exactly(segmented, monkeypatch):
    provider, _ = segmented
    monkeypatch.setattr(engine, "TEXT_CHECK_CANDIDATES", 0)
    monkeypatch.setattr(phrases, "SAMPLE", 4)  # fewer than the 20 candidates: the sample finds none
    calls = []
    resolve = engine.IndexView.resolve
    monkeypatch.setattr(
        engine.IndexView, "resolve", lambda view, pending: calls.append(pending) or resolve(view, pending)
    )
    response = provider.search(SearchRequest(q='"共享平安"'))  # the decoys hold 共享, 享平 and 平安, not the phrase
    assert response.total == 0 and response.hits == [] and calls
