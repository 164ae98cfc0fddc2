"""Order entry: credit, delivery and billing blocks, down payments, and the moment an
order is free to be fulfilled."""

from __future__ import annotations

import numpy as np

from ..clock import DAY, in_work_hours, lognormal_days, next_batch_run, seconds_later
from ..masters import ADVANCE_TERMS, PAYMENT_TERMS
from .context import Ctx
from .keys import header_key, status_table


def enter_orders(ctx: Ctx) -> None:
    t0 = ctx.o("created_at")
    ctx.event("Create Sales Order", t0, ctx.o("creator"), order_pos=np.arange(ctx.n))
    ctx.event(
        "Create Sales Order Item",
        t0[ctx.item_order()],
        ctx.o("creator")[ctx.item_order()],
        item=np.arange(ctx.m),
    )
    terms = ctx.o("customer_terms").copy()
    differs = ctx.rand(ctx.n) < 0.05
    others = np.array([t for t in PAYMENT_TERMS if t != ADVANCE_TERMS])
    terms[differs] = ctx.rng.choice(others, differs.sum())
    terms[ctx.o("payment_timing") == "in_advance"] = ADVANCE_TERMS
    ctx.orders["initial_terms"] = terms


def set_blocks(ctx: Ctx) -> None:
    t0 = ctx.o("created_at")
    n = ctx.n
    inj = ctx.o("injection")
    goods = np.isin(ctx.o("fulfilment"), ("make_to_stock", "make_to_order"))
    unresolved = inj == "unresolved_block"
    kind = np.where(
        goods,
        ctx.rng.choice(["credit", "delivery", "billing"], n),
        ctx.rng.choice(["credit", "billing"], n),
    )
    ctx.orders["unresolved_block_kind"] = np.where(unresolved, kind, "")

    has_cb = (ctx.rand(n) < ctx.config.rate("credit_block")) | (unresolved & (kind == "credit"))
    cb_set = np.where(has_cb, t0 + 2, np.nan)
    cb_rel = in_work_hours(ctx.rng, cb_set + lognormal_days(ctx.rng, n, 0.8, 0.8))
    cb_rel[unresolved & (kind == "credit")] = np.nan
    by_creator = (
        ctx.o("is_manual_creator")
        & (ctx.rand(n) < ctx.config.rate("credit_release_by_creator"))
        & (inj == "")
    )
    cb_user = np.where(by_creator, ctx.o("creator"), ctx.pick("credit", n))
    ctx.orders["credit_released_by_creator"] = has_cb & by_creator & ~np.isnan(cb_rel)
    block_events(ctx, "Credit", cb_set, cb_rel, ctx.o("creator"), cb_user)

    has_db = goods & (
        (ctx.rand(n) < ctx.config.rate("delivery_block")) | (unresolved & (kind == "delivery"))
    )
    db_set = np.where(has_db, seconds_later(ctx.rng, t0, 30, 600), np.nan)
    db_rem = in_work_hours(ctx.rng, db_set + lognormal_days(ctx.rng, n, 1.5, 0.7))
    db_rem[unresolved & (kind == "delivery")] = np.nan
    block_events(ctx, "Delivery", db_set, db_rem, ctx.o("creator"), ctx.pick("sales", n))

    has_bb = (ctx.rand(n) < ctx.config.rate("billing_block")) | (unresolved & (kind == "billing"))
    bb_set = np.where(has_bb, seconds_later(ctx.rng, t0, 700, 1200), np.nan)
    bb_rem = in_work_hours(ctx.rng, bb_set + lognormal_days(ctx.rng, n, 3.0, 0.6))
    bb_rem[unresolved & (kind == "billing")] = np.nan
    block_events(ctx, "Billing", bb_set, bb_rem, ctx.o("creator"), ctx.pick("billing", n))

    for name, value in (
        ("cb_set", cb_set),
        ("cb_rel", cb_rel),
        ("cb_user", cb_user),
        ("db_set", db_set),
        ("db_rem", db_rem),
        ("bb_set", bb_set),
        ("bb_rem", bb_rem),
    ):
        ctx.orders[name] = value


# Block kind -> (set activity, removal activity, table, field, value when set, when removed)
_BLOCKS = {
    "Credit": ("Set Credit Block", "Release Credit Block", None, "CMGST", "B", "D"),
    "Delivery": ("Set Delivery Block", "Remove Delivery Block", "VBAK", "LIFSK", "01", ""),
    "Billing": ("Set Billing Block", "Remove Billing Block", "VBAK", "FAKSK", "02", ""),
}


def block_events(ctx: Ctx, kind: str, set_at, removed_at, set_user, remove_user) -> None:
    set_activity, remove_activity, table, fname, on, off = _BLOCKS[kind]
    table = table or status_table(ctx.config)
    orders = np.arange(ctx.n)
    key = header_key(ctx)
    initial = "A" if kind == "Credit" else ""
    tcode_set = "VA01" if kind != "Credit" else "VKM1"
    ctx.change(
        set_activity,
        set_at,
        set_user,
        orders,
        -1,
        "VERKBELEG",
        ctx.o("vbeln"),
        tcode_set,
        [(table, key, fname, "U", initial, on)],
    )
    ctx.change(
        remove_activity,
        removed_at,
        remove_user,
        orders,
        -1,
        "VERKBELEG",
        ctx.o("vbeln"),
        "VKM3" if kind == "Credit" else "VA02",
        [(table, key, fname, "U", on, off)],
    )


def down_payments(ctx: Ctx) -> None:
    """Payment in advance: a down-payment request (billing document FAZ) after entry and
    credit release, and the customer's down payment a few days later."""
    n = ctx.n
    advance = ctx.o("payment_timing") == "in_advance"
    after = np.fmax(ctx.o("created_at"), ctx.o("cb_rel"))
    after = np.where(np.isnan(ctx.o("cb_set")), ctx.o("created_at"), ctx.o("cb_rel"))
    request = np.where(
        advance, in_work_hours(ctx.rng, after + ctx.rng.uniform(0.05, 0.4, n) * DAY), np.nan
    )
    received = next_batch_run(ctx.rng, request + lognormal_days(ctx.rng, n, 4.0, 0.5), 7.0)
    ctx.orders["dp_request_at"] = request
    ctx.orders["dp_request_user"] = ctx.pick("billing", n)
    ctx.orders["dp_received_at"] = received


def ready_for_fulfilment(ctx: Ctx) -> None:
    """When nothing holds the order any more (NaN: a block is never released)."""
    t = ctx.o("created_at").astype(float)
    for column in ("cb_set", "db_set"):
        released = ctx.o({"cb_set": "cb_rel", "db_set": "db_rem"}[column])
        t = np.where(np.isnan(ctx.o(column)), t, np.maximum(t, released))
    advance = ctx.o("payment_timing") == "in_advance"
    t = np.where(advance, np.maximum(t, ctx.o("dp_received_at")), t)
    ctx.orders["ready_at"] = t
