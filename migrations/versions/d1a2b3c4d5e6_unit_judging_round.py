"""a judging stage may belong to a unit round (issue 14); NULL keeps the province's judging

Revision ID: d1a2b3c4d5e6
Revises: b3c4d5e6f7a8
Create Date: 2026-11-28 17:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'd1a2b3c4d5e6'
down_revision = 'b3c4d5e6f7a8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('stage', schema=None) as batch_op:
        batch_op.add_column(sa.Column('round_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_stage_round_id'), ['round_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_stage_round_id_round'), 'round', ['round_id'], ['id']
        )
        batch_op.drop_constraint('uq_stage_contest_id_position', type_='unique')
        batch_op.create_unique_constraint(
            batch_op.f('uq_stage_contest_id_round_id_position'),
            ['contest_id', 'round_id', 'position'],
        )
        batch_op.create_index(
            'uq_stage_province_position', ['contest_id', 'position'], unique=True,
            sqlite_where=sa.text("round_id IS NULL"),
            postgresql_where=sa.text("round_id IS NULL"),
        )


def downgrade():
    with op.batch_alter_table('stage', schema=None) as batch_op:
        batch_op.drop_index('uq_stage_province_position')
        batch_op.drop_constraint(
            batch_op.f('uq_stage_contest_id_round_id_position'), type_='unique'
        )
        batch_op.create_unique_constraint(
            batch_op.f('uq_stage_contest_id_position'), ['contest_id', 'position']
        )
        batch_op.drop_constraint(batch_op.f('fk_stage_round_id_round'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_stage_round_id'))
        batch_op.drop_column('round_id')
