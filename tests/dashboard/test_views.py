"""The public 数据公开 page, its CSV and JSON: figures of the period, never personal data."""

from __future__ import annotations

import csv
import io


def test_data_page_shows_each_department_with_its_rates(client, kpi_world):
    response = client.get("/data/?period=2026-Q3")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "2026年第三季度" in html
    assert "甲局" in html and "乙局" in html
    assert "75.0%" in html  # A's 承接率 6/8
    assert 'data-testid="chart-bars"' in html and 'data-testid="chart-trend"' in html


def test_data_page_sorts_by_the_column_in_the_url(client, kpi_world):
    html = client.get("/data/?period=2026-Q3&sort=acceptance&dir=desc").get_data(as_text=True)
    assert html.index("乙局") < html.index("甲局")  # B 100% before A 75%
    html = client.get("/data/?period=2026-Q3&sort=acceptance&dir=asc").get_data(as_text=True)
    assert html.index("甲局", html.index("<tbody")) < html.index("乙局", html.index("<tbody"))


def test_custom_range_from_the_form_is_accepted(client, kpi_world):
    response = client.get("/data/?from=2026-07-01&to=2026-09-30")
    assert response.status_code == 200
    assert "2026年7月1日至2026年9月30日" in response.get_data(as_text=True)


def test_bad_period_gets_a_clear_chinese_400(client):
    response = client.get("/data/?period=last-tuesday")
    assert response.status_code == 400
    assert "统计周期格式不正确" in response.get_data(as_text=True)
    response = client.get("/data/?from=2026-09-30&to=2026-07-01")
    assert response.status_code == 400
    assert "结束日期不能早于开始日期" in response.get_data(as_text=True)


def test_public_pages_never_contain_requester_contact(client, kpi_world):
    for url in ("/data/?period=2026-Q3", "/data/kpi.csv?period=2026-Q3", "/api/v1/data/kpi?period=2026-Q3"):
        body = client.get(url).get_data(as_text=True)
        assert "13912345678" not in body and "胡先生" not in body and "测试诉求" not in body, url


def test_csv_export_has_a_header_and_one_row_per_department_plus_totals(client, kpi_world):
    response = client.get("/data/kpi.csv?period=2026-Q3")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "kpi-2026-Q3.csv" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    header, body = rows[0], rows[1:]
    assert header[:2] == ["排名", "部门"] and "承接率（%）" in header
    assert [r[1] for r in body] == ["甲局", "乙局", "合计"]
    assert body[0][header.index("承接率（%）")] == "75.0"
    assert body[0][header.index("派单数")] == "8"


def test_api_returns_counts_ratios_and_scores(client, kpi_world):
    response = client.get("/api/v1/data/kpi?period=2026-Q3")
    assert response.status_code == 200
    data = response.get_json()
    assert data["period"]["key"] == "2026-Q3"
    assert data["period"]["start"] == "2026-07-01T00:00:00+08:00"
    a = next(d for d in data["departments"] if d["department"] == "甲局")
    assert (a["dispatched"], a["signed_in_time"], a["acceptance"]) == (8, 6, 0.75)
    assert a["completion"] == round(4 / 6, 4) and a["satisfaction"] == 0.8
    assert a["avg_handling_hours"] == 192.0
    assert data["totals"]["dispatched"] == 11
    assert sum(data["weights"].values()) == 1000
    assert len(data["trend"]) == 12


def test_api_bad_period_answers_json_400(client):
    response = client.get("/api/v1/data/kpi?period=2026-Q9")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid"


def test_home_page_shows_the_data_panel(client, kpi_world):
    html = client.get("/").get_data(as_text=True)
    assert 'id="home-data-title"' in html
    assert 'data-testid="home-completion"' in html
