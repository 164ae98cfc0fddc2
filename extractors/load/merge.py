"""Write one checked extract: bad rows to quarantine, good rows merged on the primary key.

Runs inside the caller's transaction. Metadata moves only when content moves: an
unchanged row keeps its `_last_changed_batch`, so a rerun with no new data changes nothing.
"""

from __future__ import annotations

import duckdb

from extractors.catalogue import SourceTable
from extractors.load.validate import CHECKED, reason_of
from extractors.load.warehouse import quarantine_name
from extractors.readers.base import STAGE, UNREADABLE, quote

GOOD = "_good"


def _key_match(table: SourceTable, left: str, right: str) -> str:
    return " AND ".join(f"{left}.{quote(k)} = {right}.{quote(k)}" for k in table.primary_key)


def quarantine_rows(
    con: duckdb.DuckDBPyConnection, table: SourceTable, columns: list[str], batch_id: int
) -> int:
    """Store the refused rows of this extract not stored before; return how many were refused."""
    content = "json_object({})".format(", ".join(f"'{c}', s.{quote(c)}" for c in columns))
    target = quarantine_name(table)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _refused AS
        SELECT reason, details, raw_content,
               row_number() OVER (PARTITION BY reason, raw_content ORDER BY position)
                   AS copy_number
        FROM (
            SELECT {reason_of("c._problems")} AS reason, c._problems AS details,
                   {content} AS raw_content, c._stage_row AS position
            FROM {CHECKED} c JOIN {STAGE} s ON s.rowid = c._stage_row
            WHERE c._problems <> ''
            UNION ALL
            SELECT reason, details, raw_content, -1 - rowid FROM {UNREADABLE}
        )
        """
    )
    con.execute(
        f"""
        INSERT INTO {target} (_batch_id, reason, details, raw_content, copy_number)
        SELECT ?, r.reason, r.details, r.raw_content, r.copy_number FROM _refused r
        WHERE NOT EXISTS (
            SELECT 1 FROM {target} q
            WHERE q.reason = r.reason AND q.raw_content = r.raw_content
              AND q.copy_number = r.copy_number)
        """,
        [batch_id],
    )
    return con.execute("SELECT count(*) FROM _refused").fetchone()[0]


def merge_good_rows(
    con: duckdb.DuckDBPyConnection,
    table: SourceTable,
    columns: list[str],
    batch_id: int,
    mark_deletions: bool,
) -> dict[str, int]:
    """Insert new keys, update changed ones, and (compare tables) flag keys gone from the source."""
    cols = ", ".join(quote(c) for c in columns)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {GOOD} AS "
        f"SELECT {cols}, _row_hash FROM {CHECKED} WHERE _problems = ''"
    )
    loaded = con.execute(f"SELECT count(*) FROM {GOOD}").fetchone()[0]
    raw = table.raw_name
    assignments = ", ".join(f"{quote(c)} = g.{quote(c)}" for c in columns)
    # A returning row counts as updated: its deleted flag goes back to false.
    updated = con.execute(
        f"""
        UPDATE {raw} AS t
        SET {assignments}, _row_hash = g._row_hash, _is_deleted = false,
            _last_changed_batch = ?
        FROM {GOOD} AS g
        WHERE {_key_match(table, "t", "g")}
          AND (t._row_hash IS DISTINCT FROM g._row_hash OR t._is_deleted)
        """,
        [batch_id],
    ).fetchone()[0]
    inserted = con.execute(
        f"""
        INSERT INTO {raw} BY NAME
        SELECT g.*, ?::BIGINT AS _first_loaded_batch, ?::BIGINT AS _last_changed_batch,
               false AS _is_deleted
        FROM {GOOD} AS g
        WHERE NOT EXISTS (SELECT 1 FROM {raw} AS t WHERE {_key_match(table, "t", "g")})
        """,
        [batch_id, batch_id],
    ).fetchone()[0]
    deleted = 0
    if mark_deletions:
        # Keys of refused rows count as present: the row is still in the source.
        deleted = con.execute(
            f"""
            UPDATE {raw} AS t SET _is_deleted = true, _last_changed_batch = ?
            WHERE NOT t._is_deleted
              AND NOT EXISTS (SELECT 1 FROM {CHECKED} AS c WHERE {_key_match(table, "t", "c")})
            """,
            [batch_id],
        ).fetchone()[0]
    return {"loaded": loaded, "inserted": inserted, "updated": updated, "deleted": deleted}


def extract_identifies_every_row(con: duckdb.DuckDBPyConnection) -> bool:
    """False when some source row has no usable key (unreadable line, missing key field).

    Such a row might be any of the rows missing from the extract, so a compare table then
    marks no deletions in this batch rather than possibly wrong ones.
    """
    unreadable = con.execute(f"SELECT count(*) FROM {UNREADABLE}").fetchone()[0]
    keyless = con.execute(
        f"SELECT count(*) FROM {CHECKED} WHERE _problems LIKE '%missing_key:%'"
    ).fetchone()[0]
    return unreadable == 0 and keyless == 0
