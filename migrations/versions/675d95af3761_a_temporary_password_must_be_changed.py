"""a temporary password an organiser issues must be changed at the next login

Revision ID: 675d95af3761
Revises: 017b492e1c7f
Create Date: 2026-12-06 03:05:00

"""
from alembic import op
import sqlalchemy as sa


revision = '675d95af3761'
down_revision = '017b492e1c7f'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ALTER TABLE … ADD COLUMN: batch mode would rebuild the table, and SQLite refuses
    # to drop "user" while the rows of other tables point at it.
    op.add_column(
        'user',
        sa.Column('must_change_password', sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade():
    # SQLite 3.35 drops a column in place; a rebuilt "user" could not be dropped (see above).
    op.drop_column('user', 'must_change_password')
