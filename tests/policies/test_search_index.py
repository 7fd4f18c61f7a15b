"""The index is written only by the outbox indexer: publish → searchable, repeal → status in the index."""

import threading
import time
from datetime import date, timedelta

import sqlalchemy as sa

from portal.actors import SYSTEM
from portal.policies import services
from portal.search import indexer
from portal.search.cursor import Cursor
from portal.search.outbox import SearchOutbox
from portal.times import utcnow


def in_index(app, q: str, **filters) -> list[int]:
    """Ids the index itself answers (the search service would fall back to the database while it is empty)."""
    from portal.search.provider import SearchRequest

    return [hit.id for hit in indexer.get_provider(app).search(SearchRequest(q=q, **filters)).hits]


def _outbox(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(SearchOutbox))


def test_a_change_writes_an_outbox_row_in_its_transaction_and_the_drain_indexes_it(app, make_policy, db, monkeypatch):
    monkeypatch.setitem(app.config, "SEARCH_INDEXER", "worker")  # nothing drains after commit
    policy = make_policy("贵阳市数智督查工作实施方案")
    assert _outbox(db) == 2  # created, published
    assert in_index(app, "数智督查") == []
    indexer.drain(app)
    assert in_index(app, "数智督查") == [policy.id] and indexer.pending(app) == 0


def test_a_rolled_back_change_leaves_no_outbox_row(app, make_policy, db, monkeypatch):
    monkeypatch.setitem(app.config, "SEARCH_INDEXER", "worker")
    policy = make_policy(publish=False)
    before = _outbox(db)
    policy.title = "不会保存的标题"
    services._changed(policy)
    db.session.rollback()
    assert _outbox(db) == before


def test_publishing_makes_a_document_searchable_and_drafts_stay_out(app, make_policy):
    draft = make_policy("贵阳市融媒问政办理办法", publish=False)
    assert in_index(app, "融媒问政") == []
    services.transition(SYSTEM, draft.id, "publish")
    assert in_index(app, "融媒问政") == [draft.id]


def test_repealing_updates_the_status_in_the_index(app, make_policy):
    policy = make_policy("贵阳市企业开办便利化若干规定")
    assert in_index(app, "企业开办", status="in_force") == [policy.id]
    services.transition(SYSTEM, policy.id, "repeal", date(2020, 10, 30), "与现行法律法规相冲突")
    assert in_index(app, "企业开办", status="in_force") == []
    assert in_index(app, "企业开办", status="repealed") == [policy.id]


def test_rebuild_restores_a_lost_index_from_the_database(app, make_policy):
    policy = make_policy("贵阳市公共资源交易管理办法")
    indexer.get_provider(app).clear()
    assert in_index(app, "公共资源交易") == []
    assert indexer.rebuild(app) == 1
    assert in_index(app, "公共资源交易") == [policy.id]


def test_search_rebuild_and_status_commands(runner, make_policy):
    make_policy("贵阳市公共资源交易管理办法")
    assert "indexed 1 documents" in runner.invoke(args=["search", "rebuild"]).output
    assert "1 documents · outbox: 0 pending" in runner.invoke(args=["search", "status"]).output


def test_search_rebuild_in_several_processes(app, runner, make_policy, monkeypatch):
    from portal.search import bulk

    monkeypatch.setattr(bulk, "CHUNK_DOCS", 1)  # one segment per document, built by two forked workers
    ids = [make_policy(f"贵阳市第{n}号公共资源交易管理办法").id for n in range(3)]
    assert "indexed 3 documents" in runner.invoke(args=["search", "rebuild", "--procs", "2"]).output
    assert sorted(in_index(app, "公共资源交易")) == sorted(ids)
    assert len(indexer.get_provider(app).view().segments) == 3


def test_the_inline_mode_drains_in_the_background_after_commit(app, make_policy, monkeypatch):
    monkeypatch.setitem(app.config, "SEARCH_INDEXER", "inline")
    policy = make_policy("贵阳市住房公积金缴存使用管理办法")
    deadline = time.monotonic() + 10
    while in_index(app, "住房公积金") != [policy.id] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert in_index(app, "住房公积金") == [policy.id]


def test_concurrent_edits_and_drains_never_raise_and_the_index_ends_current(app, make_policy, db, monkeypatch):
    monkeypatch.setitem(app.config, "SEARCH_INDEXER", "inline")
    policies = [make_policy(f"贵阳市第{i}号数字政府建设管理办法", doc_number=f"筑府发〔2020〕{i}号") for i in range(4)]
    ids = [p.id for p in policies]
    errors: list[BaseException] = []

    def edit(policy_id: int, worker: int) -> None:
        try:
            with app.app_context():
                for round_ in range(3):
                    current = services.get_for_edit(policy_id)
                    data = services.PolicyData(
                        title=f"贵阳市数字政府建设管理办法（修订{worker}-{round_}）",
                        body=current.body + f"\n第{round_ + 2}条　修订{worker}。",
                        doc_number=current.doc_number,
                        issuer=current.issuer,
                        doc_type=current.doc_type,
                        published_on=current.published_on,
                    )
                    services.update_policy(SYSTEM, policy_id, data)
                    indexer.drain(app, block=False)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=edit, args=(policy_id, n)) for n, policy_id in enumerate(ids)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    indexer.drain(app)  # whatever background drains are still running, this one waits and finishes
    assert indexer.pending(app) == 0
    for n, policy_id in enumerate(ids):
        assert in_index(app, f'title:"修订{n}-2"') == [policy_id]
        assert in_index(app, f'title:"修订{n}-1"') == []  # no stale title left behind


def test_a_writer_held_by_another_process_delays_the_drain_instead_of_failing_the_edit(app, make_policy):
    from whoosh import index

    foreign = index.open_dir(indexer.index_dir(app)).writer()  # a separate lock holder, like `flask search worker`
    timer = threading.Timer(0.5, foreign.cancel)
    timer.start()
    try:
        policy = make_policy("贵阳市工程建设项目审批制度改革实施方案")  # the drain after commit waits for the lock
    finally:
        timer.join()
    assert in_index(app, "工程建设项目") == [policy.id]


def test_the_drain_command_applies_what_web_processes_queued(app, runner, make_policy, monkeypatch):
    monkeypatch.setitem(app.config, "SEARCH_INDEXER", "worker")
    policy = make_policy("贵阳市异地就医直接结算管理办法")
    assert in_index(app, "异地就医") == []
    assert "applied 1 document changes" in runner.invoke(args=["search", "drain"]).output
    assert in_index(app, "异地就医") == [policy.id]


def test_two_nodes_with_their_own_index_both_catch_up_from_the_same_rows(app, make_policy, tmp_path):
    policy = make_policy("贵阳市政务数据共享开放管理办法")
    other = app.config["SEARCH_INDEX_DIR"]
    app.config["SEARCH_INDEX_DIR"] = str(tmp_path / "node-2")
    try:
        assert indexer.pending(app) == 2
        assert indexer.drain(app) == 1  # one document, two rows
        assert in_index(app, "数据共享") == [policy.id] and indexer.pending(app) == 0
    finally:
        app.config["SEARCH_INDEX_DIR"] = other
    assert in_index(app, "数据共享") == [policy.id]


def test_rows_are_pruned_after_the_retention_period_only(app, make_policy, db):
    make_policy()
    assert indexer.prune(app) == 0
    db.session.execute(sa.update(SearchOutbox).values(created_at=utcnow() - timedelta(days=8)))
    db.session.commit()
    assert indexer.prune(app) == 2 and _outbox(db) == 0


def test_settled_rows_move_the_cursor_and_recent_ones_are_remembered():
    now = utcnow()
    cursor = Cursor()
    cursor.advance([(1, now - timedelta(minutes=5)), (2, now - timedelta(minutes=4)), (4, now)], now)
    assert (cursor.upto, cursor.seen) == (2, {4})
    cursor.advance([(3, now), (4, now)], now)  # 3 committed late: applied, remembered, nothing skipped
    assert (cursor.upto, cursor.seen) == (2, {3, 4})


def test_a_cursor_ahead_of_the_database_starts_over(app, make_policy):
    Cursor(upto=10_000).save(indexer.index_dir(app))
    policy = make_policy("贵阳市市场主体登记管理办法")  # sync drain after commit
    assert in_index(app, "市场主体登记") == [policy.id]


def test_concurrent_edits_of_one_document_queue_or_conflict_but_never_fail(app, make_policy, db, monkeypatch):
    from portal.errors import Conflict
    from portal.policies.models import Policy

    monkeypatch.setitem(app.config, "SEARCH_INDEXER", "inline")
    policy_id = make_policy("贵阳市城市管理综合执法办法").id
    unexpected: list[BaseException] = []
    conflicts: list[Conflict] = []

    def edit(worker: int) -> None:
        with app.app_context():
            for round_ in range(3):
                try:
                    services.update_policy(
                        SYSTEM,
                        policy_id,
                        services.PolicyData(
                            title=f"贵阳市城市管理综合执法办法（{worker}-{round_}稿）", doc_type="办法"
                        ),
                    )
                except Conflict as conflict:
                    conflicts.append(conflict)
                except BaseException as exc:  # collected and asserted below
                    unexpected.append(exc)
                finally:
                    db.session.remove()

    threads = [threading.Thread(target=edit, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert unexpected == []
    indexer.drain(app)
    policy = db.session.get(Policy, policy_id)
    assert [v.number for v in policy.versions] == list(range(1, policy.version + 1))
    assert policy.version == 2 + 12 - len(conflicts)
    assert in_index(app, f'title:"{policy.title[-6:]}"') == [policy_id]


def _legacy_schema():
    """The schema of indexes built before 2026-11: plain whoosh field types, bigram fields with positions."""
    from whoosh import columns, fields
    from whoosh.formats import Frequency, Positions

    from portal.search.analyzer import BigramTokenizer, DocNumberTokenizer, JiebaTokenizer

    words, grams = JiebaTokenizer(), BigramTokenizer()
    return fields.Schema(
        id=fields.ID(unique=True, stored=True),
        title=fields.FieldType(Frequency(), words, stored=True),
        body=fields.FieldType(Frequency(), words),
        title_bigrams=fields.FieldType(Positions(), grams),
        body_bigrams=fields.FieldType(Positions(), grams),
        doc_number=fields.FieldType(Frequency(), DocNumberTokenizer(), stored=True),
        meta=fields.COLUMN(columns.VarBytesColumn()),
        body_text=fields.STORED(),
    )


def test_an_index_of_the_older_schema_still_answers_and_is_rebuilt(app, runner, make_policy):
    from whoosh.filedb.filestore import FileStorage

    from portal.search import cursor

    policy = make_policy("贵阳市公共资源交易管理办法")
    path = indexer.index_dir(app)
    FileStorage(path).create_index(_legacy_schema())  # what an older version of the portal left behind
    cursor.forget(path)
    indexer._providers.pop(path)  # as after a restart: the provider opens the index with its stored schema
    indexer.drain(app)  # written with the index's own (older) schema
    provider = indexer.get_provider(app)
    assert not provider.schema_current()
    assert "older schema" in runner.invoke(args=["search", "status"]).output
    assert in_index(app, '"公共资源交易"') == in_index(app, "交易 OR 不存在") == [policy.id]

    assert indexer.ensure_populated(app) == 1
    assert provider.schema_current()
    assert "older schema" not in runner.invoke(args=["search", "status"]).output
    assert in_index(app, '"公共资源交易"') == in_index(app, "交易 OR 不存在") == [policy.id]
    assert indexer.ensure_populated(app) == 0  # current, populated and with a cursor: left alone
