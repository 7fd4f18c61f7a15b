"""enterprises: memberships (join requests with the business licence), invitations, their history

Revision ID: 0400_enterprises
Revises: 0001_accounts
Create Date: 2026-12-02 01:10:00
"""

import sqlalchemy as sa
from alembic import op

import portal.times

revision = "0400_enterprises"
down_revision = "0001_accounts"
branch_labels = ("enterprises",)
depends_on = None

MEMBERSHIP_STATES = ("pending", "approved", "refused", "withdrawn", "left", "revoked")
INVITATION_STATES = ("open", "accepted", "cancelled", "declined")


def _history_columns():
    return [
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("from_state", sa.String(length=20), nullable=True),
        sa.Column("to_state", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", portal.times.UTCDateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
    ]


def upgrade():
    op.create_table(
        "enterprise_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("inviter_id", sa.Integer(), nullable=False),
        sa.Column("invitee_id", sa.Integer(), nullable=True),
        sa.Column("code_hash", sa.String(length=64), nullable=True),
        sa.Column(
            "state",
            sa.Enum(*INVITATION_STATES, name="invitationstate", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("expires_at", portal.times.UTCDateTime(), nullable=False),
        sa.Column("accepted_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", portal.times.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["accepted_by_id"], ["users.id"], name=op.f("fk_enterprise_invitations_accepted_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["enterprises.id"], name=op.f("fk_enterprise_invitations_enterprise_id_enterprises")
        ),
        sa.ForeignKeyConstraint(
            ["invitee_id"], ["users.id"], name=op.f("fk_enterprise_invitations_invitee_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["inviter_id"], ["users.id"], name=op.f("fk_enterprise_invitations_inviter_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enterprise_invitations")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_enterprise_invitations_code_hash")),
    )
    with op.batch_alter_table("enterprise_invitations") as batch:
        batch.create_index(batch.f("ix_enterprise_invitations_enterprise_id"), ["enterprise_id"], unique=False)
        batch.create_index(batch.f("ix_enterprise_invitations_invitee_id"), ["invitee_id"], unique=False)
        batch.create_index(batch.f("ix_enterprise_invitations_inviter_id"), ["inviter_id"], unique=False)

    op.create_table(
        "enterprise_memberships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(*MEMBERSHIP_STATES, name="membershipstate", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column(
            "via", sa.Enum("licence", "invitation", name="membershipvia", native_enum=False, length=20), nullable=False
        ),
        sa.Column("claimed_name", sa.String(length=120), nullable=False),
        sa.Column("licence_filename", sa.String(length=200), nullable=True),
        sa.Column("licence_stored_name", sa.String(length=80), nullable=True),
        sa.Column("licence_content_type", sa.String(length=60), nullable=True),
        sa.Column("licence_size", sa.Integer(), nullable=True),
        sa.Column("licence_sha256", sa.String(length=64), nullable=True),
        sa.Column("invitation_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", portal.times.UTCDateTime(), nullable=True),
        sa.Column("created_at", portal.times.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_enterprise_memberships_decided_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["enterprises.id"], name=op.f("fk_enterprise_memberships_enterprise_id_enterprises")
        ),
        sa.ForeignKeyConstraint(
            ["invitation_id"],
            ["enterprise_invitations.id"],
            name=op.f("fk_enterprise_memberships_invitation_id_enterprise_invitations"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_enterprise_memberships_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enterprise_memberships")),
        sa.UniqueConstraint("licence_stored_name", name=op.f("uq_enterprise_memberships_licence_stored_name")),
    )
    with op.batch_alter_table("enterprise_memberships") as batch:
        batch.create_index(batch.f("ix_enterprise_memberships_enterprise_id"), ["enterprise_id"], unique=False)
        batch.create_index("ix_enterprise_memberships_user_state", ["user_id", "state"], unique=False)

    op.create_table(
        "enterprise_membership_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("membership_id", sa.Integer(), nullable=False),
        *_history_columns(),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_enterprise_membership_events_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["membership_id"],
            ["enterprise_memberships.id"],
            name=op.f("fk_enterprise_membership_events_membership_id_enterprise_memberships"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enterprise_membership_events")),
    )
    with op.batch_alter_table("enterprise_membership_events") as batch:
        batch.create_index(batch.f("ix_enterprise_membership_events_membership_id"), ["membership_id"], unique=False)

    op.create_table(
        "enterprise_invitation_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invitation_id", sa.Integer(), nullable=False),
        *_history_columns(),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_enterprise_invitation_events_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["invitation_id"],
            ["enterprise_invitations.id"],
            name=op.f("fk_enterprise_invitation_events_invitation_id_enterprise_invitations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enterprise_invitation_events")),
    )
    with op.batch_alter_table("enterprise_invitation_events") as batch:
        batch.create_index(batch.f("ix_enterprise_invitation_events_invitation_id"), ["invitation_id"], unique=False)


def downgrade():
    op.drop_table("enterprise_invitation_events")
    op.drop_table("enterprise_membership_events")
    op.drop_table("enterprise_memberships")
    op.drop_table("enterprise_invitations")
