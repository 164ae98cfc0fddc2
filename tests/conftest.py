"""Shared fixtures: a throwaway DuckDB path and a real PostgreSQL server for the session.

The PostgreSQL server is started from the binaries of the installed server package
(`make system-deps` installs Debian's `postgresql`), in a temporary directory, on a free
port on 127.0.0.1 only, and stopped when the session ends. Nothing is mocked.
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

# Source outages are retried after 30 s in production; the tests need not wait.
os.environ.setdefault("O2C_SOURCE_RETRY_SECONDS", "0")

PG_USER = "o2c_test"
PG_DATABASE = "o2c_test"
# The project reads source credentials from the environment only, never from URLs.
PASSWORD_ENV = "O2C_SAP_PASSWORD"
URL_ENV = "O2C_SAP_URL"


@dataclass(frozen=True)
class PostgresServer:
    """A running server. `url` and `conninfo` carry no password: it is in `password`/`env`."""

    url: str  # SQLAlchemy URL, e.g. postgresql+psycopg://o2c_test@127.0.0.1:5433/o2c_test
    conninfo: str  # libpq connection string for psycopg.connect(conninfo, password=...)
    host: str
    port: int
    user: str
    dbname: str
    password: str = field(repr=False)
    env: dict[str, str] = field(repr=False, default_factory=dict)


@pytest.fixture
def tmp_warehouse(tmp_path: Path) -> Path:
    """Path of a DuckDB file that does not exist yet, deleted with tmp_path."""
    return tmp_path / "o2c.duckdb"


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[PostgresServer]:
    """Start a PostgreSQL server for the test session; mark tests using it `postgres`."""
    with _PostgresProcess() as server:
        yield server


def _find_bindir() -> Path:
    candidates = []
    if shutil.which("pg_config"):
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True)
        candidates.append(out.stdout.strip())
    versions = glob.glob("/usr/lib/postgresql/*/bin")
    candidates += sorted(
        versions,
        key=lambda p: [int(x) for x in Path(p).parent.name.split(".") if x.isdigit()],
        reverse=True,
    )
    if shutil.which("initdb"):
        candidates.append(str(Path(shutil.which("initdb")).parent))
    for candidate in candidates:
        if candidate and (Path(candidate) / "initdb").exists():
            return Path(candidate)
    raise RuntimeError(
        "PostgreSQL server binaries (initdb, pg_ctl) not found: run `make system-deps`."
    )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _reachable_tmp() -> str:
    """A temp parent the `postgres` user can traverse (a TMPDIR in root's home is not)."""
    parent = Path(tempfile.gettempdir())
    if all(p.stat().st_mode & 0o001 for p in [parent, *parent.parents]):
        return str(parent)
    return "/tmp"


class _PostgresProcess:
    """initdb + pg_ctl in a temporary directory; as root, runs them as the `postgres` user."""

    def __init__(self) -> None:
        self.bindir = _find_bindir()
        as_root = os.geteuid() == 0
        self.root = Path(
            tempfile.mkdtemp(prefix="o2c-pg-", dir=_reachable_tmp() if as_root else None)
        )
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.run_as: list[str] = []
        if as_root:
            # PostgreSQL refuses to run as root; Debian's package creates this user.
            owner = pwd.getpwnam("postgres")
            os.chown(self.root, owner.pw_uid, owner.pw_gid)
            self.run_as = ["runuser", "-u", "postgres", "--"]
        self.started = False

    def _run(self, *args: str) -> None:
        cmd = [*self.run_as, str(self.bindir / args[0]), *args[1:]]
        result = subprocess.run(cmd, cwd=self.root, capture_output=True, text=True)
        if result.returncode != 0:
            log = self.log.read_text() if self.log.exists() else ""
            raise RuntimeError(f"{' '.join(args[:2])} failed:\n{result.stderr}\n{log[-2000:]}")

    def __enter__(self) -> PostgresServer:
        try:
            return self._start()
        except BaseException:
            self.__exit__()
            raise

    def _start(self) -> PostgresServer:
        # The bootstrap superuser may connect only through the socket in our private
        # directory; every TCP connection needs a password.
        self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "--no-locale", "-E", "UTF8",
            "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync",
        )  # fmt: skip
        port = _free_port()
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"\nlisten_addresses = '127.0.0.1'\nport = {port}\n"
                f"unix_socket_directories = '{self.root}'\nunix_socket_permissions = 0700\n"
                "timezone = 'UTC'\nfsync = off\nsynchronous_commit = off\n"
                "full_page_writes = off\nmax_connections = 30\n"
            )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start")
        self.started = True

        password = secrets.token_urlsafe(24)
        self._bootstrap(port, password)
        conninfo = f"host=127.0.0.1 port={port} user={PG_USER} dbname={PG_DATABASE}"
        url = f"postgresql+psycopg://{PG_USER}@127.0.0.1:{port}/{PG_DATABASE}"
        return PostgresServer(
            url=url,
            conninfo=conninfo,
            host="127.0.0.1",
            port=port,
            user=PG_USER,
            dbname=PG_DATABASE,
            password=password,
            env={URL_ENV: url, PASSWORD_ENV: password},
        )

    def _bootstrap(self, port: int, password: str) -> None:
        import psycopg
        from psycopg import sql

        admin = f"host={self.root} port={port} user=postgres dbname=postgres"
        with psycopg.connect(admin, autocommit=True) as con:
            con.execute(
                sql.SQL("CREATE ROLE {} LOGIN CREATEDB PASSWORD {}").format(
                    sql.Identifier(PG_USER), sql.Literal(password)
                )
            )
            con.execute(
                sql.SQL("CREATE DATABASE {} OWNER {}").format(
                    sql.Identifier(PG_DATABASE), sql.Identifier(PG_USER)
                )
            )

    def __exit__(self, *exc: object) -> None:
        if self.started:
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
            self.started = False
        shutil.rmtree(self.root, ignore_errors=True)
