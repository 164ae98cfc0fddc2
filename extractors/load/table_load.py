"""Load one source table: read and check it, then write it in one transaction."""

from __future__ import annotations

import contextlib
from dataclasses import asdict, dataclass
from datetime import date, datetime

import duckdb

from extractors.catalogue import SourceTable
from extractors.load import merge, runs, validate, watermarks
from extractors.load.warehouse import ensure_quarantine_table, ensure_raw_table
from extractors.readers.base import STAGE, UNREADABLE, Reader

TEMP_TABLES = (
    STAGE, UNREADABLE, validate.CHECKED, validate.DUPLICATE_KEYS, merge.GOOD, merge.REFUSED,
)  # fmt: skip


@dataclass(frozen=True)
class TableLoad:
    """What one batch did to one table (also the Dagster asset's metadata)."""

    table: str  # catalogue name, e.g. VBAK
    raw_table: str  # e.g. raw_sap.vbak
    load_mode: str  # watermark or compare
    source_rows: int
    loaded: int
    quarantined: int
    inserted: int
    updated: int
    deleted: int
    watermark: date | None
    deletions_skipped: bool  # compare table with unidentifiable rows: nothing marked

    def as_dict(self) -> dict:
        out = asdict(self)
        out["watermark"] = self.watermark.isoformat() if self.watermark else None
        return out


def load_table(
    con: duckdb.DuckDBPyConnection,
    reader: Reader,
    table: SourceTable,
    *,
    flavour: str,
    batch_id: int,
    overlap_days: int,
    timezone: str,
    as_of: datetime | None,
) -> TableLoad:
    columns = table.column_names(flavour)
    mode = table.mode_for(flavour)
    ensure_raw_table(con, table, flavour)
    ensure_quarantine_table(con, table)
    previous = watermarks.current_watermark(con, table) if mode == "watermark" else None
    row_filter = watermarks.row_filter(table, columns, previous, overlap_days)

    # Reading and checking touch only temporary tables: nothing to undo if they fail.
    rows = validate.CheckedRows(con, table, columns, as_of, timezone)
    reader.stage(con, table, columns, row_filter, rows)
    validate.mark_duplicates(con, table)
    source_rows = con.execute(
        f"SELECT (SELECT count(*) FROM {validate.CHECKED}) + (SELECT count(*) FROM {UNREADABLE})"
    ).fetchone()[0]
    identifiable = merge.extract_identifies_every_row(con)

    con.execute("BEGIN TRANSACTION")
    try:
        quarantined = merge.quarantine_rows(con, table, columns, batch_id)
        counts = merge.merge_good_rows(
            con, table, columns, batch_id, mark_deletions=mode == "compare" and identifiable
        )
        watermark = previous
        if mode == "watermark":
            watermark = watermarks.advance_watermark(con, table, columns, previous, batch_id)
        counts.update(source_rows=source_rows, quarantined=quarantined)
        runs.record_reconciliation(con, batch_id, table, mode, counts)
        con.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(duckdb.Error):  # the transaction may be gone already
            con.execute("ROLLBACK")
        raise
    finally:
        for name in TEMP_TABLES:
            con.execute(f"DROP TABLE IF EXISTS {name}")
    return TableLoad(
        table=table.name,
        raw_table=table.raw_name,
        load_mode=mode,
        source_rows=source_rows,
        loaded=counts["loaded"],
        quarantined=quarantined,
        inserted=counts["inserted"],
        updated=counts["updated"],
        deleted=counts["deleted"],
        watermark=watermark,
        deletions_skipped=mode == "compare" and not identifiable,
    )
