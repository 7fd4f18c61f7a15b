"""HTTP benchmark of the public pages through nginx, with and without its micro-cache, beside a bare Flask page.

    .venv/bin/python -m bench.http                     # 10 s per URL, 50 connections
    .venv/bin/python -m bench.http --seconds 30 --connections 50

The production stack from the deploy files (tools/stack.py): nginx with deploy/nginx/portal.conf over TLS in front
of two web processes (deploy/gunicorn.conf.py) on PostgreSQL (its own database on BENCH_DATABASE_URL's server,
default postgresql://postgres@127.0.0.1:5432/postgres, with the demo city loaded) and Redis (db 14). The same site
is started twice, once with the micro-cache of anonymous pages and once with it off, and a third time in front of
two processes of bench/http/bare.py, a Flask app answering a fixed page of the home page's size: the baseline.
wrk (Debian's) drives each URL with ``--connections`` connections; each figure is printed with its ratio to the
bare page's throughput. Targets (issue "Run it the way a city would"): p99 ≤ 100 ms and ≥ 30% of the bare page's
requests per second.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import requests
import sqlalchemy as sa
import urllib3
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from portal.config import _database_url  # noqa: E402
from tools import stack  # noqa: E402


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def flask(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "portal", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise RuntimeError(f"flask {' '.join(args)}:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def wrk(url: str, seconds: int, connections: int) -> tuple[float, float, int]:
    """Requests per second, p99 latency in ms, and non-2xx/3xx responses."""
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    value, unit = re.search(r"\s99%\s+([\d.]+)(us|ms|s)\b", out).groups()
    p99 = float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return rate, p99, int(errors.group(1)) if errors else 0


def main() -> None:
    urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)  # the throw-away certificate
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    args = parser.parse_args()
    if not shutil.which("wrk") or not Path(stack.NGINX).exists():
        sys.exit("needs Debian's wrk and nginx: apt-get install -y wrk nginx")

    base = make_url(
        _database_url(os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    )
    name = f"portal_bench_http_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    tmp = Path(tempfile.mkdtemp(prefix="bench-http-"))
    processes: list[subprocess.Popen] = []
    try:
        env = dict(
            os.environ,
            DATABASE_URL=base.set(database=name).render_as_string(hide_password=False),
            SECRET_KEY="bench-http",
            SEARCH_INDEX_DIR=str(tmp / "index"),
            UPLOAD_DIR=str(tmp / "uploads"),
            REDIS_URL="redis://127.0.0.1:6379/14",
            SOCKETIO_CHANNEL=f"bench-http-{uuid.uuid4().hex[:6]}",
            RATELIMIT_KEY_PREFIX=f"bench-http-{uuid.uuid4().hex[:6]}",
            API_ANONYMOUS_READ_LIMIT="10000000 per minute",  # wrk is one address; the bench measures the pages
            RUN_BACKGROUND_JOBS="0",
            SEARCH_INDEXER="worker",
            PROXY_COUNT="1",
            SESSION_COOKIE_SECURE="1",
            ACCESS_LOG="",
            PYTHONUNBUFFERED="1",
        )
        print("preparing: migrations, the demo city, the search index ...", flush=True)
        flask(env, "db", "upgrade", "heads")
        flask(env, "demo", "load")
        flask(env, "search", "rebuild")
        cert, key = stack.self_signed(tmp)

        web_ports = [free_port(), free_port()]
        for n, port in enumerate(web_ports):
            processes.append(stack.start_gunicorn(env, port, tmp / f"web{n}.log"))
        home = requests.get(f"http://127.0.0.1:{web_ports[0]}/", timeout=30).content
        bare_ports = [free_port(), free_port()]
        for n, port in enumerate(bare_ports):
            processes.append(
                stack.start_gunicorn(
                    dict(env, BARE_BYTES=str(len(home))), port, tmp / f"bare{n}.log", "bench.http.bare:app"
                )
            )
        sites = {}
        for label, ports, cache in (
            ("cached", web_ports, True),
            ("uncached", web_ports, False),
            ("bare", bare_ports, False),
        ):
            folder = tmp / label
            folder.mkdir()
            https = free_port()
            processes.append(
                stack.start_nginx(stack.render_site(folder, free_port(), https, ports, cert, key, micro_cache=cache))
            )
            sites[label] = f"https://127.0.0.1:{https}"

        engine = sa.create_engine(_database_url(env["DATABASE_URL"]))
        with engine.connect() as conn:
            plan = conn.scalar(sa.text("SELECT min(id) FROM plans"))
            hearing = conn.scalar(sa.text("SELECT min(id) FROM hearings"))
            policy = conn.scalar(sa.text("SELECT min(id) FROM policies WHERE status = 'in_force'"))
        engine.dispose()
        urls = [
            ("home", "/"),
            ("plan page", f"/plans/{plan}"),
            ("hearing page", f"/hearings/{hearing}"),
            ("policy page", f"/policies/{policy}"),
            ("search results", "/policies/?q=%E5%90%B9%E5%93%A8%E6%8A%A5%E5%88%B0"),
            ("API list", "/api/v1/feedback"),
        ]
        for path in ("/", *(p for _, p in urls)):
            requests.get(f"{sites['uncached']}{path}", verify=False, timeout=30)  # warm up: templates, caches

        print(f"\nwrk -c{args.connections} -d{args.seconds}s over TLS; 2 web processes; {len(home):,} bytes home page")
        bare_rate, bare_p99, _ = wrk(f"{sites['bare']}/", args.seconds, args.connections)
        print(f"{'bare Flask page (baseline)':<28} {bare_rate:>9.0f} req/s  p99 {bare_p99:>7.1f} ms")
        print(f"{'':<28} {'no micro-cache':>30}   {'micro-cache (1 s)':>30}")
        for label, path in urls:
            row = [f"{label:<28}"]
            for site in ("uncached", "cached"):
                rate, p99, errors = wrk(f"{sites[site]}{path}", args.seconds, args.connections)
                flag = f" {errors} errors" if errors else ""
                row.append(f"{rate:>7.0f} req/s {rate / bare_rate:>5.0%} p99 {p99:>7.1f} ms{flag}")
            print("  ".join(row), flush=True)
    finally:
        for process in reversed(processes):
            stack.stop(process)
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
