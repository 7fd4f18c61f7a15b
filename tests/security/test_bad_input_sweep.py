"""The bad-input sweep: hostile values sent over HTTP to every form field, query parameter, URL segment and
API route of the demo site, as the role that uses each; never a 500, and no traceback in the server log.

Each hostile value stands for a class of attack or accident (``HOSTILE``): numbers past either database's
integer range, negative and fractional numbers, NUL and other control characters, invalid UTF-8, a flood of
text, a field sent twice (a list where one value belongs), empty values, and nested JSON bodies. The fields and
parameters are discovered, not listed: the demo is loaded once per module (on SQLite, or on PostgreSQL when
TEST_DATABASE_URL is set), every role crawls the site as the form walk does (tests/test_form_controls.py), every
form found is filled as a person would and then sent once per field × hostile value; every query parameter a
view reads (recorded while the crawled pages are requested) gets every hostile value; every URL rule gets
out-of-range ids and hostile text in its segments. The figures of the run are written to the log (``-s``).
"""

from __future__ import annotations

import json
import logging
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from flask import before_render_template
from werkzeug.routing import IntegerConverter

from tests.conftest import make_test_config
from tests.support import databases
from tests.test_form_controls import (
    NOT_SUBMITTED,
    ROLES,
    RecordingRequest,
    Site,
    _fill_like_a_person,
    _forms,
    _handler,
    _load_demo,
    _Reads,
    crawl,
)

pytestmark = pytest.mark.slow  # about a minute on SQLite: the whole site, every field

# name → value (str, or bytes for what no str can encode: invalid UTF-8).
HOSTILE: dict[str, str | bytes] = {
    "past 2**63": "99999999999999999999",
    "past 2**31": "2147483648",
    "negative": "-1",
    "float": "1.5e308",
    "NUL and controls": "内容\x00\x01\x1b[2J",
    "bad UTF-8": b"\xff\xfe\xc3(",
    "long": "长" * 3_000,  # past every length limit of a field and of a query parameter
    "empty": "",
}
URL_INTS = ("99999999999999999999", "2147483648", "0")
URL_TEXTS = ("%00", "%FF%FE", "x" * 2_000)
NESTED_JSON = "[" * 5_000 + "]" * 5_000
# Endpoints the sweep does not send to: they end the session it needs for the rest.
SKIPPED = {*NOT_SUBMITTED, "accounts.logout"}


@dataclass
class Sweep:
    site: Site
    sent: int = 0
    failures: list[str] = field(default_factory=list)
    figures: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    clients: dict = field(default_factory=dict)

    def client(self, role):
        if role not in self.clients:
            self.clients[role] = self.site.client(role)
        return self.clients[role]

    def send(self, role, method: str, url: str, what: str, **kwargs) -> None:
        self.sent += 1
        try:
            response = self.client(role).open(url, method=method, **kwargs)
        except Exception as exc:  # an error escaping the app is a 500 for a person
            self.failures.append(f"{role or 'anonymous'} {method} {url[:160]} ({what}) raised {exc!r}")
            return
        if response.status_code >= 500:
            self.failures.append(f"{role or 'anonymous'} {method} {url[:160]} ({what}) → {response.status_code}")


class _LogTrap(logging.Handler):
    """Every record at ERROR or above, or carrying a traceback, while the sweep runs."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        # The database's refusal caught by the net in portal.errors counts too: the edge should have said no.
        if record.levelno >= logging.ERROR or record.exc_info or record.getMessage().startswith("value out of range"):
            self.records.append(record)


@pytest.fixture(scope="module")
def sweep(app, log_trap) -> Iterator[Sweep]:
    from flask_migrate import upgrade

    from portal import bind_process_extensions, create_app
    from portal.extensions import db

    with databases.fresh_database("sweep") as url:
        instance = Path(url.rsplit("/", 1)[0].removeprefix("sqlite:///")) if url.startswith("sqlite") else None
        tmp = instance or Path(app.config["UPLOAD_DIR"]).parent / "sweep"
        sweep_app = create_app(make_test_config(url, tmp))
        sweep_app.request_class = RecordingRequest
        before_render_template.connect(_Reads.pause, sweep_app)
        with sweep_app.app_context():
            upgrade(revision="heads")
        _load_demo(sweep_app)
        site = Site(sweep_app, tmp / "unused", tmp / "unused")
        for role in ROLES:
            site.pages[role] = crawl(site, role)
        try:
            yield Sweep(site)
        finally:
            with sweep_app.app_context():
                db.session.remove()
                db.engine.dispose()
            bind_process_extensions(app)


@pytest.fixture(scope="module")
def log_trap() -> Iterator[_LogTrap]:
    trap = _LogTrap()
    root = logging.getLogger()
    root.addHandler(trap)
    try:
        yield trap
    finally:
        root.removeHandler(trap)


def _encode(value: str | bytes) -> str:
    return quote(value, safe="") if isinstance(value, bytes) else quote(value.encode("utf-8"), safe="")


def _body(pairs: list[tuple[str, str | bytes]]) -> bytes:
    return "&".join(f"{_encode(k)}={_encode(v)}" for k, v in pairs).encode("ascii")


def _form_targets(sweep: Sweep) -> Iterator[tuple[str | None, str, str, str, list[tuple[str, str]]]]:
    """(role, method, path, endpoint, filled pairs) of one form of each kind, as the first role that has it."""
    seen = set()
    app = sweep.site.app
    for role in ROLES:
        for _url, form in _forms(sweep.site, role):
            if not form.submit_buttons:
                continue
            _fill_like_a_person(form)
            request = form.request_for()
            endpoint = _handler(app, request["method"], request["url"])
            key = (request["method"], endpoint, tuple(sorted({c.name for c in form.controls if c.name})))
            if endpoint in SKIPPED or key in seen:
                continue
            seen.add(key)
            pairs = [(n, v) for n, v in form.values() if not isinstance(v, tuple)]
            yield role, request["method"], urlsplit(request["url"]).path, endpoint, pairs


def test_every_form_field_takes_every_hostile_value_without_an_error(sweep, log_trap):
    started, before, fields = time.monotonic(), sweep.sent, 0
    for role, method, path, endpoint, pairs in _form_targets(sweep):
        names = list(dict.fromkeys(n for n, _ in pairs if n != "csrf_token"))
        fields += len(names)
        for name in names:
            for label, value in HOSTILE.items():
                hostile = [(n, value if n == name else v) for n, v in pairs]
                what = f"{endpoint}: {name} = {label}"
                if method == "GET":
                    sweep.send(role, "GET", f"{path}?{_body(hostile).decode()}", what)
                else:
                    sweep.send(
                        role, "POST", path, what, data=_body(hostile), content_type="application/x-www-form-urlencoded"
                    )
            twice = [*pairs, (name, "2")]  # a list where one value belongs
            sweep.send(
                role,
                method,
                path if method == "POST" else f"{path}?{_body(twice).decode()}",
                f"{name} twice",
                **(
                    {"data": _body(twice), "content_type": "application/x-www-form-urlencoded"}
                    if method == "POST"
                    else {}
                ),
            )
    sweep.figures["form fields"] = fields
    sweep.figures["form requests"] = sweep.sent - before
    logging.getLogger(__name__).warning(
        "sweep: %d form fields, %d requests, %.1f s", fields, sweep.sent - before, time.monotonic() - started
    )
    assert fields > 100  # the walk found the site's forms
    assert not sweep.failures, "\n".join(sweep.failures)


def _query_params(sweep: Sweep) -> dict[tuple[str | None, str], set[str]]:
    """(role, page path) → the query parameters its view reads (recorded while the page is requested), each
    parameter of an endpoint once, as the first role that reaches it."""
    found: dict[tuple[str | None, str], set[str]] = defaultdict(set)
    done: set[tuple[str, str]] = set()
    for role in ROLES:
        for url, _html in sweep.site.pages[role]:
            path = urlsplit(url).path
            endpoint = _handler(sweep.site.app, "GET", path)
            _Reads.start()
            try:
                sweep.client(role).get(url)
            finally:
                keys = _Reads.stop()
            for key in keys:
                if (endpoint, key) not in done:
                    done.add((endpoint, key))
                    found[(role, path)].add(key)
    return found


def test_every_query_parameter_takes_every_hostile_value_without_an_error(sweep, log_trap):
    started, before = time.monotonic(), sweep.sent
    targets = _query_params(sweep)
    # Public read-only routes outside the crawl (feeds, exports, the API) read parameters too.
    extra = {"/policies/feed.atom", "/policies/export.csv", "/api/v1/policies/search"}
    for path in extra:
        _Reads.start()
        try:
            sweep.client(None).get(path)
        finally:
            targets[(None, path)] = _Reads.stop() | targets.get((None, path), set())
    params = 0
    for (role, path), keys in targets.items():
        for key in sorted(keys):
            params += 1
            for label, value in HOSTILE.items():
                sweep.send(role, "GET", f"{path}?{_encode(key)}={_encode(value)}", f"?{key} = {label}")
    sweep.figures["query parameters"] = params
    sweep.figures["query requests"] = sweep.sent - before
    logging.getLogger(__name__).warning(
        "sweep: %d (page, parameter) pairs, %d requests, %.1f s",
        params,
        sweep.sent - before,
        time.monotonic() - started,
    )
    assert params > 50
    assert not sweep.failures, "\n".join(sweep.failures)


def _rule_urls(sweep: Sweep) -> Iterator[tuple[str, str, str]]:
    """(method, url, what) for every URL rule: each segment in turn gets a hostile value, the others a sane one."""
    for rule in sweep.site.app.url_map.iter_rules():
        if rule.endpoint == "static" or not rule.arguments:
            continue
        methods = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
        sane = {name: _sane(conv) for name, conv in rule._converters.items()}
        for name, conv in rule._converters.items():
            values = URL_INTS if isinstance(conv, IntegerConverter) else URL_TEXTS
            for value in values:
                url = rule.rule
                for arg, default in sane.items():
                    piece = value if arg == name else default
                    url = url.replace(f"<{_spec(rule, arg)}>", piece)
                for method in methods:
                    yield method, url, f"{rule.endpoint} <{name}> = {value[:20]}"


def _sane(converter) -> str:
    """A value the converter takes: 1 for an id, the first choice of ``any(json, xml)``, else x."""
    if isinstance(converter, IntegerConverter):
        return "1"
    return min(getattr(converter, "items", None) or {"x"})


def _spec(rule, arg: str) -> str:
    """The ``conv:name`` text of ``arg`` in the rule."""
    start = rule.rule.index(f"{arg}>")
    return rule.rule[rule.rule.rindex("<", 0, start) + 1 : start + len(arg)]


def test_every_url_segment_takes_out_of_range_ids_and_hostile_text_without_an_error(sweep, log_trap):
    started, before = time.monotonic(), sweep.sent
    urls = list(_rule_urls(sweep))
    for role in (None, "admin", "citizen"):
        for method, url, what in urls:
            sweep.send(role, method, url, what, **({"data": {"x": "1"}} if method == "POST" else {}))
    sweep.figures["URL rules"] = len({u for _, u, _ in urls})
    sweep.figures["URL requests"] = sweep.sent - before
    logging.getLogger(__name__).warning(
        "sweep: %d URL variants, %d requests, %.1f s", len(urls), sweep.sent - before, time.monotonic() - started
    )
    assert len(urls) > 100
    assert not sweep.failures, "\n".join(sweep.failures)


def test_every_api_route_takes_hostile_bodies_and_parameters_without_an_error(sweep, log_trap):
    before = sweep.sent
    rules = [r for r in sweep.site.app.url_map.iter_rules() if r.rule.startswith(("/api/", "/open311/"))]
    assert rules
    bodies = {
        "nested JSON": NESTED_JSON,
        "wrong types": json.dumps({"q": [1, {"a": None}], "page": {"$gt": ""}, "id": 1.5}),
        "not JSON": "{",
        "bad UTF-8": b'{"q": "\xff\xfe"}',
        "empty": "",
    }
    for rule in rules:
        url = rule.rule
        for name, conv in rule._converters.items():
            url = url.replace(f"<{_spec(rule, name)}>", _sane(conv))
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            for label, body in bodies.items():
                sweep.send(
                    None, method, url, f"{rule.endpoint} body {label}", data=body, content_type="application/json"
                )
            _Reads.start()
            try:
                sweep.client(None).open(url, method=method)
            finally:
                keys = _Reads.stop() | {"q", "page"}  # what the route reads, and two it may not
            for key in sorted(keys):
                for label, value in HOSTILE.items():
                    sweep.send(None, method, f"{url}?{key}={_encode(value)}", f"{rule.endpoint} ?{key} = {label}")
    sweep.figures["API routes"] = len(rules)
    sweep.figures["API requests"] = sweep.sent - before
    assert not sweep.failures, "\n".join(sweep.failures)


def test_the_server_log_holds_no_traceback_after_the_sweep(sweep, log_trap):
    sweep.figures["requests sent"] = sweep.sent
    print(f"\nbad-input sweep figures: {dict(sweep.figures)}")  # shown with -s; docs/SECURITY.md quotes them
    assert sweep.sent > 1000
    problems = [f"{r.name}: {r.getMessage()}" for r in log_trap.records]
    assert not problems, "errors logged during the sweep:\n" + "\n".join(problems[:50])
