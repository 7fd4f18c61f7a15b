"""ratings: enterprise ratings of policies, tasks, departments and handled work orders; their history; the
audit log of who viewed the raters

Revision ID: 0410_ratings
Revises: 0001_accounts
Create Date: 2026-12-02 01:10:00

"""

import sqlalchemy as sa
from alembic import op

import portal.times

revision = "0410_ratings"
down_revision = "0001_accounts"
branch_labels = ("ratings",)
depends_on = ("0100_plans", "0200_feedback", "0300_policies")


def upgrade():
    op.create_table(
        "enterprise_ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("rater_id", sa.Integer(), nullable=True),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "policy",
                "task",
                "department",
                "order_department",
                "order_member",
                name="targetkind",
                native_enum=False,
                create_constraint=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("target_key", sa.String(length=60), nullable=False),
        sa.Column("policy_id", sa.Integer(), nullable=True),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("assignment_id", sa.Integer(), nullable=True),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("attitude", sa.SmallInteger(), nullable=False),
        sa.Column("style", sa.SmallInteger(), nullable=False),
        sa.Column("efficiency", sa.SmallInteger(), nullable=False),
        sa.Column("competence", sa.SmallInteger(), nullable=False),
        sa.Column("overall", sa.SmallInteger(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("answered_at", portal.times.UTCDateTime(), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", portal.times.UTCDateTime(), nullable=False),
        sa.Column("updated_at", portal.times.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "attitude BETWEEN 1 AND 5 AND style BETWEEN 1 AND 5 AND efficiency BETWEEN 1 AND 5"
            " AND competence BETWEEN 1 AND 5 AND overall BETWEEN 1 AND 5",
            name="ck_enterprise_ratings_scores",
        ),
        sa.ForeignKeyConstraint(["answered_by_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["assignment_id"], ["assignments.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["department_id"], ["departments.id"]),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprises.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["member_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["order_id"], ["work_orders.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["policy_id"], ["policies.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["rater_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["task_id"], ["plan_tasks.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("enterprise_id", "target_key", "period", name="uq_enterprise_ratings_target_period"),
    )
    with op.batch_alter_table("enterprise_ratings", schema=None) as batch_op:
        batch_op.create_index("ix_enterprise_ratings_period_department", ["period", "department_id"], unique=False)
        batch_op.create_index("ix_enterprise_ratings_period_policy", ["period", "policy_id"], unique=False)
        batch_op.create_index("ix_enterprise_ratings_period_member", ["period", "member_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_enterprise_ratings_task_id"), ["task_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_enterprise_ratings_order_id"), ["order_id"], unique=False)

    op.create_table(
        "enterprise_rating_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rating_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("from_state", sa.String(length=20), nullable=True),
        sa.Column("to_state", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", portal.times.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["rating_id"], ["enterprise_ratings.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("enterprise_rating_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_enterprise_rating_events_rating_id"), ["rating_id"], unique=False)

    op.create_table(
        "rating_audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("viewer_id", sa.Integer(), nullable=True),
        sa.Column("what", sa.String(length=200), nullable=False),
        sa.Column("path", sa.String(length=300), nullable=False),
        sa.Column("created_at", portal.times.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["viewer_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("rating_audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rating_audit_log_created_at"), ["created_at"], unique=False)


def downgrade():
    op.drop_table("rating_audit_log")
    op.drop_table("enterprise_rating_events")
    op.drop_table("enterprise_ratings")
