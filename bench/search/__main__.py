"""Search benchmark: the portal's whoosh engine beside SQLite FTS5 (trigram), same corpus, same queries.

Run (one command, from the repository root)::

    .venv/bin/python -m bench.search                 # 100,000 documents (~20 min on 2 cores)
    .venv/bin/python -m bench.search --docs 10000    # quicker

It generates the corpus (bench/search/corpus.py, fixed seed), builds both indexes, runs the fixed query mix
(bench/search/queries.py: every query with facets, top 20 with snippets), measures publish → searchable for
one new document, and prints figures and whoosh/FTS5 ratios. Indexes go to --workdir (default: a temp dir).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.search.corpus import Vocabulary, generate
from bench.search.fts5 import Fts5Index
from bench.search.queries import KINDS, BenchQuery, query_mix
from portal.search import SearchRequest, WhooshProvider


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _timed(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return (time.perf_counter() - start) * 1000


def _request(query: BenchQuery) -> SearchRequest:
    return SearchRequest(q=query.q, doc_type=query.filters.get("doc_type"), year=query.filters.get("year"))


def _publish_delay(search: Callable[[], bool], publish: Callable[[], object]) -> float:
    """Seconds from the start of publishing until a search returns the new document."""
    start = time.perf_counter()
    publish()
    while not search():
        time.sleep(0.01)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=40, help="queries per kind")
    parser.add_argument("--procs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=20240501)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-search-"))
    workdir.mkdir(parents=True, exist_ok=True)

    start = time.perf_counter()
    docs = list(generate(args.docs, args.seed))
    body_kb = sum(len(d["body"].encode()) for d in docs) / len(docs) / 1024
    print(f"corpus: {len(docs)} docs, mean body {body_kb:.1f} KB, generated in {time.perf_counter() - start:.0f} s")

    provider = WhooshProvider(workdir / "whoosh", procs=args.procs, limitmb=512)
    whoosh_build = _timed(lambda: provider.rebuild(docs)) / 1000
    print(f"whoosh build: {whoosh_build:.0f} s ({args.procs} procs)")
    fts = Fts5Index(workdir / "fts5.sqlite")
    fts_build = _timed(lambda: fts.add(docs)) / 1000
    print(f"fts5 build:   {fts_build:.0f} s")

    queries = query_mix(Vocabulary(args.seed), args.queries, args.seed + 1)
    first_search = _timed(lambda: provider.search(SearchRequest(q=queries[0].q)))
    rows: list[tuple[str, float, float, float, float]] = []
    timings: dict[str, tuple[list[float], list[float]]] = {kind: ([], []) for kind in (*KINDS, "all")}
    for query in queries:
        w = _timed(lambda q=query: provider.search(_request(q)))
        f = _timed(lambda q=query: fts.search(q))
        for kind in (query.kind, "all"):
            timings[kind][0].append(w)
            timings[kind][1].append(f)
    warm = [_timed(lambda q=query: provider.search(_request(q))) for query in queries]
    for kind, (w_samples, f_samples) in timings.items():
        rows.append((kind, *_percentiles(w_samples), *_percentiles(f_samples)))

    new_doc = dict(docs[0], id=args.docs + 1, title="新发布测试文件", body="新发布的测试文件正文 蓝鲸计划专项。")
    new_doc["published_on"] = dt.date(2025, 1, 1)
    w_delay = _publish_delay(
        lambda: any(h.id == new_doc["id"] for h in provider.search(SearchRequest(q="蓝鲸计划")).hits),
        lambda: provider.index_documents([new_doc]),
    )
    probe = BenchQuery("publish", "蓝鲸计划", ("蓝鲸计划",))
    f_delay = _publish_delay(lambda: new_doc["id"] in fts.search(probe).ids, lambda: fts.add_one(new_doc))

    print(f"\nqueries: {len(queries)} ({args.queries} per kind), each with 4 facets and top-20 snippets")
    print(f"first search after the build (opens the index, builds per-generation caches): {first_search:.0f} ms")
    print(f"{'kind':<16}{'whoosh p50':>11}{'p95':>8}{'fts5 p50':>10}{'p95':>8}{'p50 ratio':>11}{'p95 ratio':>11}")
    for kind, wp50, wp95, fp50, fp95 in rows:
        ratios = f"{fp50 / wp50:>10.1f}x{fp95 / wp95:>10.1f}x"
        print(f"{kind:<16}{wp50:>9.1f}ms{wp95:>6.1f}ms{fp50:>8.1f}ms{fp95:>6.1f}ms{ratios}")
    wp50, wp95 = _percentiles(warm)
    print(f"whoosh second pass (warm term caches): p50 {wp50:.1f} ms, p95 {wp95:.1f} ms")
    print(f"publish → searchable: whoosh {w_delay * 1000:.0f} ms, fts5 {f_delay * 1000:.0f} ms")
    print(f"build: whoosh {whoosh_build:.0f} s, fts5 {fts_build:.0f} s; index dir {workdir}")


if __name__ == "__main__":
    main()
