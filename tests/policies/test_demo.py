from collections import Counter

import sqlalchemy as sa

from portal import demo as demo_data
from portal.policies import demo, review
from portal.policies.models import Policy, PolicyStatus, PolicyStatusChange
from tests.policies.conftest import search_ids


def review_params(app) -> dict:
    with app.app_context():
        return demo_data.read("policies")["review"]


def test_the_review_has_the_articles_figures(app):
    docs = review.generate(review_params(app))
    assert len(docs) == 248
    assert Counter(d.status for d in docs) == {"in_force": 168, "expired": 31, "repealed": 49}
    assert len({d.doc_number for d in docs}) == 248
    assert all(d.status_on and d.reason for d in docs if d.status != "in_force")


def test_the_generator_is_deterministic(app):
    params = review_params(app)
    assert review.generate(params)[:5] == review.generate(params)[:5]


def test_the_demo_loader_is_idempotent_and_dates_and_reasons_every_change(app, db, monkeypatch):
    sample = review.generate(review_params(app))[:12]
    monkeypatch.setattr(demo, "generate", lambda params: sample)
    first = demo.load_policies()
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Policy))
    second = demo.load_policies()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Policy)) == count
    assert "清理新建 12 件" in first and "清理新建 0 件" in second
    changes = db.session.scalars(
        sa.select(PolicyStatusChange).where(
            PolicyStatusChange.to_status.in_([PolicyStatus.EXPIRED, PolicyStatus.REPEALED])
        )
    ).all()
    assert len(changes) == sum(1 for d in sample if d.status != "in_force")
    assert all(c.effective_on and c.reason.startswith("规范性文件清理") for c in changes)
    assert search_ids(q="鄉呼縣應")  # the articles were imported and indexed at the end of the load


def test_the_bundled_corpus_is_the_default_whatever_lies_beside_the_repository(app):
    with app.app_context():
        assert demo.corpus_dir() == demo.BUNDLED_CORPUS
        assert demo.corpus_dir("elsewhere") == demo_data.data_dir() / "elsewhere"
