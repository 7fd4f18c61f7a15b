"""``python -m bench.policies``: the archive's outbox path on the demo archive (5 articles + 248 Guiyang documents).

Reports publish → searchable through the outbox (commit, after-commit drain in a background thread, searchable)
beside a baseline measured in the same run: the same document written straight into the index by the provider
(no database, no outbox). Then the search page and the JSON API on the archive, p50/p95 over a fixed query mix.
Runs on a temporary SQLite database and index; nothing else is touched.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROUNDS = 30
QUERIES = ("乡呼县应", "鄉呼縣應", "限时办结", "营商环境 数字政府", '"数智督查"', "文号:筑府发", "title:管理办法 -医疗")


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench-policies-"))
    os.environ.update(RUN_BACKGROUND_JOBS="0", SECRET_KEY="bench")
    from flask_migrate import upgrade

    from portal import create_app

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3",
            "SEARCH_INDEX_DIR": str(tmp / "index"),
            "SERVER_NAME": "bench.local",
            "TESTING": True,
            "API_ANONYMOUS_READ_LIMIT": "1000000 per minute",  # the bench's queries are one client's
        }
    )
    from portal.policies import demo, services
    from portal.policies import search as service
    from portal.search import indexer
    from portal.search.provider import SearchRequest

    with app.app_context():
        upgrade(revision="heads")
        started = time.perf_counter()
        print(demo.load_policies())
        print(f"demo archive load (database + index): {time.perf_counter() - started:.1f} s")
        provider = indexer.get_provider(app)
        provider.search(SearchRequest(q="预热"))

        def searchable(title: str, wanted: int) -> bool:
            return any(h.id == wanted for h in provider.search(SearchRequest(q=f'title:"{title}"')).hits)

        outbox, direct = [], []
        app.config["SEARCH_INDEXER"] = "inline"
        for i in range(ROUNDS):
            title = f"测量样本第{i}号发布延迟"
            policy = services.create_policy(None, services.PolicyData(title=title, body="测量发布到可检索的延迟。"))
            t0 = time.perf_counter()
            services.transition(None, policy.id, "publish")
            while not searchable(title, policy.id):
                time.sleep(0.001)
            outbox.append((time.perf_counter() - t0) * 1000)

            doc = {"id": 900_000 + i, "title": f"基线样本第{i}号直接写入", "body": "基线。", "status": "in_force"}
            t0 = time.perf_counter()
            provider.index_documents([doc])
            while not searchable(doc["title"], doc["id"]):
                time.sleep(0.001)
            direct.append((time.perf_counter() - t0) * 1000)
        provider.delete(900_000 + i for i in range(ROUNDS))
        o50, d50 = statistics.median(outbox), statistics.median(direct)
        print(f"publish → searchable via outbox: p50 {o50:.0f} ms, p95 {pct(outbox, 95):.0f} ms")
        print(f"baseline, direct provider write: p50 {d50:.0f} ms, p95 {pct(direct, 95):.0f} ms")
        print(f"ratio outbox / direct (p50): {o50 / d50:.2f}")

        client = app.test_client()
        page, api = [], []
        for _ in range(10):
            for q in QUERIES:
                t0 = time.perf_counter()
                assert client.get("/policies/", query_string={"q": q}).status_code == 200
                page.append((time.perf_counter() - t0) * 1000)
                t0 = time.perf_counter()
                args = {"q": q, "status": "in_force"}
                assert client.get("/api/v1/policies/search", query_string=args).status_code == 200
                api.append((time.perf_counter() - t0) * 1000)
        print(f"search page, 7 queries x10: p50 {statistics.median(page):.1f} ms, p95 {pct(page, 95):.1f} ms")
        print(f"search API with a status filter: p50 {statistics.median(api):.1f} ms, p95 {pct(api, 95):.1f} ms")
        docs = service.search(service.parse_params({})).total
        print(f"archive: {docs} public documents")


if __name__ == "__main__":
    sys.exit(main())
