"""Type and check the staged rows in SQL: which rows can be loaded, and what is wrong with the rest.

Builds the temporary table _checked from _stage: the catalogue's columns typed for the raw
table, the row's content hash, and `_problems`, a list such as
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
"""

from __future__ import annotations

from datetime import datetime

import duckdb

from extractors.catalogue import SourceTable
from extractors.load.stamps import change_stamp_sql, valid_dats
from extractors.readers.base import STAGE, quote

CHECKED = "_checked"
NUMERIC_TYPES = {"CURR", "QUAN", "DEC", "INT4"}
# SAP key fields that are legitimately initial: open items have no special G/L indicator,
# no clearing document and may have no assignment number.
BLANK_ALLOWED_KEY_FIELDS = {"UMSKZ", "AUGBL", "AUGDT", "ZUONR"}
TIME_PATTERN = "([01][0-9]|2[0-3])[0-5][0-9][0-5][0-9]"
REPLACEMENT_CHAR = "chr(65533)"  # what an undecodable byte became while reading


def _blank(col: str) -> str:
    return f"({col} IS NULL OR trim({col}) = '')"


def number_text(col: str) -> str:
    """SAP exports write negative numbers with a trailing minus ('12.50-')."""
    return (
        f"CASE WHEN ends_with(trim({col}), '-') "
        f"THEN '-' || rtrim(trim({col}), '-') ELSE trim({col}) END"
    )


def typed_sql(col: str, sap_type: str, sql_type: str) -> str:
    if sap_type in NUMERIC_TYPES:
        return f"TRY_CAST(nullif({number_text(col)}, '') AS {sql_type})"
    return col


def _format_checks(column, sap_type: str, sql_type: str) -> list[tuple[str, str]]:
    """(problem code, SQL that is true when the value is bad) for one column."""
    col = quote(column)
    checks = []
    if sap_type not in NUMERIC_TYPES:
        checks.append(("invalid_encoding", f"contains({col}, {REPLACEMENT_CHAR})"))
    if sap_type == "DATS":
        ok = f"{_blank(col)} OR {col} = '00000000' OR {valid_dats(col)}"
        checks.append(("invalid_date", f"NOT ({ok})"))
    elif sap_type == "TIMS":
        ok = f"{_blank(col)} OR regexp_full_match({col}, '{TIME_PATTERN}')"
        checks.append(("invalid_time", f"NOT ({ok})"))
    elif sap_type == "TSTZ":
        ok = f"{_blank(col)} OR TRY_CAST({col} AS TIMESTAMPTZ) IS NOT NULL"
        checks.append(("invalid_timestamp", f"NOT ({ok})"))
    elif sap_type in NUMERIC_TYPES:
        ok = f"{_blank(col)} OR {typed_sql(col, sap_type, sql_type)} IS NOT NULL"
        checks.append(("invalid_number", f"NOT ({ok})"))
    return checks


def problem_list_sql(
    table: SourceTable, columns: list[str], as_of: datetime | None, timezone: str
) -> str:
    """SQL text: the comma-separated problems of a staged row ('' when it is good)."""
    by_name = {c.name: c for c in table.columns}
    checks: list[tuple[str, str, str]] = []  # (code, column, condition)
    for name in columns:
        for code, bad in _format_checks(name, by_name[name].sap_type, by_name[name].sql_type):
            checks.append((code, name, bad))
    for key in table.primary_key:
        col = quote(key)
        missing = f"{col} IS NULL" if key in BLANK_ALLOWED_KEY_FIELDS else _blank(col)
        checks.append(("missing_key", key, missing))
    order = ["invalid_encoding", "missing_key", "invalid_date", "invalid_time"]
    order += ["invalid_timestamp", "invalid_number"]
    checks.sort(key=lambda check: order.index(check[0]))
    parts = [f"CASE WHEN {bad} THEN '{code}:{name}' END" for code, name, bad in checks]
    stamp = change_stamp_sql(table, columns, timezone)
    if as_of is not None and stamp is not None:
        parts.append(
            f"CASE WHEN {stamp} > TIMESTAMPTZ '{as_of.isoformat()}' THEN 'after_as_of' END"
        )
    return f"concat_ws(', ', {', '.join(parts)})" if parts else "''"


def check_stage(
    con: duckdb.DuckDBPyConnection,
    table: SourceTable,
    columns: list[str],
    as_of: datetime | None,
    timezone: str,
) -> None:
    """Create _checked from _stage (see the module docstring)."""
    by_name = {c.name: c for c in table.columns}
    typed = ", ".join(
        f"{typed_sql(quote(c), by_name[c].sap_type, by_name[c].sql_type)} AS {quote(c)}"
        for c in columns
    )
    row_hash = "md5(to_json(list_value({})))".format(
        ", ".join(f"CAST({quote(c)} AS VARCHAR)" for c in columns)
    )
    keys = ", ".join(quote(k) for k in table.primary_key)
    key_label = "+".join(table.primary_key)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {CHECKED} AS
        WITH typed AS (
            SELECT rowid AS _stage_row, {typed},
                   {problem_list_sql(table, columns, as_of, timezone)} AS _format_problems
            FROM {STAGE}
        ), hashed AS (
            SELECT *, {row_hash} AS _row_hash FROM typed
        ), ok AS (
            SELECT *, CASE WHEN _format_problems = '' THEN _row_hash END AS _ok_hash
            FROM hashed
        )
        SELECT * EXCLUDE (_format_problems, _ok_hash),
            CASE
                WHEN _format_problems <> '' THEN _format_problems
                WHEN min(_ok_hash) OVER by_key <> max(_ok_hash) OVER by_key
                    THEN 'conflicting_duplicate:{key_label}'
                WHEN row_number() OVER (PARTITION BY {keys}, _ok_hash ORDER BY _stage_row) > 1
                    THEN 'duplicate_row'
                ELSE ''
            END AS _problems
        FROM ok
        WINDOW by_key AS (PARTITION BY {keys})
        """
    )


def reason_of(problems_sql: str) -> str:
    """SQL: the code of the first problem ('invalid_date' of 'invalid_date:ERDAT, ...')."""
    return f"split_part(split_part({problems_sql}, ', ', 1), ':', 1)"
