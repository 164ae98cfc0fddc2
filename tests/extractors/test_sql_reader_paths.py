"""SQLite is read the fast way (each row one JSON array built by SQLite); the rows read must
be the same text the generic way (the driver's values formatted in Python) gives."""

import sqlite3

import duckdb
import pytest

from extractors.catalogue import BY_NAME
from extractors.readers.base import POSITION, RowFilter
from extractors.readers.sql_reader import SqlReader

TEXTS = [
    "plain", "", None, 'with "quotes"', "back\\slash", "new\nline\ttab", "Müller 東京 🙂",
    "  spaces  ", "[1, 2]", "null",
]  # fmt: skip
NUMBERS = [30, 54960.2, 0.1 + 0.2, 1e-05, 1e16, 123456789012.35, -2.675, None, "12,5 EUR"]
NUMBERS += ["5.00-", "", 7, 2**40]


class Capture:
    """A RowSink keeping the rows as read, before any check."""

    def __init__(self, con):
        self.con = con

    def append(self, relation, params=()):
        self.con.execute(f"CREATE OR REPLACE TABLE rows_read AS {relation}", list(params))

    def reset(self):
        pass


def read(path, fast: bool, table_name: str, row_filter: RowFilter | None = None) -> list[tuple]:
    table = BY_NAME[table_name]
    columns = table.column_names("ecc")
    reader = SqlReader(f"sqlite:///{path}", batch_size=4)  # several batches
    if not fast:
        reader._json = False  # as if SQLite had no JSON functions: the generic way
    con = duckdb.connect()
    try:
        reader.stage(con, table, columns, row_filter, Capture(con))
        cols = ", ".join(f'"{c}"' for c in columns)
        return con.execute(f"SELECT {cols}, {POSITION} FROM rows_read ORDER BY ALL").fetchall()
    finally:
        con.close()
        reader.close()


@pytest.fixture
def tcurr(tmp_path):
    path = tmp_path / "sap.sqlite"
    with sqlite3.connect(path) as con:
        con.execute(
            'CREATE TABLE "TCURR" ("MANDT" TEXT, "KURST" TEXT, "FCURR" TEXT, "TCURR" TEXT, '
            '"GDATU" TEXT, "UKURS" NUMERIC)'
        )
        rows = [
            ("100", TEXTS[i % len(TEXTS)], "EUR", "USD", f"G{i}", number)
            for i, number in enumerate(NUMBERS)
        ]
        rows.append(("100", b"bytes", 1.5, 42, "G-blob", b"3.25"))  # SQLite's dynamic types
        con.executemany('INSERT INTO "TCURR" VALUES (?, ?, ?, ?, ?, ?)', rows)
    return path


def test_the_fast_way_reads_what_the_generic_way_reads(tcurr):
    fast = read(tcurr, fast=True, table_name="TCURR")

    assert fast == read(tcurr, fast=False, table_name="TCURR")
    assert len(fast) == len(NUMBERS) + 1
    by_rate_type = {row[4]: row for row in fast}
    assert by_rate_type["G1"][5] == "54960.2"  # floats as Python's repr(), not rounded
    assert by_rate_type["G2"][5] == "0.30000000000000004"
    assert by_rate_type["G0"][5] == "30"
    assert by_rate_type["G6"][1] == "Müller 東京 🙂"


def test_a_filtered_read_takes_the_same_rows_both_ways(tmp_path):
    path = tmp_path / "sap.sqlite"
    columns = BY_NAME["CDHDR"].column_names("ecc")
    with sqlite3.connect(path) as con:
        definitions = ", ".join(f'"{c}" TEXT' for c in columns)
        con.execute(f'CREATE TABLE "CDHDR" ({definitions})')
        con.executemany(
            f'INSERT INTO "CDHDR" VALUES ({", ".join("?" for _ in columns)})',
            [("100", "VERKBELEG", f"{i}", f"{i:010d}", "U", f"202403{i:02d}", "120000", "VA02", "U")
             for i in range(1, 11)],
        )  # fmt: skip

    since = RowFilter({"UDATE": "20240308"})
    fast = read(path, fast=True, table_name="CDHDR", row_filter=since)

    assert fast == read(path, fast=False, table_name="CDHDR", row_filter=since)
    assert sorted(row[2] for row in fast) == ["10", "8", "9"]
