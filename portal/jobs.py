"""Periodic jobs run in-process on the embedded default (``make run``).

With several workers, run them once, outside the web processes (``flask feedback tick`` from
cron, ``flask search worker``), and set RUN_BACKGROUND_JOBS=0 for the web processes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask

from portal.extensions import db, socketio

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    seconds: float
    run: Callable[[], object]


_JOBS: dict[str, Job] = {}


def periodic(seconds: float) -> Callable[[Callable[[], object]], Callable[[], object]]:
    """Register ``fn`` to run every ``seconds`` inside an app context; it must be idempotent."""

    def register(fn: Callable[[], object]) -> Callable[[], object]:
        name = f"{fn.__module__}.{fn.__qualname__}"
        _JOBS[name] = Job(name, seconds, fn)
        return fn

    return register


def start_background_jobs(app: Flask) -> None:
    def loop(job: Job) -> None:
        while True:
            socketio.sleep(job.seconds)
            with app.app_context():
                try:
                    job.run()
                except Exception:  # a failing run must not stop later runs
                    log.exception("background job %s failed", job.name)
                    db.session.rollback()

    for job in _JOBS.values():
        log.info("starting background job %s every %ss", job.name, job.seconds)
        socketio.start_background_task(loop, job)
