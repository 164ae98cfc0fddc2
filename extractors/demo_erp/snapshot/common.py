"""Formatting in SAP's conventions and applying change documents to table rows."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...catalogue import BY_NAME
from ..sapformat import NO_DATE, NO_TIME, dats, dats_of_day, tims, zfill  # noqa: F401


def upto(t, as_of: float) -> np.ndarray:
    """True where something happened (not NaN) at or before the as-of time."""
    t = np.asarray(t, dtype=float)
    return ~np.isnan(t) & (t <= as_of)


def when(t, as_of: float) -> np.ndarray:
    """The time if it happened by the as-of time, else NaN."""
    t = np.asarray(t, dtype=float)
    return np.where(upto(t, as_of), t, np.nan)


def frame(table: str, flavour: str, columns: dict, n: int | None = None) -> pd.DataFrame:
    """A table in catalogue column order; missing text columns are blank."""
    spec = BY_NAME[table].columns_for(flavour)
    if n is None:
        n = next(len(v) for v in columns.values() if np.ndim(v) > 0)
    out = {}
    for col in spec:
        value = columns.get(col.name, "" if col.sql_type == "VARCHAR" else 0.0)
        if np.ndim(value) == 0:
            value = np.full(n, value, dtype=object if isinstance(value, str) else float)
        out[col.name] = value
    unknown = set(columns) - {c.name for c in spec}
    if unknown:
        raise KeyError(f"{table}: columns not in the catalogue: {sorted(unknown)}")
    return pd.DataFrame(out)


def apply_changes(
    table: pd.DataFrame, tabname: str, cdpos: pd.DataFrame, key_columns: list[str]
) -> pd.DataFrame:
    """Set each changed field to the newest VALUE_NEW among the change documents given
    (already cut at the as-of time), so the table and CDPOS always agree."""
    rows = cdpos[(cdpos["tabname"] == tabname) & (cdpos["chngind"] == "U")]
    if rows.empty or table.empty:
        return table
    rows = rows.sort_values(["at", "changenr"], kind="stable").drop_duplicates(
        ["tabkey", "fname"], keep="last"
    )
    key = table[key_columns[0]].astype(str)
    for column in key_columns[1:]:
        key = key + table[column].astype(str)
    for fname, changes in rows.groupby("fname"):
        new = key.map(changes.set_index("tabkey")["value_new"])
        hit = new.notna().to_numpy()
        if not hit.any():
            continue
        if pd.api.types.is_numeric_dtype(table[fname]):
            table.loc[hit, fname] = new[hit].astype(float).to_numpy()
        else:
            table.loc[hit, fname] = new[hit].to_numpy()
    return table


def position_numbers(group: pd.Series) -> np.ndarray:
    """000010, 000020, ... within each group, in row order."""
    rank = group.groupby(group, sort=False).cumcount().to_numpy() + 1
    return zfill(rank * 10, 6)
