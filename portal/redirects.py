"""Where a ``next`` parameter may send a browser: a path of this site, nothing else.

Every redirect to a user-supplied target goes through ``safe_next``. Browsers forgive a lot in a Location
header: they drop tabs and line breaks anywhere (``/\t/evil.example`` becomes ``//evil.example``, another site),
strip leading spaces and control characters, and read ``\\`` as ``/``. So a target is accepted only when it is a
plain absolute path: it starts with one ``/`` followed by something other than ``/`` or ``\\``, holds no
backslash and no control, format or space character (of any script), names no scheme or host, and is of a
sane length. Anything else gives the caller's default.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

MAX_LENGTH = 2000


def is_safe_path(target: object) -> bool:
    """Whether ``target`` is a same-site path a redirect may use as it is."""
    if not isinstance(target, str) or not target.startswith("/") or len(target) > MAX_LENGTH:
        return False
    if target[1:2] in ("/", "\\") or "\\" in target:
        return False
    if any(unicodedata.category(char)[0] in "CZ" for char in target):  # controls, format chars, spaces
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(target: object, default: str) -> str:
    """``target`` when it is a same-site path, else ``default``."""
    return target if is_safe_path(target) else default  # type: ignore[return-value]
