"""The run log (meta.runs), the reconciliation rows and the run's as-of time."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import duckdb

from extractors.catalogue import SourceTable
from extractors.load.stamps import change_stamp_sql
from extractors.load.warehouse import table_columns
from extractors.readers.base import quote


def start_run(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    source_kind: str,
    source: str,
    flavour: str,
    timezone: str,
    as_of: datetime | None,
) -> int:
    """Record a running run and return its batch id (the next integer)."""
    # One writer at a time holds the file, so a run still marked running has died.
    con.execute("UPDATE meta.runs SET status = 'interrupted' WHERE status = 'running'")
    batch_id = con.execute("SELECT coalesce(max(batch_id), 0) + 1 FROM meta.runs").fetchone()[0]
    con.execute(
        """
        INSERT INTO meta.runs (batch_id, run_id, status, as_of, as_of_given, source_kind,
                               source, flavour, source_timezone, started_at)
        VALUES (?, ?, 'running', ?, ?, ?, ?, ?, ?, now())
        """,
        [batch_id, run_id, as_of, as_of is not None, source_kind, source, flavour, timezone],
    )
    return batch_id


def finish_run(
    con: duckdb.DuckDBPyConnection,
    batch_id: int,
    status: str,
    as_of: datetime | None,
    rows_per_table: dict,
    error: str | None = None,
) -> None:
    con.execute(
        """
        UPDATE meta.runs SET status = ?, as_of = ?, finished_at = now(),
                             rows_per_table = ?, error = ?
        WHERE batch_id = ?
        """,
        [status, as_of, json.dumps(rows_per_table, sort_keys=True), error, batch_id],
    )


def record_reconciliation(
    con: duckdb.DuckDBPyConnection, batch_id: int, table: SourceTable, mode: str, counts: dict
) -> None:
    if counts["source_rows"] != counts["loaded"] + counts["quarantined"]:
        raise AssertionError(
            f"{table.raw_name}: {counts['source_rows']} source rows but {counts['loaded']} "
            f"loaded + {counts['quarantined']} quarantined"
        )
    con.execute(
        "INSERT OR REPLACE INTO meta.load_reconciliation VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            batch_id,
            table.raw_name,
            mode,
            counts["source_rows"],
            counts["loaded"],
            counts["quarantined"],
            counts["inserted"],
            counts["updated"],
            counts["deleted"],
        ],
    )


def newest_change(
    con: duckdb.DuckDBPyConnection, tables: list[SourceTable], timezone: str
) -> datetime | None:
    """The newest creation or change time in the raw tables: the default as-of time.

    Converting every row's local date and time to an instant is most of the cost, so for
    tables stamped by SAP dates only the rows near the newest date are converted.
    """
    parts = []
    for table in tables:
        columns = _raw_columns(con, table)
        stamp = change_stamp_sql(table, columns, timezone)
        if stamp is not None:
            near = _near_newest_date(con, table, columns)
            parts.append(f"SELECT max({stamp}) AS stamp FROM {table.raw_name} {near}")
    if not parts:
        return None
    return con.execute(f"SELECT max(stamp) FROM ({' UNION ALL '.join(parts)})").fetchone()[0]


def _near_newest_date(con, table: SourceTable, columns: list[str]) -> str:
    """WHERE clause keeping the rows with a stamp date within 3 days of the newest one.

    Dates are SAP text ('YYYYMMDD', '00000000' or blank: loaded rows are validated),
    which sorts like the dates. A row whose dates are all 3 days older than the newest
    one cannot hold the newest instant, whatever the time of day and the time zone.
    """
    types = {c.name: c.sap_type for c in table.columns}
    fields = [f for f in table.watermark if f in columns]
    if not fields or any(types[f] != "DATS" for f in fields):
        return ""
    newest = con.execute(
        f"SELECT {', '.join(f'max({quote(f)})' for f in fields)} FROM {table.raw_name}"
    ).fetchone()
    dates = [d for d in (_sap_date(text) for text in newest) if d is not None]
    if not dates:
        return ""
    bound = (max(dates) - timedelta(days=3)).strftime("%Y%m%d")
    return "WHERE " + " OR ".join(f"{quote(f)} >= '{bound}'" for f in fields)


def _sap_date(text: str | None) -> date | None:
    try:
        return datetime.strptime(text, "%Y%m%d").date() if text and len(text) == 8 else None
    except ValueError:
        return None


def _raw_columns(con: duckdb.DuckDBPyConnection, table: SourceTable) -> list[str]:
    schema, name = table.raw_name.split(".")
    return table_columns(con, schema, name)


def table_row_counts(con: duckdb.DuckDBPyConnection, tables: list[SourceTable]) -> dict[str, int]:
    """Rows present in each raw table (deleted ones excluded)."""
    counts = {}
    for table in tables:
        if _raw_columns(con, table):
            counts[table.raw_name] = con.execute(
                f"SELECT count(*) FROM {table.raw_name} WHERE NOT {quote('_is_deleted')}"
            ).fetchone()[0]
    return counts
