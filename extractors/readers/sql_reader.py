"""Read SAP tables from a SQL database (a replica, a staging database, the demo's SQLite).

Rows stream from a server-side cursor in batches of `batch_size`; each batch becomes an
Arrow record batch of text, and DuckDB pulls the batches through one INSERT that checks
them on the way in. DuckDB's threads overlap the work: while one checks a batch, the
next is fetched. Memory stays bounded by a few batches whatever the table's size.

SQLite text is first read the fast way (strict UTF-8); a table holding text that is not
UTF-8 is read again with the lenient decoder, whose replacement characters validation
then quarantines as invalid_encoding.
"""

from __future__ import annotations

import contextlib
import gc
import queue
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from extractors.catalogue import NUMERIC_TYPES, SourceTable
from extractors.credentials import create_source_engine, mask_url, scrub
from extractors.readers.arrow_text import rows_to_text_table
from extractors.readers.base import (
    POSITION,
    RowFilter,
    RowSink,
    SourceError,
    match_names,
    quote,
)

BATCHES = "_source_batches"
ROW_JSON, VALUES = "_row", "_values"


class SqlReader:
    def __init__(self, url: str, schema: str | None = None, batch_size: int = 50_000):
        self.url = sa.make_url(url)
        self.schema = schema
        self.batch_size = batch_size
        self.description = f"SQL source {mask_url(self.url)}"
        if _missing_sqlite_file(self.url):
            # SQLite would quietly create an empty database instead of failing.
            raise SourceError(f"{self.description}: the database file does not exist")
        self.engine = create_source_engine(self.url)
        self._tables: dict[str, str] | None = None
        self._json: bool | None = None  # SQLite with its JSON functions

    def _source_error(self, action: str, error: Exception) -> SourceError:
        # Driver messages can echo connection details; scrub() removes the password.
        reason = scrub(str(error).split("\n(Background on this error")[0])
        return SourceError(f"{self.description}: {action} failed: {reason}")

    def table_names(self) -> dict[str, str]:
        """Upper-case name -> the source's spelling, read once per reader."""
        if self._tables is None:
            try:
                names = sa.inspect(self.engine).get_table_names(schema=self.schema)
            except SQLAlchemyError as error:
                raise self._source_error("connecting", error) from None
            self._tables = {name.upper(): name for name in names}
        return self._tables

    def has_table(self, name: str) -> bool:
        return name.upper() in self.table_names()

    def _source_columns(self, table_name: str) -> list[str]:
        try:
            columns = sa.inspect(self.engine).get_columns(table_name, schema=self.schema)
        except SQLAlchemyError as error:
            raise self._source_error(f"reading the columns of {table_name}", error) from None
        return [c["name"] for c in columns]

    def stage(
        self,
        con: duckdb.DuckDBPyConnection,
        table: SourceTable,
        columns: list[str],
        row_filter: RowFilter | None,
        rows: RowSink,
    ) -> None:
        if not self.has_table(table.name):
            raise SourceError(f"{self.description} has no table {table.name}")
        source_name = self.table_names()[table.name.upper()]
        where = f"{self.description}: table {source_name}"
        names = match_names(columns, self._source_columns(source_name), where)
        sap_types = [next(c.sap_type for c in table.columns if c.name == n) for n in columns]
        if self.url.get_backend_name() == "sqlite" and self._sqlite_has_json():
            plan = _sqlite_plan(source_name, self.schema, names, sap_types, row_filter)
        else:
            plan = _generic_plan(source_name, self.schema, names, sap_types, row_filter)
        try:
            with self.engine.connect() as source:
                dbapi = source.connection.driver_connection
                lenient = getattr(dbapi, "text_factory", None)
                if isinstance(dbapi, sqlite3.Connection):
                    dbapi.text_factory = str  # strict and fast
                try:
                    self._stream(con, source, plan, rows)
                except (SQLAlchemyError, sqlite3.Error) as error:
                    if not (_undecodable_text(error) and lenient not in (None, str)):
                        raise
                    rows.reset()
                    dbapi.text_factory = lenient
                    self._stream(con, source, plan, rows)
                finally:
                    if isinstance(dbapi, sqlite3.Connection):
                        dbapi.text_factory = lenient
        except (SQLAlchemyError, sqlite3.Error) as error:
            raise self._source_error(f"reading {source_name}", error) from None

    def _sqlite_has_json(self) -> bool:
        if self._json is None:
            try:
                with self.engine.connect() as source:
                    source.exec_driver_sql("SELECT json_array('x')").fetchall()
                self._json = True
            except SQLAlchemyError:
                self._json = False
        return self._json

    def _stream(self, con, source, plan: _Plan, rows: RowSink) -> None:
        """One pass over the query's rows, handed to `rows` as a stream of Arrow batches.

        A thread fetches and converts the next batches (Python, holding the GIL) while
        DuckDB checks the previous ones (C++, without it); a small queue between them
        bounds the memory.
        """
        parts, close = plan.fetch(source, self.batch_size)
        feed = _BatchFeed()
        schema = pa.schema([*plan.fields, (POSITION, pa.int64())])

        def produce() -> None:
            position = 0
            for part in parts:
                arrays = plan.convert(part)
                arrays.append(pa.array(np.arange(position, position + len(part), dtype=np.int64)))
                position += len(part)
                if not feed.put(pa.RecordBatch.from_arrays(arrays, schema=schema)):
                    return

        producer = threading.Thread(target=feed.run, args=(produce,), daemon=True)
        with _no_cyclic_gc():
            producer.start()
            con.register(BATCHES, pa.RecordBatchReader.from_batches(schema, feed.batches()))
            try:
                rows.append(plan.relation)
            except duckdb.Error:
                if feed.failure is not None:  # DuckDB only saw a failed stream
                    raise feed.failure from None
                raise
            finally:
                feed.stop()
                producer.join()
                con.unregister(BATCHES)
                close()
        if feed.failure is not None:
            raise feed.failure

    def close(self) -> None:
        self.engine.dispose()


@contextlib.contextmanager
def _no_cyclic_gc():
    """Pause Python's cycle collector while rows stream in.

    Millions of short-lived row tuples set it off again and again, each time walking
    every live object: a third of the reading time. Rows hold no reference cycles, so
    reference counting frees them all the same.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _BatchFeed:
    """A bounded hand-over of record batches from a producer thread to DuckDB's scan."""

    DONE = object()

    def __init__(self, depth: int = 3):
        self.queue: queue.Queue = queue.Queue(maxsize=depth)
        self.stopped = threading.Event()
        self.failure: BaseException | None = None

    def run(self, produce) -> None:
        try:
            produce()
        except BaseException as error:  # handed to the consumer, raised in the caller
            self.failure = error
        finally:
            self.put(self.DONE)

    def put(self, item) -> bool:
        """Queue an item; False when the consumer has stopped listening."""
        while not self.stopped.is_set():
            try:
                self.queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def batches(self):
        while True:
            item = self.queue.get()
            if item is self.DONE:
                if self.failure is not None:
                    raise RuntimeError("reading the source failed") from self.failure
                return
            yield item

    def stop(self) -> None:
        self.stopped.set()


def _undecodable_text(error: Exception) -> bool:
    original = getattr(error, "orig", error)
    return isinstance(original, sqlite3.OperationalError) and "decode" in str(original)


def _missing_sqlite_file(url: sa.URL) -> bool:
    database = url.database
    if url.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return False
    return not Path(database).exists()


@dataclass(frozen=True)
class _Plan:
    """How one table is read: the query, its rows as Arrow arrays, and them as text in SQL."""

    fetch: Callable[[sa.Connection, int], tuple[Iterator[Sequence[Sequence]], Callable]]
    fields: list[tuple[str, pa.DataType]]  # of the Arrow batches (before _pos)
    convert: Callable[[Sequence[Sequence]], list[pa.Array]]
    relation: str  # SELECT over the batches: the catalogue columns as text, and _pos


def _generic_plan(table_name, schema, names: dict[str, str], sap_types, row_filter) -> _Plan:
    """Any database: the driver's values, formatted as text in Python (arrow_text)."""
    source = sa.table(table_name, *[sa.column(n) for n in names.values()], schema=schema)
    query = sa.select(*[source.c[src].label(name) for name, src in names.items()])
    if row_filter is not None:
        conditions = [
            source.c[names[field]] >= sa.literal(bound, sa.String)
            for field, bound in row_filter.lower_bounds.items()
        ]
        query = query.where(sa.or_(*conditions))
    columns = list(names)

    def convert(part):
        return [c.combine_chunks() for c in rows_to_text_table(part, columns, sap_types).columns]

    def fetch(source: sa.Connection, batch_size: int):
        options = source.execution_options(stream_results=True, yield_per=batch_size)
        result = options.execute(query)
        return result.partitions(batch_size), result.close

    fields = [(c, pa.string()) for c in columns]
    return _Plan(fetch, fields, convert, f"SELECT * FROM {BATCHES}")


def _sqlite_plan(table_name, schema, names: dict[str, str], sap_types, row_filter) -> _Plan:
    """SQLite: each row as one JSON array of text, built by SQLite, split by DuckDB.

    Creating one Python object per value is most of the cost of reading SQLite from
    Python; one string per row is about half of it. SQLite writes integers and text as
    `to_text` would; floating-point values of the numeric columns travel beside the
    array as doubles, and DuckDB writes them as Python's repr() would (the shortest text
    that reads back as the same double). (A floating-point value in a text column, which
    SQLite's TEXT affinity does not let in, would get SQLite's 15 significant digits.)
    """
    columns = list(names)
    numeric = [i for i, t in enumerate(sap_types) if t in NUMERIC_TYPES]
    texts = []
    for i, name in enumerate(columns):
        col = quote(names[name])
        if i in numeric:
            texts.append(f"CASE WHEN typeof({col}) = 'real' THEN NULL ELSE CAST({col} AS TEXT) END")
        else:
            texts.append(f"CAST({col} AS TEXT)")
    reals = [
        f"CASE WHEN typeof({quote(names[columns[i]])}) = 'real' THEN {quote(names[columns[i]])} END"
        for i in numeric
    ]
    sql = f"SELECT json_array({', '.join(texts)}){''.join(', ' + r for r in reals)} "
    sql += f"FROM {quote(schema) + '.' if schema else ''}{quote(table_name)}"
    params: list[str] = []
    if row_filter is not None:
        sql += " WHERE " + " OR ".join(f"{quote(names[f])} >= ?" for f in row_filter.lower_bounds)
        params = list(row_filter.lower_bounds.values())

    def fetch(source: sa.Connection, batch_size: int):
        # The driver's own cursor: SQLAlchemy's rows would cost as much as the reading.
        cursor = source.connection.driver_connection.cursor()
        cursor.execute(sql, params)
        return iter(lambda: cursor.fetchmany(batch_size), []), cursor.close

    def convert(part):
        # pyarrow converts a list many times faster than a tuple
        values = [list(v) for v in zip(*part, strict=True)] or [[]] * (1 + len(numeric))
        arrays = [pa.array(values[0], pa.string())]
        arrays += [pa.array(v, pa.float64()) for v in values[1:]]
        return arrays

    fields = [(ROW_JSON, pa.string())] + [(f"_real{i}", pa.float64()) for i in numeric]
    split = []
    for i, name in enumerate(columns):
        text = f"{VALUES}[{i + 1}]"
        if i in numeric:
            text = f"coalesce({text}, CAST(_real{i} AS VARCHAR))"
        split.append(f"{text} AS {quote(name)}")
    relation = (
        f"SELECT {', '.join(split)}, {POSITION} FROM "
        f"(SELECT *, from_json({ROW_JSON}, '[\"VARCHAR\"]') AS {VALUES} FROM {BATCHES})"
    )
    return _Plan(fetch, fields, convert, relation)
