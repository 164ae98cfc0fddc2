"""Pseudonymise while copying: the SELECT that replaces personal values by their tokens.

Used by the publisher (extractors/publish/copy.py), which copies each relation of the live
warehouse with `CREATE TABLE ... AS <select_sql>`, so that no clear value is ever written
into the published file (not even into a block that an UPDATE would later free).

Tokens come from one lookup table per kind, built from the distinct values of every
personal column; joining on it keeps the work in DuckDB however many rows there are.
`verify` then scans every text column of the copy for any clear value (three characters or
more) and names the columns where one is left: publishing fails rather than leak.
"""

from __future__ import annotations

import json
import re

import duckdb
import pyarrow as pa

from extractors.privacy.columns import (
    CHANGE_VALUE_FIELDS,
    CHANGED_CUSTOMER_FIELDS,
    CHANGED_USER_FIELDS,
    Target,
    changed_field_kind,
    personal_fields,
)
from extractors.privacy.pseudonym import token
from extractors.readers.base import quote

LOOKUP = {"user": "_pseudonyms_user", "customer": "_pseudonyms_customer"}
QUARANTINE_FUNCTION = "o2c_pseudonymise_quarantine"
TEXT_FUNCTION = "o2c_pseudonymise_text"
WITHHELD = "(withheld: pseudonymised)"
MIN_VERIFIED_LENGTH = 3


def _in_list(values) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in sorted(values))


def _blank(col: str) -> str:
    return f"{col} IS NULL OR trim({col}) = ''"


class Pseudonymiser:
    """Token lookups on `con` for the personal columns of the relations in `catalog`."""

    def __init__(self, con: duckdb.DuckDBPyConnection, key: bytes, catalog: str) -> None:
        self.con = con
        self.key = key
        self.catalog = catalog
        con.create_function(
            QUARANTINE_FUNCTION, self.quarantine_content, ["VARCHAR", "VARCHAR"], "VARCHAR",
            null_handling="special", side_effects=False,
        )  # fmt: skip
        con.create_function(
            TEXT_FUNCTION, self.free_text, ["VARCHAR"], "VARCHAR", null_handling="special",
            side_effects=False,
        )  # fmt: skip
        self.names: dict[str, str] = {}  # name -> token, for verify() and free text
        self._pattern: re.Pattern | None = None

    def build_lookups(self, targets: list[Target]) -> dict[str, int]:
        """Create the lookup tables from every value the targets hold; returns their sizes."""
        sizes = {}
        for kind, table in LOOKUP.items():
            values, names = set(), set()
            for target, query in self._value_queries(targets, kind):
                found = {row[0] for row in self.con.execute(query).fetchall()}
                values |= found
                if target.verified:
                    names |= {v for v in found if v and len(v.strip()) >= MIN_VERIFIED_LENGTH}
            self.names.update({name: token(name, kind, self.key) for name in names})
            values = sorted(v for v in values if v is not None and v.strip())
            lookup = pa.table(
                {
                    "value": pa.array(values, pa.string()),
                    "token": pa.array([token(v, kind, self.key) for v in values], pa.string()),
                }
            )
            self.con.register("_lookup_rows", lookup)
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM _lookup_rows")
            self.con.unregister("_lookup_rows")
            sizes[kind] = len(values)
        return sizes

    def _value_queries(self, targets: list[Target], kind: str) -> list[tuple[Target, str]]:
        fields = CHANGED_USER_FIELDS if kind == "user" else CHANGED_CUSTOMER_FIELDS
        queries = []
        for t in targets:
            source = self.relation(t.schema, t.table)
            col = quote(t.column)
            if t.kind == kind:
                queries.append((t, f"SELECT DISTINCT {col} FROM {source}"))
            elif t.kind == "by_field":
                condition = f"upper(trim({quote(t.field_column)})) IN ({_in_list(fields)})"
                queries.append((t, f"SELECT DISTINCT {col} FROM {source} WHERE {condition}"))
        return queries

    def relation(self, schema: str, table: str) -> str:
        return f"{quote(self.catalog)}.{quote(schema)}.{quote(table)}"

    def select_sql(self, schema: str, table: str, targets: list[Target], ordered: bool) -> str:
        """SELECT over the live relation with each target column replaced by its token."""
        source = self.relation(schema, table)
        if not targets:
            return f"SELECT * FROM {source}"
        replaced, joins = [], []
        for i, t in enumerate(targets):
            col = f"t.{quote(t.column)}"
            if t.kind == "quarantine":
                expression = f"{QUARANTINE_FUNCTION}('{table.upper()}', {col})"
            elif t.kind == "free_text":
                expression = f"{TEXT_FUNCTION}({col})"
            elif t.kind == "by_field":
                field = f"upper(trim(t.{quote(t.field_column)}))"
                joins += [self._join(f"u{i}", "user", col), self._join(f"c{i}", "customer", col)]
                expression = (
                    f"CASE WHEN {_blank(col)} THEN {col} "
                    f"WHEN {field} IN ({_in_list(CHANGED_USER_FIELDS)}) THEN u{i}.token "
                    f"WHEN {field} IN ({_in_list(CHANGED_CUSTOMER_FIELDS)}) THEN c{i}.token "
                    f"ELSE {col} END"
                )
            else:
                joins.append(self._join(f"p{i}", t.kind, col))
                # A value missing from the lookup cannot happen; if it did, NULL, not the name.
                expression = f"CASE WHEN {_blank(col)} THEN {col} ELSE p{i}.token END"
            replaced.append(f"{expression} AS {quote(t.column)}")
        order = " ORDER BY t.rowid" if ordered else ""
        return (
            f"SELECT t.* REPLACE ({', '.join(replaced)}) FROM {source} AS t "
            f"{' '.join(joins)}{order}"
        )

    @staticmethod
    def _join(alias: str, kind: str, col: str) -> str:
        return f"LEFT JOIN {LOOKUP[kind]} AS {alias} ON {alias}.value = {col}"

    def quarantine_content(self, table: str | None, content: str | None) -> str | None:
        """The quarantined row's JSON with its personal fields replaced by their tokens."""
        if content is None or table is None:
            return content
        try:
            row = json.loads(content)
        except ValueError:
            return json.dumps({"content": WITHHELD})
        if not isinstance(row, dict):
            return json.dumps({"content": WITHHELD})
        if "line" in row:  # an unreadable line: its fields cannot be told apart
            return json.dumps({**row, "line": WITHHELD})
        fields = personal_fields(table)
        for name, value in row.items():
            kind = fields.get(name)
            if kind is None and name in CHANGE_VALUE_FIELDS:
                kind = changed_field_kind(row.get("FNAME"))
            if kind and isinstance(value, str) and value.strip():
                row[name] = token(value, kind, self.key)
        return json.dumps(row)

    def free_text(self, text: str | None) -> str | None:
        """`text` with every name in it (as a whole word) replaced by its token."""
        if not text or not self.names:
            return text
        if self._pattern is None:
            longest_first = sorted(self.names, key=len, reverse=True)
            alternatives = "|".join(re.escape(name) for name in longest_first)
            self._pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")
        return self._pattern.sub(lambda match: self.names[match.group(0)], text)

    def verify(self, catalog: str) -> list[str]:
        """Text columns of `catalog` that still hold a clear value; empty when none does."""
        names = pa.table({"value": pa.array(sorted(self.names), pa.string())})
        self.con.register("_names", names)
        self.con.execute("CREATE OR REPLACE TEMP TABLE _clear_values AS SELECT * FROM _names")
        self.con.unregister("_names")
        columns = self.con.execute(
            "SELECT schema_name, table_name, column_name FROM duckdb_columns() "
            "WHERE database_name = ? AND data_type = 'VARCHAR' ORDER BY ALL",
            [catalog],
        ).fetchall()
        leaks = []
        for schema, table, column in columns:
            relation = f"{quote(catalog)}.{quote(schema)}.{quote(table)}"
            hit = self.con.execute(
                f"SELECT 1 FROM {relation} WHERE {quote(column)} IN "
                "(SELECT value FROM _clear_values) LIMIT 1"
            ).fetchone()
            if hit:
                leaks.append(f"{schema}.{table}.{column}")
        return leaks
