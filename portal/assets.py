"""Static files under content-hashed names, cached for a year by browsers and proxies.

``url_for('static', filename='css/portal.css')`` gives ``/static/css/portal.3f2a1b9c4d5e.css``: the name carries
the first 12 hex digits of the file's SHA-256, so a changed file gets a new URL and an unchanged one can be cached
for good (``Cache-Control: public, max-age=31536000, immutable``). The portal's static view answers hashed names
itself (``make run``); in production nginx serves them straight from the folder (deploy/nginx/portal.conf strips
the hash with one regex location), without a build step or a manifest. A plain name (a file a stylesheet refers
to by a relative URL) is served as before, with a short cache; an outdated hash is answered with the current file
and no long cache, so a page cached before a deploy still gets its styles.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path, PurePosixPath
from threading import Lock

from flask import Flask, Response, current_app

HASH_LENGTH = 12
LONG_CACHE = 365 * 24 * 3600
SHORT_CACHE = 300
_HASHED = re.compile(rf"^(?P<stem>.+)\.(?P<digest>[0-9a-f]{{{HASH_LENGTH}}})(?P<suffix>\.[A-Za-z0-9]+)$")


class HashedNames:
    """File name ↔ hashed name for one static folder; digests cached by (mtime, size)."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder).resolve()
        self._digests: dict[str, tuple[int, int, str]] = {}
        self._lock = Lock()

    def digest(self, filename: str) -> str | None:
        path = (self.folder / filename).resolve()
        if not path.is_relative_to(self.folder) or not path.is_file():
            return None
        stat = path.stat()
        cached = self._digests.get(filename)
        if cached and cached[:2] == (stat.st_mtime_ns, stat.st_size):
            return cached[2]
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:HASH_LENGTH]
        with self._lock:
            self._digests[filename] = (stat.st_mtime_ns, stat.st_size, digest)
        return digest

    def hashed(self, filename: str) -> str:
        """``css/portal.css`` → ``css/portal.<digest>.css`` (unchanged for a file that does not exist)."""
        digest = self.digest(filename)
        name = PurePosixPath(filename)
        if digest is None or not name.suffix:
            return filename
        return str(name.with_name(f"{name.stem}.{digest}{name.suffix}"))

    def original(self, filename: str) -> tuple[str, bool]:
        """A requested name → (the file's own name, whether the hash in it is the file's current one)."""
        match = _HASHED.match(filename)
        if match is None:
            return filename, False
        plain = f"{match['stem']}{match['suffix']}"
        digest = self.digest(plain)
        if digest is None:
            return filename, False  # a real file whose name happens to look hashed, or none at all
        return plain, digest == match["digest"]


def init_app(app: Flask) -> None:
    names = HashedNames(app.static_folder or "static")
    app.extensions["hashed_static"] = names

    @app.url_defaults
    def hash_static_names(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values:
            values["filename"] = names.hashed(values["filename"])

    app.view_functions["static"] = send_static


def send_static(filename: str) -> Response:
    names: HashedNames = current_app.extensions["hashed_static"]
    plain, current = names.original(filename)
    response = current_app.send_static_file(plain)
    response.cache_control.no_cache = None  # Flask's default for files without a max age
    if current:
        response.cache_control.public = True
        response.cache_control.max_age = LONG_CACHE
        response.cache_control.immutable = True
    else:
        response.cache_control.public = True
        response.cache_control.max_age = SHORT_CACHE
    return response
