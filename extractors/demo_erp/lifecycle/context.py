"""Shared state of one simulated block: the orders, items, random stream and the sinks
that collect true events, change documents and injected deviations."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..config import DemoConfig
from ..masters import Masters

HEADER = -1  # item index of an event that belongs to every item of its order


@dataclass
class Ctx:
    config: DemoConfig
    masters: Masters
    rng: np.random.Generator
    orders: pd.DataFrame
    items: pd.DataFrame
    events: list = field(default_factory=list)
    changes: list = field(default_factory=list)
    deviations: list = field(default_factory=list)
    cdpos: list = field(default_factory=list)
    billing_plan: pd.DataFrame | None = None
    next_change_id: int = 0

    @property
    def n(self) -> int:
        return len(self.orders)

    @property
    def m(self) -> int:
        return len(self.items)

    def o(self, column: str) -> np.ndarray:
        return self.orders[column].to_numpy()

    def i(self, column: str) -> np.ndarray:
        return self.items[column].to_numpy()

    def item_order(self) -> np.ndarray:
        return self.items["order_pos"].to_numpy()

    def rand(self, size: int) -> np.ndarray:
        return self.rng.random(size)

    def pick(self, role: str, size: int) -> np.ndarray:
        return self.rng.choice(self.masters.users_of(role), size)

    # --- sinks ------------------------------------------------------------------------
    def event(
        self,
        activity: str,
        at,
        user,
        *,
        order_pos=None,
        item=None,
        delivery="",
        invoice="",
        accounting="",
        visible=None,
        hidden=None,
    ) -> None:
        """Record true events: either per item (`item`) or per order header (`order_pos`)."""
        at = np.asarray(at, dtype=float)
        keep = ~np.isnan(at)
        if not keep.any():
            return
        if item is not None:
            item = np.asarray(item)[keep]
            order_pos = self.item_order()[item]
        else:
            order_pos = np.asarray(order_pos)[keep]
            item = np.full(len(order_pos), HEADER)
        self.events.append(
            pd.DataFrame(
                {
                    "order_pos": order_pos,
                    "item": item,
                    "activity": activity,
                    "at": at[keep],
                    "user": _pick(user, keep),
                    "delivery": _pick(delivery, keep),
                    "invoice": _pick(invoice, keep),
                    "accounting": _pick(accounting, keep),
                    # When the source shows the event (a back-dated clearing shows when entered).
                    "visible_at": at[keep] if visible is None else np.asarray(visible, float)[keep],
                    # When the source stops showing it (a back-dated clearing undoes it).
                    "hidden_at": np.nan if hidden is None else np.asarray(hidden, float)[keep],
                }
            )
        )

    def change(
        self,
        activity: str,
        at,
        user,
        order_pos,
        item,
        objectclas: str,
        objectid,
        tcode: str,
        rows: list[tuple],
        group=None,
        change_ind: str = "U",
    ) -> None:
        """A change document (CDHDR) with its CDPOS rows and the event it stands for.

        rows: (tabname, tabkey, fname, chngind, value_old, value_new), arrays aligned
        with `at`. `item` is HEADER for header changes (they belong to every item).
        """
        at = np.asarray(at, dtype=float)
        keep = ~np.isnan(at)
        if not keep.any():
            return
        k = int(keep.sum())
        if group is None:
            ids = np.arange(self.next_change_id, self.next_change_id + k)
        else:
            # Rows of one group are one change document (e.g. all items of a cancelled order).
            _, ids = np.unique(np.asarray(group)[keep], return_inverse=True)
            ids = ids + self.next_change_id
        self.next_change_id = int(ids.max()) + 1
        self.changes.append(
            pd.DataFrame(
                {
                    "change_id": ids,
                    "order_pos": np.asarray(order_pos)[keep],
                    "item": np.broadcast_to(np.asarray(item), at.shape)[keep],
                    "activity": activity,
                    "at": at[keep],
                    "user": _pick(user, keep),
                    "objectclas": objectclas,
                    "change_ind": change_ind,
                    "objectid": _pick(objectid, keep),
                    "tcode": tcode,
                }
            )
        )
        for tabname, tabkey, fname, chngind, old, new in rows:
            self.cdpos.append(
                pd.DataFrame(
                    {
                        "change_id": ids,
                        "tabname": tabname,
                        "tabkey": _pick(tabkey, keep),
                        "fname": fname,
                        "chngind": chngind,
                        "value_old": _pick(old, keep),
                        "value_new": _pick(new, keep),
                    }
                )
            )


def _pick(value, keep: np.ndarray) -> np.ndarray:
    if np.ndim(value) == 0:
        return np.full(int(keep.sum()), value, dtype=object)
    return np.asarray(value, dtype=object)[keep]


def items_of_orders(ctx: Ctx, order_mask: np.ndarray) -> np.ndarray:
    """Indexes of the items whose order is selected by `order_mask`."""
    return np.flatnonzero(order_mask[ctx.item_order()])


def per_order_max(ctx: Ctx, values: np.ndarray) -> np.ndarray:
    """Maximum of an item-level array per order (NaN-aware; NaN when all NaN)."""
    out = np.full(ctx.n, -np.inf)
    np.fmax.at(out, ctx.item_order(), np.where(np.isnan(values), -np.inf, values))
    return np.where(np.isinf(out), np.nan, out)


def per_order_any(ctx: Ctx, flags: np.ndarray) -> np.ndarray:
    out = np.zeros(ctx.n, dtype=bool)
    np.logical_or.at(out, ctx.item_order(), flags)
    return out
