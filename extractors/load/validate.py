"""Type and check source rows in SQL as they arrive: which rows can be loaded, and why not.

Readers hand their rows over as SQL relations of text columns (see readers/base.py); each
relation goes through one INSERT ... SELECT into the temporary table _checked, which keeps
the row as read (text, for quarantine), its position in the extract (`_pos`), its content
hash (`_row_hash`, of the typed business columns) and `_problems`, a list such as
'invalid_date:ERDAT, invalid_number:NETWR' that is empty for a good row. Checks, in the
order their codes are listed:

  invalid_encoding       text that was not valid UTF-8 in the source
  missing_key            a primary-key field is NULL or blank
  invalid_date           DATS not a calendar date 'YYYYMMDD' (or '00000000', blank)
  invalid_time           TIMS not 'HHMMSS' from 000000 to 235959 (or blank)
  invalid_timestamp      TSTZ not an ISO-8601 timestamp (or blank)
  invalid_number         CURR/QUAN/DEC/INT4 not a number that fits the column's type
  after_as_of            created or changed after the run's as-of time (when one is given)
  conflicting_duplicate  another row of this extract has the same key and other content
                         (all such rows are refused: which one is right cannot be known)
  duplicate_row          an exact copy of a row loaded from this extract

The row checks run in the same pass that reads the source; the two duplicate checks need
the whole extract and run afterwards (`mark_duplicates`): a GROUP BY on the key finds the
keys seen more than once (usually none), and only their rows are looked at again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import duckdb

from extractors.catalogue import SourceTable
from extractors.load.stamps import change_stamp_sql, local_stamp_sql, valid_dats
from extractors.readers.base import POSITION, UNREADABLE, quote

CHECKED = "_checked"
DUPLICATE_KEYS = "_duplicate_keys"
KEY_HASH = "_key_hash"  # a 64-bit hash of a good row's key: to find repeated keys fast
NUMERIC_TYPES = {"CURR", "QUAN", "DEC", "INT4"}
# SAP key fields that are legitimately initial: open items have no special G/L indicator,
# no clearing document and may have no assignment number.
BLANK_ALLOWED_KEY_FIELDS = {"UMSKZ", "AUGBL", "AUGDT", "ZUONR"}
TIME_PATTERN = "([01][0-9]|2[0-3])[0-5][0-9][0-5][0-9]"
# Dates that are valid whatever the month (day 01-28): most dates; the others take the
# full check (valid_dats) below.
SURE_DATE_PATTERN = "[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|1[0-9]|2[0-8])"
REPLACEMENT_CHAR = "chr(65533)"  # what an undecodable byte became while reading
TYPED_PREFIX = "_typed_"


def _blank(col: str) -> str:
    """NULL or nothing but spaces (what trim() removes).

    trim() removes ' ' and Unicode space separators, none of them another ASCII
    character: a value starting with one of '!' to DEL is not blank, which is cheaper
    to see than trimming it.
    """
    return f"({col} IS NULL OR (NOT ({col} >= '!' AND {col} < chr(128)) AND trim({col}) = ''))"


def number_text(col: str) -> str:
    """SAP exports write negative numbers with a trailing minus ('12.50-')."""
    return (
        f"CASE WHEN ends_with(trim({col}), '-') "
        f"THEN '-' || rtrim(trim({col}), '-') ELSE trim({col}) END"
    )


def typed_sql(col: str, sap_type: str, sql_type: str) -> str:
    """SQL typing one text column for the raw table (NULL where the text is no number).

    A plain cast succeeds for almost every value; only where it fails (blank, SAP's
    trailing minus, garbage) is the text rewritten and cast again. A value a plain cast
    accepts cannot end in '-', so both ways give the same number.
    """
    if sap_type in NUMERIC_TYPES:
        return (
            f"coalesce(TRY_CAST({col} AS {sql_type}), "
            f"TRY_CAST(nullif({number_text(col)}, '') AS {sql_type}))"
        )
    return col


def _unless(ok: str) -> str:
    """SQL true when `ok` is not. DuckDB evaluates NOT (a OR b) in full for every row,
    but stops at the first true test of a CASE condition: costly tests come last."""
    return f"CASE WHEN {ok} THEN false ELSE true END"


def _format_checks(column, sap_type: str) -> list[tuple[str, str]]:
    """(problem code, SQL that is true when the value is bad, never NULL) for one column.

    Numeric checks read the typed value `_typed_<column>` computed beside the text. The
    tests are ordered so that common values are settled by the cheapest ones.
    """
    col = quote(column)
    checks = []
    if sap_type not in NUMERIC_TYPES:
        checks.append(
            ("invalid_encoding", f"({col} IS NOT NULL AND contains({col}, {REPLACEMENT_CHAR}))")
        )
    if sap_type == "DATS":
        ok = (
            f"{col} = '' OR {col} = '00000000' OR regexp_full_match({col}, '{SURE_DATE_PATTERN}') "
            f"OR {_blank(col)} OR {valid_dats(col)}"
        )
        checks.append(("invalid_date", _unless(ok)))
    elif sap_type == "TIMS":
        ok = f"{col} = '' OR regexp_full_match({col}, '{TIME_PATTERN}') OR {_blank(col)}"
        checks.append(("invalid_time", _unless(ok)))
    elif sap_type == "TSTZ":
        ok = f"{col} = '' OR TRY_CAST({col} AS TIMESTAMPTZ) IS NOT NULL OR {_blank(col)}"
        checks.append(("invalid_timestamp", _unless(ok)))
    elif sap_type in NUMERIC_TYPES:
        ok = f"{quote(TYPED_PREFIX + column)} IS NOT NULL OR {_blank(col)}"
        checks.append(("invalid_number", _unless(ok)))
    return checks


def problem_list_sql(
    table: SourceTable, columns: list[str], as_of: datetime | None, timezone: str
) -> str:
    """SQL text: the comma-separated problems of a row ('' when it is good).

    Evaluated over the text columns plus `_typed_<column>` for the numeric ones. The list
    is only spelled out for rows with a problem; good rows stop at the cheaper test.
    """
    by_name = {c.name: c for c in table.columns}
    checks: list[tuple[str, str, str]] = []  # (code, column, condition)
    for name in columns:
        for code, bad in _format_checks(name, by_name[name].sap_type):
            checks.append((code, name, bad))
    for key in table.primary_key:
        col = quote(key)
        missing = f"{col} IS NULL" if key in BLANK_ALLOWED_KEY_FIELDS else _blank(col)
        checks.append(("missing_key", key, missing))
    order = ["invalid_encoding", "missing_key", "invalid_date", "invalid_time"]
    order += ["invalid_timestamp", "invalid_number"]
    checks.sort(key=lambda check: order.index(check[0]))
    conditions = [(bad, f"'{code}:{name}'") for code, name, bad in checks]
    stamp = change_stamp_sql(table, columns, timezone)
    if as_of is not None and stamp is not None:
        # Only rows whose local time is near or after the as-of time take the conversion.
        near = (as_of.astimezone(UTC) - timedelta(days=1)).replace(tzinfo=None)
        after = (
            f"{local_stamp_sql(table, columns)} >= TIMESTAMP '{near.isoformat()}' "
            f"AND {stamp} > TIMESTAMPTZ '{as_of.isoformat()}'"
        )
        conditions.append((f"coalesce({after}, false)", "'after_as_of'"))
    if not conditions:
        return "''"
    listed = ", ".join(f"CASE WHEN {bad} THEN {label} END" for bad, label in conditions)
    any_bad = " OR ".join(bad for bad, _ in conditions)
    return f"CASE WHEN {any_bad} THEN concat_ws(', ', {listed}) ELSE '' END"


def row_hash_sql(table: SourceTable, columns: list[str], typed: dict[str, str]) -> str:
    """md5 of the typed business columns as JSON text (unchanged since the first load)."""
    return "md5(to_json(list_value({})))".format(
        ", ".join(f"CAST({typed.get(c, quote(c))} AS VARCHAR)" for c in columns)
    )


def checked_select(
    table: SourceTable,
    columns: list[str],
    as_of: datetime | None,
    timezone: str,
    relation: str,
) -> str:
    """SELECT the rows of `relation` (text columns and _pos) with _problems and _row_hash."""
    by_name = {c.name: c for c in table.columns}
    numeric = [c for c in columns if by_name[c].sap_type in NUMERIC_TYPES]
    typed = {c: quote(TYPED_PREFIX + c) for c in numeric}
    typed_columns = "".join(
        f", {typed_sql(quote(c), by_name[c].sap_type, by_name[c].sql_type)} AS {typed[c]}"
        for c in numeric
    )
    text = ", ".join(quote(c) for c in columns)
    keys = ", ".join(quote(k) for k in table.primary_key)
    return f"""
        SELECT {text}, {POSITION}, _problems,
               CASE WHEN _problems = '' THEN {row_hash_sql(table, columns, typed)} END
                   AS _row_hash,
               CASE WHEN _problems = '' THEN hash({keys}) END AS {KEY_HASH}
        FROM (
            SELECT *, {problem_list_sql(table, columns, as_of, timezone)} AS _problems
            FROM (SELECT {text}, {POSITION}{typed_columns} FROM ({relation}) AS _source)
        )
    """


class CheckedRows:
    """Where a reader puts the rows it reads: checked on the way into _checked."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        table: SourceTable,
        columns: list[str],
        as_of: datetime | None,
        timezone: str,
    ):
        self.con, self.table, self.columns = con, table, columns
        self.as_of, self.timezone = as_of, timezone
        cols = ", ".join(f"{quote(c)} VARCHAR" for c in columns)
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {CHECKED} "
            f"({cols}, {POSITION} BIGINT, _problems VARCHAR, _row_hash VARCHAR, "
            f"{KEY_HASH} UBIGINT)"
        )
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {UNREADABLE} "
            "(reason VARCHAR, details VARCHAR, raw_content VARCHAR)"
        )

    def append(self, relation: str, params: Sequence = ()) -> None:
        """Check and keep the rows of a SELECT giving the columns as text, and _pos."""
        select = checked_select(self.table, self.columns, self.as_of, self.timezone, relation)
        self.con.execute(f"INSERT INTO {CHECKED} {select}", list(params))

    def reset(self) -> None:
        """Forget every row appended so far (a reader starting over)."""
        self.con.execute(f"DELETE FROM {CHECKED}; DELETE FROM {UNREADABLE}")


def mark_duplicates(con: duckdb.DuckDBPyConnection, table: SourceTable) -> None:
    """Refuse rows whose key another good row of the extract has (see the module docstring)."""
    keys = ", ".join(quote(k) for k in table.primary_key)
    match = " AND ".join(f"c.{quote(k)} = d.{quote(k)}" for k in table.primary_key)
    key_label = "+".join(table.primary_key)
    # Equal keys have equal hashes: no repeated hash, no repeated key (the usual case).
    repeated = f"""
        SELECT {KEY_HASH} FROM {CHECKED} WHERE {KEY_HASH} IS NOT NULL
        GROUP BY {KEY_HASH} HAVING count(*) > 1
    """
    if not con.execute(f"SELECT count(*) FROM ({repeated})").fetchone()[0]:
        return
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {DUPLICATE_KEYS} AS
        SELECT {keys}, min(_row_hash) <> max(_row_hash) AS _conflicting
        FROM {CHECKED} WHERE _problems = '' AND {KEY_HASH} IN ({repeated})
        GROUP BY {keys} HAVING count(*) > 1
        """
    )
    if not con.execute(f"SELECT count(*) FROM {DUPLICATE_KEYS}").fetchone()[0]:
        return
    # Different content under one key: every such row is refused. The same content more
    # than once: the first copy (in extract order) is loaded, the others refused.
    con.execute(
        f"""
        UPDATE {CHECKED} AS t SET _problems = r.problem
        FROM (
            SELECT c.{POSITION},
                   CASE WHEN d._conflicting THEN 'conflicting_duplicate:{key_label}'
                        ELSE 'duplicate_row' END AS problem,
                   d._conflicting OR row_number() OVER (
                       PARTITION BY {", ".join(f"c.{quote(k)}" for k in table.primary_key)}
                       ORDER BY c.{POSITION}) > 1 AS refused
            FROM {CHECKED} AS c JOIN {DUPLICATE_KEYS} AS d ON {match}
            WHERE c._problems = ''
        ) AS r
        WHERE t.{POSITION} = r.{POSITION} AND r.refused
        """
    )


def reason_of(problems_sql: str) -> str:
    """SQL: the code of the first problem ('invalid_date' of 'invalid_date:ERDAT, ...')."""
    return f"split_part(split_part({problems_sql}, ', ', 1), ':', 1)"
