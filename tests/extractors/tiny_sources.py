"""Tiny SAP and CRM sources for the extractor tests, shaped by the catalogue.

`make_tables` writes a few rows for every catalogue table (unique keys, valid SAP text
formats); tests then change, add, delete or break rows and write the tables as a SQLite
database, CSV or Parquet exports, or into a real PostgreSQL server.
"""

from __future__ import annotations

import csv
import sqlite3
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from extractors.catalogue import BY_NAME, NUMERIC_TYPES, tables_for

BASE = date(2024, 3, 1)
CLIENT_FIELDS = {"MANDT", "MANDANT"}
POSTGRES_TYPES = {"CURR": "NUMERIC(15,2)", "QUAN": "NUMERIC(13,3)", "DEC": "NUMERIC(9,5)"}


def value(name: str, sap_type: str, i: int, is_key: bool):
    """A valid value for row i; key fields differ per row, others repeat."""
    if name in CLIENT_FIELDS:
        return "100"
    if name == "AEDAT":
        return "00000000"  # never changed
    if sap_type == "DATS":
        return (BASE + timedelta(days=i if is_key else i % 20)).strftime("%Y%m%d")
    if sap_type == "TIMS":
        return f"{8 + i % 10:02d}{i % 60:02d}00"
    if sap_type == "TSTZ":
        moment = datetime(2024, 3, 1, 9, 30, tzinfo=timezone(timedelta(hours=1)))
        return (moment + timedelta(days=i % 20)).isoformat()
    if sap_type == "NUMC":
        return f"{i + 1:06d}" if is_key else f"{i % 90 + 10:06d}"
    if sap_type in ("CURR", "QUAN", "DEC"):
        return round((i + 1) * 1.25, 2)
    if sap_type == "INT4":
        return i
    return f"{name[:4]}{i:06d}" if is_key else f"{name[:2]}{i % 4}"


def make_table(name: str, flavour: str = "ecc", rows: int = 4, start: int = 0) -> pd.DataFrame:
    table = BY_NAME[name]
    data = {
        c.name: [value(c.name, c.sap_type, i, c.name in table.primary_key)
                 for i in range(start, start + rows)]
        for c in table.columns_for(flavour)
    }  # fmt: skip
    return pd.DataFrame(data, dtype=object)


def make_tables(flavour: str = "ecc", rows: int = 4, names=None) -> dict[str, pd.DataFrame]:
    return {
        t.name: make_table(t.name, flavour, rows)
        for t in tables_for(flavour)
        if names is None or t.name in names
    }


def split(frames: dict[str, pd.DataFrame]) -> tuple[dict, dict]:
    """(SAP tables, CRM tables)."""
    sap = {n: f for n, f in frames.items() if BY_NAME[n].system == "sap"}
    crm = {n: f for n, f in frames.items() if BY_NAME[n].system == "crm"}
    return sap, crm


def _rows(frame: pd.DataFrame) -> list[tuple]:
    return [tuple(None if pd.isna(v) else v for v in row) for row in frame.itertuples(False)]


def write_sqlite(path: Path, frames: dict[str, pd.DataFrame]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as con:
        for name, frame in frames.items():
            types = {c.name: c.sap_type for c in BY_NAME[name].columns}
            cols = ", ".join(
                f'"{c}" {"NUMERIC" if types[c] in NUMERIC_TYPES else "TEXT"}' for c in frame
            )
            con.execute(f'DROP TABLE IF EXISTS "{name}"')
            con.execute(f'CREATE TABLE "{name}" ({cols})')
            marks = ", ".join("?" for _ in frame.columns)
            con.executemany(f'INSERT INTO "{name}" VALUES ({marks})', _rows(frame))
    return path


def write_csv(folder: Path, frames: dict[str, pd.DataFrame]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(frame.columns)
            writer.writerows(["" if v is None else v for v in row] for row in _rows(frame))
    return folder


def write_parquet(folder: Path, frames: dict[str, pd.DataFrame]) -> Path:
    """Text as strings, numbers as doubles (as strings when a test planted garbage)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        arrays = {}
        for column in frame.columns:
            values = [None if pd.isna(v) else v for v in frame[column]]
            if all(v is None or isinstance(v, int | float) for v in values) and any(
                v is not None for v in values
            ):
                arrays[column] = pa.array([None if v is None else float(v) for v in values])
            else:
                arrays[column] = pa.array(
                    [None if v is None else str(v) for v in values], pa.string()
                )
        pq.write_table(pa.table(arrays), folder / f"{name}.parquet")
    return folder


def write_postgres(con, frames: dict[str, pd.DataFrame], schema: str = "public") -> None:
    """Write into PostgreSQL via an open psycopg connection (upper-case quoted names)."""
    for name, frame in frames.items():
        types = {c.name: c.sap_type for c in BY_NAME[name].columns}
        cols = ", ".join(
            f'"{c}" {POSTGRES_TYPES.get(types[c], "INTEGER" if types[c] == "INT4" else "VARCHAR")}'
            for c in frame
        )
        con.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        con.execute(f'DROP TABLE IF EXISTS "{schema}"."{name}"')
        con.execute(f'CREATE TABLE "{schema}"."{name}" ({cols})')
        marks = ", ".join("%s" for _ in frame.columns)
        with con.cursor() as cursor:
            cursor.executemany(f'INSERT INTO "{schema}"."{name}" VALUES ({marks})', _rows(frame))
