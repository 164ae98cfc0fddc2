"""Turn a batch of database rows into an Arrow table of text columns.

Drivers return Python objects (str, Decimal, float, int, date, bytes); the loader checks
the source's values as text. Columns that are already text take Arrow's fast path; only
the others are formatted value by value (numbers the quick way, the rest by `to_text`).
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
    for column, sap_type in zip(zip(*rows, strict=True), sap_types, strict=True):
        values = list(column)  # pyarrow converts a list many times faster than a tuple
        try:
            arrays.append(pa.array(values, type=pa.string()))
        except (pa.ArrowTypeError, pa.ArrowInvalid):
            arrays.append(pa.array(_texts(values, sap_type), type=pa.string()))
    if not rows:
        arrays = [pa.array([], type=pa.string()) for _ in columns]
    return pa.Table.from_arrays(arrays, names=columns)


def _texts(values: Sequence, sap_type: str) -> list[str | None]:
    """`to_text` of each value; ints and floats (most of them) without the call."""
    return [
        value
        if value is None or value.__class__ is str
        else repr(value)  # an int's repr is its str
        if value.__class__ is float or value.__class__ is int
        else to_text(value, sap_type)
        for value in values
    ]


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
