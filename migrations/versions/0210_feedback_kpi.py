"""feedback KPIs: indexes for the department KPI table and the weekly supervision report

Revision ID: 0210_feedback_kpi
Revises: 0200_feedback
Create Date: 2026-11-23 16:20:00

The same indexes are declared in portal/feedback/kpi.py (KPI_INDEXES).
"""

from alembic import op

revision = "0210_feedback_kpi"
down_revision = "0200_feedback"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_assignments_replied_at", "assignments", ["replied_at"]),
    ("ix_assignments_sign_deadline", "assignments", ["sign_deadline"]),
    ("ix_assignments_order_department_round", "assignments", ["order_id", "department_id", "round"]),
    ("ix_assignments_round_dispatched_at", "assignments", ["round", "dispatched_at"]),
    ("ix_ratings_created_at", "ratings", ["created_at"]),
    ("ix_work_orders_created_at", "work_orders", ["created_at"]),
    ("ix_work_orders_dispatched_at", "work_orders", ["dispatched_at"]),
    ("ix_work_orders_rated_at", "work_orders", ["rated_at"]),
)


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade():
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
