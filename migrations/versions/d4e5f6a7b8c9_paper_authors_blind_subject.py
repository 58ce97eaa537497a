"""paper authors without a login of their own; the judges' copy keeps its own subject name

Revision ID: d4e5f6a7b8c9
Revises: c1d2e3f4a5b6
Create Date: 2026-11-28 10:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'd4e5f6a7b8c9'
down_revision = 'c1d2e3f4a5b6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('contact', sa.String(length=200), nullable=False, server_default='')
        )
        batch_op.drop_constraint('contact', type_='check')
        batch_op.create_check_constraint(
            'contact', 'email IS NOT NULL OR phone IS NOT NULL OR password_hash IS NULL'
        )
    with op.batch_alter_table('blind_copy', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('subject_name', sa.String(length=200), nullable=False, server_default='')
        )
    op.execute(
        "UPDATE blind_copy SET subject_name = "
        "(SELECT entry.subject_name FROM entry WHERE entry.id = blind_copy.entry_id)"
    )


def downgrade():
    with op.batch_alter_table('blind_copy', schema=None) as batch_op:
        batch_op.drop_column('subject_name')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_constraint('contact', type_='check')
        batch_op.create_check_constraint('contact', 'email IS NOT NULL OR phone IS NOT NULL')
        batch_op.drop_column('contact')
