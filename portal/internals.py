"""What the portal relies on inside its libraries, checked before it is used.

Two fast paths reach past public APIs: direct websocket writes (``portal.websocket_writes`` replaces three
methods of Engine.IO's ``Socket`` and writes gevent-websocket frames itself) and the search's bulk builder and
block reader (``portal.search.bulk`` / ``segments`` use private parts of whoosh's W3 codec). The versions are
pinned, but a pin can be lifted by mistake or a security release can move a private name. Each fast path lists
what it needs as :class:`Need` rows; :func:`available` checks them once and, where one is missing or has another
signature, logs a warning and answers ``False`` so that the caller keeps the library's own (slower, correct)
path instead of failing at the first broadcast or rebuild.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Iterable
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Need:
    """``owner.name`` must exist; with ``params``, it must be a callable with exactly these parameter names;
    with ``source``, these names must appear in its source (attributes an ``__init__`` sets, say)."""

    owner: object
    name: str
    params: tuple[str, ...] | None = None
    source: tuple[str, ...] = ()

    def problem(self) -> str | None:
        where = f"{getattr(self.owner, '__qualname__', type(self.owner).__name__)}.{self.name}"
        value = inspect.getattr_static(self.owner, self.name, _MISSING)
        if value is _MISSING:
            return f"{where} is missing"
        if self.params is not None:
            function = getattr(self.owner, self.name)
            try:
                found = tuple(inspect.signature(function).parameters)
            except (TypeError, ValueError):
                return f"{where} has no signature"
            if found != self.params:
                return f"{where}{_signature(found)} is not {where}{_signature(self.params)}"
        if self.source:
            try:
                text = inspect.getsource(getattr(self.owner, self.name))
            except (OSError, TypeError):
                return f"{where}: source not available"
            absent = [name for name in self.source if name not in text]
            if absent:
                return f"{where} no longer uses {', '.join(absent)}"
        return None


_MISSING = object()
_checked: dict[str, bool] = {}


def _signature(params: Iterable[str]) -> str:
    return f"({', '.join(params)})"


def problems(needs: Iterable[Need]) -> list[str]:
    return [problem for need in needs if (problem := need.problem()) is not None]


def available(feature: str, needs: Iterable[Need]) -> bool:
    """True when every need of ``feature`` holds (checked once per process); else a warning, and False."""
    if feature not in _checked:
        found = problems(needs)
        if found:
            log.warning(
                "%s: off, the library's own path is used instead (an installed version differs from the pinned "
                "one: %s)",
                feature,
                "; ".join(found),
            )
        _checked[feature] = not found
    return _checked[feature]


def forget(feature: str) -> None:
    """Check ``feature`` again at its next use (after an upgrade in a running test process)."""
    _checked.pop(feature, None)
