"""Fulfilment: schedule lines, make-to-order supply, rejections, deliveries (with split
deliveries), service confirmations and subscription billing plans."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..clock import (
    DAY,
    HOUR,
    in_work_hours,
    lognormal_days,
    next_batch_run,
    next_workday,
    seconds_later,
)
from .blocks import block_events
from .context import Ctx, per_order_max
from .keys import delivery_number, requisition_number, status_table

GOODS = ("make_to_stock", "make_to_order")


def schedule(ctx: Ctx) -> None:
    """Requested and confirmed goods-issue days per item (local day numbers)."""
    ctx.i("fulfilment")
    # The order's requested delivery day is two working days after a working goods issue.
    requested_gi = ctx.o("requested_delivery_day")[ctx.item_order()] - 2.0
    # Availability is checked per order (complete delivery), so items share the outcome.
    order_f = ctx.o("fulfilment")
    confirmable = (ctx.rand(ctx.n) < np.where(order_f == "make_to_order", 0.3, 0.75))[
        ctx.item_order()
    ]
    later = np.where(
        order_f == "make_to_order", ctx.rng.integers(3, 16, ctx.n), ctx.rng.integers(2, 11, ctx.n)
    )[ctx.item_order()]
    confirmed_gi = np.where(confirmable, requested_gi, next_workday(requested_gi + later))
    ctx.items["requested_gi_day"] = requested_gi
    ctx.items["confirmed_gi_day"] = confirmed_gi
    ctx.items["has_separate_confirmation"] = ~confirmable


def reject_items(ctx: Ctx) -> None:
    """Decide which items are rejected (times follow once fulfilment times are known)."""
    m = ctx.m
    free = (ctx.i("injection") == "") & (ctx.o("injection")[ctx.item_order()] == "")
    free &= ctx.i("fulfilment") != "subscription"
    cancelled_order = (
        (ctx.rand(ctx.n) < ctx.config.rate("order_cancellation"))
        & (ctx.o("injection") == "")
        & ~ctx.o("has_item_injection")
        & (ctx.o("fulfilment") != "subscription")
    )
    cancelled = cancelled_order[ctx.item_order()]
    rejected = cancelled | (free & (ctx.rand(m) < ctx.config.rate("rejection")))
    restored = rejected & ~cancelled & (ctx.rand(m) < ctx.config.rate("restore_after_rejection"))
    ctx.orders["is_cancelled"] = cancelled_order
    ctx.items["is_cancelled"] = cancelled
    ctx.items["is_rejected"] = rejected & ~restored
    ctx.items["was_restored"] = restored
    reasons = ctx.rng.choice(["01", "02", "03", "04"], m)
    ctx.items["rejection_reason"] = np.where(cancelled, "05", np.where(rejected, reasons, ""))
    ctx.items["active"] = ~(rejected & ~restored)


def make_to_order_supply(ctx: Ctx) -> None:
    m = ctx.m
    f = ctx.i("fulfilment")
    inj = ctx.i("injection")
    t0 = ctx.o("created_at")[ctx.item_order()]
    mto = (f == "make_to_order") & ctx.i("active")
    extra = inj == "extra_purchase_requisition"
    doc_kind = np.where(
        extra, "requisition", np.where(ctx.rand(m) < 0.5, "requisition", "production_order")
    )
    doc_at = np.where(mto | extra, next_batch_run(ctx.rng, t0, 23.0), np.nan)
    days_to_supply = np.maximum(2.0, ctx.i("confirmed_gi_day") - np.floor(t0 / DAY) - 6)
    gr_at = in_work_hours(ctx.rng, doc_at + ctx.rng.lognormal(np.log(days_to_supply), 0.25) * DAY)
    gr_at[~mto | (inj == "skipped_goods_receipt")] = np.nan
    ctx.items["mto_doc_kind"] = np.where(mto | extra, doc_kind, "")
    ctx.items["mto_doc_at"] = doc_at
    ctx.items["gr_at"] = gr_at
    ctx.items["gr_user"] = ctx.pick("warehouse", m)
    items = np.arange(m)
    production = ctx.i("mto_doc_kind") == "production_order"
    ctx.event(
        "Create Production Order", np.where(production, doc_at, np.nan), "BATCH_MM", item=items
    )
    # EBAN keeps only a date: the creation time is in the requisition's change document.
    requisition = ctx.i("mto_doc_kind") == "requisition"
    banfn = requisition_number(ctx.o("order_seq")[ctx.item_order()], ctx.i("posnr"))
    ctx.change(
        "Create Purchase Requisition",
        np.where(requisition, doc_at, np.nan),
        "BATCH_MM",
        ctx.item_order(),
        items,
        "BANF",
        banfn,
        "MD01",
        [("EBAN", (ctx.config.client + banfn + "00010").astype(object), "KEY", "I", "", "")],
        change_ind="I",
    )
    ctx.event("Goods Receipt for Order", gr_at, ctx.i("gr_user"), item=items)


def deliveries(ctx: Ctx) -> pd.DataFrame:
    """Deliveries of goods orders; returns delivery items (one row per delivery and item)."""
    n = ctx.n
    goods = np.isin(ctx.o("fulfilment"), GOODS)
    inj = ctx.o("injection")
    active = ctx.i("active")
    has_active = per_order_max(ctx, np.where(active, 1.0, np.nan)) == 1.0
    ready = np.fmax(ctx.o("ready_at"), per_order_max(ctx, ctx.i("gr_at")))
    ready = np.where(np.isnan(ctx.o("ready_at")), np.nan, ready)
    confirmed = per_order_max(ctx, np.where(active, ctx.i("confirmed_gi_day"), np.nan))
    start = np.maximum(ready, (confirmed - 3) * DAY + 5 * HOUR)
    automated = ctx.rand(n) < 0.6
    cd1 = np.where(automated, next_batch_run(ctx.rng, start, 5.0), in_work_hours(ctx.rng, start))
    cd1 = np.where(goods & has_active, cd1, np.nan)
    cd_user = np.where(automated, "BATCH_SD", ctx.pick("warehouse", n))

    late = ctx.rand(n) < ctx.config.rate("late_goods_issue")
    delta = np.where(late, ctx.rng.integers(1, 7, n), np.where(ctx.rand(n) < 0.2, -1, 0))
    planted = ctx.config.planted
    slow_plant = (
        per_order_max(
            ctx, np.where(ctx.i("werks") == str(planted["late_shipping_plant"]), 1.0, np.nan)
        )
        == 1.0
    )
    slow = slow_plant & (ctx.rand(n) < float(planted["late_shipping_rate"]))
    delta = np.where(slow, ctx.rng.integers(3, 11, n), delta)
    target = (confirmed + delta) * DAY + 9 * HOUR + ctx.rng.uniform(0, 8, n) * HOUR

    split = goods & (ctx.rand(n) < ctx.config.rate("split_delivery")) & (inj == "")
    splittable = active & (ctx.i("qty") >= 2)
    split &= per_order_max(ctx, np.where(splittable, 1.0, np.nan)) == 1.0
    rounds = [_delivery_round(ctx, 1, cd1, cd_user, target, goods)]
    item_split = split[ctx.item_order()] & splittable & (ctx.rand(ctx.m) < 0.6)
    # Every split order splits at least its first splittable item.
    first = _first_per_order(ctx, splittable & split[ctx.item_order()])
    item_split[first] = True
    ctx.items["is_split"] = item_split
    ctx.orders["is_split"] = split
    share = np.where(item_split, np.ceil(ctx.i("qty") * ctx.rng.uniform(0.3, 0.8, ctx.m)), 0)
    share = np.minimum(share, ctx.i("qty") - 1)
    ctx.items["qty_round1"] = np.where(item_split, share, ctx.i("qty"))
    gi1 = ctx.orders["gi_at_1"].to_numpy()
    base2 = np.where(np.isnan(gi1), ctx.orders["cd_at_1"].to_numpy(), gi1)
    cd2 = in_work_hours(ctx.rng, base2 + lognormal_days(ctx.rng, n, 6.0, 0.5))
    cd2 = np.where(split, cd2, np.nan)
    target2 = cd2 + lognormal_days(ctx.rng, n, 1.0, 0.5)
    rounds.append(_delivery_round(ctx, 2, cd2, ctx.pick("warehouse", n), target2, split))
    return _delivery_items(ctx, item_split)


def _first_per_order(ctx: Ctx, mask: np.ndarray) -> np.ndarray:
    idx = np.flatnonzero(mask)
    if not len(idx):
        return idx
    _, first = np.unique(ctx.item_order()[idx], return_index=True)
    return idx[first]


def _delivery_round(ctx: Ctx, round_no: int, cd, cd_user, target, mask) -> None:
    n = ctx.n
    inj = ctx.o("injection")
    cd = np.where(mask, cd, np.nan)
    mask = ~np.isnan(cd)
    picks = ctx.rand(n) < ctx.config.rate("picking_step")
    pick = np.where(
        picks, in_work_hours(ctx.rng, cd + lognormal_days(ctx.rng, n, 0.25, 0.5)), np.nan
    )
    after = np.fmax(cd, pick) + HOUR
    gi = in_work_hours(ctx.rng, np.maximum(target, after))
    if round_no == 1:
        # Invoiced before the goods issue: the goods issue follows days later, or never.
        early_bill = inj == "invoice_before_goods_issue"
        never = early_bill & (ctx.rand(n) < ctx.config.rate("goods_issue_never_posted"))
        gi = np.where(early_bill, in_work_hours(ctx.rng, cd + ctx.rng.uniform(3, 5, n) * DAY), gi)
        gi[never] = np.nan
        ctx.orders["gi_never_posted"] = never
    gi_user = np.where(ctx.rand(n) < 0.4, "BATCH_SD", ctx.pick("warehouse", n))
    has_pod = ctx.masters.customers["has_pod"].to_numpy()[ctx.o("customer_idx")]
    pod = np.where(has_pod, in_work_hours(ctx.rng, gi + ctx.rng.uniform(1, 4, n) * DAY), np.nan)
    number = delivery_number(ctx.o("order_seq"), round_no)
    for name, value in (
        ("cd_at", cd),
        ("cd_user", cd_user),
        ("pick_at", pick),
        ("pick_user", ctx.pick("warehouse", n)),
        ("gi_at", gi),
        ("gi_user", gi_user),
        ("pod_at", pod),
        ("pod_user", np.where(ctx.rand(n) < 0.5, "IDOC_EDI", ctx.pick("sales", n))),
        ("delivery_no", np.where(mask, number, "")),
        ("planned_day", np.floor(target / DAY) + 2),
    ):
        ctx.orders[f"{name}_{round_no}"] = value


def _delivery_items(ctx: Ctx, item_split: np.ndarray) -> pd.DataFrame:
    active = ctx.i("active")
    frames = []
    for round_no in (1, 2):
        sel = active & (ctx.o(f"delivery_no_{round_no}")[ctx.item_order()] != "")
        if round_no == 2:
            sel &= item_split
        items = np.flatnonzero(sel)
        qty = (
            ctx.i("qty_round1")[items]
            if round_no == 1
            else (ctx.i("qty")[items] - ctx.i("qty_round1")[items])
        )
        frames.append(pd.DataFrame({"item": items, "round": round_no, "qty": qty}))
    di = pd.concat(frames, ignore_index=True)
    order_pos = ctx.item_order()[di["item"].to_numpy()]
    r = di["round"].to_numpy()

    def pick(col):
        return np.where(r == 1, ctx.o(f"{col}_1")[order_pos], ctx.o(f"{col}_2")[order_pos])

    for col in (
        "delivery_no",
        "cd_at",
        "cd_user",
        "pick_at",
        "pick_user",
        "gi_at",
        "gi_user",
        "pod_at",
        "pod_user",
        "planned_day",
    ):
        di[col] = pick(col)
    di["order_pos"] = order_pos
    items = di["item"].to_numpy()
    d = di["delivery_no"].to_numpy()
    ctx.event("Create Delivery", di["cd_at"], di["cd_user"], item=items, delivery=d)
    # Picking has no date field: it is the change document of the picking status KOSTK.
    key = (ctx.config.client + d).astype(object)
    ctx.change(
        "Picking Completed",
        di["pick_at"].to_numpy().astype(float),
        di["pick_user"],
        di["order_pos"].to_numpy(),
        items,
        "LIEFERUNG",
        d,
        "LT12",
        [
            (
                status_table(ctx.config) if ctx.config.raw["flavour"] == "ecc" else "LIKP",
                key,
                "KOSTK",
                "U",
                "A",
                "C",
            )
        ],
        group=d,
    )
    ctx.event("Post Goods Issue", di["gi_at"], di["gi_user"], item=items, delivery=d)
    # LIKP keeps the date and time of the proof of delivery, not who entered it.
    ctx.event("Proof of Delivery", di["pod_at"], "", item=items, delivery=d)
    return di


def goods_issue_while_blocked(ctx: Ctx) -> None:
    """Injected: a delivery block set after the delivery, goods issued while it is set."""
    inj = ctx.o("injection") == "goods_issue_while_blocked"
    cd, gi = ctx.o("cd_at_1"), ctx.o("gi_at_1")
    inj &= ~np.isnan(cd) & ~np.isnan(gi)
    set_at = np.where(inj, seconds_later(ctx.rng, cd, 300, 1800), np.nan)
    removed = np.where(inj, seconds_later(ctx.rng, gi, 2 * HOUR, 20 * HOUR), np.nan)
    ctx.orders["late_db_set"] = set_at
    ctx.orders["late_db_rem"] = removed
    block_events(
        ctx, "Delivery", set_at, removed, ctx.pick("sales", ctx.n), ctx.pick("sales", ctx.n)
    )


def service_confirmations(ctx: Ctx) -> pd.DataFrame:
    n, _m = ctx.n, ctx.m
    service = ctx.o("fulfilment") == "service"
    skip = ctx.o("injection") == "skipped_service_confirmation"
    active = ctx.i("active")
    start = np.maximum(ctx.o("ready_at"), ctx.o("requested_delivery_day") * DAY)
    c1 = in_work_hours(ctx.rng, start + lognormal_days(ctx.rng, n, 0.6, 0.6))
    c1 = np.where(service, c1, np.nan)
    split = (
        service
        & ~skip
        & (ctx.rand(n) < ctx.config.rate("split_delivery"))
        & (ctx.o("injection") == "")
    )
    c2 = np.where(split, in_work_hours(ctx.rng, c1 + lognormal_days(ctx.rng, n, 8.0, 0.5)), np.nan)
    ctx.orders["conf_at_1"] = c1
    ctx.orders["conf_at_2"] = c2
    ctx.orders["is_split"] = ctx.o("is_split") | split
    ctx.orders["service_skipped"] = skip & service
    item_split = split[ctx.item_order()] & active & (ctx.i("qty") >= 2)
    ctx.items["is_split"] = ctx.i("is_split") | item_split
    qty1 = np.where(item_split, np.floor(ctx.i("qty") / 2), ctx.i("qty"))
    frames = []
    for round_no, at in ((1, c1), (2, c2)):
        sel = active & ~np.isnan(at[ctx.item_order()]) & ~skip[ctx.item_order()]
        if round_no == 2:
            sel &= item_split
        items = np.flatnonzero(sel)
        frames.append(
            pd.DataFrame(
                {
                    "item": items,
                    "round": round_no,
                    "qty": qty1[items] if round_no == 1 else ctx.i("qty")[items] - qty1[items],
                    "at": seconds_later(ctx.rng, at[ctx.item_order()[items]], 0, 1200),
                    "user": ctx.pick("service", len(items)),
                }
            )
        )
    conf = pd.concat(frames, ignore_index=True)
    conf["order_pos"] = ctx.item_order()[conf["item"].to_numpy()]
    ctx.event("Confirm Service", conf["at"], conf["user"], item=conf["item"].to_numpy())
    return conf


def rejection_times(ctx: Ctx) -> None:
    """Rejections happen between entry and the first fulfilment step."""
    m = ctx.m
    order_pos = ctx.item_order()
    t0 = ctx.o("created_at")[order_pos]
    first = np.fmin(ctx.o("cd_at_1"), ctx.o("conf_at_1"))[order_pos]
    first = np.where(np.isnan(first), t0 + 5 * DAY, first)
    rejected = ctx.i("is_rejected") | ctx.i("was_restored")
    u = ctx.rng.uniform(0.05, 0.6, m)
    # A cancelled order rejects all its items in one change: one moment per order.
    u = np.where(ctx.i("is_cancelled"), ctx.rng.uniform(0.05, 0.6, ctx.n)[order_pos], u)
    at = np.where(rejected, np.floor(t0 + u * (first - t0)), np.nan)
    restored = np.where(ctx.i("was_restored"), np.floor(at + 0.5 * (first - at)), np.nan)
    ctx.items["rejected_at"] = at
    ctx.items["restored_at"] = restored
    ctx.items["rejection_user"] = ctx.pick("sales", m)
