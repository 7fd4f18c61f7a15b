"""hearings: the panel answers (a question's answering member, questions from the panel), commitments follow a task

Revision ID: 0112_hearing_panel
Revises: 0111_hearing_events
Create Date: 2026-12-02 01:10:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0112_hearing_panel"
down_revision = "0111_hearing_events"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("hearing_questions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answerer_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("from_panel", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_foreign_key(
            batch_op.f("fk_hearing_questions_answerer_id_hearing_panel_members"),
            "hearing_panel_members",
            ["answerer_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("hearing_questions", schema=None) as batch_op:
        batch_op.alter_column("from_panel", server_default=None)
    with op.batch_alter_table("hearing_commitments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("task_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_hearing_commitments_task_id"), ["task_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_hearing_commitments_task_id_plan_tasks"), "plan_tasks", ["task_id"], ["id"], ondelete="SET NULL"
        )


def downgrade():
    with op.batch_alter_table("hearing_commitments", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_hearing_commitments_task_id_plan_tasks"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_hearing_commitments_task_id"))
        batch_op.drop_column("task_id")
    with op.batch_alter_table("hearing_questions", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_hearing_questions_answerer_id_hearing_panel_members"), type_="foreignkey")
        batch_op.drop_column("from_panel")
        batch_op.drop_column("answerer_id")
