"""Write one checked extract: bad rows to quarantine, good rows merged on the primary key.

Runs inside the caller's transaction. Metadata moves only when content moves: an
unchanged row keeps its `_last_changed_batch`, so a rerun with no new data changes nothing.

The extract is compared with the raw table in SQL, on key and content hash: only new keys
are inserted and only rows whose hash changed (or that come back after a deletion) are
updated. Into an empty raw table (a first load) the good rows go straight in.
"""

from __future__ import annotations

import duckdb

from extractors.catalogue import SourceTable
from extractors.load.validate import CHECKED, reason_of, typed_sql
from extractors.load.warehouse import quarantine_name
from extractors.readers.base import POSITION, UNREADABLE, quote

GOOD = "_good"  # the good rows that change the raw table: new keys and changed content
REFUSED = "_refused"
GOOD_ROWS = f"(SELECT * FROM {CHECKED} WHERE _problems = '')"  # every good row read


def _key_match(table: SourceTable, left: str, right: str) -> str:
    return " AND ".join(f"{left}.{quote(k)} = {right}.{quote(k)}" for k in table.primary_key)


def _typed_columns(table: SourceTable, columns: list[str], alias: str) -> str:
    """The business columns typed for the raw table, from the text kept in _checked."""
    by_name = {c.name: c for c in table.columns}
    return ", ".join(
        f"{typed_sql(f'{alias}.{quote(c)}', by_name[c].sap_type, by_name[c].sql_type)} "
        f"AS {quote(c)}"
        for c in columns
    )


def quarantine_rows(
    con: duckdb.DuckDBPyConnection, table: SourceTable, columns: list[str], batch_id: int
) -> int:
    """Store the refused rows of this extract not stored before; return how many were refused."""
    content = "json_object({})".format(", ".join(f"'{c}', c.{quote(c)}" for c in columns))
    target = quarantine_name(table)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {REFUSED} AS
        SELECT reason, details, raw_content,
               row_number() OVER (PARTITION BY reason, raw_content ORDER BY position)
                   AS copy_number
        FROM (
            SELECT {reason_of("c._problems")} AS reason, c._problems AS details,
                   {content} AS raw_content, c.{POSITION} AS position
            FROM {CHECKED} c
            WHERE c._problems <> ''
            UNION ALL
            SELECT reason, details, raw_content, -1 - rowid FROM {UNREADABLE}
        )
        """
    )
    refused = con.execute(f"SELECT count(*) FROM {REFUSED}").fetchone()[0]
    if refused:
        con.execute(
            f"""
            INSERT INTO {target} (_batch_id, reason, details, raw_content, copy_number)
            SELECT ?, r.reason, r.details, r.raw_content, r.copy_number FROM {REFUSED} r
            WHERE NOT EXISTS (
                SELECT 1 FROM {target} q
                WHERE q.reason = r.reason AND q.raw_content = r.raw_content
                  AND q.copy_number = r.copy_number)
            """,
            [batch_id],
        )
    return refused


def merge_good_rows(
    con: duckdb.DuckDBPyConnection,
    table: SourceTable,
    columns: list[str],
    batch_id: int,
    mark_deletions: bool,
) -> dict[str, int]:
    """Insert new keys, update changed ones, and (compare tables) flag keys gone from the source."""
    raw = table.raw_name
    loaded = con.execute(f"SELECT count(*) FROM {CHECKED} WHERE _problems = ''").fetchone()[0]
    if con.execute(f"SELECT count(*) FROM (SELECT 1 FROM {raw} LIMIT 1)").fetchone()[0] == 0:
        # First load: every good row is new, nothing can be changed or deleted.
        inserted = con.execute(
            f"""
            INSERT INTO {raw} BY NAME
            SELECT {_typed_columns(table, columns, "c")}, c._row_hash,
                   ?::BIGINT AS _first_loaded_batch, ?::BIGINT AS _last_changed_batch,
                   false AS _is_deleted
            FROM {CHECKED} AS c WHERE c._problems = ''
            """,
            [batch_id, batch_id],
        ).fetchone()[0]
        return {"loaded": loaded, "inserted": inserted, "updated": 0, "deleted": 0}

    first_key = quote(table.primary_key[0])
    # Only rows that change something: keys new to the raw table, other content, or back
    # after being flagged deleted. Unchanged rows (most of a compare table) stop here.
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {GOOD} AS
        SELECT {_typed_columns(table, columns, "c")}, c._row_hash,
               t.{first_key} IS NULL AS _is_new
        FROM {CHECKED} AS c LEFT JOIN {raw} AS t ON {_key_match(table, "t", "c")}
        WHERE c._problems = ''
          AND (t.{first_key} IS NULL OR t._row_hash IS DISTINCT FROM c._row_hash
               OR t._is_deleted)
        """
    )
    cols = ", ".join(quote(c) for c in columns)
    assignments = ", ".join(f"{quote(c)} = g.{quote(c)}" for c in columns)
    # A returning row counts as updated: its deleted flag goes back to false.
    updated = con.execute(
        f"""
        UPDATE {raw} AS t
        SET {assignments}, _row_hash = g._row_hash, _is_deleted = false,
            _last_changed_batch = ?
        FROM (SELECT * FROM {GOOD} WHERE NOT _is_new) AS g
        WHERE {_key_match(table, "t", "g")}
        """,
        [batch_id],
    ).fetchone()[0]
    inserted = con.execute(
        f"""
        INSERT INTO {raw} BY NAME
        SELECT {cols}, _row_hash, ?::BIGINT AS _first_loaded_batch,
               ?::BIGINT AS _last_changed_batch, false AS _is_deleted
        FROM {GOOD} WHERE _is_new
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
    marks no deletions in that batch rather than possibly wrong ones.
    """
    unreadable = con.execute(f"SELECT count(*) FROM {UNREADABLE}").fetchone()[0]
    keyless = con.execute(
        f"SELECT count(*) FROM {CHECKED} WHERE _problems LIKE '%missing_key:%'"
    ).fetchone()[0]
    return unreadable == 0 and keyless == 0
