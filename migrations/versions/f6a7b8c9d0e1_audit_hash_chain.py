"""the audit log is append-only and hash-chained

Every row gets prev_hash (the row_hash of the row before it by id, 64 zeros for the first)
and row_hash (SHA-256 of its canonical content and prev_hash, see contest/audit_chain.py);
existing rows are chained in id order. A UNIQUE prev_hash stops two writers from forking the
chain, and triggers refuse UPDATE and DELETE (and, on PostgreSQL, TRUNCATE).

Note for later migrations: on SQLite, batch-altering audit_event recreates the table and
drops its triggers; create them again in the same migration (tests check they exist at head).

Revision ID: f6a7b8c9d0e1
Revises: e5f6a7b8c9d0
Create Date: 2026-11-28 15:00:00

"""
import hashlib
import json
import unicodedata

from alembic import op
import sqlalchemy as sa


revision = 'f6a7b8c9d0e1'
down_revision = 'e5f6a7b8c9d0'
branch_labels = None
depends_on = None

GENESIS = '0' * 64
TEXT_FIELDS = ('object_type', 'action', 'from_state', 'to_state', 'detail', 'params_json')
REFUSAL = 'audit_event is append-only'

audit_event = sa.table(
    'audit_event',
    sa.column('id', sa.Integer()),
    sa.column('created_at', sa.DateTime()),
    sa.column('actor_id', sa.Integer()),
    sa.column('contest_id', sa.Integer()),
    sa.column('object_type', sa.String()),
    sa.column('object_id', sa.Integer()),
    sa.column('action', sa.String()),
    sa.column('from_state', sa.String()),
    sa.column('to_state', sa.String()),
    sa.column('detail', sa.Text()),
    sa.column('params_json', sa.Text()),
    sa.column('prev_hash', sa.String()),
    sa.column('row_hash', sa.String()),
)


def _row_hash(row, prev_hash):
    """Canonical form version 1, a frozen copy of contest.platform.audit_chain.canonical."""
    fields = {name: unicodedata.normalize('NFC', row[name] or '') for name in TEXT_FIELDS}
    fields.update(
        created_at=row['created_at'].isoformat(timespec='microseconds'),
        actor_id=row['actor_id'],
        contest_id=row['contest_id'],
        object_id=row['object_id'],
        prev_hash=prev_hash,
    )
    data = json.dumps(fields, sort_keys=True, separators=(',', ':'), ensure_ascii=False)
    return hashlib.sha256(data.encode('utf-8')).hexdigest()


def _backfill(bind):
    rows = bind.execute(sa.select(audit_event).order_by(audit_event.c.id)).mappings().all()
    links, prev_hash = [], GENESIS
    for row in rows:
        own = _row_hash(row, prev_hash)
        links.append({'_id': row['id'], '_prev': prev_hash, '_own': own})
        prev_hash = own
    if links:
        bind.execute(
            audit_event.update()
            .where(audit_event.c.id == sa.bindparam('_id'))
            .values(prev_hash=sa.bindparam('_prev'), row_hash=sa.bindparam('_own')),
            links,
        )


def _create_guards(dialect):
    if dialect == 'postgresql':
        op.execute(
            "CREATE FUNCTION audit_event_append_only() RETURNS trigger AS $$ BEGIN "
            f"RAISE EXCEPTION '{REFUSAL}' USING ERRCODE = 'restrict_violation'; "
            "END $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
            "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()"
        )
        op.execute(
            "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()"
        )
    else:
        for verb in ('UPDATE', 'DELETE'):
            op.execute(
                f"CREATE TRIGGER audit_event_no_{verb.lower()} BEFORE {verb} ON audit_event "
                f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
            )


def _drop_guards(dialect):
    if dialect == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event")
        op.execute("DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event")
        op.execute("DROP FUNCTION IF EXISTS audit_event_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")


def upgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('row_hash', sa.String(length=64), nullable=True))
    _backfill(op.get_bind())
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.alter_column('prev_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('row_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_audit_event_prev_hash'), ['prev_hash'])
    _create_guards(op.get_bind().dialect.name)


def downgrade():
    _drop_guards(op.get_bind().dialect.name)
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_audit_event_prev_hash'), type_='unique')
        batch_op.drop_column('row_hash')
        batch_op.drop_column('prev_hash')
