"""feedback: orders whose text holds personal data (masked in public), and when a dispatcher checked them

Revision ID: 0220_feedback_personal_data
Revises: 0210_feedback_kpi
Create Date: 2026-12-01 18:50:00
"""

import sqlalchemy as sa
from alembic import op

import portal.times

revision = "0220_feedback_personal_data"
down_revision = "0210_feedback_kpi"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("work_orders") as batch:
        batch.add_column(sa.Column("personal_data", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.add_column(sa.Column("personal_checked_at", portal.times.UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("work_orders") as batch:
        batch.drop_column("personal_checked_at")
        batch.drop_column("personal_data")
