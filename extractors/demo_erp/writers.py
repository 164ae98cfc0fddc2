"""Write the demo ERP's tables to every output: SQLite, CSV, Parquet and PostgreSQL.

The simulator hands over each table in chunks (pandas frames with exactly the catalogue's
columns for the flavour, SAP formats already applied); `SourceWriter` appends every chunk
to each output, so memory stays bounded by a chunk (plus a Parquet row group per table).

Outputs, under `out_dir`:

  sap.sqlite                    SAP tables; TEXT and NUMERIC(p,s) columns, catalogue keys
  exports/csv/<TABLE>.csv       SAP tables as an SE16-style export (UTF-8, header row)
  exports/parquet/<TABLE>.parquet  text as string, amounts as decimal128(p, s)
  crm/<TABLE>.csv               CRM tables, always (whatever `formats` says)
  PostgreSQL (optional)         SAP tables as quoted upper-case names in one schema

Every table of the flavour exists in every output even when no row arrived. Amounts are
rounded once to the column's scale (CURR 2, QUAN 3, DEC 5 decimals) and every output holds
that same value: CSV and COPY as plain digits ('-12.50', never '1e-05' or '-0.00'), SQLite
as the nearest REAL, Parquet as an exact decimal. A missing value (None or NaN; the
simulator writes '' for SAP's blanks) is NULL, and '\\N' in CSV (the file reader's NULL).

Determinism: the same chunks in the same order give byte-identical files with the same
library versions. SQLite writes its own version number into the file header and Parquet
names the writing library (created_by) in its footer; nothing else varies (no timestamps,
no file names, fixed page size).

Crash safety: everything is written under `out_dir/.writing/` and moved into place by
`close()`: `sap.sqlite` by one rename, each export folder by swapping the folder, and the
PostgreSQL tables, loaded under temporary names in one transaction, renamed in the same
transaction. A crash leaves the previous outputs as they were (the next writer removes
the leftovers). Outputs of formats not requested are left as they are.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import os
import re
import shutil
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from extractors.catalogue import BY_NAME, NUMERIC_TYPES, SQL_TYPES, SourceTable, tables_for

FORMATS = ("sqlite", "csv", "parquet")
SQLITE_FILE = "sap.sqlite"
CSV_DIR = Path("exports", "csv")
PARQUET_DIR = Path("exports", "parquet")
CRM_DIR = Path("crm")
STAGING_DIR = ".writing"
CSV_NULL = "\\N"  # what extractors.readers.file_reader reads as NULL; '' is blank text
# A Parquet row group is written when a table's buffered rows reach either bound.
ROW_GROUP_ROWS = 100_000
ROW_GROUP_BYTES = 8 << 20
PARQUET_COMPRESSION = "zstd"
SQLITE_PAGE_SIZE = 4096
SQLITE_CACHE_KIB = 64 << 10
PG_STAGING_SUFFIX = "__o2c_writing"
INT4_RANGE = (-(2**31), 2**31 - 1)


@dataclass(frozen=True)
class _Decimal:
    precision: int
    scale: int


@functools.cache
def _decimal_of(sap_type: str) -> _Decimal | None:
    """Precision and scale of an amount type, from the catalogue's SQL type."""
    match = re.fullmatch(r"DECIMAL\((\d+),\s*(\d+)\)", SQL_TYPES[sap_type])
    return _Decimal(int(match.group(1)), int(match.group(2))) if match else None


class SourceWriter:
    """Append chunks of source tables to every output; `close()` puts them in place.

    >>> with SourceWriter(out_dir, "ecc") as writer:      # doctest: +SKIP
    ...     writer.write("VBAK", frame)
    >>> writer.rows["VBAK"]                               # doctest: +SKIP

    Leaving the `with` block by an exception discards everything written (`abort()`).
    """

    def __init__(
        self,
        out_dir: Path,
        flavour: str,
        formats: Iterable[str] = FORMATS,
        postgres_url: str | None = None,
        postgres_schema: str = "public",
    ) -> None:
        if isinstance(formats, str):
            formats = formats.split(",")
        formats = tuple(dict.fromkeys(f.strip().lower() for f in formats if f.strip()))
        unknown = [f for f in formats if f not in FORMATS]
        if unknown:
            raise ValueError(f"unknown output format(s) {unknown}; expected some of {FORMATS}")
        self.out_dir = Path(out_dir)
        self.flavour = flavour
        self.formats = formats
        self.sap_tables = tables_for(flavour, "sap")  # raises on an unknown flavour
        self.crm_tables = tables_for(flavour, "crm")
        self._tables = {t.name: t for t in (*self.sap_tables, *self.crm_tables)}
        self._rows = dict.fromkeys(self._tables, 0)
        self._closed = False
        self._failed = False

        self._stage = self.out_dir / STAGING_DIR
        if self._stage.exists():
            shutil.rmtree(self._stage)  # leftovers of a crashed writer
        self._stage.mkdir(parents=True)
        self._sinks: list[_Sink] = []
        try:
            sap = self.sap_tables
            if "sqlite" in formats:
                self._sinks.append(_SqliteSink(self._stage / SQLITE_FILE, sap, flavour))
            if "csv" in formats:
                self._sinks.append(_CsvSink(self._stage / CSV_DIR, sap, flavour))
            if "parquet" in formats:
                self._sinks.append(_ParquetSink(self._stage / PARQUET_DIR, sap, flavour))
            self._sinks.append(_CsvSink(self._stage / CRM_DIR, self.crm_tables, flavour))
            if postgres_url:
                self._sinks.append(_PostgresSink(postgres_url, postgres_schema, sap, flavour))
        except BaseException:
            self.abort()
            raise

    # --- public API -------------------------------------------------------------------
    @property
    def rows(self) -> dict[str, int]:
        """Rows written so far per table (every table of the flavour, in catalogue order)."""
        return dict(self._rows)

    def write(self, table: str, frame: pd.DataFrame) -> None:
        """Append one chunk of `table` to every output that takes it."""
        if self._closed:
            raise RuntimeError("SourceWriter is closed")
        if self._failed:
            raise RuntimeError("an earlier write failed; abort() this SourceWriter")
        spec = self._table(table)
        chunk = _prepare(spec, self.flavour, frame)  # validation: nothing written yet
        if chunk.rows == 0:
            return
        try:
            for sink in self._sinks:
                if spec.name in sink.tables:
                    sink.write(spec, chunk)
        except BaseException:
            self._failed = True
            raise
        self._rows[spec.name] += chunk.rows

    def close(self) -> dict[str, int]:
        """Finish every output, move it into place and return the rows per table."""
        if self._closed:
            return self.rows
        if self._failed:
            self.abort()
            raise RuntimeError("an earlier write failed; the previous outputs were kept")
        try:
            for sink in self._sinks:
                sink.finish()
            # Only now are the new outputs complete: put them in place.
            for sink in self._sinks:
                sink.publish(self._stage, self.out_dir)
        except BaseException:
            self.abort()
            raise
        shutil.rmtree(self._stage, ignore_errors=True)
        self._closed = True
        return self.rows

    def abort(self) -> None:
        """Discard everything written; the previous outputs stay as they were."""
        if getattr(self, "_closed", False):
            return
        for sink in getattr(self, "_sinks", []):
            with contextlib.suppress(Exception):  # best effort: the first error matters
                sink.abort()
        shutil.rmtree(self._stage, ignore_errors=True)
        self._closed = True

    def __enter__(self) -> SourceWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()

    def _table(self, name: str) -> SourceTable:
        spec = self._tables.get(name.upper())
        if spec is None:
            if name.upper() in BY_NAME:
                raise ValueError(f"table {name} is not part of the {self.flavour} flavour")
            raise ValueError(f"unknown source table {name!r} (not in extractors.catalogue)")
        return spec


# --- one chunk, prepared once for every output -------------------------------------------
@dataclass
class _Chunk:
    rows: int
    names: list[str]
    values: list[list]  # per column, Python values for SQLite (None for NULL)
    texts: list[list[str]]  # per column, CSV/COPY text (CSV_NULL for NULL)
    arrays: list[pa.Array]  # per column, for Parquet

    def csv_text(self) -> str:
        if not hasattr(self, "_csv"):
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="\n").writerows(zip(*self.texts, strict=True))
            self._csv = buffer.getvalue()
        return self._csv


def _prepare(spec: SourceTable, flavour: str, frame: pd.DataFrame) -> _Chunk:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{spec.name}: expected a pandas DataFrame, got {type(frame).__name__}")
    expected = spec.column_names(flavour)
    got = [str(c) for c in frame.columns]
    if got != expected and (set(got) != set(expected) or len(got) != len(expected)):
        missing = [c for c in expected if c not in got]
        extra = [c for c in got if c not in expected]
        duplicated = sorted({c for c in got if got.count(c) > 1})
        details = [
            f"{label} {cols}"
            for label, cols in (("missing", missing), ("extra", extra), ("duplicated", duplicated))
            if cols
        ]
        raise ValueError(
            f"{spec.name}: the columns do not match the catalogue ({flavour}): "
            + "; ".join(details)
        )
    values, texts, arrays = [], [], []
    for column in spec.columns_for(flavour):
        series = frame[column.name]
        if column.sap_type in NUMERIC_TYPES:
            v, t, a = _numeric_column(spec.name, column.name, column.sap_type, series)
        else:
            v, t, a = _text_column(spec.name, column.name, series)
        values.append(v)
        texts.append(t)
        arrays.append(a)
    return _Chunk(len(frame), expected, values, texts, arrays)


def _text_column(table: str, name: str, series: pd.Series):
    try:
        array = pa.array(series, type=pa.string(), from_pandas=True)
    except (pa.ArrowException, TypeError, ValueError) as error:
        raise ValueError(f"{table}.{name}: expected text (str) values: {error}") from None
    values = array.to_pylist()
    texts = values if array.null_count == 0 else [CSV_NULL if v is None else v for v in values]
    return values, texts, array


def _numeric_column(table: str, name: str, sap_type: str, series: pd.Series):
    where = f"{table}.{name} ({sap_type})"
    if pd.api.types.is_bool_dtype(series) or not (
        pd.api.types.is_numeric_dtype(series) or series.dtype == object
    ):
        raise ValueError(f"{where}: expected numbers, got dtype {series.dtype}")
    try:
        numbers = series.to_numpy(dtype=np.float64, na_value=np.nan)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{where}: expected numbers: {error}") from None
    null = np.isnan(numbers)
    if np.isinf(numbers).any():
        raise ValueError(f"{where}: infinite values")
    has_null = bool(null.any())
    if sap_type == "INT4":
        return _int_column(where, numbers, null, has_null)

    decimal = _decimal_of(sap_type)
    scale = decimal.scale
    limit = 10.0 ** (decimal.precision - scale) - 0.5 * 10.0**-scale
    if (np.abs(numbers[~null]) >= limit).any():
        worst = numbers[~null][np.argmax(np.abs(numbers[~null]))]
        raise ValueError(f"{where}: {worst!r} does not fit DECIMAL({decimal.precision},{scale})")
    # Values that round to zero print as '0.00', not '-0.00'.
    tiny = np.signbit(numbers) & (numbers > -0.5 * 10.0**-scale)
    if tiny.any():
        numbers = np.where(tiny, 0.0, numbers)
    fmt = f"{{:.{scale}f}}".format
    texts = list(map(fmt, numbers.tolist()))
    if has_null:
        texts = [CSV_NULL if n else t for t, n in zip(texts, null.tolist(), strict=True)]
        values = [None if t == CSV_NULL else float(t) for t in texts]
    else:
        values = list(map(float, texts))
    array = pa.array(
        [None if n else t for t, n in zip(texts, null.tolist(), strict=True)]
        if has_null
        else texts,
        type=pa.string(),
    ).cast(pa.decimal128(decimal.precision, scale))
    return values, texts, array


def _int_column(where: str, numbers: np.ndarray, null: np.ndarray, has_null: bool):
    present = numbers[~null]
    if (present != np.floor(present)).any():
        raise ValueError(f"{where}: expected whole numbers")
    if present.size and (present.min() < INT4_RANGE[0] or present.max() > INT4_RANGE[1]):
        raise ValueError(f"{where}: values outside the INT4 range")
    ints = np.where(null, 0, numbers).astype(np.int64).tolist()
    values = (
        [None if n else i for i, n in zip(ints, null.tolist(), strict=True)] if has_null else ints
    )
    texts = [CSV_NULL if v is None else str(v) for v in values]
    return values, texts, pa.array(values, type=pa.int32())


# --- outputs -----------------------------------------------------------------------------
class _Sink:
    tables: dict[str, SourceTable]

    def write(self, spec: SourceTable, chunk: _Chunk) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        """Complete the output under its temporary name."""

    def publish(self, stage: Path, out_dir: Path) -> None:
        """Move the finished output into place."""

    def abort(self) -> None:
        """Release resources; the temporary output is discarded."""


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _fsync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def _swap_folder(stage: Path, relative: Path, out_dir: Path) -> None:
    """Replace out_dir/relative by stage/relative with two renames (the old one goes to
    the stage, deleted with it), so a reader never sees a half-filled folder."""
    final = out_dir / relative
    final.parent.mkdir(parents=True, exist_ok=True)
    if final.exists():
        os.replace(final, stage / ("old-" + "-".join(relative.parts)))
    os.replace(stage / relative, final)


class _SqliteSink(_Sink):
    """One SQLite file, one transaction, no journal while writing (the file is temporary)."""

    def __init__(self, path: Path, tables: list[SourceTable], flavour: str) -> None:
        self.path = path
        self.tables = {t.name: t for t in tables}
        path.parent.mkdir(parents=True, exist_ok=True)
        self.con = sqlite3.connect(path, isolation_level=None)
        for pragma in (
            f"page_size = {SQLITE_PAGE_SIZE}",
            "journal_mode = OFF",
            "synchronous = OFF",
            "locking_mode = EXCLUSIVE",
            f"cache_size = -{SQLITE_CACHE_KIB}",
        ):
            self.con.execute(f"PRAGMA {pragma}")
        self.con.execute("BEGIN")
        self.inserts = {}
        for table in tables:
            columns = table.columns_for(flavour)
            ddl = ",\n  ".join(f"{_quote(c.name)} {_sqlite_type(c.sap_type)}" for c in columns)
            key = ", ".join(_quote(k) for k in table.primary_key)
            self.con.execute(
                f"CREATE TABLE {_quote(table.name)} (\n  {ddl},\n  PRIMARY KEY ({key})\n)"
            )
            marks = ", ".join("?" * len(columns))
            self.inserts[table.name] = f"INSERT INTO {_quote(table.name)} VALUES ({marks})"

    def write(self, spec: SourceTable, chunk: _Chunk) -> None:
        try:
            self.con.executemany(self.inserts[spec.name], zip(*chunk.values, strict=True))
        except sqlite3.IntegrityError as error:
            raise ValueError(
                f"{spec.name}: {error} (primary key {', '.join(spec.primary_key)})"
            ) from None

    def finish(self) -> None:
        self.con.execute("COMMIT")
        self.con.close()
        self.con = None
        _fsync(self.path)

    def publish(self, stage: Path, out_dir: Path) -> None:
        os.replace(self.path, out_dir / SQLITE_FILE)

    def abort(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None


def _sqlite_type(sap_type: str) -> str:
    if sap_type == "INT4":
        return "INTEGER"
    decimal = _decimal_of(sap_type) if sap_type in NUMERIC_TYPES else None
    return f"NUMERIC({decimal.precision},{decimal.scale})" if decimal else "TEXT"


class _CsvSink(_Sink):
    """One <TABLE>.csv per table in a folder: UTF-8, header row, comma, '\\n'."""

    def __init__(self, folder: Path, tables: list[SourceTable], flavour: str) -> None:
        self.folder = folder
        self.tables = {t.name: t for t in tables}
        self.flavour = flavour
        self.handles: dict[str, io.TextIOWrapper] = {}
        folder.mkdir(parents=True, exist_ok=True)

    def _handle(self, spec: SourceTable) -> io.TextIOWrapper:
        handle = self.handles.get(spec.name)
        if handle is None:
            path = self.folder / f"{spec.name}.csv"
            handle = path.open("w", encoding="utf-8", newline="", buffering=1 << 20)
            csv.writer(handle, lineterminator="\n").writerow(spec.column_names(self.flavour))
            self.handles[spec.name] = handle
        return handle

    def write(self, spec: SourceTable, chunk: _Chunk) -> None:
        self._handle(spec).write(chunk.csv_text())

    def finish(self) -> None:
        for spec in self.tables.values():
            self._handle(spec)  # a header-only file for a table without rows
        for handle in self.handles.values():
            handle.flush()
            os.fsync(handle.fileno())
            handle.close()
        self.handles.clear()

    def publish(self, stage: Path, out_dir: Path) -> None:
        _swap_folder(stage, self.folder.relative_to(stage), out_dir)

    def abort(self) -> None:
        for handle in self.handles.values():
            handle.close()
        self.handles.clear()


class _ParquetSink(_Sink):
    """One <TABLE>.parquet per table; chunks are buffered into row groups."""

    def __init__(self, folder: Path, tables: list[SourceTable], flavour: str) -> None:
        self.folder = folder
        self.tables = {t.name: t for t in tables}
        self.schemas = {t.name: _arrow_schema(t, flavour) for t in tables}
        self.writers: dict[str, pq.ParquetWriter] = {}
        self.buffers: dict[str, list[pa.Table]] = {}
        folder.mkdir(parents=True, exist_ok=True)

    def _writer(self, name: str) -> pq.ParquetWriter:
        writer = self.writers.get(name)
        if writer is None:
            writer = pq.ParquetWriter(
                self.folder / f"{name}.parquet",
                self.schemas[name],
                compression=PARQUET_COMPRESSION,
                write_statistics=True,
            )
            self.writers[name] = writer
        return writer

    def write(self, spec: SourceTable, chunk: _Chunk) -> None:
        table = pa.Table.from_arrays(chunk.arrays, schema=self.schemas[spec.name])
        buffer = self.buffers.setdefault(spec.name, [])
        buffer.append(table)
        rows = sum(t.num_rows for t in buffer)
        if rows >= ROW_GROUP_ROWS or sum(t.nbytes for t in buffer) >= ROW_GROUP_BYTES:
            self._flush(spec.name)

    def _flush(self, name: str) -> None:
        buffer = self.buffers.pop(name, [])
        if buffer:
            table = pa.concat_tables(buffer).combine_chunks()
            self._writer(name).write_table(table, row_group_size=ROW_GROUP_ROWS)

    def finish(self) -> None:
        for name in self.tables:
            self._flush(name)
            self._writer(name).close()  # an empty file with the schema for no rows
        for name in self.tables:
            _fsync(self.folder / f"{name}.parquet")
        self.writers.clear()

    def publish(self, stage: Path, out_dir: Path) -> None:
        _swap_folder(stage, self.folder.relative_to(stage), out_dir)

    def abort(self) -> None:
        for writer in self.writers.values():
            with contextlib.suppress(Exception):  # the file is discarded anyway
                writer.close()
        self.writers.clear()
        self.buffers.clear()


def _arrow_schema(table: SourceTable, flavour: str) -> pa.Schema:
    fields = []
    for column in table.columns_for(flavour):
        if column.sap_type == "INT4":
            kind = pa.int32()
        elif column.sap_type in NUMERIC_TYPES:
            decimal = _decimal_of(column.sap_type)
            kind = pa.decimal128(decimal.precision, decimal.scale)
        else:
            kind = pa.string()
        fields.append(pa.field(column.name, kind))
    return pa.schema(fields)


class _PostgresSink(_Sink):
    """Tables loaded with COPY under temporary names in one transaction, renamed on close."""

    def __init__(self, url: str, schema: str, tables: list[SourceTable], flavour: str) -> None:
        import psycopg
        from psycopg import sql

        self.sql = sql
        self.schema = schema
        self.tables = {t.name: t for t in tables}
        self.flavour = flavour
        self.described = _describe_url(url)
        try:
            self.con = psycopg.connect(**_connect_kwargs(url))
        except psycopg.Error as error:
            raise _postgres_error(f"connecting to {self.described}", error) from None
        try:
            # Created only when missing: an existing schema needs no CREATE privilege.
            exists = self.con.execute(
                "SELECT 1 FROM pg_namespace WHERE nspname = %s", [schema]
            ).fetchone()
            if not exists:
                self.con.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
            for table in tables:
                staging = self._name(table.name + PG_STAGING_SUFFIX)
                columns = sql.SQL(", ").join(
                    sql.SQL("{} {}").format(sql.Identifier(c.name), sql.SQL(c.sql_type))
                    for c in table.columns_for(flavour)
                )
                self.con.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(staging))
                self.con.execute(sql.SQL("CREATE TABLE {} ({})").format(staging, columns))
        except psycopg.Error as error:
            self.abort()
            raise _postgres_error(f"creating the tables in {self.described}", error) from None

    def _name(self, table: str):
        return self.sql.Identifier(self.schema, table)

    def write(self, spec: SourceTable, chunk: _Chunk) -> None:
        import psycopg

        sql = self.sql
        statement = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT csv, NULL {})").format(
            self._name(spec.name + PG_STAGING_SUFFIX),
            sql.SQL(", ").join(sql.Identifier(n) for n in chunk.names),
            sql.Literal(CSV_NULL),
        )
        try:
            with self.con.cursor() as cursor, cursor.copy(statement) as copy:
                copy.write(chunk.csv_text())
        except psycopg.Error as error:
            raise _postgres_error(f"loading {spec.name} into {self.described}", error) from None

    def finish(self) -> None:
        import psycopg

        sql = self.sql
        try:
            for name, table in self.tables.items():
                self.con.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(self._name(name)))
                self.con.execute(
                    sql.SQL("ALTER TABLE {} RENAME TO {}").format(
                        self._name(name + PG_STAGING_SUFFIX), sql.Identifier(name)
                    )
                )
                self.con.execute(
                    sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} PRIMARY KEY ({})").format(
                        self._name(name),
                        sql.Identifier(f"{name}_pkey"),
                        sql.SQL(", ").join(sql.Identifier(k) for k in table.primary_key),
                    )
                )
        except psycopg.Error as error:
            raise _postgres_error(f"creating the tables in {self.described}", error) from None

    def publish(self, stage: Path, out_dir: Path) -> None:
        import psycopg

        # Committed last: the files are in place, so a failure here leaves the old tables.
        try:
            self.con.commit()
        except psycopg.Error as error:
            raise _postgres_error(f"committing to {self.described}", error) from None
        self.con.close()
        self.con = None

    def abort(self) -> None:
        if getattr(self, "con", None) is not None:
            try:
                self.con.rollback()
            finally:
                self.con.close()
                self.con = None


def _connect_kwargs(url: str) -> dict:
    """psycopg.connect() arguments from a SQLAlchemy-style URL; the password comes from
    the environment at connect time, never from the URL."""
    from sqlalchemy.engine import make_url

    from extractors.settings import PASSWORD_ENV

    parsed = make_url(url)
    if parsed.get_backend_name() not in ("postgresql", "postgres"):
        raise ValueError(f"not a PostgreSQL URL: {_describe_url(url)}")
    if parsed.password:
        raise ValueError(f"the PostgreSQL URL must not contain a password; set {PASSWORD_ENV}")
    kwargs = {
        key: value
        for key, value in {
            "host": parsed.host,
            "port": parsed.port,
            "user": parsed.username,
            "dbname": parsed.database,
        }.items()
        if value is not None
    }
    kwargs.update({k: v for k, v in parsed.query.items() if isinstance(v, str)})
    password = os.environ.get(PASSWORD_ENV)
    if password:
        kwargs["password"] = password
    kwargs["client_encoding"] = "UTF8"
    kwargs["autocommit"] = False
    return kwargs


def _describe_url(url: str) -> str:
    from extractors.credentials import mask_url

    try:
        return mask_url(url)
    except Exception:
        return "the PostgreSQL URL"


def _postgres_error(action: str, error: Exception) -> RuntimeError:
    from extractors.credentials import scrub

    return RuntimeError(f"PostgreSQL: {action} failed: {scrub(str(error).strip())}")
