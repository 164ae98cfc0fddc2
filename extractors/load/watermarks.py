"""Per-table watermarks: the newest date loaded, and the row filter for the next read.

The watermark moves in the same transaction as the merge that loaded its rows, so a crash
leaves watermark and raw table consistent: either both moved or neither did.
"""

from __future__ import annotations

from datetime import date, timedelta

import duckdb

from extractors.catalogue import SourceTable
from extractors.load.merge import GOOD_ROWS
from extractors.load.stamps import watermark_date_sql
from extractors.readers.base import RowFilter


def current_watermark(con: duckdb.DuckDBPyConnection, table: SourceTable) -> date | None:
    row = con.execute(
        "SELECT watermark FROM meta.watermarks WHERE table_name = ?", [table.raw_name]
    ).fetchone()
    return row[0] if row else None


def row_filter(
    table: SourceTable, columns: list[str], watermark: date | None, overlap_days: int
) -> RowFilter | None:
    """Rows with any watermark field on or after watermark - overlap; None reads everything."""
    if watermark is None:
        return None
    since = watermark - timedelta(days=overlap_days)
    types = {c.name: c.sap_type for c in table.columns}
    bounds = {}
    for field in table.watermark:
        if field in columns:
            # ISO timestamps start with 'YYYY-MM-DD', SAP dates are 'YYYYMMDD'.
            bounds[field] = (
                since.isoformat() if types[field] == "TSTZ" else since.strftime("%Y%m%d")
            )
    return RowFilter(bounds) if bounds else None


def advance_watermark(
    con: duckdb.DuckDBPyConnection,
    table: SourceTable,
    columns: list[str],
    previous: date | None,
    batch_id: int,
) -> date | None:
    """Move the watermark to the newest date among the rows just loaded (never backwards)."""
    expression = watermark_date_sql(table, columns)
    if expression is None:
        return previous
    newest = con.execute(f"SELECT max({expression}) FROM {GOOD_ROWS}").fetchone()[0]
    if newest is None or (previous is not None and newest <= previous):
        return previous
    con.execute(
        """
        INSERT INTO meta.watermarks (table_name, watermark, batch_id) VALUES (?, ?, ?)
        ON CONFLICT (table_name) DO UPDATE SET watermark = excluded.watermark,
                                               batch_id = excluded.batch_id
        """,
        [table.raw_name, newest, batch_id],
    )
    return newest
