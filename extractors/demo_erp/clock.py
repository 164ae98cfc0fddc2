"""Time arithmetic for the simulator, vectorised over numpy arrays.

Times are float seconds since 1970-01-01 in the source system's local wall time (SAP
stores local date and time); NaN means "did not happen". Staying in floats lets numpy
propagate "never" through max/min and keeps a million items in a few arrays.
"""

from __future__ import annotations

from datetime import date

import numpy as np

DAY = 86400.0
HOUR = 3600.0
MINUTE = 60.0
EPOCH = date(1970, 1, 1)


def day_number(d: date) -> int:
    return (d - EPOCH).days


def weekday(t: np.ndarray) -> np.ndarray:
    """Monday = 0. 1970-01-01 was a Thursday."""
    return ((np.floor(t / DAY).astype(np.int64) + 3) % 7).astype(np.int64)


def lognormal_days(rng: np.random.Generator, n: int, median_days: float, sigma: float = 0.6):
    return rng.lognormal(np.log(median_days), sigma, n) * DAY


def in_work_hours(rng: np.random.Generator, t: np.ndarray) -> np.ndarray:
    """Move times outside office hours (Mon-Fri 08:00-18:00) to the next office morning.

    Manual users only act in office hours; the minutes after 08:00 are random so that
    events moved to the same morning do not tie.
    """
    t = np.asarray(t, dtype=float)
    day = np.floor(t / DAY)
    tod = t - day * DAY
    wd = (np.nan_to_num(day).astype(np.int64) + 3) % 7
    late = tod >= 18 * HOUR
    early = tod < 8 * HOUR
    day = np.where(late, day + 1, day)
    wd = (np.nan_to_num(day).astype(np.int64) + 3) % 7
    shift = np.where(wd == 5, 2, np.where(wd == 6, 1, 0))
    moved = late | early | (shift > 0)
    day = day + shift
    morning = day * DAY + 8 * HOUR + rng.uniform(5, 150, t.shape[0]) * MINUTE
    out = np.where(moved, morning, t)
    return np.where(np.isnan(t), np.nan, np.floor(out))


def next_batch_run(rng: np.random.Generator, t: np.ndarray, hour: float) -> np.ndarray:
    """The first nightly batch run at `hour` (+ a few minutes) after t, any day of the week."""
    t = np.asarray(t, dtype=float)
    day = np.floor(t / DAY)
    run = day * DAY + hour * HOUR
    run = np.where(run <= t, run + DAY, run)
    out = np.floor(run + rng.uniform(1, 40, t.shape[0]) * MINUTE)
    return np.where(np.isnan(t), np.nan, out)


def seconds_later(rng: np.random.Generator, t: np.ndarray, low: float, high: float):
    return np.where(np.isnan(t), np.nan, np.floor(t + rng.uniform(low, high, len(t))))


def day_of(t: np.ndarray) -> np.ndarray:
    """Local calendar day number (NaN stays NaN)."""
    return np.floor(np.asarray(t, dtype=float) / DAY)


def end_of_day(day: np.ndarray) -> np.ndarray:
    return np.asarray(day, dtype=float) * DAY + DAY - 1


def next_workday(day) -> np.ndarray:
    """The day itself if Monday-Friday, else the following Monday (local day numbers)."""
    day = np.asarray(day, dtype=float)
    wd = (np.nan_to_num(day).astype(np.int64) + 3) % 7
    return day + np.where(wd == 5, 2, np.where(wd == 6, 1, 0))
