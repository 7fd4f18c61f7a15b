"""The deploy files, exercised: Debian's nginx with deploy/nginx/portal.conf (TLS with a throw-away certificate)
in front of two gunicorn processes started with deploy/gunicorn.conf.py, on PostgreSQL and Redis.

Checked through nginx: pages, log-in, a question asked on one process reaching a client pinned to the other, a
work-order action notifying a requester connected to the other process, static files served by nginx under
hashed names, the upload limit.
"""

from __future__ import annotations

import os
import re
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests
import socketio
import urllib3

from tests.hearings.live_support import USER_AGENT, Mirror, live_db, log_in, make_hearing, make_users, wait_for
from tests.support import databases, live
from tools import stack

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.live]

ROOT = Path(__file__).resolve().parents[2]
NGINX = stack.NGINX
urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)


@dataclass
class Deployment:
    url: str
    http_url: str
    env: dict[str, str]
    webs: list[live.LiveServer]
    nginx_log: Path

    def web_log(self, index: int) -> str:
        return self.webs[index].log()

    def node_cookie(self, index: int) -> str:
        """A ``portal_node`` value that nginx's hash ring sends to web process ``index``."""
        for n in range(200):
            value = f"{n:032x}"
            probe = uuid.uuid4().hex
            requests.get(
                f"{self.url}/socket.io/?EIO=4&transport=polling&probe={probe}",
                cookies={"portal_node": value},
                verify=False,
                timeout=10,
            )
            if wait_for(lambda p=probe: any(p in self.web_log(i) for i in range(2)), 5) and probe in self.web_log(
                index
            ):
                return value
        raise AssertionError("no cookie value reached that process")


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    if not Path(NGINX).exists():
        message = "nginx not found (apt-get install -y nginx)"
        if os.environ.get("REQUIRE_BROWSER"):  # CI: the tools are required, not skipped
            pytest.fail(message)
        pytest.skip(message)
    tmp = tmp_path_factory.mktemp("deploy")
    cert, key = stack.self_signed(tmp)
    with databases.fresh_database("deploy") as url:
        env = live.server_env(url, tmp)
        env.update(
            REDIS_URL=os.environ["REDIS_URL"],
            RUN_BACKGROUND_JOBS="0",
            SEARCH_INDEXER="worker",
            SESSION_COOKIE_SECURE="1",
            PROXY_COUNT="1",
            MAX_UPLOAD_MB="20",
            LOG_LEVEL="info",  # gunicorn's access log: which process answered what
        )
        live.flask_cli(env, "db", "upgrade", "heads")
        web_ports = [live.free_port(), live.free_port()]
        webs: list[live.LiveServer] = []
        nginx = None
        try:
            for n, port in enumerate(web_ports):
                log = tmp / f"web{n}.log"
                process = stack.start_gunicorn(env, port, log)
                webs.append(live.LiveServer(f"http://127.0.0.1:{port}", port, env, process, log))
            http_port, https_port = live.free_port(), live.free_port()
            nginx = stack.start_nginx(stack.render_site(tmp, http_port, https_port, web_ports, cert, key))
            base = f"https://127.0.0.1:{https_port}"
            assert wait_for(lambda: _answers(base), 20), (tmp / "error.log").read_text()
            yield Deployment(base, f"http://127.0.0.1:{http_port}", env, webs, tmp / "access.log")
        finally:
            stack.stop(nginx)
            for web in webs:
                web.stop()


def _answers(url: str) -> bool:
    try:
        return requests.get(f"{url}/", verify=False, timeout=2).status_code == 200
    except requests.RequestException:
        return False


def test_pages_come_through_tls_and_plain_http_is_sent_to_https(deployment):
    home = requests.get(f"{deployment.url}/", verify=False, timeout=10)
    assert home.status_code == 200 and "<html" in home.text
    # The app's own security headers pass through, once; HSTS because the app sees https (X-Forwarded-Proto).
    assert home.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "," not in home.headers["Strict-Transport-Security"]
    assert "Content-Security-Policy" in home.headers
    assert "portal_node" not in home.headers.get("Set-Cookie", "")  # no affinity cookie on pages
    for path in ("/plans/", "/policies/", "/hearings/", "/feedback/public/", "/api/v1/plans/tasks"):
        assert requests.get(f"{deployment.url}{path}", verify=False, timeout=10).status_code == 200, path
    redirect = requests.get(f"{deployment.http_url}/policies/", allow_redirects=False, timeout=10)
    assert redirect.status_code == 301 and redirect.headers["Location"] == "https://127.0.0.1/policies/"


def test_anonymous_pages_are_micro_cached_and_signed_in_ones_never(deployment):
    def get(path, **headers):
        return requests.get(f"{deployment.url}{path}", headers=headers, verify=False, timeout=10)

    first = get("/policies/?sort=date")
    assert first.status_code == 200 and "Set-Cookie" not in first.headers
    assert 'name="csrf-token"' not in first.text  # nothing per visitor in an anonymous page
    again = get("/policies/?sort=date")
    assert again.headers["X-Cache-Status"] == "HIT" and again.text == first.text

    (name,) = make_users(SimpleNamespace(env=deployment.env), 1, prefix="cache")
    cookie = log_in(deployment.url, name, verify=False)
    mine = get("/policies/?sort=date", Cookie=cookie, **{"User-Agent": USER_AGENT})
    assert mine.headers["X-Cache-Status"] == "BYPASS"
    shown = f"测试{name[-4:]}"  # the display name make_users gives
    assert shown in mine.text and 'name="csrf-token"' in mine.text
    assert "no-store" in mine.headers["Cache-Control"]
    # What the signed-in person got was not stored for the next anonymous visitor.
    time.sleep(1.1)
    assert shown not in get("/policies/?sort=date").text
    # A request with an API key is never answered from the cache (the key's limits and usage count it).
    assert get("/api/v1/plans").status_code == 200
    keyed = get("/api/v1/plans", **{"X-API-Key": "pk_unknown"})
    assert keyed.status_code == 401 and keyed.headers["X-Cache-Status"] == "BYPASS"
    assert get("/open311/v2/services.json?api_key=pk_unknown").headers["X-Cache-Status"] == "BYPASS"


def test_static_files_are_served_by_nginx_under_hashed_names_and_cached_for_good(deployment):
    page = requests.get(f"{deployment.url}/", verify=False, timeout=10).text
    css = re.search(r'href="(/static/css/portal\.[0-9a-f]{12}\.css)"', page).group(1)
    response = requests.get(f"{deployment.url}{css}", verify=False, timeout=10)
    assert response.status_code == 200 and response.content == (ROOT / "static/css/portal.css").read_bytes()
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["Content-Type"].startswith("text/css")
    time.sleep(0.5)
    assert not any(css in deployment.web_log(i) for i in range(2))  # nginx answered, not a web process
    assert requests.get(f"{deployment.url}/static/css/nothing.css", verify=False, timeout=10).status_code == 404


def test_log_in_through_the_proxy_gives_a_secure_session(deployment):
    (name,) = make_users(SimpleNamespace(env=deployment.env), 1, prefix="tls")
    cookie = log_in(deployment.url, name, verify=False)
    account = requests.get(
        f"{deployment.url}/account", headers={"Cookie": cookie, "User-Agent": USER_AGENT}, verify=False, timeout=10
    )
    assert account.status_code == 200 and name in account.text
    # The session cookie is Secure behind TLS (the app sees https through X-Forwarded-Proto).
    login_page = requests.Session()
    login_page.get(f"{deployment.url}/login", timeout=10, verify=False)
    assert all(c.secure for c in login_page.cookies)


def test_a_question_asked_on_one_process_reaches_a_client_pinned_to_the_other(deployment):
    world = SimpleNamespace(env=deployment.env)
    hearing_id = make_hearing(world)
    (name,) = make_users(world, 1, prefix="asker")
    on_first, on_second = deployment.node_cookie(0), deployment.node_cookie(1)
    watcher = _connected(deployment.url, hearing_id, f"portal_node={on_first}")
    asker_cookie = f"{log_in(deployment.url, name, verify=False)}; portal_node={on_second}"
    asker = _connected(deployment.url, hearing_id, asker_cookie)
    try:
        ack = asker.call(
            "ask", {"hearing_id": hearing_id, "text": "经过代理的问题能到另一个进程吗？", "client_id": "n1"}
        )
        assert ack["ok"], ack
        qid = ack["question"]["id"]
        # The cookies were chosen by where nginx sent them (node_cookie): the watcher's websocket is held by the
        # first process, the asker's by the second; the question crossed over Redis.
        assert wait_for(lambda: qid in watcher.questions, 10)
        assert watcher.questions[qid]["text"] == "经过代理的问题能到另一个进程吗？"
    finally:
        watcher.disconnect()
        asker.disconnect()


def _connected(url: str, hearing_id: int, cookie: str) -> Mirror:
    """A client connected through nginx; like the browser's, it tries again after a failed connection (a loaded
    CI machine has dropped a websocket upgrade here once)."""
    for attempt in range(3):
        try:
            return Mirror(url, hearing_id, cookie, ssl_verify=False).connect()
        except socketio.exceptions.ConnectionError:
            if attempt == 2:
                raise
            time.sleep(1)
    raise AssertionError("unreachable")


def test_a_work_order_action_on_one_process_notifies_the_requester_connected_to_the_other(deployment):
    from portal.accounts.models import Role
    from portal.feedback import lifecycle
    from portal.feedback import services as feedback
    from tests.support.factories import PASSWORD, Factory

    world = SimpleNamespace(env=deployment.env)
    with live_db(world):
        factory = Factory()
        department = factory.department(f"代理测试局{uuid.uuid4().hex[:4]}")
        official = factory.user(Role.OFFICIAL, department=department, username=f"off{uuid.uuid4().hex[:6]}")
        dispatcher = factory.user(Role.DISPATCHER, username=f"dis{uuid.uuid4().hex[:6]}")
        citizen = factory.user(Role.CITIZEN, username=f"cit{uuid.uuid4().hex[:6]}", phone="13912345678")
        order = feedback.file_order(
            citizen,
            feedback.OrderData(
                kind="complaint",
                category="城市管理",
                title="经过代理的诉求",
                description="小区门口夜间施工噪音扰民，请尽快处理。",
                requester_phone="13912345678",
            ),
        )
        lifecycle.dispatch_order(dispatcher, order, [department.id], department.id)
        assignment_id = order.assignments[-1].id
        tracking_no = order.tracking_no
        official_name, citizen_name = official.username, citizen.username
    on_first, on_second = deployment.node_cookie(0), deployment.node_cookie(1)

    notices = []
    client = socketio.Client(reconnection=False, ssl_verify=False)
    client.on("notice", notices.append, namespace="/notices")
    citizen_cookie = f"{log_in(deployment.url, citizen_name, PASSWORD, verify=False)}; portal_node={on_first}"
    client.connect(
        deployment.url,
        headers={"Cookie": citizen_cookie, "User-Agent": USER_AGENT},
        namespaces=["/notices"],
        transports=["websocket"],
        wait_timeout=10,
    )
    try:
        http = requests.Session()
        http.headers.update({"User-Agent": USER_AGENT})
        http.headers["Cookie"] = (
            f"{log_in(deployment.url, official_name, PASSWORD, verify=False)}; portal_node={on_second}"
        )
        page = http.get(f"{deployment.url}/feedback/{tracking_no}", timeout=10, verify=False).text
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        signed = http.post(
            f"{deployment.url}/feedback/assignments/{assignment_id}/sign",
            data={"csrf_token": token, "handler_name": "刘强", "handler_phone": "13800000101"},
            headers={"Referer": f"{deployment.url}/feedback/{tracking_no}"},
            allow_redirects=False,
            timeout=10,
            verify=False,
        )
        assert signed.status_code == 302, signed.text[:500]
        assert wait_for(lambda: any(tracking_no in str(n) for n in notices), 10), notices
        # The action was handled by the second process, the push went out from the first.
        assert f"/feedback/assignments/{assignment_id}/sign" in deployment.web_log(1)
        assert f"/feedback/assignments/{assignment_id}/sign" not in deployment.web_log(0)
    finally:
        client.disconnect()


def test_an_upload_over_the_limit_is_refused_by_nginx_with_a_readable_page(deployment):
    body = b"x" * (22 * 1024 * 1024)
    response = requests.post(
        f"{deployment.url}/feedback/new",
        files={"files": ("big.png", body, "image/png")},
        verify=False,
        timeout=30,
    )
    assert response.status_code == 413
    assert "上传内容过大" in response.content.decode("utf-8")
    assert "/feedback/new" not in deployment.web_log(0) + deployment.web_log(1)
