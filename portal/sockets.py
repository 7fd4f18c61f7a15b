"""The edge of every Socket.IO namespace: payload fields, the Origin check, message size and malformed packets.

* ``parse(data, schema)`` turns an event's payload into checked values before any service sees it: ids are
  integers in the database's range (1 … 2**31 - 1, PostgreSQL's INTEGER), texts are strings with no NUL, no
  lone surrogate and a bounded length, flags are booleans. A bad field is an ``Invalid`` (an error ack), never a
  database error later on (one such error used to fail every vote of its 50 ms batch).
* ``origin_check`` is the one Origin check of every namespace: the Socket.IO server runs it before any
  namespace's connect handler (``install``), so a browser page of another origin (another port of the same host
  included) is refused on every namespace, present and future, over either transport.
* ``install(app)`` guards the engine: a message over ``MAX_MESSAGE_BYTES`` gets an error ack (``too_large``)
  instead of a dropped connection, a packet whose JSON cannot be read (nested too deep, cut off) gets an error ack
  and one line in the log instead of a traceback, and long-polling responses carry the security headers pages do.

Foundation module: imports no capability package.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from engineio import packet as eio_packet
from socketio import exceptions as sio_exceptions
from socketio import packet as sio_packet

from portal.errors import Invalid

log = logging.getLogger(__name__)

MAX_ID = 2**31 - 1  # the largest id every database we run on stores (PostgreSQL INTEGER)
MAX_TEXT = 10_000  # characters: no socket text field is longer (questions are capped lower per hearing)
MAX_TOKEN = 64  # client ids
MAX_MESSAGE_BYTES = 1_000_000  # Engine.IO's max_http_buffer_size: a larger message is refused with an ack
SOCKET_PATH = "/socket.io"


# -- payload fields ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One field of an event's payload: its kind, whether it must be present, and its bounds."""

    kind: str  # "id", "text", "token", "flag", "choice", "ids"
    required: bool = False
    max_length: int = MAX_TEXT  # characters; for "ids", items
    choices: frozenset[str] = frozenset()

    def parse(self, name: str, value: Any) -> Any:
        return _PARSERS[self.kind](self, name, value)


def Id(required: bool = True) -> Field:
    return Field("id", required)


def Text(max_length: int = MAX_TEXT, required: bool = False) -> Field:
    return Field("text", required, max_length)


def Token(required: bool = True) -> Field:
    return Field("token", required, MAX_TOKEN)


def Flag() -> Field:
    return Field("flag")


def Choice(values: Iterable[str], required: bool = True) -> Field:
    return Field("choice", required, choices=frozenset(values))


def Ids(max_items: int = 20, required: bool = True) -> Field:
    """A list of ids (a poll's chosen options): each an id as ``Id`` checks it, no repeats, at most ``max_items``."""
    return Field("ids", required, max_items)


def _missing(field: Field, name: str, empty: Any) -> Any:
    if field.required:
        raise Invalid(f"缺少 {name}", field=name)
    return empty


def _id(field: Field, name: str, value: Any) -> int | None:
    if value is None or value == "":
        return _missing(field, name, None)
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 10:
        value = int(value)
    if type(value) is not int:  # bool is an int subclass; floats and nested values are refused too
        raise Invalid(f"{name} 应为编号（正整数）", field=name)
    if not 1 <= value <= MAX_ID:
        raise Invalid(f"{name} 超出有效范围", field=name)
    return value


def _checked_string(field: Field, name: str, value: str) -> str:
    if "\x00" in value:
        raise Invalid(f"{name} 含有空字符（NUL），无法保存", field=name)
    if len(value) > field.max_length:
        raise Invalid(f"{name} 过长：最多 {field.max_length} 字", field=name)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate ("\ud800"): JSON allows it, UTF-8 and the database do not
        raise Invalid(f"{name} 含有无效字符", field=name) from None
    return value


def _text(field: Field, name: str, value: Any) -> str:
    if value is None or value == "":
        return _missing(field, name, "")
    if not isinstance(value, str):
        raise Invalid(f"{name} 应为文字", field=name)
    return _checked_string(field, name, value)


def _token(field: Field, name: str, value: Any) -> str:
    if type(value) is int:  # a number is a fine client id (older clients sent counters)
        value = str(value)
    if value is None or value == "":
        return _missing(field, name, "")
    if not isinstance(value, str):
        raise Invalid(f"{name} 应为文字", field=name)
    return _checked_string(field, name, value)


def _flag(field: Field, name: str, value: Any) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise Invalid(f"{name} 应为是或否（true / false）", field=name)
    return value


def _choice(field: Field, name: str, value: Any) -> str:
    if value is None or value == "":
        return _missing(field, name, "")
    if not isinstance(value, str) or value not in field.choices:
        raise Invalid(f"未知的 {name}", field=name)
    return value


def _ids(field: Field, name: str, value: Any) -> list[int]:
    if value is None or value == []:
        return _missing(field, name, [])
    if not isinstance(value, list):
        raise Invalid(f"{name} 应为编号列表", field=name)
    if len(value) > field.max_length:
        raise Invalid(f"{name} 过多：最多 {field.max_length} 项", field=name)
    ids = [_id(Field("id", True), name, item) for item in value]
    if len(set(ids)) != len(ids):
        raise Invalid(f"{name} 有重复的编号", field=name)
    return ids


_PARSERS: dict[str, Callable[[Field, str, Any], Any]] = {
    "id": _id,
    "text": _text,
    "token": _token,
    "flag": _flag,
    "choice": _choice,
    "ids": _ids,
}

Schema = dict[str, Field]


def parse(data: Any, schema: Schema) -> dict[str, Any]:
    """The payload's fields named in ``schema``, checked and converted; other keys are ignored."""
    if not isinstance(data, dict):
        raise Invalid("请求格式有误：应为一个对象")
    return {name: field.parse(name, data.get(name)) for name, field in schema.items()}


# -- the engine: origin, message size, malformed packets, headers -----------------------------------------------


def origin_check(extra_origins: Iterable[str] = ()) -> Callable[[str | None, dict], bool]:
    """Whether a connection's Origin may connect: the site's own (host and port as the request names them) and
    the configured ``extra_origins``. Requests without an Origin (not a browser page) are not judged here; the
    namespaces' connect handlers decide on the session."""
    extra = frozenset(o.rstrip("/") for o in extra_origins)

    def same_origin(origin: str | None, environ: dict) -> bool:
        if not origin:
            return True
        if origin.rstrip("/") in extra:
            return True
        try:
            netloc = urlsplit(origin).netloc
        except ValueError:
            return False
        return bool(netloc) and netloc == environ.get("HTTP_HOST", "")

    return same_origin


TOO_LARGE = {
    "code": "too_large",
    "message": f"消息过大（上限 {MAX_MESSAGE_BYTES // 1_000_000} MB），未处理；请缩短内容后重试",
}
MALFORMED = {"code": "invalid", "message": "请求格式有误，无法读取"}
# An Engine.IO message packet ("4") carrying a Socket.IO event ("2") or binary event ("5"): its attachments
# count, namespace and ack id, as far as the first bytes of a (possibly huge) message tell them.
_HEADER = re.compile(r"4([25])(?:\d+-)?(/[^,\[{\"]*)?,?(\d{1,15})?")


def _error_ack(head: str, error: dict[str, str]) -> str | None:
    """The encoded Socket.IO ack answering the event whose message starts with ``head``; None without an ack id."""
    match = _HEADER.match(head)
    if match is None or match.group(3) is None:
        return None
    namespace = match.group(2) or "/"
    ack = sio_packet.Packet(sio_packet.ACK, data=[{"ok": False, "error": error}], namespace=namespace)
    ack.id = int(match.group(3))
    return ack.encode()


def _send_ack(eio_socket, head: str, error: dict[str, str]) -> None:
    encoded = _error_ack(head, error)
    if encoded is not None:
        eio_socket.send(eio_packet.Packet(eio_packet.MESSAGE, data=encoded))


class _SizeGuard:
    """The websocket as Engine.IO reads it, with an oversized message answered by an error ack and replaced by a
    NOOP packet (which Engine.IO ignores) instead of ending the connection."""

    def __init__(self, ws, eio_socket, limit: int) -> None:
        self._ws, self._eio_socket, self._limit = ws, eio_socket, limit

    def wait(self):
        data = self._ws.wait()
        if data is not None and len(data) * 4 > self._limit and _size(data) > self._limit:
            head = data[:64] if isinstance(data, str) else data[:64].decode("utf-8", "replace")
            log.warning("refused a socket message of %d bytes (limit %d)", _size(data), self._limit)
            _send_ack(self._eio_socket, head, TOO_LARGE)
            return eio_packet.Packet(eio_packet.NOOP).encode()
        return data

    def __getattr__(self, name: str):
        return getattr(self._ws, name)


def _size(data: str | bytes) -> int:
    """Bytes on the wire (UTF-8), as long polling's Content-Length counts them."""
    return len(data.encode("utf-8", "surrogatepass")) if isinstance(data, str) else len(data)


def _guard_websocket_size(eio_server, limit: int) -> None:
    factory = eio_server._async.get("websocket")
    if factory is None or getattr(factory, "_portal_size_guard", False):
        return

    def guarded(handler, server):
        eio_socket = getattr(handler, "__self__", None)
        if eio_socket is None:
            return factory(handler, server)
        return factory(lambda ws: handler(_SizeGuard(ws, eio_socket, limit)), server)

    guarded._portal_size_guard = True
    # The async driver's table is shared by every server of the process; the guard is installed once.
    eio_server._async["websocket"] = guarded


class Malformed(ValueError):
    """A Socket.IO packet whose data cannot be read; carries its namespace and ack id when they were read."""

    def __init__(self, namespace: str | None, ack_id: int | None) -> None:
        super().__init__("malformed packet")
        self.namespace, self.ack_id = namespace, ack_id


class SafePacket(sio_packet.Packet):
    """Socket.IO's packet, with JSON that cannot be read (nested deeper than the parser goes, cut off, not JSON)
    raised as ``Malformed`` rather than RecursionError or a decoder error."""

    def decode(self, encoded_packet):
        try:
            return super().decode(encoded_packet)
        except (ValueError, RecursionError, TypeError) as error:
            if isinstance(error, Malformed):
                raise
            raise Malformed(getattr(self, "namespace", None), getattr(self, "id", None)) from None


# What python-socketio raises for a packet a client has no business sending (a well-formed one of a server-only
# type or an unknown type, a binary packet outside a namespace).
UNEXPECTED_PACKETS = frozenset({"Unknown packet type.", "Unexpected CONNECT_ERROR packet.", "Unexpected binary packet"})


def _guard_malformed(sio_server) -> None:
    if getattr(sio_server, "_portal_malformed_guard", False):
        return
    sio_server.packet_class = SafePacket
    handle = sio_server._handle_eio_message

    def guarded(eio_sid, data):
        try:
            return handle(eio_sid, data)
        except ValueError as error:
            if not isinstance(error, Malformed) and str(error) not in UNEXPECTED_PACKETS:
                raise
            log.warning("refused a malformed socket message (%d characters): %s", len(data), error)
            if isinstance(error, Malformed) and error.ack_id is not None:
                ack = sio_packet.Packet(
                    sio_packet.ACK, data=[{"ok": False, "error": MALFORMED}], namespace=error.namespace or "/"
                )
                ack.id = error.ack_id
                sio_server.eio.send(eio_sid, ack.encode())

    sio_server.eio.on("message", guarded)
    sio_server._portal_malformed_guard = True


class SocketMiddleware:
    """WSGI middleware in front of the Engine.IO path: security headers on its HTTP responses, and a long-polling
    POST over the size limit answered with an error ack (the socket stays up) instead of a 400 that ends it."""

    def __init__(self, app, eio_server, headers: list[tuple[str, str]], limit: int) -> None:
        self.app, self.eio_server, self.headers, self.limit = app, eio_server, headers, limit
        self.names = {name.lower() for name, _ in headers}

    def __call__(self, environ, start_response):
        if not environ.get("PATH_INFO", "").startswith(SOCKET_PATH + "/"):
            return self.app(environ, start_response)
        if environ.get("REQUEST_METHOD") == "POST":
            refused = self._too_large(environ, start_response) or self._not_utf8(environ, start_response)
            if refused:
                return refused

        def with_headers(status, headers, exc_info=None):
            if not status.startswith("101"):
                present = {name.lower() for name, _ in headers}
                headers = list(headers) + [(n, v) for n, v in self.headers if n.lower() not in present]
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        return self.app(environ, with_headers)

    def _too_large(self, environ, start_response):
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return None
        if length <= self.limit:
            return None
        sid = _query_value(environ.get("QUERY_STRING", ""), "sid")
        eio_socket = self.eio_server.sockets.get(sid) if sid else None
        body = environ["wsgi.input"]
        head = body.read(min(length, 64)).decode("utf-8", "replace")
        left = length - len(head.encode("utf-8", "replace"))
        while left > 0 and length <= 16 * self.limit:  # read the rest, so the connection can be reused
            chunk = body.read(min(left, 65536))
            if not chunk:
                break
            left -= len(chunk)
        log.warning("refused a long-polling socket message of %d bytes (limit %d)", length, self.limit)
        if eio_socket is not None:
            _send_ack(eio_socket, head, TOO_LARGE)
        headers = [("Content-Type", "text/plain; charset=UTF-8"), *self.headers]
        if length > 16 * self.limit:
            headers.append(("Connection", "close"))
        start_response("200 OK", headers)
        return [b"ok"]

    def _not_utf8(self, environ, start_response):
        """Engine.IO decodes a long-polling body as UTF-8 and logs a traceback when that fails: refuse it first."""
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        body = environ["wsgi.input"].read(length) if length > 0 else b""
        environ["wsgi.input"] = io.BytesIO(body)
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            log.warning("refused a long-polling socket message that is not UTF-8 (%d bytes)", len(body))
            start_response("400 BAD REQUEST", [("Content-Type", "text/plain; charset=UTF-8"), *self.headers])
            return ["消息不是有效的 UTF-8 文本".encode()]
        return None


def _query_value(query: str, key: str) -> str | None:
    for part in query.split("&"):
        name, _, value = part.partition("=")
        if name == key:
            return value
    return None


def _guard_origin(sio_server, allowed: Callable[[str | None, dict], bool]) -> None:
    """Refuse a namespace connection from a foreign Origin before the namespace's own connect handler runs."""
    if getattr(sio_server, "_portal_origin_guard", False):
        return
    trigger = sio_server._trigger_event

    def guarded(event, namespace, *args):
        if event == "connect" and len(args) >= 2:
            environ = args[1] or {}
            origin = environ.get("HTTP_ORIGIN")
            if not allowed(origin, environ):
                log.info("refused a socket connection to %s from origin %r", namespace, origin[:200])
                raise sio_exceptions.ConnectionRefusedError("来源不被允许")
        return trigger(event, namespace, *args)

    sio_server._trigger_event = guarded
    sio_server._portal_origin_guard = True


def install(app, sio_server, headers: list[tuple[str, str]]) -> None:
    """Guard the Socket.IO server bound to ``app`` (see the module docstring)."""
    _guard_origin(sio_server, origin_check(app.config.get("SOCKETIO_CORS_ORIGINS", [])))
    _guard_websocket_size(sio_server.eio, MAX_MESSAGE_BYTES)
    _guard_malformed(sio_server)
    app.wsgi_app = SocketMiddleware(app.wsgi_app, sio_server.eio, headers, MAX_MESSAGE_BYTES)
