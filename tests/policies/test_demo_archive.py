"""The demo archive reads like real government documents, and every search example of the README finds what it
promises, on the archive `flask demo load` builds."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa

from portal.policies import demo
from portal.policies.models import Policy, PolicyVersion

README = Path(__file__).resolve().parents[2] / "README.md"
# A run of 2–4 Chinese characters written twice in a row: 优化优化, 管理管理.
DOUBLED = re.compile(r"([\u4e00-\u9fff]{2,4})\1")
# Reduplications that are good Chinese (一锤一锤接着敲).
GOOD_REDUPLICATION = {"一锤"}
BYLINE = re.compile(r"(作者|来源|编辑|值班主编)\s*[:：]|责任编辑|我的位置|评论一下|document\.|function\s*\(")
# 文号 prefix: the city of its first character, and who issues under it.
CITY = {"筑": "贵阳", "青": "青岛"}


def expected_office(prefix: str) -> str | None:
    """The kind of issuer a 文号 prefix belongs to: the government (筑府发, 青政发), its general office
    (筑府办发, 青政办发), else a department (None)."""
    if prefix.endswith(("政发", "府发")):
        return "人民政府"
    if prefix.endswith(("政办发", "府办发")):
        return "人民政府办公厅"
    return None


# The archive is loaded once for this module (it takes a while): the tables and the index are emptied after the
# module instead of after each test, which only read it.
@pytest.fixture(scope="module")
def _loaded(app):
    from portal.extensions import db
    from portal.search import cursor, indexer
    from tests.support import databases

    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(app.config, "SEARCH_INDEXER", "sync")
        with app.app_context():
            indexer.get_provider(app).clear()
            cursor.forget(indexer.index_dir(app))
        with app.test_request_context():
            demo.load_policies()
        yield
        with app.app_context():
            db.session.remove()
            databases.empty_all_tables(db.engine, db.metadata)
            indexer.get_provider(app).clear()
            cursor.forget(indexer.index_dir(app))


@pytest.fixture(autouse=True)
def _clean_database():
    """Overrides the suite's per-test cleaning: ``_loaded`` cleans after the module."""
    yield


@pytest.fixture(autouse=True)
def _search_index():
    """Overrides the per-test empty index of the policy tests: the module shares the loaded one."""
    yield


@pytest.fixture
def archive(_loaded, db) -> list[Policy]:
    return list(db.session.scalars(sa.select(Policy).order_by(Policy.id)))


@pytest.mark.slow
def test_the_demo_archive_reads_like_real_government_documents(archive, db):
    assert len(archive) > 250
    repeated = [title for title, n in Counter(p.title for p in archive).items() if n > 1]
    assert repeated == []
    texts = [(p.title, p.title) for p in archive] + [
        (v.policy.title, text) for v in db.session.scalars(sa.select(PolicyVersion)) for text in (v.title, v.body_text)
    ]
    doubled = [
        (title, m.group(0))
        for title, text in texts
        for m in DOUBLED.finditer(text)
        if m.group(1) not in GOOD_REDUPLICATION
    ]
    assert doubled == []
    bylines = [(p.title, line) for p in archive for line in p.body_text.splitlines() if BYLINE.search(line)]
    assert bylines == []
    for p in archive:
        assert p.body_text.strip() and "\n\n\n" not in p.body_text, p.title


@pytest.mark.slow
def test_every_document_number_belongs_to_the_issuer_that_issued_it(archive):
    numbered = [p for p in archive if p.doc_number]
    assert len(numbered) > 200
    issuers_by_prefix: dict[str, set[str]] = {}
    for p in numbered:
        prefix = re.split(r"[〔\[(（【]", p.doc_number, maxsplit=1)[0]
        issuers_by_prefix.setdefault(prefix, set()).add(p.issuer)
        assert p.issuer.startswith(CITY[prefix[0]]), (p.doc_number, p.issuer)
        office = expected_office(prefix)
        if office:
            assert p.issuer == CITY[prefix[0]] + "市" + office, (p.doc_number, p.issuer)
        else:
            assert not p.issuer.endswith(("人民政府", "办公厅")), (p.doc_number, p.issuer)
        if p.doc_type in ("规定", "决定"):  # issued by the government (or its office) only
            assert office, (p.title, p.issuer)
        if "关于" in p.title:
            assert p.title.startswith(p.issuer + "关于"), (p.title, p.issuer)
    assert {prefix: len(names) for prefix, names in issuers_by_prefix.items() if len(names) > 1} == {}
    assert issuers_by_prefix["青政发"] == {"青岛市人民政府"}
    assert issuers_by_prefix["筑府发"] == {"贵阳市人民政府"}


# The examples on README's 政策文库 line, and the document each must find.
README_EXAMPLES = {
    "乡呼县应": "corpus:laiwu-township-whistle.zh-Hant.txt",
    "鄉呼縣應": "corpus:laiwu-township-whistle.zh-Hant.txt",
    '"吹哨报到"': "corpus:laiwu-township-whistle.zh-Hant.txt",
    "文号:青政发〔2021〕5号": "demo:document:qingdao-efficiency-campaign-3",
}


def readme_examples() -> list[str]:
    line = next(line for line in README.read_text(encoding="utf-8").splitlines() if "**政策文库**" in line)
    text = line.split("search", 1)[1].split(";", 1)[0]
    return [example.strip(" .") for example in re.split(r"\s+or\s+|,\s*", text) if example.strip(" .")]


def test_the_readme_lists_exactly_the_examples_tested_here():
    assert sorted(readme_examples()) == sorted(README_EXAMPLES)


@pytest.mark.slow
def test_every_search_example_in_the_readme_finds_what_it_promises(archive, client):
    ids = {policy.source_key: policy.id for policy in archive}
    for query, source_key in README_EXAMPLES.items():
        page = client.get("/policies/", query_string={"q": query})
        assert page.status_code == 200, query
        html = page.get_data(as_text=True)
        assert f'href="/policies/{ids[source_key]}"' in html, query
