"""hearings: append-only history of a hearing's state (open, close, reopen, archive)

Revision ID: 0111_hearing_events
Revises: 0110_hearings
Create Date: 2026-12-01 18:50:00

"""

import sqlalchemy as sa
from alembic import op

import portal.times

# revision identifiers, used by Alembic.
revision = "0111_hearing_events"
down_revision = "0110_hearings"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "hearing_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hearing_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("from_state", sa.String(length=20), nullable=True),
        sa.Column("to_state", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", portal.times.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_hearing_events_actor_id_users")),
        sa.ForeignKeyConstraint(
            ["hearing_id"], ["hearings.id"], name=op.f("fk_hearing_events_hearing_id_hearings"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hearing_events")),
    )
    with op.batch_alter_table("hearing_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hearing_events_hearing_id"), ["hearing_id"], unique=False)


def downgrade():
    with op.batch_alter_table("hearing_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hearing_events_hearing_id"))
    op.drop_table("hearing_events")
