"""What every reader does: hand one source table's rows to the loader as text, in SQL.

A reader calls `rows.append(relation, params)` with the text of a SELECT that DuckDB can
run on the warehouse connection: one VARCHAR column per catalogue column (catalogue
names) plus `_pos`, the row's position in the extract (unique, in source order). The
loader checks and keeps those rows in one pass (extractors/load/validate.py): a Parquet
file is one relation that DuckDB scans itself, a database table a stream of Arrow
batches, a CSV file the staging table it was read into. Rows that could not even be
split into columns (a CSV line with a missing field, invalid UTF-8) go to the temporary
table _unreadable (reason, details, raw_content). Everything is text at this point so
that validation sees the source's own values and can say precisely what was wrong.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import duckdb

from extractors.catalogue import SourceTable

STAGE = "_stage"
UNREADABLE = "_unreadable"
POSITION = "_pos"


class SourceError(RuntimeError):
    """The source cannot be read (down, wrong password, missing table or file).

    Messages name the source (URLs masked) and never contain the password.
    """


@dataclass(frozen=True)
class RowFilter:
    """Rows to read: any of the watermark fields >= its lower bound (text comparison).

    Bounds are text in the field's own format ('YYYYMMDD' for DATS, 'YYYY-MM-DD' for ISO
    timestamps), which sorts like the dates they hold.
    """

    lower_bounds: dict[str, str]


class RowSink(Protocol):
    """Where a reader puts what it reads (extractors.load.validate.CheckedRows)."""

    def append(self, relation: str, params: Sequence = ()) -> None:
        """Take the rows of a SELECT giving the catalogue columns as text, and _pos."""

    def reset(self) -> None:
        """Forget the rows appended so far, for a reader that starts the table over."""


class Reader(Protocol):
    description: str  # the source as shown in messages (URLs masked)

    def has_table(self, name: str) -> bool: ...

    def stage(
        self,
        con: duckdb.DuckDBPyConnection,
        table: SourceTable,
        columns: list[str],
        row_filter: RowFilter | None,
        rows: RowSink,
    ) -> None: ...

    def close(self) -> None: ...


def create_stage_table(con: duckdb.DuckDBPyConnection, columns: list[str]) -> None:
    """A temporary text table for readers that must land rows before handing them over."""
    cols = ", ".join(f"{quote(c)} VARCHAR" for c in columns)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {STAGE} ({cols})")


def stage_relation(columns: list[str]) -> str:
    """The staging table as a relation for RowSink.append (its row order is the source's)."""
    return f"SELECT {', '.join(quote(c) for c in columns)}, rowid AS {POSITION} FROM {STAGE}"


def quote(identifier: str) -> str:
    """A quoted SQL identifier (DuckDB and the ANSI databases)."""
    return '"' + identifier.replace('"', '""') + '"'


def match_names(wanted: list[str], available: list[str], where: str) -> dict[str, str]:
    """Map each wanted column to the source's spelling of it (names compare case-blind).

    A column missing from the source is an error: loading NULLs instead would look like
    data.
    """
    by_upper = {name.upper(): name for name in available}
    missing = [c for c in wanted if c.upper() not in by_upper]
    if missing:
        raise SourceError(f"{where} lacks the columns {missing}")
    return {c: by_upper[c.upper()] for c in wanted}
