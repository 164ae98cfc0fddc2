"""Read tables from a folder of export files: <TABLE>.parquet or <TABLE>.csv.

DuckDB reads the files itself (streaming, in parallel, bounded memory): a Parquet file is
scanned once, straight into the checks; a CSV file is first read into the staging table
(which also collects the lines that cannot be read). CSV lines that cannot be split into the
header's columns or are not UTF-8 are not fatal: DuckDB's reject store hands them over and
they go to quarantine.

Folder layouts understood: <dir>/<TABLE>.<ext>, and <dir>/<ext>/<TABLE>.<ext> (the demo
ERP writes exports/csv/ and exports/parquet/). File names compare case-blind.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb

from extractors.catalogue import SourceTable
from extractors.readers.base import (
    POSITION,
    STAGE,
    UNREADABLE,
    RowFilter,
    RowSink,
    SourceError,
    create_stage_table,
    match_names,
    quote,
    stage_relation,
)

# Parquet exports are typed and faster to read, so they win when both exist.
FORMAT_ORDER = {"auto": ("parquet", "csv"), "parquet": ("parquet",), "csv": ("csv",)}
CSV_NULL = "\\N"  # empty CSV fields are blank text (SAP's initial value), not NULL
REJECTS, REJECT_SCANS = "_csv_rejects", "_csv_reject_scans"


class FileReader:
    def __init__(self, folder: Path, export_format: str = "auto", label: str = "SAP exports"):
        self.folder = Path(folder)
        self.formats = FORMAT_ORDER[export_format]
        self.description = f"{label} in {self.folder}"

    def files(self) -> dict[str, Path]:
        """Upper-case table name -> export file, preferring the configured format order."""
        found: dict[str, Path] = {}
        if not self.folder.is_dir():
            return found
        for ext in reversed(self.formats):
            for base in (self.folder / ext, self.folder):
                for path in sorted(base.glob(f"*.{ext}")) if base.is_dir() else ():
                    found[path.stem.upper()] = path
        return found

    def has_table(self, name: str) -> bool:
        return name.upper() in self.files()

    def stage(
        self,
        con: duckdb.DuckDBPyConnection,
        table: SourceTable,
        columns: list[str],
        row_filter: RowFilter | None,
        rows: RowSink,
    ) -> None:
        if not self.folder.is_dir():
            raise SourceError(f"{self.description}: the folder does not exist")
        path = self.files().get(table.name.upper())
        if path is None:
            raise SourceError(f"{self.description}: no export file for table {table.name}")
        sap_types = {c.name: c.sap_type for c in table.columns}
        try:
            if path.suffix.lower() == ".csv":
                self._stage_csv(con, path, columns, row_filter, rows)
            else:
                self._stage_parquet(con, path, columns, sap_types, row_filter, rows)
        except duckdb.Error as error:
            raise SourceError(f"{self.description}: reading {path.name} failed: {error}") from None

    def _stage_csv(self, con, path: Path, columns: list[str], row_filter, rows) -> None:
        create_stage_table(con, columns)
        header = _csv_header(path)
        names = match_names(columns, header, f"{self.description}: {path.name}")
        # Every field as text, each header name declared so DuckDB sniffs nothing.
        declared = ", ".join(f"{_literal(h)}: 'VARCHAR'" for h in header)
        con.execute(f"DROP TABLE IF EXISTS {REJECTS}; DROP TABLE IF EXISTS {REJECT_SCANS}")
        select = ", ".join(f"{quote(names[c])} AS {quote(c)}" for c in columns)
        where, params = _where(row_filter)
        con.execute(
            f"""
            INSERT INTO {STAGE}
            SELECT * FROM (
                SELECT {select}
                FROM read_csv(
                    ?, header = true, auto_detect = false, columns = {{{declared}}},
                    delim = ',', quote = '"', escape = '"', nullstr = {_literal(CSV_NULL)},
                    store_rejects = true, rejects_table = '{REJECTS}',
                    rejects_scan = '{REJECT_SCANS}')
            ) {where}
            """,
            [str(path), *params],
        )
        # One reject row per error; a line is one source row however many errors it has.
        con.execute(
            f"""
            INSERT INTO {UNREADABLE}
            SELECT CASE WHEN bool_or(error_type = 'INVALID ENCODING')
                        THEN 'invalid_encoding' ELSE 'unreadable_line' END,
                   string_agg(DISTINCT lower(error_type), ', ') || ' at line ' || line,
                   to_json({{'line_number': line, 'line': first(csv_line)}})
            FROM {REJECTS} GROUP BY line ORDER BY line
            """
        )
        rows.append(stage_relation(columns))
        con.execute(f"DROP TABLE {STAGE}")

    def _stage_parquet(self, con, path: Path, columns, sap_types, row_filter, rows) -> None:
        described = con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(path)]).fetchall()
        types = {row[0]: row[1] for row in described}
        names = match_names(columns, list(types), f"{self.description}: {path.name}")
        select = ", ".join(
            f"{_as_text(quote(names[c]), types[names[c]], sap_types[c])} AS {quote(c)}"
            for c in columns
        )
        where, params = _where(row_filter)
        rows.append(
            f"SELECT * FROM (SELECT {select}, file_row_number AS {POSITION} "
            f"FROM read_parquet(?, file_row_number = true)) {where}",
            [str(path), *params],
        )

    def close(self) -> None:
        pass


def _as_text(column: str, parquet_type: str, sap_type: str) -> str:
    """SQL turning a typed Parquet column into the SAP text form of its catalogue type."""
    parquet_type = parquet_type.upper()
    if sap_type == "DATS" and (parquet_type == "DATE" or parquet_type.startswith("TIMESTAMP")):
        return f"strftime({column}, '%Y%m%d')"
    if sap_type == "TIMS" and parquet_type.startswith("TIME") and "STAMP" not in parquet_type:
        return f"substr(replace(CAST({column} AS VARCHAR), ':', ''), 1, 6)"
    return f"CAST({column} AS VARCHAR)"


def _where(row_filter: RowFilter | None) -> tuple[str, list[str]]:
    if row_filter is None:
        return "", []
    conditions = [f"{quote(f)} >= ?" for f in row_filter.lower_bounds]
    return "WHERE " + " OR ".join(conditions), list(row_filter.lower_bounds.values())


def _csv_header(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8-sig", errors="replace") as handle:
        return next(csv.reader(handle), [])


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
