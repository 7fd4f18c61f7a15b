"""Search benchmark: the portal's whoosh engine beside SQLite FTS5 (trigram), same corpus, same queries.

Run (one command, from the repository root)::

    .venv/bin/python -m bench.search                 # 100,000 documents (timings: docs/PERFORMANCE.md)
    .venv/bin/python -m bench.search --docs 10000    # quicker
    .venv/bin/python -m bench.search --workdir DIR --reuse   # queries only, on indexes built earlier in DIR

It generates the corpus (bench/search/corpus.py, fixed seed), builds both indexes, runs the fixed query mix
(bench/search/queries.py: every query with facets, top 20 with snippets), measures publish → searchable for
one new document, and prints figures and whoosh/FTS5 ratios. Indexes go to --workdir (default: a temp dir).

Every figure is given as wall time and as CPU time (this thread, plus child processes for the build): on a
shared machine wall time includes waiting for a core, CPU time is what the work itself costs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.search.corpus import Vocabulary, generate
from bench.search.fts5 import Fts5Index
from bench.search.queries import KINDS, BenchQuery, query_mix
from portal.search import SearchRequest, WhooshProvider


def _measure(run: Callable[[], object]) -> tuple[float, float]:
    """(wall ms, CPU ms) of ``run``; CPU counts this thread and any child processes it waited for."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall, cpu = time.perf_counter(), time.thread_time()
    run()
    wall, cpu = time.perf_counter() - wall, time.thread_time() - cpu
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu += (after.ru_utime - children.ru_utime) + (after.ru_stime - children.ru_stime)
    return wall * 1000, cpu * 1000


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _request(query: BenchQuery) -> SearchRequest:
    return SearchRequest(q=query.q, doc_type=query.filters.get("doc_type"), year=query.filters.get("year"))


def _publish_delay(search: Callable[[], bool], publish: Callable[[], object]) -> float:
    """Seconds from the start of publishing until a search returns the new document."""
    start = time.perf_counter()
    publish()
    while not search():
        time.sleep(0.01)
    return time.perf_counter() - start


def _print_table(title: str, rows: dict[str, tuple[list[float], list[float]]]) -> None:
    print(f"{title:<16}{'whoosh p50':>11}{'p95':>8}{'fts5 p50':>10}{'p95':>9}{'p50 ratio':>11}{'p95 ratio':>11}")
    for kind, (w, f) in rows.items():
        (wp50, wp95), (fp50, fp95) = _percentiles(w), _percentiles(f)
        ratios = f"{fp50 / wp50:>10.1f}x{fp95 / wp95:>10.1f}x"
        print(f"{kind:<16}{wp50:>9.1f}ms{wp95:>6.1f}ms{fp50:>8.1f}ms{fp95:>7.1f}ms{ratios}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=40, help="queries per kind")
    parser.add_argument("--procs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=20240501)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--reuse", action="store_true", help="query the indexes already built in --workdir")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-search-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

    start = time.perf_counter()
    docs = list(generate(args.docs, args.seed))
    body_kb = sum(len(d["body"].encode()) for d in docs) / len(docs) / 1024
    print(f"corpus: {len(docs)} docs, mean body {body_kb:.1f} KB, generated in {time.perf_counter() - start:.0f} s")

    provider = WhooshProvider(workdir / "whoosh", procs=args.procs, limitmb=512)
    fts = Fts5Index(workdir / "fts5.sqlite", reuse=args.reuse)
    if args.reuse:
        print("indexes reused from --workdir (build not measured)")
    else:
        w_build = _measure(lambda: provider.rebuild(docs))
        print(f"whoosh build: {w_build[0] / 1000:.0f} s wall, {w_build[1] / 1000:.0f} s CPU ({args.procs} procs)")
        f_build = _measure(lambda: fts.add(docs))
        print(f"fts5 build:   {f_build[0] / 1000:.0f} s wall, {f_build[1] / 1000:.0f} s CPU")

    queries = query_mix(Vocabulary(args.seed), args.queries, args.seed + 1)
    first = _measure(lambda: provider.search(SearchRequest()))
    wall: dict[str, tuple[list[float], list[float]]] = {kind: ([], []) for kind in (*KINDS, "all")}
    cpu: dict[str, tuple[list[float], list[float]]] = {kind: ([], []) for kind in (*KINDS, "all")}
    for query in queries:
        w = _measure(lambda q=query: provider.search(_request(q)))
        f = _measure(lambda q=query: fts.search(q))
        for kind in (query.kind, "all"):
            for table, index in ((wall, 0), (cpu, 1)):
                table[kind][0].append(w[index])
                table[kind][1].append(f[index])
    warm = [_measure(lambda q=query: provider.search(_request(q)))[0] for query in queries]

    new_doc = dict(docs[0], id=args.docs + 1, title="新发布测试文件", body="新发布的测试文件正文：蓝鲸计划专项。")
    new_doc["published_on"] = dt.date(2025, 1, 1)
    w_delay = _publish_delay(
        lambda: any(h.id == new_doc["id"] for h in provider.search(SearchRequest(q="蓝鲸计划")).hits),
        lambda: provider.index_documents([new_doc]),
    )
    probe = BenchQuery("publish", "蓝鲸计划", ("蓝鲸计划",))
    f_delay = _publish_delay(lambda: new_doc["id"] in fts.search(probe).ids, lambda: fts.add_one(new_doc))

    print(f"\nqueries: {len(queries)} ({args.queries} per kind), each with 4 facets and top-20 snippets")
    print(f"first search after the build (opens the index, builds per-generation caches): {first[0]:.0f} ms")
    _print_table("wall time", wall)
    _print_table("CPU time", cpu)
    wp50, wp95 = _percentiles(warm)
    print(f"whoosh second pass (warm term caches), wall: p50 {wp50:.1f} ms, p95 {wp95:.1f} ms")
    print(f"publish → searchable: whoosh {w_delay * 1000:.0f} ms, fts5 {f_delay * 1000:.0f} ms")
    print(f"load average at end: {os.getloadavg()[0]:.1f}; index dir {workdir}")


if __name__ == "__main__":
    main()
