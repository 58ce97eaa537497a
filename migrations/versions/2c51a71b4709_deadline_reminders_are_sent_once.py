"""deadline reminders are sent once

Revision ID: 2c51a71b4709
Revises: 675d95af3761
Create Date: 2026-12-06 03:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2c51a71b4709'
down_revision = '675d95af3761'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'sent_notice',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sent_notice')),
        sa.UniqueConstraint('key', name=op.f('uq_sent_notice_key')),
    )


def downgrade():
    op.drop_table('sent_notice')
