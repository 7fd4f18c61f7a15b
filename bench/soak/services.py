"""The soak's own PostgreSQL and Redis: started from the installed binaries in a temporary folder, on free ports,
so that killing and restarting them never touches the machine's own servers."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

PG_BIN = Path(os.environ.get("SOAK_PG_BIN", "/usr/lib/postgresql/15/bin"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def die_with_parent() -> None:
    """In a child (web process, Redis): be killed when the driver dies, however it dies (PR_SET_PDEATHSIG)."""
    import ctypes

    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)


def wait_for_port(port: int, timeout: float = 60.0, process: subprocess.Popen | None = None) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


def _binary(name: str) -> str:
    path = PG_BIN / name
    if path.exists():
        return str(path)
    found = shutil.which(name)
    if not found:
        raise RuntimeError(f"{name} not found in {PG_BIN} or on PATH")
    return found


class Postgres:
    """One PostgreSQL cluster in ``root``/pg. As root the server runs as the ``postgres`` account (it refuses root)."""

    def __init__(self, root: Path) -> None:
        self.dir = root / "pg"
        self.port = free_port()
        self.as_postgres = os.geteuid() == 0
        self.log = root / "postgres.log"

    def _run(self, *args: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess:
        cmd = list(args)
        if self.as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, check=check, capture_output=True, text=True, timeout=timeout)

    def init(self) -> None:
        self.dir.mkdir(parents=True)
        self.log.touch()
        if self.as_postgres:
            os.chmod(self.dir.parent, 0o755)
            shutil.chown(self.dir, "postgres", "postgres")
            shutil.chown(self.log, "postgres", "postgres")
        self._run(_binary("initdb"), "-D", str(self.dir), "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8")
        with (self.dir / "postgresql.conf").open("a") as conf:
            conf.write(
                f"\nport = {self.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{self.dir}'\n"
                "max_connections = 200\nfsync = off\nfull_page_writes = off\nshared_buffers = 64MB\n"
            )

    def start(self) -> None:
        self._run(_binary("pg_ctl"), "-D", str(self.dir), "-l", str(self.log), "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run(_binary("pg_ctl"), "-D", str(self.dir), "-m", mode, "-w", "-t", "60", "stop", check=False)

    def restart(self, down_seconds: float) -> None:
        """A crash (immediate stop: no checkpoint, recovery from the WAL at start) and a start after a pause."""
        self.stop("immediate")
        time.sleep(down_seconds)
        self.start()

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"


class Redis:
    def __init__(self, root: Path) -> None:
        self.dir = root / "redis"
        self.dir.mkdir(parents=True)
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.log = root / "redis.log"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", str(self.dir)),
            ],
            stdout=self.log.open("a"),
            stderr=subprocess.STDOUT,
            preexec_fn=die_with_parent,
        )
        if not wait_for_port(self.port, 30, self.process):
            raise RuntimeError(f"redis-server did not start:\n{self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def restart(self, down_seconds: float) -> None:
        """Killed (its keys are gone: rate-limit windows, presence) and started again after a pause."""
        self.stop()
        time.sleep(down_seconds)
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"
