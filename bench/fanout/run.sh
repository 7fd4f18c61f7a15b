#!/usr/bin/env bash
# Live queue fan-out benchmark: portal vs a minimal Flask-SocketIO gevent server (see run.py --help).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ ! -d "$HERE/node_modules/socket.io-client" ]; then
  (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error)
fi
exec "$ROOT/.venv/bin/python" "$HERE/run.py" "$@"
