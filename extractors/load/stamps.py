"""SQL for when a source row was created or last changed, from the catalogue's watermark fields.

Used for three things: the watermark (the newest date loaded per table), the run's as-of
time (the newest change in the whole source) and the check that no row is newer than a
given as-of time. SAP keeps local date and time in separate fields; a date without a time
field of its own (AEDAT, LAUFD) counts from the start of its day.
"""

from __future__ import annotations

from extractors.catalogue import SourceTable
from extractors.readers.base import quote

# The time field that belongs to a date field, where SAP has one.
TIME_OF_DATE = {"ERDAT": "ERZET", "CPUDT": "CPUTM", "UDATE": "UTIME", "CPUDT_MKPF": "CPUTM_MKPF"}


def _types(table: SourceTable) -> dict[str, str]:
    return {c.name: c.sap_type for c in table.columns}


def valid_dats(column_sql: str) -> str:
    """True when the text is a real calendar date 'YYYYMMDD' (not the empty '00000000')."""
    return (
        f"(regexp_full_match({column_sql}, '[0-9]{{8}}') AND {column_sql} <> '00000000' "
        f"AND try_strptime({column_sql}, '%Y%m%d') IS NOT NULL)"
    )


def watermark_date_sql(table: SourceTable, columns: list[str]) -> str | None:
    """SQL DATE: the latest watermark field of a row (local date for SAP, UTC for CRM)."""
    parts = []
    types = _types(table)
    for field in table.watermark:
        if field not in columns:
            continue
        col = quote(field)
        if types[field] == "TSTZ":
            parts.append(f"CAST(TRY_CAST(nullif(trim({col}), '') AS TIMESTAMPTZ) AS DATE)")
        else:
            parts.append(
                f"CASE WHEN {valid_dats(col)} THEN CAST(strptime({col}, '%Y%m%d') AS DATE) END"
            )
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else f"greatest({', '.join(parts)})"


def change_stamp_sql(table: SourceTable, columns: list[str], timezone: str) -> str | None:
    """SQL TIMESTAMPTZ: when a row was last created or changed (local SAP time -> instant)."""
    return _stamp_sql(table, columns, timezone)


def local_stamp_sql(table: SourceTable, columns: list[str]) -> str | None:
    """SQL TIMESTAMP: change_stamp_sql before the time-zone conversion (CRM times in UTC).

    Cheap to compute for every row, and never more than a day (the largest UTC offset)
    away from the instant: the newest instant is among the rows whose local stamp is
    within two days of the newest local stamp.
    """
    return _stamp_sql(table, columns, None)


def _stamp_sql(table: SourceTable, columns: list[str], timezone: str | None) -> str | None:
    parts = []
    types = _types(table)
    for field in table.watermark:
        if field not in columns:
            continue
        col = quote(field)
        if types[field] == "TSTZ":
            instant = f"TRY_CAST(nullif(trim({col}), '') AS TIMESTAMPTZ)"
            parts.append(instant if timezone else f"CAST({instant} AS TIMESTAMP)")
            continue
        time_field = TIME_OF_DATE.get(field)
        time_sql = "'000000'"
        if time_field in columns:
            t = quote(time_field)
            time_sql = f"CASE WHEN regexp_full_match({t}, '[0-9]{{6}}') THEN {t} ELSE '000000' END"
        local = f"try_strptime({col} || {time_sql}, '%Y%m%d%H%M%S')"
        if timezone:
            local = f"timezone('{timezone.replace(chr(39), chr(39) * 2)}', {local})"
        parts.append(f"CASE WHEN {valid_dats(col)} THEN {local} END")
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else f"greatest({', '.join(parts)})"
