"""Garbage collection for a serving process: no stop-the-world pauses while an audience joins a hearing.

CPython starts a full (generation 2) collection whenever the objects that survived since the last one reach a
quarter of all long-lived objects, and a full collection scans every container in the process. A Socket.IO
server holds hundreds of them per connected client (suspended greenlets' frames, sockets, sessions): while
2,000 people joined a live hearing the server ran nine full collections of 70–330 ms each, and each one held up
every broadcast — the slowest question deliveries of the fan-out benchmark were exactly those
(bench/fanout, docs/PERFORMANCE.md). So, in serving processes (``python -m portal.serve``, ``wsgi.py``):

* what start-up built (modules, the app, compiled templates and statements) is frozen: no collection scans
  it again (``gc.freeze``);
* full collections no longer start by themselves: one runs every ``GC_FULL_INTERVAL`` seconds (default 300),
  so reference cycles that reach the oldest generation are still freed, at a known, rare moment. Young
  collections (generations 0 and 1) are unchanged. ``GC_FULL_INTERVAL=0`` keeps CPython's own schedule.
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

NEVER = 1_000_000_000  # a generation-2 threshold that generation-1 collections never reach


def schedule_full_collections(interval: float, start_task: Callable[..., object], sleep: Callable[[float], object]):
    """Freeze start-up objects; with ``interval`` > 0, run full collections on that period only.

    ``start_task``/``sleep`` are the server's (Socket.IO's ``start_background_task`` and ``sleep``), so the
    collector runs as a greenlet under gevent.
    """
    gc.collect()
    gc.freeze()
    if interval <= 0:
        return None
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, NEVER)

    def collect_periodically() -> None:
        while True:
            sleep(interval)
            started = time.perf_counter()
            freed = gc.collect(2)
            log.info(
                "full garbage collection: %d objects freed in %.0f ms", freed, (time.perf_counter() - started) * 1000
            )

    return start_task(collect_periodically)
