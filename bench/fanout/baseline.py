"""A minimal Flask-SocketIO server (gevent + gevent-websocket) speaking the same events as the portal.

No database, no accounts: it keeps questions and counts in memory, broadcasts one ``question`` per
ask and coalesced ``votes`` every tick, so the swarm measures the transport and fan-out alone. Polls the same
way: ``poll_create`` / ``poll_action`` / ``poll_answer`` (one answer per socket) / ``poll_sync``, a ``poll`` event per
change and coalesced ``poll_results`` every tick.
Run: ``python bench/fanout/baseline.py --port 5201`` (with ``--redis URL`` to join workers).
"""

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import itertools  # noqa: E402
from collections import defaultdict  # noqa: E402

from flask import Flask  # noqa: E402
from flask_socketio import SocketIO, join_room  # noqa: E402

NS = "/hearings"
TICK = 0.2


def build(redis_url: str | None, channel: str) -> tuple[Flask, SocketIO]:
    app = Flask(__name__)
    socketio = SocketIO(app, async_mode="gevent", message_queue=redis_url, channel=channel)
    ids = itertools.count(1)
    last_seq = [0]

    def next_seq() -> int:
        last_seq[0] += 1
        return last_seq[0]

    questions: dict[int, dict] = {}
    votes: dict[int, set[str]] = defaultdict(set)
    dirty: set[int] = set()

    def snapshot(hearing_id):
        return {
            "ok": True,
            "seq": last_seq[0],
            "questions": [dict(q, votes=len(votes[q["id"]])) for q in questions.values()],
        }

    @socketio.on("join", namespace=NS)
    def join(data):
        join_room(f"h{data['hearing_id']}")
        return snapshot(data["hearing_id"])

    @socketio.on("sync", namespace=NS)
    def sync(data):
        return snapshot(data["hearing_id"])

    @socketio.on("ask", namespace=NS)
    def ask(data):
        qid = next(ids)
        q = {"id": qid, "visible": True, "text": data["text"], "votes": 0, "state": "approved"}
        questions[qid] = q
        event = {"hearing_id": data["hearing_id"], "seq": next_seq(), "question": q, "counts": {"received": qid}}
        socketio.emit("question", event, to=f"h{data['hearing_id']}", namespace=NS)
        return {"ok": True, "created": True, "question": {"id": qid}}

    @socketio.on("vote", namespace=NS)
    def vote(data):
        qid = int(data["question_id"])
        votes[qid].add(data["client_id"])
        dirty.add(qid)
        return {"ok": True, "question_id": qid, "voted": True}

    polls: dict[int, dict] = {}
    poll_answers: dict[int, dict[str, list[int]]] = defaultdict(dict)
    dirty_polls: set[int] = set()
    poll_ids = itertools.count(1)

    def poll_view(p):
        answers = poll_answers[p["id"]]
        counts = {str(o["id"]): sum(o["id"] in c for c in answers.values()) for o in p["options"]}
        return dict(p, total=len(answers), counts=counts)

    @socketio.on("poll_create", namespace=NS)
    def poll_create(data):
        pid = next(poll_ids)
        labels = [line for line in data["options"].splitlines() if line.strip()]
        p = {
            "id": pid,
            "hearing_id": data["hearing_id"],
            "version": 0,
            "question": data["question"],
            "state": "draft",
            "results_shown": False,
            "options": [{"id": pid * 100 + i, "label": label} for i, label in enumerate(labels)],
        }
        polls[pid] = p
        return {"ok": True, "poll": poll_view(p)}

    @socketio.on("poll_action", namespace=NS)
    def poll_action(data):
        p = polls[int(data["poll_id"])]
        action = data["action"]
        if action == "open":
            p["state"] = "open"
        elif action == "close":
            p["state"] = "closed"
        elif action in ("show", "hide"):
            p["results_shown"] = action == "show"
        p["version"] += 1
        socketio.emit("poll", poll_view(p), to=f"h{p['hearing_id']}", namespace=NS)
        return {"ok": True, "poll": poll_view(p)}

    @socketio.on("poll_answer", namespace=NS)
    def poll_answer(data):
        from flask import request

        p = polls.get(int(data["poll_id"]))
        if p is None or p["state"] != "open":
            return {"ok": False, "error": {"code": "conflict", "message": "closed"}}
        answers = poll_answers[p["id"]]
        if request.sid in answers:
            return {"ok": False, "error": {"code": "conflict", "message": "answered"}}
        answers[request.sid] = list(data["choices"])
        dirty_polls.add(p["id"])
        return {"ok": True, "poll_id": p["id"], "choices": answers[request.sid], "created": True}

    @socketio.on("poll_sync", namespace=NS)
    def poll_sync(data):
        return {"ok": True, "polls": [poll_view(p) for p in polls.values()], "mine": {}}

    def flusher():
        while True:
            socketio.sleep(TICK)
            for pid in list(dirty_polls):
                dirty_polls.discard(pid)
                p = polls[pid]
                p["version"] += 1
                view = poll_view(p)
                data = {
                    "hearing_id": p["hearing_id"],
                    "poll_id": pid,
                    "version": p["version"],
                    "total": view["total"],
                    "counts": view["counts"],
                }
                socketio.emit("poll_results", data, to=f"h{p['hearing_id']}", namespace=NS)
            if dirty:
                batch = {str(q): len(votes[q]) for q in list(dirty)}
                dirty.clear()
                socketio.emit("votes", {"hearing_id": 1, "seq": next_seq(), "counts": batch}, to="h1", namespace=NS)

    socketio.start_background_task(flusher)
    return app, socketio


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=5201)
    parser.add_argument("--redis")
    parser.add_argument("--channel", default="bench-baseline")
    args = parser.parse_args()
    app, socketio = build(args.redis, args.channel)
    socketio.run(app, host="127.0.0.1", port=args.port, log_output=False)
