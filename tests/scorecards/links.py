"""Follow every figure link of a page and count what the target list holds."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit


class Anchors(HTMLParser):
    """Every ``<a class="evidence-link">`` (and scorecard figure) with its href and text."""

    def __init__(self):
        super().__init__()
        self.links: list[dict] = []
        self._open: list[dict] = []

    def handle_starttag(self, tag, attrs):
        if tag != "a":
            return
        a = dict(attrs)
        if "evidence-link" in (a.get("class") or "").split():
            entry = {"href": a.get("href", ""), "text": "", "testid": a.get("data-testid")}
            self.links.append(entry)
            self._open.append(entry)
        else:
            self._open.append({})

    def handle_endtag(self, tag):
        if tag == "a" and self._open:
            self._open.pop()

    def handle_data(self, data):
        for entry in self._open:
            if entry:
                entry["text"] += data


def evidence_links(html: str) -> list[dict]:
    parser = Anchors()
    parser.feed(html)
    for link in parser.links:
        link["text"] = " ".join(link["text"].split())
    return parser.links


def stated_count(text: str) -> int | None:
    """The integer a link shows ("12", "1,234", "按时签收 6", "3 项"); None for a rate, score or average."""
    if "%" in text or "." in text or "第" in text:
        return None
    numbers = re.findall(r"\d[\d,]*", text)
    return int(numbers[-1].replace(",", "")) if numbers else None


def _testid_number(html: str, testid: str) -> int | None:
    m = re.search(rf'data-testid="{testid}"[^>]*>\s*(\d+)', html)
    return int(m[1]) if m else None


def listed_total(html: str) -> int:
    m = re.search(r'data-testid="result-count">[^<]*?共 (\d+) ', html)
    assert m, html[:2000]
    return int(m[1])


def target_count(client, href: str) -> tuple[str, int, dict]:
    """(list kind, the number of items the list says it holds, details) for a figure's link."""
    url = urlsplit(href)
    response = client.get(f"{url.path}?{url.query}" if url.query else url.path)
    assert response.status_code == 200, (href, response.status_code)
    html = response.get_data(as_text=True)
    args = parse_qs(url.query)
    if url.path == "/feedback/public/" and "kpi" in args:
        items = _testid_number(html, "evidence-items")
        orders = _testid_number(html, "evidence-orders")
        hidden = _testid_number(html, "evidence-hidden") or 0
        m = re.search(r"未公开的 (\d+) 件诉求", html)
        hidden_orders = int(m[1]) if m else 0
        listed = listed_total(html)
        assert orders - hidden_orders == listed, (href, orders, hidden_orders, listed)
        return "orders", items, {"orders": orders, "hidden": hidden, "listed": listed}
    if url.path == "/ratings/items":
        m = re.search(r"来自 (\d+) 家企业", html)
        rows = html.count('<tr><th scope="row" class="dept">')
        return ("ratings", int(m[1]), {"rows": rows}) if m else ("page", -1, {})
    if url.path in ("/hearings/commitments/", "/plans/tasks/"):
        return url.path.strip("/").split("/")[-1], listed_total(html), {}
    return "page", -1, {}
