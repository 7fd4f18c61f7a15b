"""feedback: a work order may be filed on behalf of an enterprise (涉企)

Revision ID: 0230_order_enterprise
Revises: 0220_feedback_personal_data
Create Date: 2026-12-02 01:10:00

Orders filed before carry no enterprise: an entrepreneur's account was not proof of acting for one.
"""

import sqlalchemy as sa
from alembic import op

revision = "0230_order_enterprise"
down_revision = "0220_feedback_personal_data"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("work_orders") as batch:
        batch.add_column(sa.Column("enterprise_id", sa.Integer(), nullable=True))
        batch.create_index(batch.f("ix_work_orders_enterprise_id"), ["enterprise_id"], unique=False)
        batch.create_foreign_key(
            batch.f("fk_work_orders_enterprise_id_enterprises"), "enterprises", ["enterprise_id"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("work_orders") as batch:
        batch.drop_constraint(batch.f("fk_work_orders_enterprise_id_enterprises"), type_="foreignkey")
        batch.drop_index(batch.f("ix_work_orders_enterprise_id"))
        batch.drop_column("enterprise_id")
