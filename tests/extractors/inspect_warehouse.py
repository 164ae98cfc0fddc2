"""Read a warehouse back for assertions: whole tables, row counts, quarantine reasons."""

from __future__ import annotations

from pathlib import Path

import duckdb

METADATA = ("_first_loaded_batch", "_last_changed_batch", "_is_deleted", "_row_hash")


def tables(path: Path, schemas=("raw_sap", "raw_crm", "quarantine", "meta")) -> list[str]:
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute(
            "SELECT schema_name || '.' || table_name FROM duckdb_tables() "
            "WHERE schema_name IN (SELECT unnest(?)) ORDER BY 1",
            [list(schemas)],
        ).fetchall()
    return [r[0] for r in rows]


def contents(path: Path, schemas=("raw_sap", "raw_crm", "quarantine"), business_only=False):
    """{table: sorted rows}; business_only drops load metadata and deleted rows."""
    out = {}
    with duckdb.connect(str(path), read_only=True) as con:
        for table in tables(path, schemas):
            if business_only and table.startswith("raw_"):
                columns = ", ".join(f'"{c}"' for c in _columns(con, table) if c not in METADATA)
                query = f"SELECT {columns} FROM {table} WHERE NOT _is_deleted"
            else:
                query = f"SELECT * FROM {table}"
            out[table] = sorted(con.execute(query).fetchall(), key=repr)
    return out


def _columns(con, table: str) -> list[str]:
    schema, name = table.split(".")
    rows = con.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
        [schema, name],
    ).fetchall()
    return [r[0] for r in rows]


def query(path: Path, sql: str, params=None) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def count(path: Path, table: str, where: str = "true") -> int:
    return query(path, f"SELECT count(*) FROM {table} WHERE {where}")[0][0]


def raw_plus_quarantined(path: Path, names) -> dict[str, int]:
    """{catalogue table name: rows in raw + rows in quarantine}, in one query."""
    from extractors.catalogue import BY_NAME

    parts = [
        f"SELECT '{name}', (SELECT count(*) FROM {BY_NAME[name].raw_name}) "
        f"+ (SELECT count(*) FROM quarantine.{name.lower()})"
        for name in names
    ]
    return dict(query(path, " UNION ALL ".join(parts)))


def reasons(path: Path, table: str) -> list[str]:
    return sorted(r[0] for r in query(path, f"SELECT reason FROM quarantine.{table}"))
