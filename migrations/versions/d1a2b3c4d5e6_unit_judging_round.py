"""unit rounds may hold their own judging (issue 14): stage, prize ladder, blind copies, leak
flags and awards name their round (NULL keeps the province's); unit_judging and unit_juror

Revision ID: d1a2b3c4d5e6
Revises: f3a4b5c6d7e8
Create Date: 2026-11-28 17:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'd1a2b3c4d5e6'
down_revision = 'f3a4b5c6d7e8'
branch_labels = None
depends_on = None

# Partial unique indexes keep the province's rows (round_id NULL) unique as before.
PROVINCE = sa.text("round_id IS NULL")


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
            sqlite_where=PROVINCE, postgresql_where=PROVINCE,
        )

    with op.batch_alter_table('prize_level', schema=None) as batch_op:
        batch_op.add_column(sa.Column('round_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_prize_level_round_id'), ['round_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_prize_level_round_id_round'), 'round', ['round_id'], ['id']
        )
        batch_op.drop_constraint('uq_prize_level_contest_id_position', type_='unique')
        batch_op.create_unique_constraint(
            batch_op.f('uq_prize_level_contest_id_round_id_position'),
            ['contest_id', 'round_id', 'position'],
        )
        batch_op.create_index(
            'uq_prize_level_province_position', ['contest_id', 'position'], unique=True,
            sqlite_where=PROVINCE, postgresql_where=PROVINCE,
        )
    with op.batch_alter_table('award', schema=None) as batch_op:
        batch_op.add_column(sa.Column('round_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_award_round_id'), ['round_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_award_round_id_round'), 'round', ['round_id'], ['id']
        )
        batch_op.drop_constraint('uq_award_contest_id_entry_id', type_='unique')
        batch_op.create_unique_constraint(
            batch_op.f('uq_award_contest_id_round_id_entry_id'),
            ['contest_id', 'round_id', 'entry_id'],
        )
        batch_op.create_index(
            'uq_award_province_entry', ['contest_id', 'entry_id'], unique=True,
            sqlite_where=PROVINCE, postgresql_where=PROVINCE,
        )
    with op.batch_alter_table('blind_copy', schema=None) as batch_op:
        batch_op.add_column(sa.Column('round_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_blind_copy_round_id'), ['round_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_blind_copy_round_id_round'), 'round', ['round_id'], ['id']
        )
        batch_op.drop_constraint('uq_blind_copy_entry_id', type_='unique')
        batch_op.create_index(batch_op.f('ix_blind_copy_entry_id'), ['entry_id'], unique=False)
        batch_op.create_unique_constraint(
            batch_op.f('uq_blind_copy_entry_id_round_id'), ['entry_id', 'round_id']
        )
        batch_op.create_index(
            'uq_blind_copy_province_entry', ['entry_id'], unique=True,
            sqlite_where=PROVINCE, postgresql_where=PROVINCE,
        )
    with op.batch_alter_table('leak_flag', schema=None) as batch_op:
        batch_op.add_column(sa.Column('round_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_leak_flag_round_id'), ['round_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_leak_flag_round_id_round'), 'round', ['round_id'], ['id']
        )
    op.create_table(
        'unit_judging',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('round_id', sa.Integer(), nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('opened_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('finalised_at', sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "state IN ('on', 'finalised')", name=op.f('ck_unit_judging_state')
        ),
        sa.ForeignKeyConstraint(
            ['opened_by_id'], ['user.id'], name=op.f('fk_unit_judging_opened_by_id_user')
        ),
        sa.ForeignKeyConstraint(
            ['round_id'], ['round.id'], name=op.f('fk_unit_judging_round_id_round')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_judging')),
        sa.UniqueConstraint('round_id', name=op.f('uq_unit_judging_round_id')),
    )
    op.create_table(
        'unit_juror',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('round_id', sa.Integer(), nullable=False),
        sa.Column('judge_id', sa.Integer(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['created_by_id'], ['user.id'], name=op.f('fk_unit_juror_created_by_id_user')
        ),
        sa.ForeignKeyConstraint(
            ['judge_id'], ['user.id'], name=op.f('fk_unit_juror_judge_id_user')
        ),
        sa.ForeignKeyConstraint(
            ['round_id'], ['round.id'], name=op.f('fk_unit_juror_round_id_round')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_juror')),
        sa.UniqueConstraint('judge_id', name=op.f('uq_unit_juror_judge_id')),
    )
    with op.batch_alter_table('unit_juror', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_juror_round_id'), ['round_id'], unique=False)


def downgrade():
    op.drop_table('unit_juror')
    op.drop_table('unit_judging')
    with op.batch_alter_table('leak_flag', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_leak_flag_round_id_round'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_leak_flag_round_id'))
        batch_op.drop_column('round_id')
    with op.batch_alter_table('blind_copy', schema=None) as batch_op:
        batch_op.drop_index('uq_blind_copy_province_entry')
        batch_op.drop_constraint(batch_op.f('uq_blind_copy_entry_id_round_id'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_blind_copy_entry_id'))
        batch_op.create_unique_constraint(batch_op.f('uq_blind_copy_entry_id'), ['entry_id'])
        batch_op.drop_constraint(batch_op.f('fk_blind_copy_round_id_round'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_blind_copy_round_id'))
        batch_op.drop_column('round_id')
    with op.batch_alter_table('award', schema=None) as batch_op:
        batch_op.drop_index('uq_award_province_entry')
        batch_op.drop_constraint(
            batch_op.f('uq_award_contest_id_round_id_entry_id'), type_='unique'
        )
        batch_op.create_unique_constraint(
            batch_op.f('uq_award_contest_id_entry_id'), ['contest_id', 'entry_id']
        )
        batch_op.drop_constraint(batch_op.f('fk_award_round_id_round'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_award_round_id'))
        batch_op.drop_column('round_id')
    with op.batch_alter_table('prize_level', schema=None) as batch_op:
        batch_op.drop_index('uq_prize_level_province_position')
        batch_op.drop_constraint(
            batch_op.f('uq_prize_level_contest_id_round_id_position'), type_='unique'
        )
        batch_op.create_unique_constraint(
            batch_op.f('uq_prize_level_contest_id_position'), ['contest_id', 'position']
        )
        batch_op.drop_constraint(batch_op.f('fk_prize_level_round_id_round'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_prize_level_round_id'))
        batch_op.drop_column('round_id')
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
