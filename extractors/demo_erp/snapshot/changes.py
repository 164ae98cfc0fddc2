"""Change documents (CDHDR, CDPOS) as of the as-of time."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..lifecycle import Timeline
from .common import dats, frame, tims, zfill


def numbered_changes(tl: Timeline) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per change document (with CHANGENR) and its CDPOS rows with the time.

    Change numbers count each order's changes in time order from order_seq * 256, so a
    change keeps its number when the source is continued by more days.
    """
    docs = tl.changes.drop_duplicates("change_id").sort_values(
        ["order_pos", "at", "change_id"], kind="stable"
    )
    rank = docs.groupby("order_pos").cumcount().to_numpy()
    seq = tl.orders["order_seq"].to_numpy()[docs["order_pos"].to_numpy()]
    docs = docs.assign(changenr=zfill(seq * 256 + rank, 10))
    pos = tl.cdpos.drop_duplicates(["change_id", "tabname", "tabkey", "fname", "chngind"])
    pos = pos.merge(docs[["change_id", "changenr", "at", "objectclas", "objectid"]], on="change_id")
    return docs, pos


def cut(docs: pd.DataFrame, pos: pd.DataFrame, as_of: float):
    return docs[docs["at"] <= as_of], pos[pos["at"] <= as_of]


def cdhdr_table(docs: pd.DataFrame, client: str, flavour: str) -> pd.DataFrame:
    at = docs["at"].to_numpy()
    return frame(
        "CDHDR",
        flavour,
        {
            "MANDANT": client,
            "OBJECTCLAS": docs["objectclas"].to_numpy(),
            "OBJECTID": docs["objectid"].to_numpy(),
            "CHANGENR": docs["changenr"].to_numpy(),
            "USERNAME": docs["user"].to_numpy(),
            "UDATE": dats(at),
            "UTIME": tims(at),
            "TCODE": docs["tcode"].to_numpy(),
            "CHANGE_IND": docs["change_ind"].to_numpy(),
        },
        len(docs),
    )


def cdpos_table(pos: pd.DataFrame, client: str, flavour: str) -> pd.DataFrame:
    return frame(
        "CDPOS",
        flavour,
        {
            "MANDANT": client,
            "OBJECTCLAS": pos["objectclas"].to_numpy(),
            "OBJECTID": pos["objectid"].to_numpy(),
            "CHANGENR": pos["changenr"].to_numpy(),
            "TABNAME": pos["tabname"].to_numpy(),
            "TABKEY": pos["tabkey"].to_numpy(),
            "FNAME": pos["fname"].to_numpy(),
            "CHNGIND": pos["chngind"].to_numpy(),
            "VALUE_NEW": pos["value_new"].to_numpy(),
            "VALUE_OLD": pos["value_old"].to_numpy(),
            "UDATE": dats(pos["at"].to_numpy()),
        },
        len(pos),
    )


def last_change_day(docs: pd.DataFrame, by: str, size: int) -> np.ndarray:
    """Day number of the newest change per order (or item), NaN when none."""
    out = np.full(size, np.nan)
    if len(docs):
        newest = docs.groupby(by)["at"].max()
        idx = newest.index.to_numpy()
        keep = idx >= 0
        out[idx[keep]] = np.floor(newest.to_numpy()[keep] / 86400.0)
    return out
