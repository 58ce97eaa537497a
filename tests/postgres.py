"""A throwaway PostgreSQL server for the test pass on PostgreSQL (GS_TEST_DATABASE=postgresql).

Each pytest process (each xdist worker) starts its own cluster in a temporary folder on a free
port, run as an unprivileged user when the tests run as root (postgres refuses root). The
migrated schema is built once into a template database; each test gets `CREATE DATABASE …
TEMPLATE`, a file copy on the server, as fast as the SQLite pass's copy of its file.
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

    def _admin(self, statement: sql.Composable) -> None:
        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", autocommit=True
        ) as connection:
            connection.execute(statement)

    def create(self, name: str, template: str | None = None) -> None:
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        self._admin(statement)

    def exists(self, name: str) -> bool:
        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="postgres"
        ) as connection:
            found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            return found.fetchone() is not None

    def drop(self, name: str) -> None:
        self._admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


def database_name(folder: Path) -> str:
    """A test's database, named after its folder, as the SQLite pass names a file in it."""
    return "t_" + hashlib.sha1(str(folder).encode()).hexdigest()[:20]
