"""A real server process (``python -m portal.serve``: gevent + gevent-websocket) on its own
database, for Socket.IO and browser tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(database_url: str, instance_dir: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY="live-test-secret",
        SEARCH_INDEX_DIR=str(instance_dir / "search-index"),
        UPLOAD_DIR=str(instance_dir / "uploads"),
        LOGIN_RATE_LIMIT_ACCOUNT="1000 per minute",
        LOGIN_RATE_LIMIT_ADDRESS="1000 per minute",
        API_ANONYMOUS_READ_LIMIT="100000 per minute",  # the tests' clients all come from 127.0.0.1
        RUN_BACKGROUND_JOBS="1",
        PYTHONUNBUFFERED="1",
    )
    # With Redis available (CI's PostgreSQL run) the live server uses it like production: Socket.IO
    # message queue and rate-limit storage, under keys and a channel of this run only.
    run_id = uuid.uuid4().hex[:8]
    env.update(SOCKETIO_CHANNEL=f"portal-test-{run_id}", RATELIMIT_KEY_PREFIX=f"portal-test-{run_id}")
    env.update(extra)
    return env


def flask_cli(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "portal", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


@dataclass
class LiveServer:
    url: str
    port: int
    env: dict[str, str]
    process: subprocess.Popen
    log_path: Path
    extra: dict[str, str] = field(default_factory=dict)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def start_server(
    env: dict[str, str], log_path: Path, port: int | None = None, module: str = "portal.serve"
) -> LiveServer:
    """``python -m <module>`` (``portal.serve``, or a wrapper of it) on ``port`` (a free one by default)."""
    port = port or free_port()
    log = log_path.open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", module, "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = LiveServer(f"http://127.0.0.1:{port}", port, env, process, log_path)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{server.log()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return server
        except OSError:
            time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"server did not start on port {port}:\n{server.log()}")
