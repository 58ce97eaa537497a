"""the book's title page and colophon (Law on Publishing, art. 27) and a lasting identifier

Revision ID: b1c2d3e4f5a6
Revises: c9d0e1f2a3b4
Create Date: 2026-11-28 16:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b1c2d3e4f5a6'
down_revision = 'c9d0e1f2a3b4'
branch_labels = None
depends_on = None

TEXTS = ('issuing_bodies', 'foreword_signer', 'editors', 'editorial_board', 'printer')
STRINGS = {
    'place': 100,
    'publishing_director': 300,
    'content_director': 300,
    'designer': 300,
    'proofreader': 300,
    'licence': 300,
    'registration_number': 100,
    'decision_number': 100,
    'isbn': 20,
    'legal_deposit': 100,
    'book_uuid': 36,
}


def upgrade():
    with op.batch_alter_table('anthology_settings', schema=None) as batch_op:
        for name in TEXTS:
            batch_op.add_column(sa.Column(name, sa.Text(), nullable=False, server_default=''))
        for name, length in STRINGS.items():
            batch_op.add_column(
                sa.Column(name, sa.String(length=length), nullable=False, server_default='')
            )
        batch_op.add_column(sa.Column('print_run', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('anthology_settings', schema=None) as batch_op:
        batch_op.drop_column('print_run')
        for name in reversed(list(STRINGS)):
            batch_op.drop_column(name)
        for name in reversed(TEXTS):
            batch_op.drop_column(name)
