"""Bulk rebuilds: segments written from memory are what whoosh writes, and any layout answers queries alike."""

import datetime as dt
import random

import pytest
from whoosh.codec.whoosh3 import W3Codec
from whoosh.filedb.filestore import FileStorage

from portal.search import SearchRequest, WhooshProvider, bulk
from portal.search import provider as provider_module
from portal.search.schema import ArchiveCodec, build_schema, to_fields
from tests.search.corpus_docs import corpus_docs

ISSUERS = ["市政府办公室", "市场监管局", "司法局"]
TYPES = ["通知", "意见", "方案"]
SENTENCES = [
    "推进数据共享平台建设，",
    "平台共享，享平安，",
    "落实吹哨报到和接诉即办机制。",
    "鄉呼縣應，吹哨報到。",
    "全市GDP增长12%，12345热线承接率提升。",
    "深化放管服改革，推行一网通办。",
]


def make_doc(n: int) -> dict:
    rng = random.Random(n)
    body = "".join(rng.choice(SENTENCES) for _ in range(rng.randint(1, 30))) + f"第{n}号。"
    return {
        "id": n,
        "title": f"关于第{n}号{rng.choice(['数据共享', '吹哨报到', '放管服'])}工作的{rng.choice(TYPES)}",
        "body": body,
        "doc_number": f"青政发〔{2015 + n % 9}〕{n}号" if n % 4 else None,
        "issuer": rng.choice(ISSUERS),
        "doc_type": rng.choice(TYPES),
        "status": rng.choice(["in_force", "repealed"]),
        "published_on": dt.date(2015, 1, 1) + dt.timedelta(days=(n * 37) % 2999) if n % 7 else None,
    }


def documents() -> list[dict]:
    return corpus_docs() + [make_doc(n) for n in range(10, 400)]


QUERIES = [
    SearchRequest(),
    SearchRequest(q="吹哨报到"),
    SearchRequest(q="数据 平台", per_page=50),
    SearchRequest(q="乡呼县应 OR 王清宪"),
    SearchRequest(q="平台 NOT 共享", page=2, per_page=10),
    SearchRequest(q='"共享平台"', per_page=100),
    SearchRequest(q='"数据共享平台"'),
    SearchRequest(q='"平台共享" OR "一网通办"', per_page=100),
    SearchRequest(q='平台 -"享平安"', per_page=100),
    SearchRequest(q="title:吹哨", doc_type="意见"),
    SearchRequest(q="承接率", year=2019),
    SearchRequest(q="gdp", sort="date", per_page=30),
    SearchRequest(q="文号:青政发〔2016〕10号"),
    SearchRequest(q="青政发", status="repealed"),
    SearchRequest(issuer="司法局", date_from=dt.date(2016, 1, 1), date_to=dt.date(2018, 12, 31), per_page=100),
]


def answers(provider: WhooshProvider) -> list:
    return [provider.search(request) for request in QUERIES]


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The index as whoosh's own writer makes it: one segment."""
    provider = WhooshProvider(tmp_path_factory.mktemp("reference"))
    provider.index_documents(documents())
    assert len(provider.view().segments) == 1
    return answers(provider)


def test_chunks_are_equal_and_a_multiple_of_the_processes():
    assert bulk.chunk_bounds(0, 2) == []
    assert bulk.chunk_bounds(10, 1, most=4) == [(0, 4), (4, 8), (8, 10)]
    assert bulk.chunk_bounds(10, 2, most=4) == [(0, 3), (3, 6), (6, 9), (9, 10)]
    assert bulk.chunk_bounds(100_000, 2) == [(0, 25_000), (25_000, 50_000), (50_000, 75_000), (75_000, 100_000)]
    assert bulk.chunk_bounds(60_000, 2) == [(0, 15_000), (15_000, 30_000), (30_000, 45_000), (45_000, 60_000)]
    assert bulk.chunk_bounds(3, 4, most=1) == [(0, 1), (1, 2), (2, 3)]


def test_a_built_segment_is_byte_for_byte_what_whoosh_writes(tmp_path):
    docs = documents()[:120]
    made = []
    for name, build in (("whoosh", "writer"), ("bulk", "builder")):
        ix = FileStorage(str(tmp_path / name), supports_mmap=False).create().create_index(build_schema())
        writer = ix.writer(codec=ArchiveCodec())
        if build == "writer":
            for doc in docs:
                writer.add_document(**to_fields(doc))
            writer.commit()
        else:
            segments = bulk.build_segments(ix, ArchiveCodec(), docs, to_fields)
            writer._close_segment()
            writer._commit_toc(segments)
            writer._finish()
        made.append(ix)
    readers = [ix.reader() for ix in made]
    terms = [list(reader.all_terms()) for reader in readers]
    assert terms[0] == terms[1] and len(terms[0]) > 1000
    for field, text in terms[0]:
        infos = [vars(reader.term_info(field, text)) for reader in readers]
        assert infos[0] == infos[1], (field, text)
    postings = []
    for ix, reader in zip(made, readers, strict=True):
        segment = reader.segment()
        store = segment.open_compound_file(ix.storage) if segment.is_compound() else ix.storage
        postings.append(store.open_file(segment.make_filename(W3Codec.POSTS_EXT)).read())
    assert postings[0] == postings[1]
    for docnum in range(len(docs)):
        assert readers[0].stored_fields(docnum) == readers[1].stored_fields(docnum)
        for field in ("title", "body", "doc_number"):
            assert readers[0].doc_field_length(docnum, field) == readers[1].doc_field_length(docnum, field)
    metas = [list(reader.column_reader("meta", translate=False)) for reader in readers]
    assert metas[0] == metas[1]


@pytest.mark.parametrize("procs", [1, 2])
def test_a_rebuild_in_many_segments_answers_like_one_segment(tmp_path, monkeypatch, reference, procs):
    monkeypatch.setattr(bulk, "CHUNK_DOCS", 37)
    provider = WhooshProvider(tmp_path, procs=procs)
    assert provider.rebuild(iter(documents())) == len(documents())
    assert len(provider.view().segments) == len(bulk.chunk_bounds(len(documents()), procs, most=37)) > 10
    got = answers(provider)
    for request, mine, theirs in zip(QUERIES, got, reference, strict=True):
        assert mine == theirs, request
    assert any(response.total > 20 for response in got)


def test_a_rebuild_then_updates_leave_the_big_segments_alone(tmp_path, monkeypatch):
    monkeypatch.setattr(bulk, "CHUNK_DOCS", 20)
    monkeypatch.setattr(provider_module, "BIG_SEGMENT", 20)
    provider = WhooshProvider(tmp_path)
    provider.rebuild([make_doc(n) for n in range(10, 130)])  # six segments of 20
    rebuilt = {leaf.segment().segment_id() for leaf, _, _ in provider.view().segments}
    for n in range(130, 145):  # one segment each; whoosh would merge everything into one before long
        provider.index_documents([make_doc(n)])
    provider.index_documents([dict(make_doc(12), body="融媒问政")])  # replaces a document of a big segment
    segments = {leaf.segment().segment_id(): leaf.doc_count_all() for leaf, _, _ in provider.view().segments}
    assert rebuilt <= set(segments)
    assert len(segments) < len(rebuilt) + 16  # the small ones were merged
    assert provider.search(SearchRequest(per_page=1)).total == 135
    assert [hit.id for hit in provider.search(SearchRequest(q="融媒问政")).hits] == [12]


@pytest.mark.parametrize("procs", [1, 2])
def test_a_failed_rebuild_leaves_the_index_writable(tmp_path, monkeypatch, procs):
    monkeypatch.setattr(bulk, "CHUNK_DOCS", 10)
    provider = WhooshProvider(tmp_path, procs=procs)
    docs = [make_doc(n) for n in range(10, 50)]
    broken = [*docs[:25], {"title": "没有编号"}, *docs[25:]]
    with pytest.raises(KeyError):
        provider.rebuild(broken)
    assert provider.rebuild(docs) == 40
    assert provider.search(SearchRequest()).total == 40


def test_with_another_whoosh_a_rebuild_uses_whooshs_writer_and_queries_read_the_generic_way(
    tmp_path, monkeypatch, reference
):
    """The guards of bulk.NEEDS and segments.BLOCK_NEEDS: when a private part they rely on has moved, the rebuild
    is whoosh's own writer and postings are read posting by posting, with the same answers."""
    from whoosh.codec.whoosh3 import W3LeafMatcher

    from portal import internals
    from portal.internals import Need
    from portal.search import segments

    def block_read(*args):
        raise AssertionError("a fast path ran although its needs do not hold")

    monkeypatch.setattr(bulk, "NEEDS", (*bulk.NEEDS, Need(bulk.SegmentWriter, "_flush_postings")))
    monkeypatch.setattr(segments, "BLOCK_NEEDS", (*segments.BLOCK_NEEDS, Need(W3LeafMatcher, "_read_block")))
    monkeypatch.setattr(segments, "accumulate", block_read)  # decodes the blocks of the fast path only
    monkeypatch.setattr(bulk, "build_segments", block_read)
    for feature in (bulk.FEATURE, segments.BLOCK_READER):
        internals.forget(feature)
    segments._segment_cache.clear()
    try:
        provider = WhooshProvider(tmp_path)
        assert provider.rebuild(iter(documents())) == len(documents())
        for request, mine, theirs in zip(QUERIES, answers(provider), reference, strict=True):
            assert mine == theirs, request
    finally:
        for feature in (bulk.FEATURE, segments.BLOCK_READER):
            internals.forget(feature)
        segments._segment_cache.clear()
