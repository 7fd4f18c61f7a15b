"""Fan-out benchmark of the live question queue: the portal beside a minimal Flask-SocketIO server.

    bench/fanout/run.sh [--clients 1000,2000] [--seconds 30] [--qps 10] [--vps 300] [--workers 1]
                        [--poll-viewers 2000] [--poll-seconds 10]
                        [--database postgresql://postgres@127.0.0.1:5432/postgres]

Starts the portal (``python -m portal.serve``, gevent + gevent-websocket) on a fresh database with a
live hearing and bench accounts, then the minimal server (baseline.py), and drives both with the
Node swarm (swarm.js) at each client count. Prints the figures and the portal/baseline ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
PASSWORD = "bench-pass-1"


def fresh_database(base: str | None, tmp: Path) -> tuple[str, callable]:
    if not base:
        return f"sqlite:///{tmp}/fanout.sqlite3", lambda: None
    from portal.config import _database_url

    admin_url = sa.make_url(_database_url(base))
    name = f"fanout_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    return admin_url.set(database=name).render_as_string(hide_password=False), drop


def prepare(env: dict[str, str], askers: int, voters: int, devices: int = 0) -> tuple[int, dict]:
    """Schema, a live hearing without pre-moderation, bench accounts (cheap hashes), a host, and the signed device
    tokens of browsers without an account (for anonymous poll answers)."""
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "portal", "db", "upgrade", "heads"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    script = f"""
import json
from datetime import timedelta
from portal import create_app
from portal.accounts import services as accounts
from portal.accounts.models import Role
from portal.actors import SYSTEM
from portal.extensions import db
from portal.hearings import services
from portal.hearings.models import HearingKind, HearingState
from portal.times import utcnow
app = create_app({{"PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"}})
with app.app_context():
    h = services.create_hearing(SYSTEM, services.HearingData(kind=HearingKind.DEFENSE, title="压测答辩",
        starts_at=utcnow() - timedelta(minutes=1), premoderation=False))
    h.state = HearingState.LIVE
    db.session.commit()
    names = {{"askers": [], "voters": [], "host": "benchhost"}}
    accounts.create_user(SYSTEM, accounts.UserData(username="benchhost", display_name="benchhost",
        roles={{Role.HOST}}, password="{PASSWORD}"))
    from portal.hearings import polls
    with app.test_request_context():
        names["devices"] = [polls.new_device_token() for _ in range({devices})]
    for kind, n in (("askers", {askers}), ("voters", {voters})):
        for i in range(n):
            name = f"bench{{kind[0]}}{{i}}"
            accounts.create_user(SYSTEM, accounts.UserData(username=name, display_name=name,
                roles={{Role.CITIZEN}}, password="{PASSWORD}"))
            names[kind].append(name)
    print(json.dumps({{"hearing": h.id, **names}}))
"""
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    data = json.loads(out.stdout.strip().splitlines()[-1])
    return data.pop("hearing"), {**data, "password": PASSWORD}


def start(cmd: list[str], env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    import socket

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{cmd} exited:\n{log.read_text()[-3000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{cmd} did not start")


def swarm(urls: list[str], hearing: int, clients: int, args, users: Path | None) -> dict:
    cmd = [
        "node",
        str(HERE / "swarm.js"),
        "--url",
        ",".join(urls),
        "--hearing",
        str(hearing),
        "--clients",
        str(clients),
        "--qps",
        str(args.qps),
        "--vps",
        str(args.vps),
        "--seconds",
        str(args.seconds),
    ]
    cmd += ["--users", str(users)] if users else ["--baseline"]
    if args.poll_viewers:
        cmd += ["--poll-viewers", str(min(args.poll_viewers, clients)), "--poll-seconds", str(args.poll_seconds)]
    out = subprocess.run(cmd, cwd=HERE, capture_output=True, text=True, timeout=args.seconds + 600)
    if out.returncode != 0:
        raise RuntimeError(f"swarm failed:\n{out.stdout[-2000:]}\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def poll_answers_in_database(url: str, poll_id: int) -> int:
    from portal.config import _database_url

    engine = sa.create_engine(_database_url(url))
    try:
        with engine.connect() as conn:
            return conn.execute(
                sa.text("SELECT count(*) FROM hearing_poll_answers WHERE poll_id = :p"), {"p": poll_id}
            ).scalar_one()
    finally:
        engine.dispose()


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def cpu_seconds(procs: list[subprocess.Popen]) -> float:
    """User + system CPU the server processes have used so far (Linux /proc): unlike latency, the
    CPU a run costs hardly depends on what else the machine is doing."""
    total = 0
    for proc in procs:
        with open(f"/proc/{proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", default="1000,2000")
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--qps", type=float, default=10)
    parser.add_argument("--vps", type=float, default=300)
    parser.add_argument("--workers", type=int, default=1, help="portal processes (>1 needs --redis)")
    parser.add_argument("--poll-viewers", type=int, default=0, help="watchers answering a poll (0: no poll)")
    parser.add_argument("--poll-seconds", type=float, default=10, help="the answers are spread over this long")
    parser.add_argument("--redis", default=os.environ.get("REDIS_URL"))
    parser.add_argument(
        "--database",
        default=os.environ.get("BENCH_DATABASE_URL"),
        help="PostgreSQL server to create a scratch database on (default: SQLite file)",
    )
    parser.add_argument("--port", type=int, default=5301)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # still stop the servers and drop the database
    sizes = [int(n) for n in args.clients.split(",")]

    tmp = Path(tempfile.mkdtemp(prefix="fanout-"))
    url, drop = fresh_database(args.database, tmp)
    env = dict(
        os.environ,
        DATABASE_URL=url,
        SECRET_KEY="bench",
        RUN_BACKGROUND_JOBS="0",
        PYTHONUNBUFFERED="1",
        HEARING_ASK_LIMIT="10000 per minute",
        HEARING_VOTE_LIMIT="10000 per minute",
        LOGIN_RATE_LIMIT_ACCOUNT="100000 per minute",
        LOGIN_RATE_LIMIT_ADDRESS="100000 per minute",
        SEARCH_INDEX_DIR=str(tmp / "index"),
    )
    env.pop("REDIS_URL", None)
    if args.workers > 1:
        if not args.redis:
            sys.exit("--workers > 1 needs --redis (or REDIS_URL)")
        env.update(REDIS_URL=args.redis, SOCKETIO_CHANNEL=f"fanout-{uuid.uuid4().hex[:6]}")
    procs: list[subprocess.Popen] = []
    results = []
    try:
        print(f"preparing {'PostgreSQL' if args.database else 'SQLite'} database, load average {load()}", flush=True)
        hearing, users = prepare(env, askers=10, voters=200, devices=args.poll_viewers and max(sizes))
        users_file = tmp / "users.json"
        users_file.write_text(json.dumps(users))
        portal_urls = []
        for i in range(args.workers):
            port = args.port + i
            procs.append(
                start([sys.executable, "-m", "portal.serve", "--port", str(port)], env, port, tmp / f"portal-{i}.log")
            )
            portal_urls.append(f"http://127.0.0.1:{port}")
        base_port = args.port + 50
        procs.append(
            start(
                [sys.executable, str(HERE / "baseline.py"), "--port", str(base_port)],
                env,
                base_port,
                tmp / "baseline.log",
            )
        )
        servers = {"portal": procs[:-1], "baseline": procs[-1:]}
        for n in sizes:
            for name, urls, users_arg, hid in (
                ("portal", portal_urls, users_file, hearing),
                ("baseline", [f"http://127.0.0.1:{base_port}"], None, 1),
            ):
                before = load()
                print(
                    f"{name}: {n} clients, {args.qps:g} questions/s, {args.vps:g} votes/s for {args.seconds}s "
                    f"(load {before}) ...",
                    flush=True,
                )
                cpu_before = cpu_seconds(servers[name])
                result = swarm(urls, hid, n, args, users_arg)
                result["load_before"], result["load_after"] = before, load()
                result["server_cpu_s"] = round(cpu_seconds(servers[name]) - cpu_before, 1)
                if name == "portal" and result.get("poll_id"):
                    result["database_poll_answers"] = poll_answers_in_database(url, result["poll_id"])
                print("  " + json.dumps(result, ensure_ascii=False), flush=True)
                results.append(result)
    finally:
        for proc in procs:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        drop()

    print(
        "\nclients  server    question p50/p99 ms   vote p50/p99 ms   lost  clients≠server  server CPU s  "
        "load before → after  out of order / resyncs  ack errors"
    )
    for r in results:
        print(
            f"{r['clients']:>7}  {r['server']:<8}  {r['question_p50_ms']!s:>8} / {r['question_p99_ms']!s:<8}  "
            f"{r['vote_p50_ms']!s:>7} / {r['vote_p99_ms']!s:<7}  {r['lost_question_events']:>4}  "
            f"{r['clients_not_matching_server']:>14}  {r['server_cpu_s']:>12}  "
            f"{r['load_before'].split()[0]:>6} → {r['load_after'].split()[0]:<6}  "
            f"{r.get('out_of_order', 0):>12} / {r.get('resyncs', 0):<7}  {r['ack_errors']}"
        )
    for n in sizes:
        pair = {r["server"]: r for r in results if r["clients"] == n}
        if (
            "portal" in pair
            and "baseline" in pair
            and pair["baseline"]["question_p99_ms"]
            and pair["portal"]["question_p99_ms"]
        ):
            ratio = pair["portal"]["question_p99_ms"] / pair["baseline"]["question_p99_ms"]
            cpu = pair["portal"]["server_cpu_s"] / max(pair["baseline"]["server_cpu_s"], 0.1)
            print(
                f"{n} clients: portal question p99 is {ratio:.2f}× the minimal server's; "
                f"server CPU for the run {cpu:.2f}×"
            )
    if args.poll_viewers:
        print(
            "\nclients  server    poll answers ok / sent  server total  database  lost  clients≠server  "
            "poll result p50/p99 ms"
        )
        for r in results:
            print(
                f"{r['clients']:>7}  {r['server']:<8}  {r.get('answer_ok')!s:>9} / {r.get('answers')!s:<9}  "
                f"{r.get('server_poll_total')!s:>12}  {r.get('database_poll_answers', '—')!s:>8}  "
                f"{r.get('lost_answers')!s:>4}  {r.get('poll_clients_not_matching_server')!s:>14}  "
                f"{r.get('poll_p50_ms')!s:>8} / {r.get('poll_p99_ms')!s}"
            )
    (tmp / "results.json").write_text(json.dumps(results, indent=2))
    print(f"results: {tmp / 'results.json'}")


if __name__ == "__main__":
    main()
