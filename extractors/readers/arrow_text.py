"""Turn a batch of database rows into an Arrow table of text columns.

Drivers return Python objects (str, Decimal, float, int, date, bytes); the staging area
holds the source's values as text so that validation can judge them. Columns that are
already text take Arrow's fast path; only the others are formatted value by value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

import pyarrow as pa


def rows_to_text_table(
    rows: Sequence[Sequence], columns: list[str], sap_types: list[str]
) -> pa.Table:
    arrays = []
    for values, sap_type in zip(zip(*rows, strict=True), sap_types, strict=True):
        try:
            arrays.append(pa.array(values, type=pa.string()))
        except (pa.ArrowTypeError, pa.ArrowInvalid):
            arrays.append(pa.array([to_text(v, sap_type) for v in values], type=pa.string()))
    if not rows:
        arrays = [pa.array([], type=pa.string()) for _ in columns]
    return pa.Table.from_arrays(arrays, names=columns)


def to_text(value, sap_type: str) -> str | None:
    """One value in the text form an SAP export would carry."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, bool):
        return "X" if value else ""
    if isinstance(value, Decimal):
        return format(value, "f")  # never '1E-7': plain digits as SAP writes them
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.datetime):
        if sap_type == "DATS":
            return value.strftime("%Y%m%d")
        if sap_type == "TIMS":
            return value.strftime("%H%M%S")
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.strftime("%Y%m%d")
    if isinstance(value, dt.time):
        return value.strftime("%H%M%S")
    return str(value)
