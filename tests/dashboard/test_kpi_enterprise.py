"""The 涉企 split of the KPIs: the same counts, restricted to orders filed for an enterprise and to the others."""

from __future__ import annotations

from datetime import timedelta

from portal.accounts.models import Enterprise
from portal.dashboard import kpi
from portal.dashboard.kpi_periods import parse_period
from portal.feedback.models import Satisfaction
from tests.dashboard.conftest import end_of, sh

NOW = sh(11, 23, 12, 0)


def test_the_split_counts_enterprise_orders_apart_and_adds_up_to_the_table(db, factory, client, build):
    a = factory.department("甲局", short_name="甲局")
    firm = Enterprise(name="青岛希杰测试有限公司", uscc="91370285MA3C00010Q")
    db.session.add(firm)
    db.session.flush()
    # 涉企: two orders signed in time, both due and answered in time, one rated 满意, one 不满意
    e1 = build.order(enterprise_id=firm.id)
    build.assignment(e1, a, sh(7, 10), due=end_of(7, 20), replied=sh(7, 15))
    build.rating(e1, Satisfaction.SATISFIED, sh(7, 16))
    e2 = build.order(enterprise_id=firm.id)
    build.assignment(e2, a, sh(7, 11), due=end_of(7, 21), replied=sh(7, 16))
    build.rating(e2, Satisfaction.UNSATISFIED, sh(7, 17))
    # others: one signed late and answered late, rated 基本满意; one returned unsigned
    o1 = build.order()
    build.assignment(o1, a, sh(7, 12), signed_after=timedelta(minutes=45), due=end_of(7, 20), replied=sh(7, 25))
    build.rating(o1, Satisfaction.BASIC, sh(7, 26))
    o2 = build.order()
    build.assignment(o2, a, sh(7, 13), signed_after=None, due=end_of(7, 23), returned=sh(7, 13, 10, 20))
    db.session.commit()

    period = parse_period("2026-Q3")
    split = kpi.scope_totals(period, now=NOW)
    ent, other = split["enterprise"], split["other"]
    assert (ent.dispatched, ent.signed_in_time, ent.due, ent.due_closed_in_time, ent.rated, ent.satisfied) == (
        2, 2, 2, 2, 2, 1,
    )  # fmt: skip
    assert ent.rates["acceptance"] == 1.0 and ent.rates["completion"] == 1.0 and ent.rates["satisfaction"] == 0.5
    assert (other.dispatched, other.signed_in_time, other.due, other.due_closed_in_time) == (2, 0, 1, 0)
    assert (other.rated, other.satisfied) == (1, 1)
    totals = kpi.department_kpis(period, now=NOW).totals
    for name in kpi.COUNT_COLUMNS:
        assert getattr(ent, name) + getattr(other, name) == getattr(totals, name), name

    page = client.get("/data/?period=2026-Q3").get_data(as_text=True)
    assert 'data-testid="kpi-split"' in page and "涉企诉求" in page
    body = client.get("/api/v1/data/kpi?period=2026-Q3").get_json()
    assert body["enterprise_split"]["enterprise"]["satisfaction"] == 0.5
    assert body["enterprise_split"]["other"]["dispatched"] == 2
