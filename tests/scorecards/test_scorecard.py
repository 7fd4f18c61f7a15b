"""The department scorecard and the ranking on the constructed data set of conftest.card_world.

甲局 (A) in 2026-Q3, from tests/dashboard/test_kpi.py: 派单 8, 按时签收 6, 到期应办结 6, 按期办结 4
(逾期 2), 本期答复 7 (按时 5, 发回重办 1), 评价 5 (满意 4), 镇街 1/1; KPI score
320 + 127.5 + 170·4/6 + 136 + 100·5/7 + 60. Commitments made by 30 Sep: 4, done 2 (兑现率 50%). Tasks
led: 3, done 1, overdue 1, mean progress 50. No enterprise rated: the index is not counted.
Composite = (50 × KPI/10 + 15 × 50 + 15 × 50) ÷ 80.
乙局 (B): KPI score 525 + 70·2/3 and nothing else: composite = KPI/10.
"""

from __future__ import annotations

import csv
import io

import pytest

from portal.scorecards import card as cards
from portal.scorecards import figures
from tests.scorecards.links import evidence_links, stated_count, target_count

Q3 = "2026-Q3"
A_KPI = 320 + 127.5 + 170 * 4 / 6 + 136 + 500 / 7 + 60
B_KPI = 525 + 70 * 2 / 3
A_SCORE = (50 * A_KPI / 10 + 15 * 50 + 15 * 50) / 80
B_SCORE = B_KPI / 10


def test_scorecard_joins_kpis_commitments_and_tasks(card_world):
    card = cards.scorecard(cards.parse_period(Q3), card_world.a.id)
    c = card.counts
    assert (c.dispatched, c.signed_in_time, c.due, c.due_closed_in_time) == (8, 6, 6, 4)
    assert card.overdue == 2
    assert card.kpi_score == pytest.approx(A_KPI)
    assert card.commitments.total == 4 and card.commitments.count("done") == 2
    assert card.commitments.rate == pytest.approx(0.5)
    assert (card.tasks.total, card.tasks.done, card.tasks.overdue) == (3, 1, 1)
    assert card.tasks.mean_progress == pytest.approx(50)
    assert card.index.value is None
    assert card.score == pytest.approx(A_SCORE)
    assert card.rank == 1


def test_ranking_orders_by_composite_score_and_sorts_by_each_column(card_world):
    period = cards.parse_period(Q3)
    ranked = cards.ranking(period)
    assert [c.department_id for c in ranked.cards] == [card_world.a.id, card_world.b.id]
    assert [c.score for c in ranked.cards] == [pytest.approx(A_SCORE), pytest.approx(B_SCORE)]
    by_completion = cards.ranking(period, "completion", True)
    assert [c.department_id for c in by_completion.cards] == [card_world.b.id, card_world.a.id]  # 100% vs 67%
    by_overdue = cards.ranking(period, "overdue", False)
    assert [c.overdue for c in by_overdue.cards] == [0, 2]
    by_tasks = cards.ranking(period, "tasks", True)  # B has no task: last either way
    assert by_tasks.cards[-1].department_id == card_world.b.id
    assert cards.ranking(period, "tasks", False).cards[-1].department_id == card_world.b.id


def test_ranking_page_shows_the_formula_and_sorts(client, card_world):
    page = client.get("/scorecards/?period=2026-Q3&sort=completion&dir=desc").get_data(as_text=True)
    assert figures.formula(cards.weights()) in page
    assert page.index(f'data-department="{card_world.b.id}"') < page.index(f'data-department="{card_world.a.id}"')
    page = client.get("/scorecards/?period=2026-Q3").get_data(as_text=True)
    assert page.index(f'data-department="{card_world.a.id}"') < page.index(f'data-department="{card_world.b.id}"')


def test_scorecard_page_shows_each_figure_with_its_method(client, card_world):
    page = client.get(f"/scorecards/{card_world.a.id}?period=2026-Q3").get_data(as_text=True)
    for label in ("承接率", "办结率", "逾期", "满意率", "企业家满意度指数", "承诺兑现率", "牵头任务", "综合得分"):
        assert label in page
    assert "样本不足" in page
    assert f"= {A_SCORE:.1f}" in page  # the worked formula
    assert "按时签收 ÷ 派单" in page


def _check_links(client, html: str, minimum: int) -> int:
    """Every figure link opens a list holding exactly the items the figure counted; returns links checked."""
    checked = 0
    links = evidence_links(html)
    assert len(links) >= minimum
    for link in links:
        if link["href"].startswith("#"):
            continue
        kind, count, _ = target_count(client, link["href"])
        expected = stated_count(link["text"])
        if kind != "page" and expected is not None:
            assert count == expected, (link, count)
            checked += 1
    return checked


def test_every_scorecard_figure_links_to_exactly_its_items(client, db, card_world):
    # One of A's orders is not public: its items are counted, said to be hidden, and not listed.
    from portal.feedback.models import Assignment, WorkOrder

    hidden = db.session.scalar(
        db.select(WorkOrder).join(Assignment).where(Assignment.department_id == card_world.a.id).limit(1)
    )
    hidden.is_public = False
    db.session.commit()
    html = client.get(f"/scorecards/{card_world.a.id}?period=2026-Q3").get_data(as_text=True)
    assert _check_links(client, html, minimum=20) >= 20


def test_every_figure_of_the_ranking_and_the_data_page_links_to_its_items(client, db, card_world):
    # Two of A's orders were filed for an enterprise: the 涉企 split of 数据公开 links to them alone.
    from portal.accounts.models import Enterprise
    from portal.feedback.models import Assignment, WorkOrder

    company = Enterprise(name="测试企业", uscc="91370200MA3C12345E")
    db.session.add(company)
    db.session.flush()
    for order in db.session.scalars(
        db.select(WorkOrder).join(Assignment).where(Assignment.department_id == card_world.a.id).limit(2)
    ):
        order.enterprise_id = company.id
    db.session.commit()
    html = client.get("/scorecards/?period=2026-Q3").get_data(as_text=True)
    for link in evidence_links(html):
        assert link["href"], link
        target_count(client, link["href"])  # every link opens
    html = client.get("/data/?period=2026-Q3").get_data(as_text=True)
    assert 'data-testid="kpi-split"' in html and "kpi_scope=enterprise" in html and "kpi_scope=other" in html
    assert _check_links(client, html, minimum=50) >= 40


def test_every_figure_of_the_supervision_report_links_to_its_items(login, users, card_world):
    client = login(users["dispatcher"])
    html = client.get("/data/supervision?week=2026-W30").get_data(as_text=True)
    assert _check_links(client, html, minimum=6) >= 5


def test_scorecard_csv_has_every_figure_with_method_and_link(client, card_world):
    response = client.get(f"/scorecards/{card_world.a.id}/scorecard.csv?period=2026-Q3")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["部分", "指标", "数值"]
    by_label = {(r[0], r[1]): r for r in body}
    assert by_label[("办件：群众诉求与镇街呼叫", "承接率")][4:6] == ["6", "8"]
    assert by_label[("公开答辩承诺事项", "承诺事项")][2] == "4"
    assert float(by_label[("综合得分与排名", "综合得分")][2]) == pytest.approx(round(A_SCORE, 1))
    assert all(r[6] for r in body)  # every figure says how it is computed
    assert (
        "/feedback/public/?kpi=dispatched&kpi_from=2026-07-01&kpi_to=2026-09-30"
        in by_label[("办件：群众诉求与镇街呼叫", "派单")][7]
    )


def test_ranking_csv_lists_departments_in_rank_order(client, card_world):
    text = client.get("/scorecards/ranking.csv?period=2026-Q3").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["排名", "部门", "综合得分"]
    assert [r[1] for r in rows[1:]] == ["甲局", "乙局"]
    assert float(rows[1][2]) == pytest.approx(round(A_SCORE, 1))


@pytest.mark.parametrize("period", ["2026-W30", "2026-01-01..2026-02-01", "abc"])
def test_scorecard_periods_are_months_quarters_or_years(client, card_world, period):
    assert client.get(f"/scorecards/?period={period}").status_code == 400


def test_unknown_department_is_404(client, card_world):
    assert client.get("/scorecards/999999?period=2026-Q3").status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "kpi=bogus&kpi_from=2026-07-01&kpi_to=2026-09-30",
        "kpi=due&kpi_from=2026-07-01",
        "kpi=due&kpi_from=2026-09-30&kpi_to=2026-07-01",
        "kpi=due&kpi_from=2026-13-01&kpi_to=2026-12-31",
        "kpi_from=2026-07-01&kpi_to=2026-09-30",
        "kpi=due&kpi_from=2020-01-01&kpi_to=2026-09-30",
    ],
)
def test_bad_evidence_arguments_are_400(client, query):
    assert client.get(f"/feedback/public/?{query}").status_code == 400
    assert client.get(f"/api/v1/feedback?{query}").status_code == 400


@pytest.mark.parametrize("query", ["until=2026-02-30", "until=x"])
def test_bad_commitment_until_is_400(client, query):
    assert client.get(f"/hearings/commitments/?{query}").status_code == 400


@pytest.mark.parametrize("query", ["lead=1", "lead=2&dept=1"])
def test_bad_task_filters_are_400(client, query):
    assert client.get(f"/plans/tasks/?{query}").status_code == 400
