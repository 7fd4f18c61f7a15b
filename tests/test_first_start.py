"""`make run` as a newcomer meets it: the same steps (``python -m portal.serve --prepare``: migrate, load the demo
data once, serve) in a temporary instance, and what they print. The demo data here is a small city (the demo's
accounts and one policy document) so that the test stays quick; the full demo takes the same path."""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

import jieba
import pytest
import yaml

from portal.search import analyzer
from tests.support import live

ROOT = Path(__file__).resolve().parents[1]
NOISE = ("warning", "debug", "traceback", "building prefix dict", "not found", "exception", "keyboardinterrupt", "info")


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except OSError:
        return 0, ""


def wait_for(check, seconds: float, what: str, output: Path):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(0.2)
    pytest.fail(f"{what} not within {seconds:.0f} s; the run printed:\n{output.read_text(errors='replace')}")


@pytest.fixture
def small_city(tmp_path) -> Path:
    data = tmp_path / "city"
    data.mkdir()
    (data / "accounts.yaml").write_text((ROOT / "demo" / "accounts.yaml").read_text(encoding="utf-8"), "utf-8")
    policies = yaml.safe_load((ROOT / "demo" / "policies.yaml").read_text(encoding="utf-8"))
    (data / "policies.yaml").write_text(
        yaml.safe_dump({"documents": policies["documents"][:1]}, allow_unicode=True), "utf-8"
    )
    return data


@pytest.mark.slow
def test_make_run_prints_the_address_the_password_and_how_to_stop_and_nothing_else(tmp_path, small_city):
    port = live.free_port()
    env = {key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "SEARCH_INDEXER")}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'portal.sqlite3'}",
        SEARCH_INDEX_DIR=str(tmp_path / "search-index"),
        UPLOAD_DIR=str(tmp_path / "uploads"),
        DEMO_DATA_DIR=str(small_city),
        RUN_BACKGROUND_JOBS="1",
        PYTHONUNBUFFERED="1",
    )
    output = tmp_path / "output.txt"
    with output.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "portal.serve", "--prepare", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: process.poll() is not None or get(f"{base}/")[0] == 200, 120, "the home page", output)
        assert process.poll() is None, output.read_text()
        assert get(f"{base}/login")[0] == 200
        # The search index is written in the background after the site answers; a search (which also starts the
        # segmenter in the server) finds the document once it is there.
        wait_for(
            lambda: "青政发〔2021〕5号" in get(f"{base}/policies/?q={quote('攻势')}")[1],
            90,
            "the indexed document",
            output,
        )
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    printed = output.read_text(errors="replace")
    assert f"open http://127.0.0.1:{port}/" in printed
    assert "demo1234" in printed
    assert "Ctrl-C to stop" in printed
    noisy = [line for line in printed.splitlines() if any(word in line.lower() for word in NOISE)]
    assert noisy == [], printed
    assert process.returncode == 0, printed
    assert printed.rstrip().endswith("Stopped."), printed


def test_a_taken_port_is_named_with_the_way_out(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'portal.sqlite3'}"}
        result = subprocess.run(
            [sys.executable, "-m", "portal.serve", "--prepare", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 1
    assert result.stdout == f"Port {port} on 127.0.0.1 is in use; choose another one, e.g. PORT={port + 1} make run\n"
    assert result.stderr == ""
    assert not (tmp_path / "portal.sqlite3").exists()  # nothing was prepared


def test_the_segmenter_keeps_its_dictionary_messages_to_itself():
    """jieba logs "Building prefix dict ..." at DEBUG through a stderr handler of its own as well as the root's."""
    assert analyzer.jieba is jieba
    assert jieba.log_console not in jieba.default_logger.handlers
    assert jieba.default_logger.getEffectiveLevel() == logging.WARNING
