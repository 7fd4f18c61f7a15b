"""Rows of the demo city that browser tests open, looked up in the live server's database."""

from __future__ import annotations

import sqlalchemy as sa

from tests.hearings.live_support import live_db


def demo_ids(live_server) -> dict[str, object]:
    """The demo city's rows the pages below need (tracking numbers carry the day they were filed)."""
    queries = {
        "live_hearing": "SELECT id FROM hearings WHERE state = 'live' ORDER BY id",
        "closed_hearing": "SELECT id FROM hearings WHERE state = 'closed' ORDER BY id",
        "scheduled_hearing": "SELECT id FROM hearings WHERE state = 'scheduled' ORDER BY id",
        "commitment": "SELECT id FROM hearing_commitments ORDER BY id",
        "public_order": "SELECT tracking_no FROM work_orders WHERE is_public AND state = 'closed' ORDER BY id",
        "citizen_closed": "SELECT o.tracking_no FROM work_orders o JOIN users u ON u.id = o.requester_id"
        " WHERE u.username = 'citizen' AND o.state = 'closed' ORDER BY o.id DESC",
        "citizen_open": "SELECT o.tracking_no FROM work_orders o JOIN users u ON u.id = o.requester_id"
        " WHERE u.username = 'citizen' AND o.state IN ('dispatched', 'in_progress') ORDER BY o.id",
        "official_open": "SELECT o.tracking_no FROM work_orders o JOIN assignments a ON a.order_id = o.id"
        " JOIN users u ON u.department_id = a.department_id"
        " WHERE u.username = 'official' AND a.state = 'in_progress' ORDER BY o.id",
        "submitted": "SELECT tracking_no FROM work_orders WHERE state = 'submitted' ORDER BY id",
        "returned": "SELECT tracking_no FROM work_orders WHERE state = 'returned' ORDER BY id",
        "policy": "SELECT id FROM policies WHERE status = 'in_force' ORDER BY id",
        # The public reads a document's versions from its publication on (a draft's are the editors').
        "policy_version": "SELECT v.number FROM policy_versions v WHERE v.status <> 'draft' AND v.policy_id ="
        " (SELECT id FROM policies WHERE status = 'in_force' ORDER BY id LIMIT 1) ORDER BY v.number",
        "plan": "SELECT id FROM plans ORDER BY id",
        "shenpi_task": "SELECT t.id FROM plan_tasks t JOIN users u ON u.department_id = t.lead_department_id"
        " WHERE u.username = 'shenpi' ORDER BY t.id",
        "battle": "SELECT id FROM plan_battles ORDER BY id",
        "goal": "SELECT id FROM plan_goals ORDER BY id",
        "citizen_user": "SELECT id FROM users WHERE username = 'citizen'",
        "department": "SELECT id FROM departments ORDER BY id",
        "open_consultation": "SELECT id FROM consultations WHERE state = 'open' ORDER BY id",
        "published_consultation": "SELECT id FROM consultations WHERE state = 'published' ORDER BY id",
        "official_department": "SELECT department_id FROM users WHERE username = 'official'",
    }
    with live_db(live_server) as db:
        ids = {name: db.session.scalar(sa.text(sql)) for name, sql in queries.items()}
        ids["projector_token"] = db.session.scalar(
            sa.text("SELECT projector_token FROM hearings WHERE id = :id"), {"id": ids["live_hearing"]}
        )
    missing = [name for name, value in ids.items() if value is None]
    assert not missing, f"the demo data has no {missing}"
    return ids
