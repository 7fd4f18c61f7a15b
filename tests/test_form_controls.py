"""Every page of the demo, as every role: no two controls of a form share a name (unless they are one
checkbox or radio group), and every form sends what its handler reads and reads what it sends.

The demo is loaded once into a database of its own (without the year of generated work orders and the
policy archive, which only add rows of the same pages). Each role crawls the site from the home page and
every parameterless page; every form found is then submitted once as its page's role — filled the way a
person would fill its required fields, the database put back afterwards — while the request records which
keys the handler read from ``request.form``/``request.files`` (POST) or ``request.args`` (GET).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from flask import before_render_template
from werkzeug.exceptions import HTTPException

from portal.actors import SYSTEM
from portal.inputs import InputDict, PortalRequest
from tests.conftest import make_test_config
from tests.support.forms import Control, Form, forms_in, open_form

PASSWORD = "demo1234"
# Anonymous, one account per role (README), a panel member, and a plan department's official.
ROLES = [None, "admin", "citizen", "entrepreneur", "unit", "official", "dispatcher", "moderator", "host", "editor"]
ROLES += ["vicemayor", "shenpi"]
# Loaders of bulk content that adds rows, not pages or forms: skipped to keep the walk fast.
SKIPPED_LOADERS = ("portal.dashboard.", "portal.policies.", "portal.ratings.")  # ratings rate the policies
MAX_PATHS_PER_ENDPOINT = 3  # e.g. three of the plan's tasks, three users to edit
MAX_PATHS = {"feedback.order": 20}  # every demo work order: each state shows other forms
MAX_QUERIES_PER_PATH = 2  # a page and one of its filtered/paged variants
IGNORED_KEYS = {"csrf_token"}
# Keys a handler reads that some of its forms leave out on purpose (reviewed; absent means the default).
OPTIONAL_READS = {
    "hearings.ask": {"anonymous"},  # 匿名提问 is offered only where the hearing allows it; absent = named
    "admin.edit_user": {"username"},  # the login name is permanent; the edit page shows it as text
    "plans_admin.add_battle": {"description"},  # quick add: title only, described on the battle's page
    "plans_admin.add_goal": {"description"},
    "policies_manage.create": {"summary"},  # a new document has no change summary
    "feedback.read_notices": {"id", "next"},  # one handler for 全部已读 and for opening one notice
    # 增派 to an order that has its 主办部门 offers no lead to choose, and the suggested 协办 tick-boxes appear only
    # when the list suggests a department not yet on the order
    "feedback.dispatch": {"lead", "assisting"},
    # 以企业名义提交 is offered only to verified members of an enterprise; absent = filed personally
    "feedback.new": {"enterprise_id"},
    "feedback.phone_entry": {"enterprise_id"},
    # One handler for approve / refuse / leave / revoke: only refusing and revoking ask for a reason
    "enterprises.decide": {"reason"},
    # The page script adds a client id so that a retry is not a second answer; the plain form has none
    "hearings_polls.answer": {"client_id"},
    "hearings_polls.create": {"client_id"},
    "consultation.change_state": {"note"},  # an optional note on the state change
    "consultation.support": {"retract"},  # sent only by the 取消附议 button
    "consultation.moderate_comment": {"reason"},  # approving needs none; rejecting and hiding do
}
# Not submitted by the walk: logging out (here or everywhere) would end the role's session (the forms send only their csrf_token).
NOT_SUBMITTED = {"accounts.logout", "accounts.sign_out_everywhere"}


# --------------------------------------------------------------------------------------------
# Which keys a handler reads


class _Reads:
    """The keys read during one submission, up to the first template rendered (a page re-rendered
    after an error reads what was typed to show it again: that is not the handler reading)."""

    keys: set[str] | None = None
    paused = False

    @classmethod
    def start(cls) -> None:
        cls.keys, cls.paused = set(), False

    @classmethod
    def pause(cls, *args, **kwargs) -> None:
        cls.paused = True

    @classmethod
    def note(cls, key) -> None:
        if cls.keys is not None and not cls.paused and isinstance(key, str):
            cls.keys.add(key)

    @classmethod
    def stop(cls) -> set[str]:
        keys, cls.keys = cls.keys, None
        return keys or set()


class RecordingMultiDict(InputDict):
    """request.form/args/files that note every key the handler asks for (and convert as the portal's do)."""

    def _note(self, key) -> None:
        _Reads.note(key)

    def __getitem__(self, key):
        self._note(key)
        return super().__getitem__(key)

    def get(self, key, default=None, type=None):
        self._note(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):
        self._note(key)
        return super().getlist(key, type)

    def __contains__(self, key) -> bool:
        self._note(key)
        return super().__contains__(key)

    def _note_all(self) -> None:
        for key in dict.keys(self):  # the keys, without this class's recording iteration
            self._note(key)

    def keys(self):
        self._note_all()
        return super().keys()

    def __iter__(self):
        self._note_all()
        return super().__iter__()

    def items(self, multi: bool = False):
        self._note_all()
        return super().items(multi)

    def lists(self):
        self._note_all()
        return super().lists()

    def to_dict(self, flat: bool = True):
        self._note_all()
        return super().to_dict(flat)


class RecordingRequest(PortalRequest):
    parameter_storage_class = RecordingMultiDict


# --------------------------------------------------------------------------------------------
# The demo site


@dataclass
class Site:
    app: object
    db_file: Path
    snapshot: Path
    pages: dict[str | None, list[tuple[str, str]]] = field(default_factory=dict)  # role → [(url, html)]

    def restore(self) -> None:
        from portal.extensions import db

        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()
        shutil.copyfile(self.snapshot, self.db_file)

    def client(self, role: str | None):
        client = self.app.test_client()
        if role is not None:
            form = open_form(client, "/login", form="登录")
            form.fill("用户名", role).fill("密码", PASSWORD)
            response = form.submit()
            assert response.status_code == 302, f"demo account {role} cannot log in"
        return client


def _load_demo(app) -> None:
    from portal import demo
    from portal.extensions import db
    from portal.policies import services as policies

    with app.app_context():
        for _, name, loader in sorted(demo._LOADERS, key=lambda item: (item[0], item[1])):
            if not name.startswith(SKIPPED_LOADERS):
                loader()
        # A few documents instead of the archive: one in force with two versions, one draft.
        today = dt.date.today()
        data = policies.PolicyData(
            title="青岛市优化营商环境办法",
            body="第一条 为优化营商环境，制定本办法。\n第二条 本办法自发布之日起施行。",
            doc_number="青政发〔2024〕1号",
            issuer="青岛市人民政府",
            doc_type="办法",
            written_on=today,
            published_on=today,
            topics=["营商环境"],
        )
        in_force = policies.create_policy(SYSTEM, data)
        policies.transition(SYSTEM, in_force.id, "publish", today)
        data.body += "\n第三条 各部门应当按职责推进。"
        policies.update_policy(SYSTEM, in_force.id, data, "增加第三条")
        data.title, data.doc_number = "青岛市政务服务事项管理规定（征求意见稿）", None
        policies.create_policy(SYSTEM, data)
        db.session.remove()


@pytest.fixture(scope="module")
def site(app) -> Iterator[Site]:
    from flask_migrate import upgrade

    from portal import bind_process_extensions, create_app

    with tempfile.TemporaryDirectory(prefix="portal-walk-") as tmp:
        tmp_path = Path(tmp)
        db_file = tmp_path / "walk.sqlite3"
        walk_app = create_app(make_test_config(f"sqlite:///{db_file}", tmp_path))
        walk_app.config["RATELIMIT_ENABLED"] = False
        walk_app.request_class = RecordingRequest
        before_render_template.connect(_Reads.pause, walk_app)
        with walk_app.app_context():
            upgrade(revision="heads")
        _load_demo(walk_app)
        site = Site(walk_app, db_file, tmp_path / "snapshot.sqlite3")
        from portal.extensions import db

        with walk_app.app_context():
            db.engine.dispose()
        shutil.copyfile(db_file, site.snapshot)
        for role in ROLES:
            site.pages[role] = crawl(site, role)
        try:
            yield site
        finally:
            site.restore()
            bind_process_extensions(app)


# --------------------------------------------------------------------------------------------
# Crawling


def _endpoint(app, url: str) -> tuple[str | None, str]:
    parts = urlsplit(url)
    adapter = app.url_map.bind("portal.test")
    try:
        endpoint, _ = adapter.match(parts.path, method="GET")
    except HTTPException:
        return None, parts.path
    except Exception:  # a redirect (RequestRedirect) or anything else the map refuses
        return None, parts.path
    return endpoint, parts.path


def _crawlable(endpoint: str | None, path: str) -> bool:
    if endpoint is None or endpoint == "static" or path.startswith("/api/"):
        return False
    return not path.endswith((".csv", ".json", ".atom")) and "attachment" not in endpoint


def crawl(site: Site, role: str | None) -> list[tuple[str, str]]:
    """Every page this role reaches by following links (bounded per endpoint), with its HTML."""
    app = site.app
    client = site.client(role)
    seeds = [
        "/",
        *sorted(
            r.rule for r in app.url_map.iter_rules() if "GET" in r.methods and not r.arguments and "<" not in r.rule
        ),
    ]
    queue = list(dict.fromkeys(seeds))
    seen: set[str] = set()
    paths: dict[str, set[str]] = defaultdict(set)
    queries: dict[str, int] = defaultdict(int)
    pages: list[tuple[str, str]] = []
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        endpoint, path = _endpoint(app, url)
        if not _crawlable(endpoint, path):
            continue
        cap = MAX_PATHS.get(endpoint, MAX_PATHS_PER_ENDPOINT)
        if path not in paths[endpoint] and len(paths[endpoint]) >= cap:
            continue
        if urlsplit(url).query:
            if queries[path] >= MAX_QUERIES_PER_PATH - 1:
                continue
            queries[path] += 1
        paths[endpoint].add(path)
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        pages.append((url, html))
        queue.extend(href for href in _links(html, url) if href not in seen)
    return pages


LINK = re.compile(r"<a\b[^>]*?\shref=\"([^\"]*)\"", re.IGNORECASE)
FORM = re.compile(r"<form\b.*?</form>", re.IGNORECASE | re.DOTALL)


def _links(html: str, page_url: str) -> list[str]:
    base = urljoin("http://portal.test", page_url)
    out = []
    for href in LINK.findall(html):
        target = urlsplit(urljoin(base, unescape(href)))
        if target.scheme in ("http", "https") and target.netloc == "portal.test":
            out.append(target.path + (f"?{target.query}" if target.query else ""))
    return out


def _forms(site: Site, role: str | None) -> Iterator[tuple[str, Form]]:
    """The forms of every page of this role (each <form> is parsed on its own: none of the pages
    associates a control with a form through the form= attribute)."""
    for url, html in site.pages[role]:
        for snippet in FORM.findall(html):
            yield from ((url, form) for form in forms_in(snippet, urljoin("http://portal.test", url)))


def _who(role: str | None) -> str:
    return role or "anonymous"


# --------------------------------------------------------------------------------------------
# (a) one name, one control (or one checkbox/radio group)


def shared_names(form: Form) -> dict[str, str]:
    """name → what shares it, for every name of the form used by more than one control or group."""
    by_name: dict[str, list[Control]] = defaultdict(list)
    for c in form.controls:
        if c.name:
            by_name[c.name].append(c)
    problems = {}
    for name, controls in by_name.items():
        fields = [c for c in controls if not c.is_button]
        if len(controls) < 2 or not fields:
            continue  # one control, or only submit buttons (the clicked one alone is sent)
        if len(fields) == len(controls) and len({c.type for c in fields}) == 1 and fields[0].is_checkable:
            continue  # one checkbox group or one radio group
        kinds = list(dict.fromkeys(f"{c.type}" + (f" {c.labels[0]!r}" if c.labels else "") for c in controls))
        problems[name] = ", ".join(kinds)
    return problems


def test_the_walk_reaches_the_pages_of_every_role(site):
    reached = {_endpoint(site.app, url)[0] for pages in site.pages.values() for url, _ in pages}
    for endpoint in ("feedback.order", "feedback.desk_page", "hearings.host", "hearings.moderate", "plans.task"):
        assert endpoint in reached
    assert ("/feedback/desk" in {u for u, _ in site.pages["dispatcher"]}) and site.pages[None]


def test_no_two_controls_of_a_form_share_a_name(site):
    found: dict[tuple[str, str], dict] = {}
    for role in ROLES:
        for url, form in _forms(site, role):
            for name, what in shared_names(form).items():
                action = urlsplit(form.action_url).path
                entry = found.setdefault((_endpoint(site.app, url)[0], name), {"roles": [], "example": ""})
                entry["roles"].append(_who(role))
                entry["example"] = entry["example"] or f"{url} (form → {action}): {name!r} is sent by {what}"
    problems = [f"{entry['example']} [as {', '.join(dict.fromkeys(entry['roles']))}]" for entry in found.values()]
    assert not problems, "two controls of one form share a name:\n" + "\n".join(problems)


# --------------------------------------------------------------------------------------------
# (b) controls match what the handler reads


def _fill_like_a_person(form: Form) -> None:
    """Fill what a person must fill (required fields left empty), keep every default."""
    today = dt.date.today()
    samples = {
        "email": "demo@example.com",
        "tel": "0532-88888888",
        "url": "https://www.qingdao.gov.cn/",
        "number": "1",
        "date": today.isoformat(),
        "datetime-local": f"{today + dt.timedelta(days=1)}T10:00",
        "time": "10:00",
        "month": today.strftime("%Y-%m"),
    }
    for c in form.controls:
        if c.disabled or not c.element.has("required"):
            continue
        if c.tag == "textarea" or (
            (c.tag == "input" and c.type in samples) or c.type in ("text", "search", "password")
        ):
            if not c.value and not c.element.has("readonly"):
                c.value = samples.get(c.type, "测试填写的内容")
        elif c.tag == "select":
            if not any(o.get("value") for o in c.selected):
                usable = [o for o in c.options if o.get("value") and not o.has("disabled")]
                c.selected = usable[:1]
        elif (c.is_checkable and c.type == "checkbox") or (
            c.is_checkable
            and c.type == "radio"
            and not any(o.checked for o in form.controls if o.type == "radio" and o.name == c.name)
        ):
            c.checked = True


def _handler(app, method: str, url: str) -> str:
    try:
        return app.url_map.bind("portal.test").match(urlsplit(url).path, method)[0]
    except HTTPException:
        return urlsplit(url).path


def _submitted_forms(site: Site) -> Iterator[tuple[str | None, str, str, Form]]:
    """One form of each kind per role, that a person can submit: (role, page url, handler endpoint, form)."""
    seen = set()
    for role in ROLES:
        for url, form in _forms(site, role):
            if not form.submit_buttons:
                continue  # e.g. the workbench's bulk-sign form while nothing waits to be signed
            request = form.request_for()
            endpoint = _handler(site.app, request["method"], request["url"])
            # A GET form (search, filters) changes nothing: once for all roles is enough.
            who = role if request["method"] == "POST" else "any"
            key = (who, request["method"], endpoint, tuple((c.name, c.type) for c in form.controls))
            if endpoint not in NOT_SUBMITTED and key not in seen:
                seen.add(key)
                yield role, url, endpoint, form


def test_every_form_sends_what_its_handler_reads(site):
    problems = []
    clients: dict[str | None, object] = {}
    for role, url, endpoint, form in _submitted_forms(site):
        if role not in clients:
            clients[role] = site.client(role)
        form.client = clients[role]
        _fill_like_a_person(form)
        request = form.request_for()
        sent = {name for name, _ in form.values()} - IGNORED_KEYS
        buttons = {c.name for c in form.controls if c.is_button}
        where = f"{_who(role)} on {url}: {request['method']} {request['url'].split('?')[0]} ({endpoint})"
        if request["method"] == "POST":
            site.restore()
            # The database put back forgets the sessions signed in since the snapshot: sign in again.
            clients[role] = form.client = site.client(role)
        _Reads.start()
        try:
            response = form.submit()
        except Exception as exc:  # an error escaping the handler is a 500 for a person
            problems.append(f"{where} raised {exc!r}")
            continue
        finally:
            read = _Reads.stop()
        if response.status_code >= 500:
            problems.append(f"{where} answered {response.status_code}")
            continue
        if response.status_code in (403, 404, 405) or (response.status_code == 401 and endpoint != "accounts.login"):
            problems.append(f"{where} answered {response.status_code}: the page offers a form its handler refuses")
            continue
        unread = sent - read - buttons
        if unread:
            problems.append(f"{where} sends {sorted(unread)} that the handler never reads")
        if request["method"] == "POST":
            # An unticked checkbox is read and not sent: compare with every control the form has.
            missing = read - {c.name for c in form.controls} - IGNORED_KEYS - OPTIONAL_READS.get(endpoint, set())
            if missing:
                problems.append(f"{where} has no control for {sorted(missing)} that the handler reads")
    site.restore()
    assert not problems, "\n".join(problems)
