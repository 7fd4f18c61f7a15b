"""The generated year of history: idempotent, marked, with rates near Guiyang's."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal import demo
from portal.accounts.demo import load_accounts
from portal.accounts.models import User
from portal.dashboard import kpi
from portal.dashboard.demo import DEMO_SOURCE, load_history
from portal.dashboard.kpi_periods import custom
from portal.enterprises import services as enterprises
from portal.enterprises.demo import load_enterprises
from portal.feedback.models import Notification, WorkOrder
from portal.times import to_local, utcnow


@pytest.mark.slow
def test_demo_history_is_generated_once_and_looks_like_guiyang(db):
    load_accounts()
    load_enterprises()
    assert "generated 3000" in load_history()
    assert "already present" in load_history()
    count = db.session.scalar(sa.select(sa.func.count()).where(WorkOrder.source_ref == DEMO_SOURCE))
    assert count == demo.read("history")["count"] == 3000
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 0
    today = to_local(utcnow()).date()
    year = custom(today.replace(year=today.year - 1), today)
    rates = kpi.department_kpis(year).totals.rates
    assert 0.85 <= rates["completion"] <= 0.95
    assert 0.75 <= rates["satisfaction"] <= 0.88
    # 涉企: some orders were filed online by a verified member of a demo enterprise, for it
    filed = db.session.execute(
        sa.select(WorkOrder.requester_id, WorkOrder.enterprise_id).where(WorkOrder.enterprise_id.is_not(None))
    ).all()
    assert 50 <= len(filed) <= 400
    assert all(enterprises.is_verified_member(db.session.get(User, u), e) for u, e in set(filed))
