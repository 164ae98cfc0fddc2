"""Read SAP tables from a SQL database (a replica, a staging database, the demo's SQLite).

Rows stream from a server-side cursor in batches of `batch_size`, each batch becomes an
Arrow table of text and is appended to the staging table, so memory stays bounded by one
batch whatever the table's size.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from extractors.catalogue import SourceTable
from extractors.credentials import create_source_engine, mask_url, scrub
from extractors.readers.arrow_text import rows_to_text_table
from extractors.readers.base import (
    STAGE,
    RowFilter,
    SourceError,
    create_stage_tables,
    match_names,
)


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
    ) -> None:
        if not self.has_table(table.name):
            raise SourceError(f"{self.description} has no table {table.name}")
        source_name = self.table_names()[table.name.upper()]
        where = f"{self.description}: table {source_name}"
        names = match_names(columns, self._source_columns(source_name), where)
        query = _select(source_name, self.schema, names, row_filter)
        sap_types = [next(c.sap_type for c in table.columns if c.name == n) for n in columns]
        create_stage_tables(con, columns)
        try:
            with self.engine.connect() as source:
                result = source.execution_options(
                    stream_results=True, yield_per=self.batch_size
                ).execute(query)
                for rows in result.partitions():
                    batch = rows_to_text_table(rows, columns, sap_types)
                    con.register("_batch", batch)
                    try:
                        con.execute(f"INSERT INTO {STAGE} SELECT * FROM _batch")
                    finally:
                        con.unregister("_batch")
        except SQLAlchemyError as error:
            raise self._source_error(f"reading {source_name}", error) from None

    def close(self) -> None:
        self.engine.dispose()


def _missing_sqlite_file(url: sa.URL) -> bool:
    database = url.database
    if url.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return False
    return not Path(database).exists()


def _select(table_name: str, schema: str | None, names: dict[str, str], row_filter):
    """SELECT the catalogue's columns (labelled with catalogue names), filtered if asked."""
    source = sa.table(table_name, *[sa.column(n) for n in names.values()], schema=schema)
    query = sa.select(*[source.c[src].label(name) for name, src in names.items()])
    if row_filter is not None:
        conditions = [
            source.c[names[field]] >= sa.literal(bound, sa.String)
            for field, bound in row_filter.lower_bounds.items()
        ]
        query = query.where(sa.or_(*conditions))
    return query
