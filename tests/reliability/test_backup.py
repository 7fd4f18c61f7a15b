"""``flask backup`` / ``flask restore``: a populated database and its attachments survive a round trip through
the archive after everything was wiped, row for row and byte for byte, and search answers as before."""

from __future__ import annotations

import hashlib
import shutil
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from portal.accounts.models import Role
from portal.actors import SYSTEM
from tests.support import databases

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
PDF = b"%PDF-1.4\n" + "附件正文".encode() * 200


@pytest.fixture
def populated(app, factory, monkeypatch, tmp_path):
    """Users, work orders with attachments, a hearing with a question, published policies in the index."""
    from portal.feedback import attachments, services
    from portal.hearings import questions
    from portal.hearings import services as hearings
    from portal.hearings.models import HearingKind, HearingState
    from portal.policies import services as policies
    from portal.search import indexer
    from portal.times import utcnow

    monkeypatch.setitem(app.config, "SEARCH_INDEXER", "sync")
    # Attachments of their own: the restore replaces the folder, and the session's app shares one with other tests.
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "uploads"))
    citizen = factory.user(Role.CITIZEN, display_name="胡明", phone="13912345678")
    for n in range(3):
        services.file_order(
            citizen,
            services.OrderData(
                kind="complaint",
                category="城市管理",
                title=f"小区门口夜间烧烤扰民（第{n}次）",
                description="每天晚上十点以后小区门口有人烧烤，油烟和噪音很大。",
                requester_phone="13912345678",
                uploads=[attachments.Upload("现场照片.png", PNG), attachments.Upload("情况说明.pdf", PDF)],
            ),
        )
    hearing = hearings.create_hearing(
        SYSTEM, hearings.HearingData(kind=HearingKind.DEFENSE, title="备份测试答辩", starts_at=utcnow())
    )
    hearing.state = HearingState.LIVE
    from portal.extensions import db

    db.session.commit()
    questions.ask(citizen, hearing, "请问老旧小区改造什么时候开工？", "backup-1")
    for title in ("贵阳市政务服务“一网通办”管理办法", "关于推进老旧小区改造的实施意见"):
        policy = policies.create_policy(
            SYSTEM,
            policies.PolicyData(
                title=title,
                body="为推进政务服务“一网通办”和老旧小区改造，制定本办法。",
                issuer="贵阳市人民政府",
                doc_type="办法",
                published_on=date(2020, 3, 1),
            ),
        )
        policies.transition(SYSTEM, policy.id, "publish")
    indexer.drain(app)
    return app


def snapshot(app) -> dict:
    """Every row of every table, as sorted tuples of text, and every attachment's bytes by path."""
    from portal.extensions import db

    rows = {}
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            rows[table.name] = sorted(tuple(str(v) for v in row) for row in conn.execute(sa.select(table)))
    uploads = Path(app.config["UPLOAD_DIR"])
    files = {
        str(p.relative_to(uploads)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in uploads.rglob("*")
        if p.is_file()
    }
    return {"rows": rows, "files": files}


def search_ids(q: str) -> list[int]:
    from portal.policies import search

    return [r.policy.id for r in search.search(search.parse_params({"q": q})).results]


def test_backup_wipe_restore_round_trip(populated, ctx, runner, tmp_path):
    from portal.extensions import db
    from portal.search import indexer

    app = populated
    before = snapshot(app)
    assert len(before["files"]) == 6 and before["rows"]["work_orders"] and before["rows"]["hearing_questions"]
    # What a full index of this data answers (an index written document by document may segment an earlier
    # document without a term a later title brought in); the restore rebuilds it and must answer the same.
    indexer.rebuild(app)
    found = {q: search_ids(q) for q in ("一网通办", "老旧小区")}
    assert all(found.values())

    archive = tmp_path / "portal.tar.gz"
    result = runner.invoke(args=["backup", str(archive)])
    assert result.exit_code == 0, result.output
    assert "6 attachments" in result.output

    # A bad day: every table emptied, the attachments and the search index gone.
    db.session.remove()
    databases.empty_all_tables(db.engine, db.metadata)
    shutil.rmtree(app.config["UPLOAD_DIR"])
    indexer.get_provider(app).clear()
    assert search_ids("一网通办") == []
    assert snapshot(app)["rows"]["work_orders"] == []

    result = runner.invoke(args=["restore", str(archive), "--yes"])
    assert result.exit_code == 0, result.output
    assert "search index rebuilt" in result.output and "MISMATCH" not in result.output

    after = snapshot(app)
    assert after["files"] == before["files"]  # byte for byte
    assert after["rows"] == before["rows"]  # row for row, every column
    assert {q: search_ids(q) for q in found} == found


def test_restore_refuses_an_archive_of_another_database_kind(ctx, runner, tmp_path):
    import io
    import json
    import tarfile

    from portal.extensions import db

    other = "postgresql" if db.engine.url.get_backend_name() == "sqlite" else "sqlite"
    archive = tmp_path / "other.tar.gz"
    manifest = json.dumps({"format": 1, "dialect": other, "database": "x", "tables": {}, "created_at": "now"})
    with tarfile.open(archive, "w:gz") as tar:
        info = tarfile.TarInfo("manifest.json")
        info.size = len(manifest.encode())
        tar.addfile(info, io.BytesIO(manifest.encode()))
    result = runner.invoke(args=["restore", str(archive), "--yes"])
    assert result.exit_code != 0
    assert f"the backup is of a {other} database" in result.output
