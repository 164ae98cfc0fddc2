"""Publish the warehouse: an atomic, read-only copy for BI tools and SQL users.

DuckDB lets one process hold a file while it writes, and every other open of that file
fails, so readers never open the live warehouse. After a successful run the pipeline
copies it to `published/o2c.duckdb` beside the warehouse (or O2C_PUBLISHED):

1. the live file is attached read-only and a temporary file in the target's folder is
   attached in an older storage format (STORAGE_VERSION, readable by DuckDB 0.10 and later:
   the duckdb-cli, JDBC/ODBC drivers and BI tools that bundle an older DuckDB);
2. every table and view but dbt's intermediate layer is copied as a table (`CREATE TABLE
   AS`; views are materialised so that the copy stands alone and no older client has to
   bind SQL written for this DuckDB), personal values replaced by tokens on the way when
   pseudonymisation is on;
3. meta.publication records the run, its as-of time and the rows of every table;
4. the temporary file is detached (checkpointed: no .wal is left), flushed to disk and
   renamed over the target with os.replace, which is atomic: a reader opens either the old
   or the new file, never half of one. Readers that have the old file open keep reading it
   until they close their connection.

A failure at any step leaves the previous published file as it was.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from extractors.credentials import scrub
from extractors.load.warehouse import limit_memory
from extractors.privacy.apply import Pseudonymiser
from extractors.privacy.columns import targets_for
from extractors.privacy.pseudonym import key_from_environment, pseudonymise_enabled
from extractors.readers.base import quote
from extractors.settings import Settings, load_settings, project_root

LOG = logging.getLogger(__name__)

PUBLISHED_ENV = "O2C_PUBLISHED"
PUBLISHED_NAME = "o2c.duckdb"
# The oldest format DuckDB 2.0 writes that older readers open (storage version 64, read by
# DuckDB 0.10 to 1.1 and by every later release).
STORAGE_VERSION = "v1.0.0"
PUBLISHED_ALIAS = "o2c_publishing"
# dbt's intermediate layer is the marts' building blocks, not for readers (and at 1M items
# materialising its views took half of the copy's time); staging stays for drill-downs.
SKIPPED_SCHEMAS = ("information_schema", "pg_catalog", "intermediate")

PUBLICATION_DDL = """
CREATE TABLE {db}.meta.publication (
    run_id VARCHAR,             -- the pipeline run that published (Dagster's run id)
    batch_id BIGINT,            -- the newest successful extraction batch in the copy
    as_of TIMESTAMPTZ,          -- that batch's as-of time
    published_at TIMESTAMPTZ,
    storage_version VARCHAR,    -- DuckDB storage format of this file
    written_by VARCHAR,         -- DuckDB version that wrote it
    pseudonymised BOOLEAN,
    table_rows JSON             -- schema.table: rows, for every table in the copy
)
"""


class PublishError(RuntimeError):
    """The warehouse cannot be published; the previous published file is unchanged."""


@dataclass
class PublishResult:
    target: Path
    run_id: str | None
    batch_id: int | None
    as_of: datetime | None
    pseudonymised: bool
    table_rows: dict[str, int] = field(default_factory=dict)
    pseudonyms: dict[str, int] = field(default_factory=dict)  # distinct values per kind


def published_path(warehouse: Path) -> Path:
    """O2C_PUBLISHED, else published/o2c.duckdb in the warehouse's folder."""
    configured = os.environ.get(PUBLISHED_ENV)
    if configured:
        path = Path(configured)
        return path if path.is_absolute() else project_root() / path
    return Path(warehouse).parent / "published" / PUBLISHED_NAME


def publish_warehouse(
    settings: Settings | None = None,
    *,
    target: Path | str | None = None,
    pseudonymise: bool | None = None,
    run_id: str | None = None,
    logger: logging.Logger | None = None,
) -> PublishResult:
    """Copy the live warehouse atomically to `target` (default: published_path).

    `pseudonymise` None follows O2C_PSEUDONYMISE; the key is read from O2C_PSEUDONYM_KEY.
    """
    log = logger or LOG
    settings = settings or load_settings()
    live = Path(settings.warehouse)
    target = Path(target) if target else published_path(live)
    if pseudonymise is None:
        pseudonymise = pseudonymise_enabled()
    key = key_from_environment() if pseudonymise else None
    if not live.exists():
        raise PublishError(f"nothing to publish: the warehouse {live} does not exist")
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(target)
    temp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:12]}.tmp")
    log.info("publishing %s to %s%s", live, target, " (pseudonymised)" if key else "")
    try:
        result = _write_copy(live, temp, key, run_id)
        _fsync(temp)
        stale_wal = target.with_name(target.name + ".wal")
        if stale_wal.exists():
            # A .wal beside the new file would make every reader fail; it can only be left
            # by someone who opened the published file for writing, which nobody should.
            log.warning("removing %s, left by a writer of the published file", stale_wal)
            stale_wal.unlink()
        os.replace(temp, target)
        _fsync(target.parent)
    except duckdb.Error as error:
        raise PublishError(f"publishing {live} failed: {scrub(str(error))}") from None
    finally:
        for leftover in (temp, temp.with_name(temp.name + ".wal")):
            leftover.unlink(missing_ok=True)
        shutil.rmtree(_spill_folder(temp), ignore_errors=True)
    result.target = target
    log.info("published %s tables to %s", len(result.table_rows), target)
    return result


def remove_leftovers(target: Path) -> None:
    """Delete temporary files of publications that died (killed between write and rename)."""
    for leftover in target.parent.glob(f".{target.name}.*.tmp*"):
        if leftover.is_dir():  # a spill folder
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)


def _spill_folder(temp: Path) -> Path:
    return temp.with_name(temp.name + ".spill")


def _write_copy(live: Path, temp: Path, key: bytes | None, run_id: str | None) -> PublishResult:
    con = duckdb.connect(":memory:")
    try:
        con.execute("SET TimeZone = 'UTC'")
        limit_memory(con)
        # An in-memory database would spill into the working directory: spill beside the copy.
        con.execute(f"SET temp_directory = {_literal(_spill_folder(temp))}")
        catalog = _live_alias(live)
        con.execute(f"ATTACH {_literal(live)} AS {quote(catalog)} (READ_ONLY)")
        con.execute(
            f"ATTACH {_literal(temp)} AS {PUBLISHED_ALIAS} (STORAGE_VERSION '{STORAGE_VERSION}')"
        )
        relations = _relations(con, catalog)
        pseudonymiser = Pseudonymiser(con, key, catalog) if key else None
        plan = {
            (schema, name): targets_for(schema, name, _column_types(con, catalog, schema, name))
            if pseudonymiser
            else []
            for schema, name, _kind in relations
        }
        sizes = pseudonymiser.build_lookups([t for ts in plan.values() for t in ts]) if key else {}
        for schema in sorted({schema for schema, _, _ in relations} | {"meta"}):
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {PUBLISHED_ALIAS}.{quote(schema)}")
        for schema, name, kind in relations:
            select = (
                pseudonymiser.select_sql(schema, name, plan[schema, name], kind == "table")
                if pseudonymiser
                else f"SELECT * FROM {quote(catalog)}.{quote(schema)}.{quote(name)}"
            )
            con.execute(f"CREATE TABLE {PUBLISHED_ALIAS}.{quote(schema)}.{quote(name)} AS {select}")
        if pseudonymiser:
            leaks = pseudonymiser.verify(PUBLISHED_ALIAS)
            if leaks:
                raise PublishError(
                    "pseudonymisation left clear names in " + ", ".join(leaks) + ": add these "
                    "columns to extractors/privacy/columns.py (nothing was published)"
                )
        result = _record_publication(con, catalog, run_id, key is not None)
        result.pseudonyms = sizes
        con.execute(f"DETACH {PUBLISHED_ALIAS}")
        return result
    finally:
        con.close()


def _live_alias(live: Path) -> str:
    # Views written by dbt name their catalog, which is the file's stem: attach it so.
    alias = live.stem
    if alias in (PUBLISHED_ALIAS, "memory", "temp", "system"):
        raise PublishError(f"the warehouse file may not be called {live.name}")
    return alias


def _relations(con: duckdb.DuckDBPyConnection, catalog: str) -> list[tuple[str, str, str]]:
    skipped = ", ".join(f"'{s}'" for s in SKIPPED_SCHEMAS)
    return con.execute(
        f"""
        SELECT schema_name, table_name, 'table' FROM duckdb_tables()
        WHERE database_name = ? AND NOT temporary AND schema_name NOT IN ({skipped})
        UNION ALL
        SELECT schema_name, view_name, 'view' FROM duckdb_views()
        WHERE database_name = ? AND NOT internal AND NOT temporary
          AND schema_name NOT IN ({skipped})
        ORDER BY 1, 2
        """,
        [catalog, catalog],
    ).fetchall()


def _column_types(con, catalog: str, schema: str, name: str) -> dict[str, str]:
    rows = con.execute(
        "SELECT column_name, data_type FROM duckdb_columns() "
        "WHERE database_name = ? AND schema_name = ? AND table_name = ? ORDER BY column_index",
        [catalog, schema, name],
    ).fetchall()
    return dict(rows)


def _record_publication(con, catalog: str, run_id: str | None, pseudonymised: bool):
    db = PUBLISHED_ALIAS
    tables = con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = ? "
        "AND NOT (schema_name = 'meta' AND table_name = 'publication') ORDER BY 1, 2",
        [db],
    ).fetchall()
    rows = {
        f"{schema}.{name}": con.execute(
            f"SELECT count(*) FROM {db}.{quote(schema)}.{quote(name)}"
        ).fetchone()[0]
        for schema, name in tables
    }
    batch = _latest_batch(con, catalog)
    run_id = run_id or (batch[2] if batch else None)
    con.execute(PUBLICATION_DDL.format(db=db))
    con.execute(
        f"INSERT INTO {db}.meta.publication VALUES (?, ?, ?, now(), ?, ?, ?, ?)",
        [
            run_id,
            batch[0] if batch else None,
            batch[1] if batch else None,
            STORAGE_VERSION,
            duckdb.__version__,
            pseudonymised,
            json.dumps(rows, sort_keys=True),
        ],
    )
    return PublishResult(
        target=Path(),
        run_id=run_id,
        batch_id=batch[0] if batch else None,
        as_of=batch[1] if batch else None,
        pseudonymised=pseudonymised,
        table_rows=rows,
    )


def _latest_batch(con, catalog: str):
    exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = ? "
        "AND schema_name = 'meta' AND table_name = 'runs'",
        [catalog],
    ).fetchone()[0]
    if not exists:
        return None
    return con.execute(
        f"SELECT batch_id, as_of, run_id FROM {quote(catalog)}.meta.runs "
        "WHERE status = 'success' ORDER BY batch_id DESC LIMIT 1"
    ).fetchone()


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _fsync(path: Path) -> None:
    """Flush a file (or a folder's entries) to disk, so the rename cannot outrun the data."""
    flags = os.O_RDONLY | (os.O_DIRECTORY if path.is_dir() else 0)
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
