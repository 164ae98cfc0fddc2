"""What every reader does: put one source table's rows into DuckDB staging tables as text.

A reader fills two temporary tables on the warehouse connection:
  _stage       one VARCHAR column per catalogue column, one row per source row read;
  _unreadable  rows that could not even be split into columns (reason, details,
               raw_content), e.g. a CSV line with a missing field or invalid UTF-8.
Everything is text at this point so that validation can see the source's own values and
say precisely what was wrong with a row (extractors/load/validate.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import duckdb

from extractors.catalogue import SourceTable

STAGE = "_stage"
UNREADABLE = "_unreadable"


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


class Reader(Protocol):
    description: str  # the source as shown in messages (URLs masked)

    def has_table(self, name: str) -> bool: ...

    def stage(
        self,
        con: duckdb.DuckDBPyConnection,
        table: SourceTable,
        columns: list[str],
        row_filter: RowFilter | None,
    ) -> None: ...

    def close(self) -> None: ...


def create_stage_tables(con: duckdb.DuckDBPyConnection, columns: list[str]) -> None:
    cols = ", ".join(f"{quote(c)} VARCHAR" for c in columns)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {STAGE} ({cols})")
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {UNREADABLE} "
        "(reason VARCHAR, details VARCHAR, raw_content VARCHAR)"
    )


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
