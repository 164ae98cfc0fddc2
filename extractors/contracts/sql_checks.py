"""The table-level rules, in SQL: unique keys and references between tables."""

from __future__ import annotations

import duckdb

from extractors.catalogue import BY_NAME, SourceTable
from extractors.contracts.rules import ERROR, WARN, Reference
from extractors.load.warehouse import table_columns
from extractors.readers.base import quote

CLIENT_FIELDS = ("MANDT", "MANDANT")


def _exists(con: duckdb.DuckDBPyConnection, table: SourceTable) -> bool:
    return bool(table_columns(con, *table.raw_name.split(".")))


def unique_key(con: duckdb.DuckDBPyConnection, table: SourceTable) -> dict:
    """Keys held by more than one row (deleted rows included: the key is the row's identity)."""
    key = ", ".join(quote(c) for c in table.primary_key)
    total, duplicates = con.execute(
        f"""
        SELECT coalesce(sum(n), 0), count(*) FILTER (WHERE n > 1)
        FROM (SELECT count(*) AS n FROM {table.raw_name} GROUP BY {key})
        """
    ).fetchall()[0]
    return _result("unique_key", "primary key unique", ERROR, total, duplicates)


def reference(con: duckdb.DuckDBPyConnection, ref: Reference) -> dict:
    """Present child rows whose parent row is missing (or deleted)."""
    child, parent = BY_NAME[ref.child], BY_NAME[ref.parent]
    description = f"{ref.child} -> {ref.parent}"
    if not (_exists(con, child) and _exists(con, parent)):
        return {**_result(ref.check_name, description, WARN, 0, 0), "skipped": True}
    match = " AND ".join(f"p.{quote(pc)} = c.{quote(cc)}" for cc, pc in ref.columns)
    referring = " AND ".join(
        f"trim(coalesce(c.{quote(cc)}, '')) <> ''"
        for cc, _ in ref.columns
        if cc not in CLIENT_FIELDS
    )
    total, missing = con.execute(
        f"""
        SELECT count(*), count(*) FILTER (WHERE NOT EXISTS (
                   SELECT 1 FROM {parent.raw_name} p WHERE {match} AND NOT p._is_deleted))
        FROM {child.raw_name} c
        WHERE NOT c._is_deleted AND {referring}
        """
    ).fetchall()[0]
    return _result(ref.check_name, description, WARN, total, missing)


def _result(check: str, description: str, severity: str, total: int, unexpected: int) -> dict:
    return {
        "check_name": check,
        "expectation": check,
        "column_name": None,
        "rule": description,
        "severity": severity,
        "success": unexpected == 0,
        "element_count": int(total),
        "unexpected_count": int(unexpected),
    }
