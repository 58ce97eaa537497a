"""entries counted per unit and state, and sorted by words or submission, from indexes alone (the dashboard at 20,000 entries)

Revision ID: f3a4b5c6d7e8
Revises: a7c1d2e3f4a5
Create Date: 2026-11-28 20:40:00

"""
from alembic import op


revision = 'f3a4b5c6d7e8'
down_revision = 'a7c1d2e3f4a5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('entry', schema=None) as batch_op:
        batch_op.create_index(
            'ix_entry_contest_unit_state', ['contest_id', 'author_unit_id', 'state'], unique=False
        )
        batch_op.create_index('ix_entry_contest_words', ['contest_id', 'word_count'], unique=False)
        batch_op.create_index(
            'ix_entry_contest_submitted', ['contest_id', 'submitted_at'], unique=False
        )


def downgrade():
    with op.batch_alter_table('entry', schema=None) as batch_op:
        batch_op.drop_index('ix_entry_contest_submitted')
        batch_op.drop_index('ix_entry_contest_words')
        batch_op.drop_index('ix_entry_contest_unit_state')
