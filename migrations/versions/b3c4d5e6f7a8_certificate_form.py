"""certificates in the administrative form: number code, place, date and signer chosen by the organiser

Revision ID: b3c4d5e6f7a8
Revises: e1a2b3c4d5e6
Create Date: 2026-11-28 17:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b3c4d5e6f7a8'
down_revision = 'e1a2b3c4d5e6'
branch_labels = None
depends_on = None

STRINGS = {'certificate_code': 50, 'certificate_place': 100, 'certificate_signer_name': 300}


def upgrade():
    with op.batch_alter_table('anthology_settings', schema=None) as batch_op:
        for name, length in STRINGS.items():
            batch_op.add_column(
                sa.Column(name, sa.String(length=length), nullable=False, server_default='')
            )
        batch_op.add_column(
            sa.Column('certificate_signer', sa.Text(), nullable=False, server_default='')
        )
        batch_op.add_column(sa.Column('certificate_date', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('anthology_settings', schema=None) as batch_op:
        batch_op.drop_column('certificate_date')
        batch_op.drop_column('certificate_signer')
        for name in reversed(list(STRINGS)):
            batch_op.drop_column(name)
