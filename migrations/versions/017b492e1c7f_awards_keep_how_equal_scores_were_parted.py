"""awards keep how equal scores were parted

Revision ID: 017b492e1c7f
Revises: e395db2bf568
Create Date: 2026-12-06 03:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '017b492e1c7f'
down_revision = 'e395db2bf568'
branch_labels = None
depends_on = None


def upgrade():
    # The free-text note was never written; the tie-breaks applied to an award are, as data
    # rendered in the reader's language (judging.wording).
    with op.batch_alter_table('award', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('tie_breaks', sa.Text(), nullable=False, server_default='[]')
        )
        batch_op.drop_column('note')


def downgrade():
    with op.batch_alter_table('award', schema=None) as batch_op:
        batch_op.add_column(sa.Column('note', sa.Text(), nullable=False, server_default=''))
        batch_op.drop_column('tie_breaks')
