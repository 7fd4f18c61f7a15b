"""``python -m bench.soak``: the soak under faults (see run.py). The clients are greenlets: patch first."""

from gevent import monkey

monkey.patch_all()

import os  # noqa: E402
import sys  # noqa: E402

from bench.soak.run import main  # noqa: E402

if __name__ == "__main__":
    main()
    sys.stdout.flush()
    os._exit(0)  # skip the interpreter's teardown of greenlet-held logging locks (noise only)
