"""the organiser's descriptions of an essay's pictures in the book (text alternatives)

Revision ID: a7c1d2e3f4a5
Revises: b3c4d5e6f7a8
Create Date: 2026-11-28 20:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a7c1d2e3f4a5'
down_revision = 'b3c4d5e6f7a8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('anthology_item', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('picture_descriptions', sa.JSON(), nullable=False, server_default='{}')
        )


def downgrade():
    with op.batch_alter_table('anthology_item', schema=None) as batch_op:
        batch_op.drop_column('picture_descriptions')
