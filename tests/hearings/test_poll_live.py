"""Live polls over real Socket.IO connections to the gevent server: one answer per account and per browser, the
totals every client ends with equal to the database, results hidden until shown, a closed poll refuses answers."""

from __future__ import annotations

import threading
import uuid

import requests
import socketio

from tests.hearings.live_support import NS, USER_AGENT, live_db, log_in, make_hearing, make_users, wait_for


class PollClient:
    """A socket of one viewer (or the host) following the poll events as the page does: newest version wins."""

    def __init__(
        self, base_url: str, hearing_id: int, cookie: str | None = None, host: bool = False, device: str | None = None
    ):
        self.base_url, self.hearing_id, self.cookie, self.device = base_url, hearing_id, cookie, device
        self.sio = socketio.Client(reconnection=False)
        self.lock = threading.Lock()
        self.polls: dict[int, dict] = {}
        self.results_events = 0
        self.sio.on("poll_host" if host else "poll", self._on_poll, namespace=NS)
        self.sio.on("poll_results", self._on_results, namespace=NS)

    def connect(self) -> PollClient:
        headers = {"User-Agent": USER_AGENT}
        if self.cookie:
            headers["Cookie"] = self.cookie
        self.sio.connect(self.base_url, headers=headers, namespaces=[NS], transports=["websocket"], wait_timeout=10)
        assert self.call("join", {"hearing_id": self.hearing_id})["ok"]
        state = self.call("poll_sync", {"hearing_id": self.hearing_id})
        assert state["ok"], state
        with self.lock:
            self.polls = {p["id"]: p for p in state["polls"]}
        return self

    def call(self, event: str, data: dict) -> dict:
        if self.device and event in ("poll_sync", "poll_answer"):
            data = {**data, "device": self.device}
        return self.sio.call(event, data, namespace=NS, timeout=15)

    def _on_poll(self, data):
        with self.lock:
            known = self.polls.get(data["id"])
            if known is None or data["version"] > known["version"]:
                self.polls[data["id"]] = data

    def _on_results(self, data):
        with self.lock:
            self.results_events += 1
            known = self.polls.get(data["poll_id"])
            if known is not None and data["version"] > known["version"]:
                known.update(version=data["version"], total=data["total"], counts=data["counts"])

    def poll(self, poll_id: int) -> dict:
        with self.lock:
            return dict(self.polls.get(poll_id) or {})

    def disconnect(self) -> None:
        if self.sio.connected:
            self.sio.disconnect()


def _host_cookie(live_server) -> str:
    from portal.accounts import services
    from portal.accounts.models import Role
    from portal.actors import SYSTEM

    name = f"pollhost{uuid.uuid4().hex[:6]}"
    with live_db(live_server):
        services.create_user(
            SYSTEM,
            services.UserData(username=name, display_name="主持人", roles={Role.HOST}, password="password123"),
        )
    return log_in(live_server.url, name)


def _device_token(live_server) -> str:
    """A browser without an account: the page's script fetches its device token once and keeps it."""
    response = requests.get(f"{live_server.url}/hearings/device-token", headers={"User-Agent": USER_AGENT}, timeout=10)
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    return response.json()["device"]


def _database_totals(live_server, poll_id: int) -> tuple[int, dict[str, int]]:
    import sqlalchemy as sa

    from portal.hearings.models import Poll, PollAnswer

    with live_db(live_server) as db:
        poll = db.session.get(Poll, poll_id)
        rows = db.session.execute(sa.select(PollAnswer.choices).where(PollAnswer.poll_id == poll_id)).scalars().all()
        counts = {str(o.id): sum(1 for mask in rows if mask & (1 << o.position)) for o in poll.options}
        return len(rows), counts


def test_the_hall_answers_once_each_and_every_client_ends_with_the_database_totals(live_server):
    hearing_id = make_hearing(live_server)
    host = PollClient(live_server.url, hearing_id, _host_cookie(live_server), host=True).connect()
    citizens = [log_in(live_server.url, name) for name in make_users(live_server, 6, prefix="pollv")]
    viewers = [PollClient(live_server.url, hearing_id, c).connect() for c in citizens]
    viewers += [PollClient(live_server.url, hearing_id, device=_device_token(live_server)).connect() for _ in range(6)]
    watcher = PollClient(live_server.url, hearing_id).connect()  # no account, no device token: watches only
    clients = [host, *viewers, watcher]
    try:
        created = host.call(
            "poll_create",
            {
                "hearing_id": hearing_id,
                "question": "您最希望优先推进哪项改革？",
                "options": "一业一证\n证照联办\n一网通办",
                "multiple": True,
                "allow_anonymous": True,
                "open": True,
                "client_id": "create-1",
            },
        )
        assert created["ok"], created
        poll = created["poll"]
        retried = host.call(
            "poll_create", {"hearing_id": hearing_id, "question": "重复", "options": "甲\n乙", "client_id": "create-1"}
        )
        assert retried["poll"]["id"] == poll["id"]  # a retried create returns the first poll
        pid, options = poll["id"], [o["id"] for o in poll["options"]]
        assert wait_for(lambda: all(v.poll(pid).get("state") == "open" for v in [*viewers, watcher]), 10)

        # Everyone answers at once; each also retries (same client id) and tries a second answer.
        acks: dict[int, list[dict]] = {}

        def answer(i: int, client: PollClient) -> None:
            choice = [options[i % 3]] if i % 2 else [options[0], options[2]]
            first = client.call("poll_answer", {"poll_id": pid, "choices": choice, "client_id": f"ans-{i}"})
            retry = client.call("poll_answer", {"poll_id": pid, "choices": choice, "client_id": f"ans-{i}"})
            again = client.call("poll_answer", {"poll_id": pid, "choices": [options[1]], "client_id": f"again-{i}"})
            acks[i] = [first, retry, again]

        threads = [threading.Thread(target=answer, args=(i, c)) for i, c in enumerate(viewers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert all(a[0]["ok"] and a[0]["created"] for a in acks.values()), acks
        assert all(
            a[1]["ok"] and a[1]["created"] is False and a[1]["choices"] == a[0]["choices"] for a in acks.values()
        )
        assert all(a[2]["error"]["code"] == "conflict" for a in acks.values()), acks
        refused = watcher.call("poll_answer", {"poll_id": pid, "choices": [options[0]], "client_id": "w"})
        assert refused["error"]["code"] == "unauthorized"

        total, counts = _database_totals(live_server, pid)
        assert total == len(viewers) == 12
        # The host sees the totals come in; the public does not while they are hidden.
        assert wait_for(lambda: host.poll(pid).get("total") == total and host.poll(pid)["counts"] == counts, 10)
        assert watcher.results_events == 0 and "counts" not in watcher.poll(pid)
        mine = viewers[0].call("poll_sync", {"hearing_id": hearing_id})["mine"]
        assert mine == {str(pid): acks[0][0]["choices"]}

        shown = host.call("poll_action", {"poll_id": pid, "action": "show"})
        assert shown["ok"] and shown["poll"]["results_shown"]
        for client in [*viewers, watcher]:
            assert wait_for(lambda c=client: c.poll(pid).get("counts") == counts and c.poll(pid)["total"] == total, 10)

        assert host.call("poll_action", {"poll_id": pid, "action": "close"})["ok"]
        late = PollClient(live_server.url, hearing_id, log_in(live_server.url, make_users(live_server, 1)[0])).connect()
        clients.append(late)
        closed = late.call("poll_answer", {"poll_id": pid, "choices": [options[0]], "client_id": "late"})
        assert closed["error"]["code"] == "conflict"
        assert late.poll(pid)["state"] == "closed" and late.poll(pid)["counts"] == counts
        assert _database_totals(live_server, pid) == (total, counts)
        for client in [*viewers, watcher]:
            assert wait_for(lambda c=client: c.poll(pid).get("state") == "closed", 10)
            assert client.poll(pid)["total"] == total and client.poll(pid)["counts"] == counts
    finally:
        for client in clients:
            client.disconnect()
