"""Votes written in batches: every vote a process receives within a short tick is committed in one
transaction, and each voter's ack follows that commit. At hundreds of votes per second this costs a
few transactions per second instead of one per vote (see docs/PERFORMANCE.md, bench/fanout)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from flask import Flask

from portal.errors import DomainError, Unavailable, is_unavailable
from portal.extensions import db, socketio
from portal.hearings.questions import apply_votes

log = logging.getLogger(__name__)

WRITE_SECONDS = 0.05  # how long votes gather before they are written together (≈ 20 transactions/s)


@dataclass
class VoteRequest:
    user_id: int
    question_id: int
    client_id: str
    add: bool
    result: int | None = None
    error: DomainError | None = None
    done: Any = field(default=None, repr=False)


class VoteBatcher:
    def __init__(self) -> None:
        self.pending: list[VoteRequest] = []
        self.running = False

    def submit(self, app: Flask, request: VoteRequest) -> int:
        """Queue one vote and wait for the commit of its batch; raises the vote's domain error."""
        request.done = socketio.server.eio.create_event()
        self.pending.append(request)
        if not self.running:
            self.running = True
            socketio.start_background_task(self._loop, app)
        if not request.done.wait(timeout=30):
            raise DomainError("投票处理超时，请重试")
        if request.error is not None:
            raise request.error
        return request.result

    def _loop(self, app: Flask) -> None:
        while True:
            socketio.sleep(WRITE_SECONDS)
            batch, self.pending = self.pending, []
            if not batch:
                continue
            write_batch(app, batch)
            for request in batch:
                request.done.set()


def write_batch(app: Flask, batch: list[VoteRequest]) -> None:
    """Write the batch in one transaction; when that fails, write each vote on its own, so that one bad vote
    (a database error only it causes) fails only itself and every other vote of the batch still counts. While
    the database is unavailable every vote gets the retryable error at once."""
    with app.app_context():
        try:
            apply_votes(batch)
            return
        except Exception as error:
            db.session.rollback()
            if is_unavailable(error):
                log.warning("writing %d votes: database unavailable: %s", len(batch), error)
                failure = Unavailable("服务暂时不可用，投票未成功，请稍后重试")
                for request in batch:
                    request.error = request.error or failure
                return
            log.warning("writing %d votes together failed (%s); writing them one by one", len(batch), error)
        finally:
            db.session.remove()
        for request in batch:
            request.result, request.error = None, None
            try:
                apply_votes([request])
            except Exception as error:
                db.session.rollback()
                if is_unavailable(error):
                    request.error = Unavailable("服务暂时不可用，投票未成功，请稍后重试")
                else:
                    log.exception(
                        "writing the vote of user %s on question %s failed", request.user_id, request.question_id
                    )
                    request.error = DomainError("系统繁忙，投票未成功，请重试")
            finally:
                db.session.remove()


batcher = VoteBatcher()
