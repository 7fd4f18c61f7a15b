"""Several machines, each with its own search index following the outbox with its own cursor (docs/OPERATIONS.md,
"Three machines"): two web processes, each reading its own index directory, each directory written by its own
``flask search worker``. Editors publish and repeal through both web processes at once; both indexes must then
answer the same. A replica whose directory is deleted rebuilds and catches up."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import threading
import uuid
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests

from tests.hearings.live_support import USER_AGENT, live_db, log_in, wait_for
from tests.support import databases, live

pytestmark = [pytest.mark.postgres, pytest.mark.live]

ROOT = Path(__file__).resolve().parents[2]
TERM = "副本一致性"


class Replica:
    """One machine: a web process and a search worker sharing an index directory."""

    def __init__(self, name: str, env: dict[str, str], tmp: Path) -> None:
        self.name, self.tmp = name, tmp
        self.index_dir = tmp / f"index-{name}"
        self.env = dict(env, SEARCH_INDEX_DIR=str(self.index_dir))
        self.web = live.start_server(self.env, tmp / f"web-{name}.log")
        self.worker: subprocess.Popen | None = None
        self.start_worker()

    def start_worker(self) -> None:
        log = (self.tmp / f"worker-{self.name}.log").open("a")
        self.worker = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "portal", "search", "worker", "--interval", "0.2"],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def stop_worker(self) -> None:
        if self.worker and self.worker.poll() is None:
            self.worker.terminate()
            self.worker.wait(timeout=20)

    def search(self, **params) -> list[tuple[int, str]]:
        response = requests.get(
            f"{self.web.url}/api/v1/policies/search", params={"q": TERM, "per_page": 100, **params}, timeout=10
        )
        assert response.status_code == 200, response.text[:300]
        return sorted((r["id"], r["status"]) for r in response.json()["results"])

    def stop(self) -> None:
        self.stop_worker()
        self.web.stop()


def _drafts(world, count: int) -> list[int]:
    from portal.actors import SYSTEM
    from portal.policies import services

    with live_db(world):
        return [
            services.create_policy(
                SYSTEM,
                services.PolicyData(
                    title=f"关于{TERM}试点的通知（第{n}号）",
                    body=f"为检验{TERM}，第{n}号文件发布后再废止。",
                    issuer="市政府办公厅",
                    doc_type="通知",
                ),
            ).id
            for n in range(count)
        ]


def _change(url: str, cookie: str, policy_id: int, action: str) -> None:
    """What the editor's status form sends (publish / repeal), as a browser would."""
    page_url = f"{url}/policies/manage/{policy_id}/status/{action}"
    headers = {"Cookie": cookie, "User-Agent": USER_AGENT}
    page = requests.get(page_url, headers=headers, timeout=10)
    assert page.status_code == 200, page.text[:300]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)
    response = requests.post(
        page_url,
        data={"csrf_token": token, "effective_on": date.today().isoformat(), "reason": "副本一致性测试"},
        headers={**headers, "Referer": page_url},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, response.text[:500]


@pytest.fixture
def replicas(tmp_path):
    with databases.fresh_database("replicas") as url:
        env = live.server_env(url, tmp_path, RUN_BACKGROUND_JOBS="0", SEARCH_INDEXER="worker")
        live.flask_cli(env, "db", "upgrade", "heads")
        made = []
        try:
            made.append(Replica("a", env, tmp_path))
            made.append(Replica("b", env, tmp_path))
            yield SimpleNamespace(env=env), made
        finally:
            for replica in made:
                replica.stop()


def test_two_replicas_answer_the_same_and_a_deleted_one_rebuilds_and_catches_up(replicas):
    from portal.accounts.models import Role
    from tests.support.factories import Factory

    world, (a, b) = replicas
    with live_db(world):
        editor = Factory().user(Role.EDITOR, username=f"editor{uuid.uuid4().hex[:6]}").username
    ids = _drafts(world, 12)
    cookies = {r.name: log_in(r.web.url, editor) for r in (a, b)}

    # Publish all twelve, half through each web process at the same time; then repeal five at the same time,
    # each process repealing documents the other one published.
    errors = []

    def run(replica, items, action):
        try:
            for policy_id in items:
                _change(replica.web.url, cookies[replica.name], policy_id, action)
        except BaseException as error:  # a thread's failure is the test's
            errors.append(error)

    def both(action, through_a, through_b):
        threads = [
            threading.Thread(target=run, args=(a, through_a, action)),
            threading.Thread(target=run, args=(b, through_b, action)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not errors, errors

    both("publish", ids[0::2], ids[1::2])
    repealed = {*ids[1:6:2], ids[2], ids[4]}
    both("repeal", ids[1:6:2], [ids[2], ids[4]])
    expected = sorted((i, "repealed" if i in repealed else "in_force") for i in ids)

    assert wait_for(lambda: a.search() == expected, 30), (a.search(), expected)
    assert wait_for(lambda: b.search() == expected, 30), (b.search(), expected)
    assert a.search(status="repealed") == b.search(status="repealed") == [e for e in expected if e[1] == "repealed"]

    # Replica b loses its index directory: its worker, restarted, rebuilds it from the database while a keeps
    # taking changes, then follows the outbox again.
    b.stop_worker()
    shutil.rmtree(b.index_dir)
    b.start_worker()
    late = _drafts(world, 3)
    for policy_id in late:
        _change(a.web.url, cookies["a"], policy_id, "publish")
    _change(a.web.url, cookies["a"], ids[0], "repeal")
    repealed.add(ids[0])
    expected = sorted([(i, "repealed" if i in repealed else "in_force") for i in ids] + [(i, "in_force") for i in late])
    assert wait_for(lambda: a.search() == expected, 30), (a.search(), expected)
    assert wait_for(lambda: b.search() == expected, 60), (b.search(), expected)
