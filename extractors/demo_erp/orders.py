"""Orders and items entered in one 28-day block of business days.

Each block draws from its own random stream ([seed, block]), so a source continued by
`--days N` keeps every earlier order exactly as it was and only adds new ones.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .clock import DAY, HOUR, day_number, next_workday
from .config import FULFILMENT_MODELS, DemoConfig
from .lifecycle.keys import order_number
from .masters import ORDER_TYPES, PLANTS, Masters

MONTH_FACTOR = np.array([0.9, 0.95, 1.05, 1.0, 1.0, 1.0, 0.95, 0.8, 1.05, 1.1, 1.15, 1.05])
WEEKDAY_FACTOR = np.array([1.2, 1.2, 1.2, 1.2, 1.1, 0.07, 0.03])
WEEKDAY_FACTOR = WEEKDAY_FACTOR / WEEKDAY_FACTOR.mean()  # averages 1.0 over a week
EXTRA_ITEMS_MEAN = {"make_to_stock": 2.0, "make_to_order": 2.0, "service": 0.5, "subscription": 0.0}


def mean_items_per_order(config: DemoConfig) -> float:
    shares = config.raw["shares"]["fulfilment"]
    return sum(shares[m] * (1 + EXTRA_ITEMS_MEAN[m]) for m in FULFILMENT_MODELS)


def orders_per_day(config: DemoConfig) -> float:
    return float(config.raw["items"]) / (config.days * mean_items_per_order(config))


BLOCK_DAYS = 28


def draw_block(
    config: DemoConfig, masters: Masters, seed: int, block: int, first_seq: int, base_rate: float
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Orders (one row each) and items entered in the 28-day block number `block`.

    The whole block is drawn even past the as-of time; the snapshot hides what is later.
    """
    rng = np.random.default_rng([seed, block])
    first_day = day_number(config.start) + BLOCK_DAYS * block
    days = first_day + np.arange(BLOCK_DAYS)
    dates = days.astype("datetime64[D]")
    month = dates.astype("datetime64[M]").astype(int) % 12
    weekday = (days + 3) % 7
    rate = base_rate * MONTH_FACTOR[month] / MONTH_FACTOR.mean() * WEEKDAY_FACTOR[weekday]
    per_day = rng.poisson(rate)
    n = int(per_day.sum())
    if n == 0:
        return pd.DataFrame(), pd.DataFrame()
    order_day = np.repeat(days, per_day)
    shares = config.raw["shares"]
    fulfilment = rng.choice(
        list(FULFILMENT_MODELS), n, p=[shares["fulfilment"][m] for m in FULFILMENT_MODELS]
    )
    customers = masters.customers
    cust_idx = rng.integers(0, len(customers), n)
    # Entry times in office hours, a little denser in the morning.
    created = order_day * DAY + 8 * HOUR + np.floor(rng.beta(1.6, 2.2, n) * 9.5 * HOUR)
    created = np.sort(created)
    is_crm = rng.random(n) < shares["crm_channel"]
    is_edi = ~is_crm & (rng.random(n) < shares["edi_orders"])
    sales_users = masters.users_of("sales")
    creator = np.where(is_crm, "CRM_RFC", np.where(is_edi, "IDOC_EDI", rng.choice(sales_users, n)))
    vkorg = customers["vkorg"].to_numpy()[cust_idx]
    advance = (fulfilment != "subscription") & (rng.random(n) < shares["payment_in_advance"])
    foreign = (vkorg == "1000") & (rng.random(n) < shares["foreign_currency"])
    # Customers ask for delivery 7-21 days out; services 5-30; subscriptions start 1-14.
    lead = np.where(
        fulfilment == "service",
        rng.integers(5, 31, n),
        np.where(fulfilment == "subscription", rng.integers(1, 15, n), rng.integers(7, 22, n)),
    )
    orders = pd.DataFrame(
        {
            "order_seq": np.arange(first_seq, first_seq + n, dtype=np.int64),
            "created_at": created,
            "creator": creator,
            "is_manual_creator": ~(is_crm | is_edi),
            "channel": np.where(is_crm, "crm", "direct"),
            "customer_idx": cust_idx,
            "kunnr": customers["kunnr"].to_numpy()[cust_idx],
            "vkorg": vkorg,
            "fulfilment": fulfilment,
            "payment_timing": np.where(advance, "in_advance", "after_invoice"),
            "auart": [ORDER_TYPES[f][0] for f in fulfilment],
            "is_foreign_currency": foreign,
            "customer_terms": customers["terms"].to_numpy()[cust_idx],
            "requested_delivery_day": next_workday(order_day + lead - 2) + 2,
            "order_day": order_day,
            "term_months": np.where(fulfilment == "subscription", rng.integers(3, 13, n), 0),
        }
    )
    orders["vbeln"] = order_number(orders["order_seq"].to_numpy())
    items = _draw_items(rng, orders, masters, config)
    return orders, items


def _draw_items(rng, orders: pd.DataFrame, masters: Masters, config: DemoConfig):
    fulfilment = orders["fulfilment"].to_numpy()
    extra = np.array([EXTRA_ITEMS_MEAN[f] for f in fulfilment])
    count = 1 + rng.poisson(extra)
    count = np.minimum(count, 12)
    order_pos = np.repeat(np.arange(len(orders)), count)
    posnr = np.concatenate([np.arange(1, c + 1) * 10 for c in count])
    m = len(order_pos)
    f_item = fulfilment[order_pos]
    mats = masters.materials
    kind = np.where(
        f_item == "service", "service", np.where(f_item == "subscription", "subscription", "goods")
    )
    mat_idx = np.empty(m, dtype=np.int64)
    for k in ("goods", "service", "subscription"):
        pool = np.flatnonzero(mats["kind"].to_numpy() == k)
        sel = kind == k
        # A skewed material mix: a few materials sell most (Zipf-like).
        weights = 1.0 / np.arange(1, len(pool) + 1) ** 0.8
        mat_idx[sel] = rng.choice(pool, sel.sum(), p=weights / weights.sum())
    vkorg = orders["vkorg"].to_numpy()[order_pos]
    plant = np.array([PLANTS[v][0] for v in vkorg], dtype=object)
    for v, plants in PLANTS.items():
        sel = vkorg == v
        plant[sel] = rng.choice(plants, sel.sum())
    qty = np.where(
        kind == "goods",
        rng.integers(1, 50, m),
        np.where(kind == "service", rng.integers(2, 40, m), 1),
    ).astype(float)
    price = np.round(mats["price"].to_numpy()[mat_idx] * rng.uniform(0.9, 1.1, m), 2)
    return pd.DataFrame(
        {
            "order_pos": order_pos,
            "posnr": posnr,
            "matnr": mats["matnr"].to_numpy()[mat_idx],
            "werks": plant.astype(str),
            "qty": qty,
            "price": price,
            "unit": mats["unit"].to_numpy()[mat_idx],
            "pstyv": [ORDER_TYPES[f][1] for f in f_item],
            "fulfilment": f_item,
        }
    )
