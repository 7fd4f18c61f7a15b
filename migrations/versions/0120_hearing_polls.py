"""hearings: live polls, presence samples, the hearings an inquiry reviews

Revision ID: 0120_hearing_polls
Revises: 0111_hearing_events
Create Date: 2026-12-02 00:53:09.278537

"""
from alembic import op
import sqlalchemy as sa

import portal.times


# revision identifiers, used by Alembic.
revision = '0120_hearing_polls'
down_revision = '0111_hearing_events'
branch_labels = ('hearing_polls',)
depends_on = None


def upgrade():
    op.create_table('hearing_polls',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hearing_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=False),
    sa.Column('question', sa.String(length=200), nullable=False),
    sa.Column('multiple', sa.Boolean(), nullable=False),
    sa.Column('allow_anonymous', sa.Boolean(), nullable=False),
    sa.Column('state', sa.Enum('draft', 'open', 'closed', name='pollstate', native_enum=False, length=20), nullable=False),
    sa.Column('results_shown', sa.Boolean(), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', portal.times.UTCDateTime(), nullable=False),
    sa.Column('opened_at', portal.times.UTCDateTime(), nullable=True),
    sa.Column('closed_at', portal.times.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_hearing_polls_created_by_id_users')),
    sa.ForeignKeyConstraint(['hearing_id'], ['hearings.id'], name=op.f('fk_hearing_polls_hearing_id_hearings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hearing_polls')),
    sa.UniqueConstraint('hearing_id', 'client_id', name=op.f('uq_hearing_polls_hearing_id_client_id'))
    )
    with op.batch_alter_table('hearing_polls', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hearing_polls_hearing_id'), ['hearing_id'], unique=False)

    op.create_table('hearing_presence_samples',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hearing_id', sa.Integer(), nullable=False),
    sa.Column('minute', portal.times.UTCDateTime(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['hearing_id'], ['hearings.id'], name=op.f('fk_hearing_presence_samples_hearing_id_hearings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hearing_presence_samples')),
    sa.UniqueConstraint('hearing_id', 'minute', name=op.f('uq_hearing_presence_samples_hearing_id_minute'))
    )
    with op.batch_alter_table('hearing_presence_samples', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hearing_presence_samples_hearing_id'), ['hearing_id'], unique=False)

    op.create_table('hearing_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inquiry_id', sa.Integer(), nullable=False),
    sa.Column('reviewed_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['inquiry_id'], ['hearings.id'], name=op.f('fk_hearing_reviews_inquiry_id_hearings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewed_id'], ['hearings.id'], name=op.f('fk_hearing_reviews_reviewed_id_hearings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hearing_reviews')),
    sa.UniqueConstraint('inquiry_id', 'reviewed_id', name=op.f('uq_hearing_reviews_inquiry_id_reviewed_id'))
    )
    with op.batch_alter_table('hearing_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hearing_reviews_inquiry_id'), ['inquiry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_hearing_reviews_reviewed_id'), ['reviewed_id'], unique=False)

    op.create_table('hearing_poll_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('device', sa.String(length=40), nullable=True),
    sa.Column('choices', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=False),
    sa.Column('created_at', portal.times.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['poll_id'], ['hearing_polls.id'], name=op.f('fk_hearing_poll_answers_poll_id_hearing_polls'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_hearing_poll_answers_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hearing_poll_answers')),
    sa.UniqueConstraint('poll_id', 'device', name=op.f('uq_hearing_poll_answers_poll_id_device')),
    sa.UniqueConstraint('poll_id', 'user_id', name=op.f('uq_hearing_poll_answers_poll_id_user_id'))
    )
    with op.batch_alter_table('hearing_poll_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hearing_poll_answers_poll_id'), ['poll_id'], unique=False)

    op.create_table('hearing_poll_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('from_state', sa.String(length=20), nullable=True),
    sa.Column('to_state', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', portal.times.UTCDateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_hearing_poll_events_actor_id_users')),
    sa.ForeignKeyConstraint(['poll_id'], ['hearing_polls.id'], name=op.f('fk_hearing_poll_events_poll_id_hearing_polls'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hearing_poll_events'))
    )
    with op.batch_alter_table('hearing_poll_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hearing_poll_events_poll_id'), ['poll_id'], unique=False)

    op.create_table('hearing_poll_options',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['poll_id'], ['hearing_polls.id'], name=op.f('fk_hearing_poll_options_poll_id_hearing_polls'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hearing_poll_options'))
    )
    with op.batch_alter_table('hearing_poll_options', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hearing_poll_options_poll_id'), ['poll_id'], unique=False)



def downgrade():
    with op.batch_alter_table('hearing_poll_options', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hearing_poll_options_poll_id'))

    op.drop_table('hearing_poll_options')
    with op.batch_alter_table('hearing_poll_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hearing_poll_events_poll_id'))

    op.drop_table('hearing_poll_events')
    with op.batch_alter_table('hearing_poll_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hearing_poll_answers_poll_id'))

    op.drop_table('hearing_poll_answers')
    with op.batch_alter_table('hearing_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hearing_reviews_reviewed_id'))
        batch_op.drop_index(batch_op.f('ix_hearing_reviews_inquiry_id'))

    op.drop_table('hearing_reviews')
    with op.batch_alter_table('hearing_presence_samples', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hearing_presence_samples_hearing_id'))

    op.drop_table('hearing_presence_samples')
    with op.batch_alter_table('hearing_polls', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hearing_polls_hearing_id'))

    op.drop_table('hearing_polls')
