"""The DuckDB warehouse: connection, schemas, and the raw, quarantine and meta tables.

raw_<system>.<table>    the source's columns typed per the catalogue (DATS/TIMS stay SAP
                        text, validated) plus the load metadata columns below
quarantine.<table>      rows refused at extraction: reason, details, raw content as JSON
meta.runs               one row per extraction run (batch)
meta.load_reconciliation  per batch and table: source rows = loaded + quarantined
meta.watermarks         per watermark table: the newest date loaded
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from extractors.catalogue import SourceTable
from extractors.readers.base import quote

SCHEMAS = ("raw_sap", "raw_crm", "quarantine", "meta")
METADATA_COLUMNS = {
    "_first_loaded_batch": "BIGINT",  # batch that inserted the row
    "_last_changed_batch": "BIGINT",  # batch that last changed its content or deleted flag
    "_is_deleted": "BOOLEAN",  # gone from the source (compare tables only)
    "_row_hash": "VARCHAR",  # md5 of the business columns, to see changes
}

META_DDL = """
CREATE TABLE IF NOT EXISTS meta.runs (
    batch_id BIGINT PRIMARY KEY,
    run_id VARCHAR,
    status VARCHAR,             -- running, success, failed, interrupted
    as_of TIMESTAMPTZ,          -- newest change in the source, or the as-of time given
    as_of_given BOOLEAN,
    source_kind VARCHAR,
    source VARCHAR,             -- description with any password masked
    flavour VARCHAR,
    source_timezone VARCHAR,
    started_at TIMESTAMPTZ,
    finished_at TIMESTAMPTZ,
    rows_per_table JSON,
    error VARCHAR
);
CREATE TABLE IF NOT EXISTS meta.load_reconciliation (
    batch_id BIGINT,
    table_name VARCHAR,
    load_mode VARCHAR,
    source_rows BIGINT,
    loaded_rows BIGINT,
    quarantined_rows BIGINT,
    inserted BIGINT,
    updated BIGINT,
    deleted BIGINT,
    PRIMARY KEY (batch_id, table_name)
);
CREATE TABLE IF NOT EXISTS meta.watermarks (
    table_name VARCHAR PRIMARY KEY,
    watermark DATE,
    batch_id BIGINT             -- batch that last moved it
);
"""


class WarehouseBusyError(RuntimeError):
    """Another process holds the DuckDB file."""


def connect(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    path = Path(path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as error:
        if "lock" not in str(error).lower():
            raise
        raise WarehouseBusyError(
            f"the warehouse {path} is open in another process; DuckDB allows one writer, "
            "so readers should use the published copy"
        ) from error
    con.execute("SET TimeZone = 'UTC'")
    limit_memory(con)
    return con


# DuckDB's memory in every step (extraction, dbt, mining, publishing): beyond it, DuckDB
# spills to a temporary folder rather than grow. Its own default, 80% of the machine's
# memory, let one 1M-item dbt run take 15 GB (docs/benchmarks.md).
MEMORY_LIMIT_ENV = "O2C_DUCKDB_MEMORY_LIMIT"
DEFAULT_MEMORY_LIMIT = "3GB"


def memory_limit() -> str:
    return (os.environ.get(MEMORY_LIMIT_ENV) or DEFAULT_MEMORY_LIMIT).replace("'", "")


def limit_memory(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"SET memory_limit = '{memory_limit()}'")


def configure_for_loading(con: duckdb.DuckDBPyConnection) -> None:
    """No row order kept where nothing needs it (loads run parallel).

    Row order carries no meaning in the raw tables; where the order of the source matters
    (which copy of a duplicate is kept), the loader uses each row's position explicitly.
    """
    con.execute("SET preserve_insertion_order = false")


def ensure_meta(con: duckdb.DuckDBPyConnection) -> None:
    for schema in SCHEMAS:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    con.execute(META_DDL)


def ensure_raw_table(con: duckdb.DuckDBPyConnection, table: SourceTable, flavour: str) -> None:
    """Create raw_<system>.<table>, or add columns the catalogue gained since."""
    columns = {c.name: c.sql_type for c in table.columns_for(flavour)}
    columns.update(METADATA_COLUMNS)
    _ensure_table(con, table.raw_name, columns)


def quarantine_name(table: SourceTable) -> str:
    return f"quarantine.{table.name.lower()}"


def ensure_quarantine_table(con: duckdb.DuckDBPyConnection, table: SourceTable) -> None:
    columns = {
        "_batch_id": "BIGINT",  # batch that first refused this row
        "reason": "VARCHAR",  # code of the first problem, e.g. invalid_date
        "details": "VARCHAR",  # every problem with its field, e.g. invalid_date:ERDAT
        "raw_content": "VARCHAR",  # the row as read, JSON text
        # Identical bad rows are kept apart: the n-th copy in an extract is copy n.
        "copy_number": "INTEGER",
    }
    _ensure_table(con, quarantine_name(table), columns)


def _ensure_table(con, name: str, columns: dict[str, str]) -> None:
    schema, table = name.split(".")
    existing = {column.upper() for column in table_columns(con, schema, table)}
    if not existing:
        cols = ", ".join(f"{quote(c)} {t}" for c, t in columns.items())
        con.execute(f"CREATE TABLE {name} ({cols})")
        return
    for column, sql_type in columns.items():
        if column.upper() not in existing:
            con.execute(f"ALTER TABLE {name} ADD COLUMN {quote(column)} {sql_type}")


def table_columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[str]:
    """Column names of a warehouse table in order; empty when the table does not exist."""
    rows = con.execute(
        "SELECT column_name FROM duckdb_columns() "
        "WHERE database_name = current_database() AND schema_name = ? AND table_name = ? "
        "ORDER BY column_index",
        [schema, table],
    ).fetchall()
    return [row[0] for row in rows]
