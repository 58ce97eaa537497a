"""audit events keep the parameters of their sentence

Revision ID: c1d2e3f4a5b6
Revises: a6ae86b9d886
Create Date: 2026-11-28 08:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'c1d2e3f4a5b6'
down_revision = 'a6ae86b9d886'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('params_json', sa.Text(), nullable=False, server_default='{}')
        )


def downgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_column('params_json')
