"""SAP's text formats for dates and times."""

from __future__ import annotations

import numpy as np

from .clock import DAY

NO_DATE = "00000000"
NO_TIME = "000000"


def dats_of_day(day) -> np.ndarray:
    """Local day numbers as 'YYYYMMDD'; NaN as '00000000'."""
    day = np.asarray(day, dtype=float)
    ok = ~np.isnan(day)
    out = np.full(day.shape, NO_DATE, dtype=object)
    if ok.any():
        d = day[ok].astype(np.int64).astype("datetime64[D]").astype(str)
        out[ok] = np.char.replace(d, "-", "")
    return out


def dats(t) -> np.ndarray:
    """Seconds (local) as the date 'YYYYMMDD'."""
    return dats_of_day(np.floor(np.asarray(t, dtype=float) / DAY))


def tims(t) -> np.ndarray:
    t = np.asarray(t, dtype=float)
    ok = ~np.isnan(t)
    out = np.full(t.shape, NO_TIME, dtype=object)
    if ok.any():
        s = (t[ok] - np.floor(t[ok] / DAY) * DAY).astype(np.int64)
        out[ok] = np.char.zfill(
            ((s // 3600) * 10000 + (s % 3600) // 60 * 100 + s % 60).astype(str), 6
        )
    return out


def zfill(values, width: int) -> np.ndarray:
    """Zero-padded text of integers (numpy's zfill fails on empty arrays)."""
    values = np.asarray(values, dtype=np.int64)
    if values.size == 0:
        return np.array([], dtype=object)
    return np.char.zfill(values.astype(str), width).astype(object)
