"""A throwaway PostgreSQL server for the test pass on PostgreSQL (GS_TEST_DATABASE=postgresql).

Each pytest process (each xdist worker) starts its own cluster in a temporary folder on a free
port, run as an unprivileged user when the tests run as root (postgres refuses root). The
migrated schema is built once into a template database; a test's database is made with
`CREATE DATABASE … TEMPLATE`, and given back empty to the next test by truncating its tables
(`Server.empty`), five times faster than dropping and copying it again.
"""

from __future__ import annotations

import glob
import hashlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg
from psycopg import sql

TEMPLATE = "gs_template"


def wanted() -> bool:
    """The pass is chosen by the environment; an unknown value is an error, never a skip."""
    kind = os.environ.get("GS_TEST_DATABASE", "sqlite")
    if kind not in ("sqlite", "postgresql"):
        raise RuntimeError(f"GS_TEST_DATABASE={kind!r}: sqlite or postgresql")
    return kind == "postgresql"


def _binaries() -> str:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise RuntimeError("PostgreSQL is not installed (make test installs Debian's postgresql)")
    return os.path.dirname(found[-1])


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """One cluster: started on construction, removed by `stop`."""

    def __init__(self) -> None:
        self.bin = _binaries()
        self.folder = Path(tempfile.mkdtemp(prefix="gs-pg-"))
        self.port = _free_port()
        self._layouts: dict[str, str] = {}  # template → its schema's digest
        self.user = "postgres" if os.geteuid() == 0 else None
        if self.user:
            account = pwd.getpwnam(self.user)
            os.chown(self.folder, account.pw_uid, account.pw_gid)
        data = str(self.folder / "data")
        self._run(
            "initdb",
            "-D",
            data,
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        # Durability is not under test: fsync off makes CREATE DATABASE and commits cheap.
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
            " -c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
        )
        self._run(
            "pg_ctl", "-D", data, "-o", options, "-l", str(self.folder / "log"), "-w", "start"
        )

    def _run(self, program: str, *args: str) -> None:
        command = [os.path.join(self.bin, program), *args]
        if self.user:
            command = [
                "setpriv",
                f"--reuid={self.user}",
                f"--regid={self.user}",
                "--init-groups",
                *command,
            ]
        subprocess.run(command, check=True, capture_output=True, cwd=self.folder)

    def url(self, name: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def _connect(self, dbname: str, autocommit: bool = False) -> psycopg.Connection:
        return psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname=dbname, autocommit=autocommit
        )

    def _admin(self, statement: sql.Composable) -> None:
        with self._connect("postgres", autocommit=True) as connection:
            connection.execute(statement)

    def create(self, name: str, template: str | None = None) -> None:
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        self._admin(statement)

    def exists(self, name: str) -> bool:
        with self._connect("postgres") as connection:
            found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            return found.fetchone() is not None

    def empty(self, name: str, template: str) -> bool:
        """Give the database `name` back as a new copy of `template` would be, without copying
        it: its other connections ended, every table but Alembic's emptied and its ids
        restarted. The template holds no rows but Alembic's, so that is the whole difference.
        Returns False, changing nothing, when `name` does not exist or its schema is no longer
        the template's (a test migrated it): the caller copies the template again."""
        if name == template or not self.exists(name):
            return False
        if template not in self._layouts:
            self._layouts[template] = self._layout(template)
        with self._connect(name, autocommit=True) as connection:
            connection.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            try:
                if self._layout_of(connection) != self._layouts[template]:
                    return False
            except psycopg.errors.UndefinedTable:  # migrated down past Alembic's own table
                return False
            tables = connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                " AND tablename <> 'alembic_version'"
            ).fetchall()
            # DELETE, not TRUNCATE: a test leaves few rows, and TRUNCATE makes every table's
            # files anew. Triggers are off for this connection: the foreign keys' (any order
            # will do) and the audit trail's refusal to be emptied, right in use.
            connection.execute("SET session_replication_role = replica")
            for (table,) in tables:
                connection.execute(sql.SQL("DELETE FROM {}").format(sql.Identifier(table)))
            connection.execute(
                "SELECT setval(format('%I', sequencename)::regclass, start_value, false)"
                " FROM pg_sequences WHERE schemaname = 'public'"
            )
        return True

    def _layout(self, name: str) -> str:
        with self._connect(name) as connection:
            return self._layout_of(connection)

    @staticmethod
    def _layout_of(connection: psycopg.Connection) -> str:
        """The schema as a digest: columns, constraints, indexes, sequences, triggers and
        whether they are on, functions, the migration."""
        return connection.execute(
            "SELECT md5(concat_ws('|',"
            " (SELECT string_agg(concat_ws(':', table_name, column_name, data_type,"
            "  column_default, is_nullable), ',' ORDER BY table_name, column_name)"
            "  FROM information_schema.columns WHERE table_schema = 'public'),"
            " (SELECT string_agg(pg_get_constraintdef(c.oid) || c.conname, ','"
            "  ORDER BY c.conname, pg_get_constraintdef(c.oid)) FROM pg_constraint c"
            "  JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public'),"
            " (SELECT string_agg(indexdef, ',' ORDER BY indexdef) FROM pg_indexes"
            "  WHERE schemaname = 'public'),"
            " (SELECT string_agg(sequencename, ',' ORDER BY sequencename) FROM pg_sequences"
            "  WHERE schemaname = 'public'),"
            " (SELECT string_agg(concat_ws(':', tgrelid::regclass::text, tgname,"
            "  tgenabled::text), ',' ORDER BY tgrelid::regclass::text, tgname)"
            "  FROM pg_trigger WHERE NOT tgisinternal),"
            " (SELECT string_agg(p.proname || md5(p.prosrc), ',' ORDER BY p.proname, p.prosrc)"
            "  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
            "  WHERE n.nspname = 'public'),"
            " (SELECT string_agg(version_num, ',') FROM alembic_version)))"
        ).fetchone()[0]

    def drop(self, name: str) -> None:
        self._admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


def database_name(folder: Path) -> str:
    """A test's database, named after its folder, as the SQLite pass names a file in it."""
    return "t_" + hashlib.sha1(str(folder).encode()).hexdigest()[:20]
