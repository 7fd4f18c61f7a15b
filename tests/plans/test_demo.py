"""The demo plan: modelled on 高效青岛建设攻势 3.0, loaded idempotently."""

from portal.accounts.demo import load_accounts
from portal.plans import services
from portal.plans.demo import load_plans
from portal.plans.models import Plan, PlanVersion, Task, TaskUpdate
from portal.plans.versions import compare


def test_demo_loader_is_idempotent(db):
    load_accounts()
    first = load_plans()
    counts = (db.session.query(Plan).count(), db.session.query(Task).count(), db.session.query(TaskUpdate).count())
    second = load_plans()
    assert "4 battles" in first and "already present" in second
    assert counts == (1, 21, 23)  # six recorded reports on four tasks, one ledger entry for each other task
    assert (db.session.query(Plan).count(), db.session.query(Task).count()) == counts[:2]
    assert db.session.query(TaskUpdate).count() == counts[2]


def test_demo_plan_has_done_in_progress_and_overdue_tasks_and_two_versions(db):
    load_accounts()
    load_plans()
    plan = db.session.query(Plan).one()
    view = services.plan_overview(plan.id)
    assert [b.battle.title for b in view.battles] == ["优化营商环境", "审批提质增效", "法治政府建设", "数字政府建设"]
    assert view.progress.done_count >= 5
    assert view.progress.overdue_count >= 3
    assert view.progress.in_progress_count >= 5
    versions = db.session.query(PlanVersion).order_by(PlanVersion.number).all()
    assert [v.label for v in versions] == ["2.0", "3.0"]
    diff = compare(versions[0].snapshot, versions[1].snapshot)
    assert diff.old_counts["tasks"] > diff.new_counts["tasks"] * 1.3
    assert ("removed", "诚信政府建设") in [(c.kind, c.title) for c in diff.battles]
