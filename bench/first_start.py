"""``python3 bench/first_start.py``: a fresh clone to the first page, as a newcomer meets it.

Clones the repository (HEAD of the checkout this file is in, or ``--source``) into a temporary folder and times:

- ``phases`` (default): the install ``make run`` does (venv + requirements), ``make migrate``, ``make demo``,
  then ``make run`` until http://127.0.0.1:PORT/ answers 200 (what is left: the server's start) — wall and CPU
  seconds per phase, and the sums;
- ``--single``: one ``make run`` from the clone to the first 200, the newcomer's own number.

``--cold`` gives the run an empty pip cache (a machine that never installed these packages; the wheels are
downloaded again); by default the user's caches are used, as on a machine that installed once. Needs only the
standard library and ``make``; the clone is removed afterwards (``--keep`` keeps it). Figures: docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd: list[str], cwd: Path, env: dict[str, str], log) -> tuple[float, float]:
    """Wall and CPU seconds of one command (CPU: on a shared machine, the figure that load does not inflate)."""
    started, cpu = time.monotonic(), children_cpu()
    subprocess.run(cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, check=True)
    return time.monotonic() - started, children_cpu() - cpu


def serve_until_200(cwd: Path, env: dict[str, str], port: int, log, limit: float) -> tuple[float, str]:
    """Start ``make run``; seconds until / answers 200, and what the run printed up to then."""
    started = time.monotonic()
    out = cwd / "run-output.txt"
    with out.open("wb") as sink:
        proc = subprocess.Popen(
            ["make", "run"],
            cwd=cwd,
            env={**env, "PORT": str(port)},
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            while not answers(f"http://127.0.0.1:{port}/"):
                if proc.poll() is not None:
                    raise SystemExit(f"make run ended with {proc.returncode}:\n{out.read_text(errors='replace')}")
                if time.monotonic() - started > limit:
                    raise SystemExit(f"no 200 within {limit:.0f} s:\n{out.read_text(errors='replace')}")
                time.sleep(0.2)
            elapsed = time.monotonic() - started
            time.sleep(1.0)  # what it prints right after the first page, too
        finally:
            os.killpg(proc.pid, signal.SIGINT)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    text = out.read_text(errors="replace")
    log.write(text.encode())
    return elapsed, text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default=str(REPO), help="repository to clone (default: this checkout)")
    parser.add_argument("--rev", help="commit to check out in the clone (default: the source's HEAD)")
    parser.add_argument("--single", action="store_true", help="one `make run`, not phase by phase")
    parser.add_argument("--cold", action="store_true", help="an empty pip cache: every wheel is downloaded")
    parser.add_argument("--keep", action="store_true", help="keep the clone")
    parser.add_argument("--limit", type=float, default=600, help="give up after this many seconds")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="first-start-"))
    clone = tmp / "portal"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "FLASK_", "PYTHON"))}
    for name in ("DATABASE_URL", "REDIS_URL", "SEARCH_INDEX_DIR", "UPLOAD_DIR", "DEMO_DATA_DIR", "PORT", "HOST"):
        env.pop(name, None)
    if args.cold:
        env.update(PIP_CACHE_DIR=str(tmp / "pip-cache"))
    subprocess.run(["git", "clone", "-q", args.source, str(clone)], check=True)
    if args.rev:
        subprocess.run(["git", "checkout", "-q", args.rev], cwd=clone, check=True)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=clone, capture_output=True, text=True)
    load = os.getloadavg()[0]
    port = free_port()
    figures: list[tuple[str, float, float]] = []
    # What `make run` installs: the runtime requirements (a target of their own since they were split from the
    # developers' tools); on older commits `make setup` installed everything. What it loads: the demo data, leaving
    # the search index to a background process (--index-later); on older commits `make demo` wrote it first.
    split = "RUN_STAMP" in (clone / "Makefile").read_text()
    setup = ".venv/.installed-run" if split else "setup"
    demo = (
        ("demo (index later)", [".venv/bin/flask", "--app", "portal", "demo", "load", "--once", "--index-later"])
        if split
        else ("demo (with the index)", ["make", "demo"])
    )
    try:
        with (tmp / "log.txt").open("wb") as log:
            if args.single:
                elapsed, output = serve_until_200(clone, env, port, log, args.limit)
                figures.append(("make run → first 200", elapsed, float("nan")))
            else:
                for phase, cmd in (("venv + install", ["make", setup]), ("migrate", ["make", "migrate"]), demo):
                    figures.append((phase, *timed(cmd, clone, env, log)))
                elapsed, output = serve_until_200(clone, env, port, log, args.limit)
                figures.append(("serve (make run → first 200)", elapsed, float("nan")))  # CPU: still running
                figures.append(("total", sum(f[1] for f in figures), sum(f[2] for f in figures[:-1])))
    except subprocess.CalledProcessError as exc:
        sys.exit(f"{exc.cmd} failed; log: {tmp / 'log.txt'}")
    finally:
        if not args.keep and (tmp / "log.txt").exists():
            shutil.rmtree(clone, ignore_errors=True)
    mode = "cold caches" if args.cold else "user's caches"
    now = os.getloadavg()[0]
    print(f"first start of {commit.stdout.strip()} ({mode}; load average at start {load:.1f}, at the end {now:.1f})")
    print(f"  {'phase':32} {'wall':>8} {'CPU':>8}   (CPU: of the finished commands; the server's is not counted)")
    for name, seconds, cpu in figures:
        print(f"  {name:32} {seconds:6.1f} s {cpu:6.1f} s")
    print("what `make run` printed:")
    print("\n".join(f"  | {line}" for line in output.splitlines()))
    if args.keep:
        print(f"clone kept in {clone}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
