"""api clients: registered clients, their key hashes and limits, and their history

Revision ID: 0600_api_clients
Revises: 0001_accounts
Create Date: 2026-12-02 01:10:00

"""

import sqlalchemy as sa
from alembic import op

import portal.times

revision = "0600_api_clients"
down_revision = "0001_accounts"
branch_labels = ("api_clients",)
depends_on = None


def upgrade():
    op.create_table(
        "api_clients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("contact", sa.String(length=200), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("key_prefix", sa.String(length=16), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("read_limit", sa.String(length=80), nullable=False),
        sa.Column("write_limit", sa.String(length=80), nullable=False),
        sa.Column(
            "state", sa.Enum("active", "revoked", name="clientstate", native_enum=False, length=20), nullable=False
        ),
        sa.Column("created_at", portal.times.UTCDateTime(), nullable=False),
        sa.Column("revoked_at", portal.times.UTCDateTime(), nullable=True),
        sa.Column("last_used_at", portal.times.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name=op.f("fk_api_clients_owner_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_clients")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_clients_key_hash")),
    )
    with op.batch_alter_table("api_clients", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_clients_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "api_client_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("from_state", sa.String(length=20), nullable=True),
        sa.Column("to_state", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", portal.times.UTCDateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_api_client_events_actor_id_users")),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["api_clients.id"],
            name=op.f("fk_api_client_events_client_id_api_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_client_events")),
    )
    with op.batch_alter_table("api_client_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_client_events_client_id"), ["client_id"], unique=False)


def downgrade():
    with op.batch_alter_table("api_client_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_client_events_client_id"))
    op.drop_table("api_client_events")
    with op.batch_alter_table("api_clients", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_clients_owner_id"))
    op.drop_table("api_clients")
