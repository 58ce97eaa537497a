"""a unit's certificates are kept for its winners

Revision ID: 7df5839161a4
Revises: 2c51a71b4709
Create Date: 2026-12-06 03:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7df5839161a4'
down_revision = '2c51a71b4709'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'unit_issuance',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('round_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('parent_body', sa.String(length=200), nullable=False),
        sa.Column('body', sa.String(length=200), nullable=False),
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('place', sa.String(length=60), nullable=False),
        sa.Column('signer_authority', sa.String(length=200), nullable=False),
        sa.Column('signer_name', sa.String(length=80), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_unit_issuance_round_id_round')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_issuance')),
        sa.UniqueConstraint('round_id', name=op.f('uq_unit_issuance_round_id')),
    )


def downgrade():
    op.drop_table('unit_issuance')
