"""Changes recorded in change documents (CDHDR/CDPOS): prices, quantities, dates,
payment terms, rejections, and changes to deliveries. Each draws the value the field had
before, so the values drawn for the order stay the final ones and CDPOS replays to them."""

from __future__ import annotations

import numpy as np

from ..clock import DAY, HOUR, in_work_hours, lognormal_days
from ..masters import ADVANCE_TERMS, PAYMENT_TERMS
from ..sapformat import dats_of_day as dats
from .context import HEADER, Ctx
from .keys import header_key, item_key, posnr


def fmt(values, scale: int) -> np.ndarray:
    return np.char.mod(f"%.{scale}f", np.asarray(values, dtype=float)).astype(object)


def first_fulfilment(ctx: Ctx) -> np.ndarray:
    """Per order: the first fulfilment or billing step; changes happen before it."""
    first = np.fmin(ctx.o("cd_at_1"), ctx.o("conf_at_1"))
    first = np.fmin(first, ctx.o("first_invoice_at"))
    return np.where(np.isnan(first), ctx.o("created_at") + 3 * DAY, first)


def _between(ctx, start, end, low, high):
    """A moment in office hours between start and end (a fraction low-high of the way);
    falls back to the plain moment when office hours would pass the end."""
    raw = np.floor(start + ctx.rng.uniform(low, high, len(start)) * (end - start))
    office = in_work_hours(ctx.rng, raw)
    return np.where(office < end - 60, office, raw)


def order_changes(ctx: Ctx) -> None:
    n = ctx.n
    t0 = ctx.o("created_at")
    first = first_fulfilment(ctx)
    orders = np.arange(n)
    vbeln = ctx.o("vbeln")
    key = header_key(ctx)
    not_sub = ctx.o("fulfilment") != "subscription"

    req = not_sub & (ctx.rand(n) < ctx.config.rate("requested_date_change"))
    at = np.where(req, _between(ctx, t0, first, 0.05, 0.2), np.nan)
    new_day = ctx.o("requested_delivery_day")
    old_day = new_day - ctx.rng.integers(2, 8, n)
    ctx.orders["vdatu_changed_at"] = at
    ctx.orders["vdatu_initial_day"] = np.where(req, old_day, new_day)
    ctx.change(
        "Change Requested Delivery Date",
        at,
        ctx.pick("sales", n),
        orders,
        HEADER,
        "VERKBELEG",
        vbeln,
        "VA02",
        [("VBAK", key, "VDATU", "U", dats(old_day), dats(new_day))],
    )

    terms = (ctx.rand(n) < ctx.config.rate("payment_terms_change")) & (
        ctx.o("payment_timing") != "in_advance"
    )
    at = np.where(terms, _between(ctx, t0, first, 0.55, 0.65), np.nan)
    old_terms = np.array(
        [_other_terms(t, i) for i, t in enumerate(ctx.o("initial_terms"))], dtype=object
    )
    ctx.orders["terms_changed_at"] = at
    ctx.orders["terms_before_change"] = old_terms
    vbkd_key = (key + "000000").astype(object)
    ctx.change(
        "Change Payment Terms",
        at,
        ctx.pick("sales", n),
        orders,
        HEADER,
        "VERKBELEG",
        vbeln,
        "VA02",
        [("VBKD", vbkd_key, "ZTERM", "U", old_terms, ctx.o("initial_terms"))],
    )

    prsdt = ctx.rand(n) < ctx.config.rate("pricing_date_change")
    at = np.where(prsdt, _between(ctx, t0, first, 0.7, 0.8), np.nan)
    created_day = np.floor(t0 / DAY)
    new_prsdt = created_day + ctx.rng.integers(1, 11, n)
    ctx.orders["prsdt_changed_at"] = at
    ctx.orders["prsdt_day"] = new_prsdt
    ctx.change(
        "Change Price Date",
        at,
        ctx.pick("sales", n),
        orders,
        HEADER,
        "VERKBELEG",
        vbeln,
        "VA02",
        [("VBKD", vbkd_key, "PRSDT", "U", dats(created_day), dats(new_prsdt))],
    )


def _other_terms(current: str, i: int) -> str:
    others = [t for t in PAYMENT_TERMS if t not in (current, ADVANCE_TERMS)]
    return others[i % len(others)]


def item_changes(ctx: Ctx) -> None:
    m = ctx.m
    order_pos = ctx.item_order()
    t0 = ctx.o("created_at")[order_pos]
    first = first_fulfilment(ctx)[order_pos]
    items = np.arange(m)
    vbeln = ctx.o("vbeln")[order_pos]
    key = item_key(ctx, items)
    not_sub = ctx.i("fulfilment") != "subscription"
    qty, price = ctx.i("qty"), ctx.i("price")

    qchange = not_sub & (ctx.rand(m) < ctx.config.rate("quantity_change")) & (qty >= 2)
    q0 = np.maximum(1, qty - ctx.rng.choice([-3, -2, -1, 1, 2, 3, 4, 5], m))
    q0 = np.where(q0 == qty, qty + 1, q0)
    q_at = np.where(qchange, _between(ctx, t0, first, 0.1, 0.3), np.nan)
    q_initial = np.where(qchange, q0, qty)

    rate = ctx.config.rate("price_change") * np.where(
        ctx.o("vkorg")[order_pos] == str(ctx.config.planted["price_change_sales_org"]),
        float(ctx.config.planted["price_change_factor"]),
        1.0,
    )
    pchange = ctx.rand(m) < np.minimum(rate, 1.0)
    p0 = np.round(price / ctx.rng.uniform(0.85, 1.12, m), 2)
    p0 = np.where(p0 == price, price + 1, p0)
    p_at = np.where(pchange, _between(ctx, t0, first, 0.35, 0.5), np.nan)
    # The quantity change comes first: NETWR in CDPOS chains through both changes.
    p_at = np.where(qchange & pchange, np.maximum(p_at, q_at + 60), p_at)
    p_initial = np.where(pchange, p0, price)

    ctx.change(
        "Change Ordered Quantity",
        q_at,
        ctx.pick("sales", m),
        order_pos,
        items,
        "VERKBELEG",
        vbeln,
        "VA02",
        [
            ("VBAP", key, "KWMENG", "U", fmt(q0, 3), fmt(qty, 3)),
            ("VBAP", key, "NETWR", "U", fmt(q0 * p_initial, 2), fmt(qty * p_initial, 2)),
        ],
    )
    ctx.change(
        "Change Price",
        p_at,
        ctx.pick("sales", m),
        order_pos,
        items,
        "VERKBELEG",
        vbeln,
        "VA02",
        [
            ("VBAP", key, "NETPR", "U", fmt(p0, 2), fmt(price, 2)),
            ("VBAP", key, "NETWR", "U", fmt(qty * p0, 2), fmt(qty * price, 2)),
        ],
    )

    # Injected: the price changes after the item was invoiced.
    late = (ctx.i("injection") == "price_change_after_invoice") & ~np.isnan(
        ctx.i("first_invoice_at")
    )
    late_at = np.where(
        late,
        in_work_hours(ctx.rng, ctx.i("first_invoice_at") + lognormal_days(ctx.rng, m, 2.0, 0.4)),
        np.nan,
    )
    p2 = np.round(price * ctx.rng.choice([0.9, 0.95, 1.05, 1.08], m), 2)
    ctx.change(
        "Change Price",
        late_at,
        ctx.pick("sales", m),
        order_pos,
        items,
        "VERKBELEG",
        vbeln,
        "VA02",
        [
            ("VBAP", key, "NETPR", "U", fmt(price, 2), fmt(p2, 2)),
            ("VBAP", key, "NETWR", "U", fmt(qty * price, 2), fmt(qty * p2, 2)),
        ],
    )
    ctx.items["price_after_invoice"] = np.where(late, p2, np.nan)
    ctx.items["price_late_change_at"] = late_at
    for name, value in (
        ("qty_initial", q_initial),
        ("qty_changed_at", q_at),
        ("price_initial", p_initial),
        ("price_changed_at", p_at),
    ):
        ctx.items[name] = value
    _schedule_line_changes(ctx, t0, first, items, order_pos, vbeln)
    _rejections(ctx, items, order_pos, vbeln, key)


def _schedule_line_changes(ctx, t0, first, items, order_pos, vbeln) -> None:
    m = ctx.m
    separate = ctx.i("has_separate_confirmation")
    goods = np.isin(ctx.i("fulfilment"), ("make_to_stock", "make_to_order"))
    resched = separate & goods & (ctx.rand(m) < ctx.config.rate("confirmed_date_change"))
    at = np.where(resched, _between(ctx, t0, first, 0.2, 0.3), np.nan)
    base = item_key(ctx, items)
    ctx.change(
        "Change Confirmed Delivery Date",
        at,
        ctx.pick("sales", m),
        order_pos,
        items,
        "VERKBELEG",
        vbeln,
        "VA02",
        [("VBEP", base + "0002", "KEY", "D", "", ""), ("VBEP", base + "0003", "KEY", "I", "", "")],
    )
    ctx.items["confirmed_gi_day_initial"] = np.where(
        resched, ctx.i("confirmed_gi_day") - ctx.rng.integers(1, 6, m), ctx.i("confirmed_gi_day")
    )
    ctx.items["rescheduled_at"] = at

    qty = ctx.i("qty")
    bchange = (
        ~resched
        & (qty >= 2)
        & (ctx.i("fulfilment") != "subscription")
        & (ctx.rand(m) < ctx.config.rate("confirmed_quantity_change"))
    )
    at = np.where(bchange, _between(ctx, t0, first, 0.32, 0.34), np.nan)
    line = np.where(separate, "0002", "0001")
    partial = np.floor(qty / 2)
    ctx.change(
        "Change Confirmed Quantity",
        at,
        ctx.pick("sales", m),
        order_pos,
        items,
        "VERKBELEG",
        vbeln,
        "VA02",
        [("VBEP", (base + line).astype(object), "BMENG", "U", fmt(partial, 3), fmt(qty, 3))],
    )
    ctx.items["bmeng_initial"] = np.where(bchange, partial, qty)
    ctx.items["bmeng_changed_at"] = at


def _rejections(ctx, items, order_pos, vbeln, key) -> None:
    m = ctx.m
    at = ctx.i("rejected_at")
    reason = ctx.i("rejection_reason")
    cancelled = ctx.i("is_cancelled")
    users = ctx.i("rejection_user")
    ctx.change(
        "Reject Sales Order Item",
        np.where(cancelled, np.nan, at),
        users,
        order_pos,
        items,
        "VERKBELEG",
        vbeln,
        "VA02",
        [("VBAP", key, "ABGRU", "U", "", reason)],
    )
    # One change document rejects every item of a cancelled order.
    ctx.change(
        "Cancel Sales Order",
        np.where(cancelled, at, np.nan),
        ctx.pick("sales", ctx.n)[order_pos],
        order_pos,
        items,
        "VERKBELEG",
        vbeln,
        "VA02",
        [("VBAP", key, "ABGRU", "U", "", reason)],
        group=order_pos,
    )
    ctx.change(
        "Restore Sales Order Item",
        ctx.i("restored_at"),
        ctx.pick("sales", m),
        order_pos,
        items,
        "VERKBELEG",
        vbeln,
        "VA02",
        [("VBAP", key, "ABGRU", "U", reason, "")],
    )


def delivery_changes(ctx: Ctx, di) -> None:
    """Quantity and date changes on deliveries between creation and goods issue."""
    k = len(di)
    cd = di["cd_at"].to_numpy().astype(float)
    gi = di["gi_at"].to_numpy().astype(float)
    end = np.where(np.isnan(gi), cd + 2 * HOUR, gi)
    delivery = di["delivery_no"].to_numpy()
    lips_key = ctx.config.client + delivery + posnr(ctx.i("posnr")[di["item"].to_numpy()])
    qchange = ctx.rand(k) < ctx.config.rate("delivery_quantity_change")
    at = np.where(qchange, _between(ctx, cd, end, 0.3, 0.5), np.nan)
    qty = di["qty"].to_numpy()
    di["lfimg_initial"] = np.where(qchange, qty + 1, qty)
    di["lfimg_changed_at"] = at
    ctx.change(
        "Change Delivery Quantity",
        at,
        ctx.pick("warehouse", k),
        di["order_pos"].to_numpy(),
        di["item"].to_numpy(),
        "LIEFERUNG",
        delivery,
        "VL02N",
        [("LIPS", lips_key.astype(object), "LFIMG", "U", fmt(qty + 1, 3), fmt(qty, 3))],
    )
    # Delivery dates change per delivery: one change document for all its items.
    dchange = ctx.rand(k) < ctx.config.rate("delivery_date_change")
    dchange = _same_per_delivery(delivery, dchange)
    at = np.where(dchange, _between(ctx, cd, end, 0.55, 0.56), np.nan)
    at = _same_per_delivery(delivery, at)
    planned = di["planned_day"].to_numpy()
    di["lfdat_initial_day"] = np.where(dchange, planned - 2, planned)
    di["lfdat_changed_at"] = at
    ctx.change(
        "Change Delivery Date",
        at,
        _same_per_delivery(delivery, ctx.pick("warehouse", k)),
        di["order_pos"].to_numpy(),
        di["item"].to_numpy(),
        "LIEFERUNG",
        delivery,
        "VL02N",
        [
            (
                "LIKP",
                (ctx.config.client + delivery).astype(object),
                "LFDAT",
                "U",
                dats(planned - 2),
                dats(planned),
            )
        ],
        group=delivery,
    )


def _same_per_delivery(delivery: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Copy the value of each delivery's first row to all its rows."""
    _, first, inverse = np.unique(delivery, return_index=True, return_inverse=True)
    return values[first][inverse]
