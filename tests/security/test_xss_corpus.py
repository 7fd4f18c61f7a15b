"""The XSS corpus (tests/security/xss_payloads.txt) through every text surface, rendered in Chromium.

The payloads are written into the live server's database through the real services (xss_world.py), many
to a record, then every page that shows them is opened in a real browser — the public pages, the projector,
the host's and moderator's consoles, search snippets and echoed queries — and the live queue receives more
of them pushed over Socket.IO while the hearing page is open. Feeds, CSV and JSON are fetched as text.

On every page: no dialog opened (every payload that could run script calls alert), no
``securitypolicyviolation`` event (the page would have tried to run or load what the CSP refused), and no
element carrying the payloads' marker (an id, class, tag or attribute holding "xss").
"""

from __future__ import annotations

import re
import time
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from playwright.sync_api import expect

from tests.hearings.live_support import live_app, live_db
from tests.security import xss_world
from tests.support.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
"""
# Elements only a payload could have made: the marker in an id, class, tag or attribute name; an inline
# handler, a javascript:/data: URL or a frame where the portal has none.
INJECTED = """() => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    const tag = el.tagName.toLowerCase();
    if (tag.includes('xss') || (el.id || '').includes('xss')
        || (typeof el.className === 'string' && el.className.includes('xss'))
        || tag === 'iframe' || tag === 'object' || tag === 'embed' || tag === 'portal') {
      found.push(el.outerHTML.slice(0, 120)); continue;
    }
    for (const attr of el.attributes) {
      const value = attr.value.trim().toLowerCase();
      if (attr.name.startsWith('on') || attr.name.includes('xss') || attr.name === 'srcdoc'
          || (['href', 'src', 'action', 'formaction', 'data', 'background', 'xlink:href'].includes(attr.name)
              && (value.startsWith('javascript:') || value.startsWith('data:text/html') || value.startsWith('vbscript:')))) {
        found.push(el.outerHTML.slice(0, 120)); break;
      }
    }
  }
  return found;
}"""


class _Markup(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = {name for name, _ in attrs}
        urls = [v or "" for n, v in attrs if n in ("href", "src", "action", "formaction", "data")]
        if (
            tag in ("script", "img", "svg", "iframe", "object", "embed", "style", "base", "meta", "link")
            or "xss" in tag
            or any(n.startswith("on") or "xss" in n for n in names)
            or any("xss" in (v or "") for n, v in attrs if n in ("id", "class"))
            or any(u.strip().lower().startswith(("javascript:", "data:text/html", "vbscript:")) for u in urls)
        ):
            self.found.append(f"<{tag} {' '.join(sorted(names))}>")


def injected_markup(html: str) -> list[str]:
    """Tags in an HTML fragment that only a payload could have put there."""
    parser = _Markup()
    parser.feed(html)
    return parser.found


@pytest.fixture(scope="module")
def corpus_world(live_server, tmp_path_factory) -> xss_world.XssWorld:
    """The corpus written into the live server's database (its files into the server's upload folder)."""
    from portal.config import load_config

    app = live_app(live_server)
    defaults = load_config(str(tmp_path_factory.mktemp("xss-instance")))
    app.config.update({k: v for k, v in defaults.items() if k not in app.config})
    app.config.update(UPLOAD_DIR=live_server.env["UPLOAD_DIR"], SEARCH_INDEX_DIR=live_server.env["SEARCH_INDEX_DIR"])
    started = time.perf_counter()
    with live_db(live_server) as db:
        world = xss_world.build(db)
        from portal.policies import search_source
        from portal.search import indexer

        search_source.register()  # the bare app did not run the capabilities' init_app
        indexer.drain(app)  # the policies into the server's search index (archive, snippets, feed)
    print(f"\nXSS corpus written into {len(world.surfaces)} surfaces in {time.perf_counter() - started:.1f} s")
    return world


class Watch:
    """Dialogs, CSP violations and injected elements over every page a context opens."""

    def __init__(self, browser, base_url: str):
        self.context = browser.new_context(base_url=base_url, locale="zh-CN", viewport={"width": 1280, "height": 900})
        self.context.set_default_timeout(15_000)
        self.context.add_init_script(WATCH)
        self.dialogs: list[str] = []
        self.violations: list[str] = []
        self.injected: list[str] = []
        self.blank: list[str] = []  # pages that did not show the corpus at all (the test would prove nothing)
        self.pages = 0
        self.page = self.context.new_page()
        self.page.on("dialog", self._dialog)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{self.page.url}: {dialog.type} {dialog.message}")
        dialog.dismiss()

    def check(self, where: str | None = None) -> None:
        where = where or self.page.url
        self.page.wait_for_timeout(50)  # let onload/onerror handlers of anything injected fire
        self.violations += [f"{where}: {v}" for v in self.page.evaluate("window.__csp || []")]
        self.injected += [f"{where}: {e}" for e in self.page.evaluate(INJECTED)]
        if "alert(" not in self.page.evaluate("document.documentElement.outerHTML"):
            self.blank.append(where)
        self.pages += 1

    def visit(self, url: str) -> None:
        response = self.page.goto(url, wait_until="load")
        ok = (200, 400) if "q=" in url else (200,)  # a refused query is echoed on its error page too
        assert response is not None and response.status in ok, f"{url}: {response and response.status}"
        self.check(url)

    def close(self) -> None:
        self.context.close()


def test_the_corpus_has_at_least_a_hundred_payloads_mixed_with_chinese():
    corpus = xss_world.payloads()
    assert len(corpus) >= 100 and len(set(corpus)) == len(corpus)
    assert all(len(b) <= 40 for b in xss_world.batches(corpus, 40))
    assert all(re.search(r"[\u4e00-\u9fff]", b) for b in xss_world.batches(corpus, 200))


def test_the_watch_sees_a_payload_that_runs(browser, live_server):
    """The counters can fail: the same page with one payload left unescaped is caught three ways."""
    watch = Watch(browser, live_server.url)
    try:
        watch.page.goto("/")
        watch.page.evaluate(
            "document.body.insertAdjacentHTML('beforeend', '<img src=x onerror=alert(1) id=xss2>');"
            "const s = document.createElement('script'); s.textContent = 'alert(2)'; document.body.append(s);"
        )
        watch.page.wait_for_timeout(300)
        watch.check("/ (with a payload left unescaped)")
        assert watch.injected and watch.violations  # the element is there; the CSP refused the inline script
        assert watch.dialogs or watch.violations
    finally:
        watch.close()


def test_no_payload_runs_on_any_page_that_shows_it(live_server, browser, corpus_world):
    w = corpus_world
    started = time.perf_counter()
    visitor = Watch(browser, live_server.url)
    host = Watch(browser, live_server.url)
    try:
        for url in w.pages:
            visitor.visit(url)
        log_in(host.page, w.host, xss_world.PASSWORD)
        for url in w.host_pages:
            host.visit(url)

        # The live queue: the hearing page open, more payloads pushed over Socket.IO as they are asked.
        visitor.page.goto(f"/hearings/{w.live_hearing}")
        expect(visitor.page.get_by_text("实时连接正常")).to_be_visible()
        before = visitor.page.get_by_test_id("question").count()
        asker = Watch(browser, live_server.url)
        try:
            log_in(asker.page, w.askers[0], xss_world.PASSWORD)
            pushed = xss_world.batches(xss_world.payloads(), 280)[:4]
            for n, text in enumerate(pushed):
                if n:
                    log_in_again = w.askers[n % len(w.askers)]
                    asker.context.clear_cookies()
                    log_in(asker.page, log_in_again, xss_world.PASSWORD)
                asker.page.goto(f"/hearings/{w.live_hearing}")
                expect(asker.page.get_by_text("实时连接正常")).to_be_visible()
                asker.page.get_by_label("您的问题").fill(text)
                asker.page.get_by_role("button", name="提交问题").click()
                expect(asker.page.locator("#mine")).to_contain_text("已公开")
            expect(visitor.page.get_by_test_id("question")).to_have_count(before + len(pushed))
            visitor.check(f"/hearings/{w.live_hearing} (live queue after {len(pushed)} pushes)")
            asker.check()
        finally:
            asker.close()
            visitor.dialogs += asker.dialogs
            visitor.violations += asker.violations
            visitor.injected += asker.injected

        dialogs = visitor.dialogs + host.dialogs
        violations = visitor.violations + host.violations
        injected = visitor.injected + host.injected
        pages = visitor.pages + host.pages
        print(
            f"\nXSS corpus: {w.payload_count} payloads × {len(w.surfaces)} surfaces on {pages} pages "
            f"(+{len(pushed)} live pushes): {len(dialogs)} dialogs, {len(violations)} CSP violations, "
            f"{len(injected)} injected elements, in {time.perf_counter() - started:.1f} s"
        )
        blank = visitor.blank + host.blank
        assert not blank, "pages that show none of the corpus: " + ", ".join(blank)
        assert not dialogs, "\n".join(dialogs[:20])
        assert not violations, "\n".join(violations[:20])
        assert not injected, "\n".join(injected[:20])
    finally:
        visitor.close()
        host.close()


# The elements of an Open311 request list (GeoReport v2): nothing else may appear, whatever the text holds.
OPEN311_TAGS = {
    "service_requests",
    "request",
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "media_url",
}


def test_feeds_csv_and_json_carry_the_payloads_as_inert_text(live_server, corpus_world):
    import requests

    for url in corpus_world.texts:
        response = requests.get(live_server.url + url, timeout=30)
        assert response.status_code == 200, url
        kind = response.headers["Content-Type"].split(";")[0]
        body = response.text
        assert response.headers.get("X-Content-Type-Options") == "nosniff", url
        assert "alert(" in body, f"{url} shows none of the corpus"
        if kind == "application/atom+xml":
            root = ET.fromstring(response.content)  # well-formed: every payload escaped
            tags = {el.tag.rsplit("}", 1)[-1] for el in root.iter()}
            assert not tags & {"script", "img", "svg", "iframe", "a", "b", "xss"}, (url, tags)
            assert "<script" not in body, url  # as text (&lt;script&gt;), never as markup
            for el in root.iter():  # a reader renders type="html" text as HTML: payloads must stay text there too
                if el.get("type") == "html" and el.text:
                    assert not injected_markup(el.text), (url, injected_markup(el.text)[:5])
        elif kind == "text/xml":  # Open311: data in the specification's elements, every payload escaped
            root = ET.fromstring(response.content)
            assert {el.tag for el in root.iter()} <= OPEN311_TAGS, (url, {el.tag for el in root.iter()} - OPEN311_TAGS)
            assert "<script" not in body, url
        elif kind == "text/csv":
            assert "attachment" in response.headers.get("Content-Disposition", ""), url
        else:
            assert kind == "application/json", (url, kind)
            assert response.json(), url  # data, served as JSON: never sniffed or rendered as a page
