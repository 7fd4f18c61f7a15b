"""policies: a version carries the document's own date (imported and demo documents), not only its record time

Revision ID: 0310_policy_version_dates
Revises: 0300_policies
Create Date: 2026-12-01 18:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0310_policy_version_dates"
down_revision = "0300_policies"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("policy_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dated_on", sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table("policy_versions", schema=None) as batch_op:
        batch_op.drop_column("dated_on")
