"""portal/gc_schedule.py in a fresh interpreter (it changes process-wide collector settings)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from portal.gc_schedule import NEVER

SCRIPT = textwrap.dedent(
    """
    import gc, threading, time, weakref
    from portal.gc_schedule import schedule_full_collections

    class Node:
        pass

    def task(fn):
        threading.Thread(target=fn, daemon=True).start()

    schedule_full_collections(0.3, task, time.sleep)
    assert gc.get_freeze_count() > 0, "start-up objects frozen"
    assert gc.get_threshold()[2] == {never}

    # A reference cycle promoted to the oldest generation: only a full collection frees it.
    a, b = Node(), Node()
    a.other, b.other = b, a
    probe = weakref.ref(a)
    gc.collect(1)
    gc.collect(1)
    del a, b
    for _ in range(200):  # plenty of young collections: none of them is a full one
        [[Node()] for _ in range(1000)]
    gc.collect(1)
    survived_young_collections = probe() is not None
    deadline = time.monotonic() + 5
    while probe() is not None and time.monotonic() < deadline:
        time.sleep(0.05)
    print(survived_young_collections, probe() is None)
    """
).format(never=NEVER)


def test_full_collections_run_on_the_schedule_only_and_still_free_cycles():
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    survived_young, freed_by_schedule = result.stdout.split()
    assert survived_young == "True"  # automatic collections did not run a full one
    assert freed_by_schedule == "True"  # the periodic one did
