"""feedback KPIs: indexes for the department KPI table and the weekly supervision report

Revision ID: 0210_feedback_kpi
Revises: 0200_feedback
Create Date: 2026-11-23 16:20:00

The same indexes are declared in portal/dashboard/kpi.py (KPI_INDEXES).
"""

from alembic import op

revision = "0210_feedback_kpi"
down_revision = "0200_feedback"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_assignments_kpi_dispatched", "assignments", ["dispatched_at", "department_id", "sign_deadline", "signed_at"]),
    ("ix_assignments_kpi_due", "assignments", ["due_at", "department_id", "returned_at", "replied_at"]),
    (
        "ix_assignments_kpi_replied",
        "assignments",
        ["replied_at", "department_id", "due_at", "dispatched_at", "order_id", "round"],
    ),
    ("ix_assignments_order_round_department", "assignments", ["order_id", "round", "department_id", "returned_at"]),
    ("ix_assignments_kpi_rounds", "assignments", ["round", "dispatched_at", "order_id", "department_id"]),
    ("ix_assignments_signed_at", "assignments", ["signed_at"]),
    ("ix_assignments_escalated_at", "assignments", ["escalated_at"]),
    ("ix_assignments_top_escalated_at", "assignments", ["top_escalated_at"]),
    ("ix_ratings_kpi_created", "ratings", ["created_at", "department_id", "order_id", "round", "value"]),
    ("ix_work_orders_created_at", "work_orders", ["created_at"]),
    ("ix_work_orders_dispatched_at", "work_orders", ["dispatched_at"]),
    ("ix_work_orders_rated_at_satisfaction", "work_orders", ["rated_at", "satisfaction"]),
)


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade():
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
