"""Fixtures of the policy archive tests: an editor, documents, a corpus directory, a clean index per test."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from portal.accounts.models import Role
from portal.actors import SYSTEM

BUNDLED_CORPUS = Path(__file__).resolve().parents[2] / "portal" / "policies" / "demo_corpus"


@pytest.fixture(autouse=True)
def _search_index(request, monkeypatch):
    """Drain synchronously after commit (deterministic), into an index emptied for each test."""
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    from portal.search import indexer

    monkeypatch.setitem(app.config, "SEARCH_INDEXER", "sync")
    from portal.search import cursor

    with app.app_context():
        indexer.get_provider(app).clear()
        cursor.forget(indexer.index_dir(app))  # tables are emptied after each test: ids start again
    yield


@pytest.fixture
def editor(factory):
    return factory.user(Role.EDITOR, username="editor")


@pytest.fixture
def make_policy(ctx):
    """make_policy(title=..., publish=True, **fields) → a Policy through the real services."""
    from portal.policies import services

    def make(title: str = "贵阳市政务服务“一网通办”管理办法", *, publish: bool = True, **fields):
        fields.setdefault("body", "为推进政务服务“一网通办”，制定本办法。\n第一条　各级各部门应当限时办结。")
        fields.setdefault("issuer", "贵阳市人民政府")
        fields.setdefault("doc_type", "办法")
        fields.setdefault("published_on", date(2020, 3, 1))
        policy = services.create_policy(SYSTEM, services.PolicyData(title=title, **fields))
        if publish:
            policy = services.transition(SYSTEM, policy.id, "publish")
        return policy

    return make


@pytest.fixture
def corpus(tmp_path) -> Path:
    """A writable copy of the five articles and their manifest."""
    target = tmp_path / "corpus"
    shutil.copytree(BUNDLED_CORPUS, target)
    for path in target.iterdir():
        path.chmod(0o644)
    return target


@pytest.fixture
def articles(ctx, corpus):
    """The five articles imported and published; returns {file name: Policy}."""
    from portal.policies.importer import import_directory

    report = import_directory(corpus, SYSTEM)
    assert not report.skipped, report.skipped
    return {p.source_key.rsplit("/", 1)[-1]: p for p in report.policies}


def search_ids(**params) -> list[int]:
    from portal.policies import search

    return [r.policy.id for r in search.search(search.parse_params(params)).results]
