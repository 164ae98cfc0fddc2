"""Billing: invoices per delivery, confirmation round or billing-plan date; release to
accounting; cancellations and re-invoicing; duplicates; credit memos and returns;
down-payment requests. Amounts are filled in later (prices can change meanwhile)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..clock import DAY, HOUR, in_work_hours, lognormal_days, next_batch_run, seconds_later
from .context import Ctx
from .keys import billing_number, confirmation_number

SLOT_DOWN_PAYMENT = 0
SLOT_ROUND = {1: 1, 2: 2}
SLOT_DUPLICATE = 3
SLOT_CANCELLATION = 4
SLOT_REINVOICE = 5
SLOT_CREDIT_MEMO = 6
SLOT_RETURN_CREDIT = 7
SLOT_PERIOD = 8  # + period number (subscriptions, at most 12 periods)
SLOT_PERIOD_DUPLICATE = 21


def bottleneck_weeks(config) -> set[int]:
    """Weeks (Monday-based, counted from 1970-01-05) when the billing team falls behind:
    two-week episodes spread evenly over every year."""
    episodes = int(config.planted["bottleneck_weeks"])
    if episodes <= 0:
        return set()
    period = max(4, 52 // episodes)
    first = (config.start - pd.Timestamp("1970-01-05").date()).days // 7
    weeks = set()
    for start in range(first + period // 2, first + 52 * 10, period):
        weeks.update({start, start + 1})
    return weeks


def invoice_time(ctx: Ctx, order_pos: np.ndarray, ready: np.ndarray) -> tuple:
    """When the billing run or a clerk creates the invoice for work ready at `ready`."""
    k = len(order_pos)
    bb_set = ctx.o("bb_set")[order_pos]
    ready = np.where(np.isnan(bb_set), ready, np.maximum(ready, ctx.o("bb_rem")[order_pos]))
    batch = ctx.rand(k) < 0.7
    created = np.where(
        batch,
        next_batch_run(ctx.rng, ready, 22.0),
        in_work_hours(ctx.rng, ready + lognormal_days(ctx.rng, k, 0.4, 0.5)),
    )
    user = np.where(batch, "BATCH_SD", ctx.pick("billing", k))
    planted = ctx.config.planted
    week = np.floor((np.floor(ready / DAY) - 4) / 7)
    behind = np.isin(week, list(bottleneck_weeks(ctx.config))) & (
        ctx.o("vkorg")[order_pos] == str(planted["bottleneck_sales_org"])
    )
    extra = ctx.rng.exponential(float(planted["bottleneck_extra_days"]), k) * DAY
    created = np.where(behind, in_work_hours(ctx.rng, ready + DAY + extra), created)
    user = np.where(behind, ctx.pick("billing", k), user)
    return created, user, behind


def invoices(ctx: Ctx, delivery_items: pd.DataFrame, confirmations: pd.DataFrame):
    """Billing headers and items (without amounts) for goods, services, subscriptions."""
    heads, lines = [], []
    _goods_invoices(ctx, delivery_items, heads, lines)
    _service_invoices(ctx, confirmations, heads, lines)
    _subscription_invoices(ctx, heads, lines)
    head = pd.concat(heads, ignore_index=True)
    line = pd.concat(lines, ignore_index=True)
    head = head[~np.isnan(head["created_at"].to_numpy())].reset_index(drop=True)
    line = line[line["billing_no"].isin(head["billing_no"])].reset_index(drop=True)
    head, line = _duplicates(ctx, head, line)
    head = _release(ctx, head)
    head, line = _cancellations(ctx, head, line)
    return head, line


def _head(ctx, order_pos, slot, fkart, created, user, ref="", round_no=0, period=-1, behind=False):
    return pd.DataFrame(
        {
            "order_pos": order_pos,
            "slot": slot,
            "fkart": fkart,
            "created_at": created,
            "user": user,
            "ref_doc": ref,
            "round": round_no,
            "period": period,
            "billing_no": billing_number(ctx.o("order_seq")[order_pos], slot),
            "behind_schedule": behind,
            "cancels": "",
        }
    )


def _goods_invoices(ctx, di: pd.DataFrame, heads, lines) -> None:
    for round_no in (1, 2):
        d = di[di["round"] == round_no]
        first = d.drop_duplicates("order_pos")
        order_pos = first["order_pos"].to_numpy()
        ready = first["gi_at"].to_numpy().astype(float)
        early = ctx.o("injection")[order_pos] == "invoice_before_goods_issue"
        # Invoiced once picked (or created), before the goods issue that follows days later.
        picked = np.fmax(
            first["cd_at"].to_numpy().astype(float), first["pick_at"].to_numpy().astype(float)
        )
        ready = np.where(early, picked + ctx.rng.uniform(1, 10, len(picked)) * HOUR, ready)
        created, user, behind = invoice_time(ctx, order_pos, ready)
        gi = first["gi_at"].to_numpy().astype(float)
        early_at = in_work_hours(ctx.rng, ready)
        early_at = np.where(np.isnan(gi) | (early_at < gi - HOUR), early_at, ready)
        created = np.where(early, early_at, created)
        head = _head(
            ctx,
            order_pos,
            SLOT_ROUND[round_no],
            "F2",
            created,
            user,
            first["delivery_no"].to_numpy(),
            round_no,
            behind=behind,
        )
        heads.append(head)
        number = dict(zip(order_pos, head["billing_no"], strict=True))
        lines.append(
            pd.DataFrame(
                {
                    "billing_no": d["order_pos"].map(number).to_numpy(),
                    "item": d["item"].to_numpy(),
                    "qty": d["qty"].to_numpy(),
                    "ref_doc": d["delivery_no"].to_numpy(),
                }
            )
        )


def _service_invoices(ctx, conf: pd.DataFrame, heads, lines) -> None:
    skipped = ctx.o("service_skipped")
    for round_no in (1, 2):
        c = conf[conf["round"] == round_no]
        last = c.groupby("order_pos")["at"].max()
        order_pos = last.index.to_numpy()
        ready = last.to_numpy()
        if round_no == 1:
            # Invoiced without a confirmation: billed when the work was due.
            extra = np.flatnonzero(skipped)
            order_pos = np.concatenate([order_pos, extra])
            ready = np.concatenate([ready, ctx.o("conf_at_1")[extra]])
        created, user, behind = invoice_time(ctx, order_pos, ready)
        head = _head(
            ctx, order_pos, SLOT_ROUND[round_no], "F2", created, user, "", round_no, behind=behind
        )
        heads.append(head)
        number = dict(zip(order_pos, head["billing_no"], strict=True))
        items = c["item"].to_numpy()
        qty = c["qty"].to_numpy()
        # Each invoice item refers to the confirmation it bills (VBRP VGBEL).
        refs = confirmation_number(
            ctx.o("order_seq")[ctx.item_order()[items]], ctx.i("posnr")[items], round_no
        )
        if round_no == 1:
            skipped_items = np.flatnonzero(skipped[ctx.item_order()] & ctx.i("active"))
            items = np.concatenate([items, skipped_items])
            qty = np.concatenate([qty, ctx.i("qty")[skipped_items]])
            refs = np.concatenate([refs, np.full(len(skipped_items), "", dtype=object)])
        order_of = ctx.item_order()[items]
        lines.append(
            pd.DataFrame(
                {
                    "billing_no": pd.Series(order_of).map(number).to_numpy(),
                    "item": items,
                    "qty": qty,
                    "ref_doc": refs,
                }
            )
        )


def billing_plan(ctx: Ctx) -> pd.DataFrame:
    """Monthly billing-plan dates of subscriptions (one row per order and period)."""
    sub = np.flatnonzero(ctx.o("fulfilment") == "subscription")
    months = ctx.o("term_months")[sub].astype(int)
    order_pos = np.repeat(sub, months)
    period = np.concatenate([np.arange(k) for k in months]) if len(sub) else np.array([], int)
    start = ctx.o("requested_delivery_day")[order_pos].astype("datetime64[D]")
    start_month = start.astype("datetime64[M]")
    day_in_month = (start - start_month.astype("datetime64[D]")).astype(int)
    day_in_month = np.minimum(day_in_month, 27)
    dates = (start_month + period).astype("datetime64[D]") + day_in_month
    return pd.DataFrame(
        {"order_pos": order_pos, "period": period, "bill_day": dates.astype(np.int64).astype(float)}
    )


def _subscription_invoices(ctx, heads, lines) -> None:
    plan = ctx.billing_plan
    order_pos = plan["order_pos"].to_numpy()
    due = plan["bill_day"].to_numpy() * DAY
    ready = np.maximum(due, ctx.o("ready_at")[order_pos])
    created, user, behind = invoice_time(ctx, order_pos, ready)
    head = _head(
        ctx,
        order_pos,
        SLOT_PERIOD + plan["period"].to_numpy(),
        "F2",
        created,
        user,
        "",
        0,
        plan["period"].to_numpy(),
        behind,
    )
    heads.append(head)
    first_item = _first_item(ctx)[order_pos]
    lines.append(
        pd.DataFrame(
            {
                "billing_no": head["billing_no"].to_numpy(),
                "item": first_item,
                "qty": ctx.i("qty")[first_item],
                "ref_doc": "",
            }
        )
    )


def _first_item(ctx) -> np.ndarray:
    out = np.full(ctx.n, -1)
    order = ctx.item_order()
    out[order[::-1]] = np.arange(ctx.m)[::-1]
    return out


def _duplicates(ctx, head, line):
    """Injected: a delivery (or plan date) billed twice, no cancellation in between."""
    inj = ctx.o("injection")[head["order_pos"].to_numpy()] == "duplicate_invoice"
    first = head["slot"].isin([SLOT_ROUND[1], SLOT_PERIOD]).to_numpy() & inj
    dup = head[first].copy()
    dup["duplicates"] = dup["billing_no"].to_numpy()
    dup["created_at"] = in_work_hours(
        ctx.rng, dup["created_at"].to_numpy() + lognormal_days(ctx.rng, len(dup), 2.0, 0.4)
    )
    dup["user"] = ctx.pick("billing", len(dup))
    dup["slot"] = np.where(dup["slot"] == SLOT_PERIOD, SLOT_PERIOD_DUPLICATE, SLOT_DUPLICATE)
    dup["billing_no"] = billing_number(
        ctx.o("order_seq")[dup["order_pos"].to_numpy()], dup["slot"].to_numpy()
    )
    renamed = dict(zip(head.loc[first, "billing_no"], dup["billing_no"], strict=True))
    dup_lines = line[line["billing_no"].isin(renamed)].copy()
    dup_lines["billing_no"] = dup_lines["billing_no"].map(renamed)
    return (
        pd.concat([head, dup], ignore_index=True),
        pd.concat([line, dup_lines], ignore_index=True),
    )


def _release(ctx, head):
    k = len(head)
    created = head["created_at"].to_numpy()
    free = ctx.o("injection")[head["order_pos"].to_numpy()] == ""
    blocked = ctx.rand(k) < ctx.config.rate("posting_block")
    never = free & (ctx.rand(k) < ctx.config.rate("never_released"))
    released = np.where(
        blocked,
        in_work_hours(ctx.rng, created + lognormal_days(ctx.rng, k, 1.5, 0.5)),
        seconds_later(ctx.rng, created, 2, 40),
    )
    released[never] = np.nan
    head["released_at"] = released
    head["release_user"] = np.where(blocked, ctx.pick("billing", k), head["user"])
    head["never_released"] = never
    return head


def _cancellations(ctx, head, line):
    """Some invoices are cancelled (S1) and billed again (a new F2)."""
    order_pos = head["order_pos"].to_numpy()
    regular = (
        head["slot"].isin([SLOT_ROUND[1], SLOT_ROUND[2]]).to_numpy()
        | ((head["slot"] >= SLOT_PERIOD) & (head["slot"] < SLOT_PERIOD_DUPLICATE)).to_numpy()
    )
    free = (ctx.o("injection")[order_pos] == "") & regular
    cancel = (
        free
        & ~np.isnan(head["released_at"].to_numpy())
        & (ctx.rand(len(head)) < ctx.config.rate("invoice_cancellation"))
    )
    # One cancellation per order at most (its documents have one number slot each).
    first = ~pd.Series(np.where(cancel, order_pos, -1 - np.arange(len(head)))).duplicated()
    cancel &= first.to_numpy()
    orig = head[cancel]
    k = len(orig)
    cancel_at = in_work_hours(
        ctx.rng, orig["released_at"].to_numpy() + lognormal_days(ctx.rng, k, 2.0, 0.5)
    )
    seq = ctx.o("order_seq")[orig["order_pos"].to_numpy()]
    s1 = orig.copy()
    s1["fkart"] = "S1"
    s1["slot"] = SLOT_CANCELLATION
    s1["created_at"] = cancel_at
    s1["user"] = ctx.pick("billing", k)
    s1["billing_no"] = billing_number(seq, SLOT_CANCELLATION)
    s1["cancels"] = orig["billing_no"].to_numpy()
    s1["released_at"] = seconds_later(ctx.rng, cancel_at, 2, 30)
    s1["release_user"] = s1["user"]
    s1["never_released"] = False
    again = orig.copy()
    again["slot"] = SLOT_REINVOICE
    again["created_at"] = in_work_hours(ctx.rng, cancel_at + lognormal_days(ctx.rng, k, 0.3))
    again["user"] = ctx.pick("billing", k)
    again["billing_no"] = billing_number(seq, SLOT_REINVOICE)
    again["released_at"] = seconds_later(ctx.rng, again["created_at"].to_numpy(), 2, 30)
    again["release_user"] = again["user"]
    again["never_released"] = False
    head["cancelled_by"] = ""
    head.loc[cancel, "cancelled_by"] = s1["billing_no"].to_numpy()
    s1["cancelled_by"] = ""
    again["cancelled_by"] = ""
    new_lines = []
    for docs in (s1, again):
        mapping = dict(zip(orig["billing_no"], docs["billing_no"], strict=True))
        lines = line[line["billing_no"].isin(mapping)].copy()
        lines["billing_no"] = lines["billing_no"].map(mapping)
        new_lines.append(lines)
    return (
        pd.concat([head, s1, again], ignore_index=True),
        pd.concat([line, *new_lines], ignore_index=True),
    )


def credit_memos_and_returns(ctx: Ctx, delivery_items: pd.DataFrame, confirmations):
    """Credit memos (price disputes) and returns after the goods issue or confirmation."""
    n = ctx.n
    free = (ctx.o("injection") == "") & ~ctx.o("has_item_injection")
    gi1 = ctx.o("gi_at_1")
    first_done = np.where(np.isnan(gi1), ctx.o("conf_at_1"), gi1)
    first_item = _first_delivered_item(ctx, delivery_items, confirmations)
    has_item = first_item >= 0
    memo = free & has_item & ~np.isnan(first_done) & (ctx.rand(n) < ctx.config.rate("credit_memo"))
    goods = np.isin(ctx.o("fulfilment"), ("make_to_stock", "make_to_order"))
    ret = (
        free
        & has_item
        & goods
        & ~np.isnan(gi1)
        & ~memo
        & (ctx.rand(n) < ctx.config.rate("return_order"))
    )
    memo_at = np.where(
        memo, in_work_hours(ctx.rng, first_done + lognormal_days(ctx.rng, n, 10.0, 0.5)), np.nan
    )
    return_at = np.where(
        ret, in_work_hours(ctx.rng, gi1 + lognormal_days(ctx.rng, n, 12.0, 0.5)), np.nan
    )
    return_credit_at = in_work_hours(ctx.rng, return_at + lognormal_days(ctx.rng, n, 6.0, 0.5))
    ctx.orders["return_at"] = return_at
    ctx.orders["return_user"] = ctx.pick("sales", n)
    ctx.orders["return_item"] = first_item
    heads, lines = [], []
    for slot, at in ((SLOT_CREDIT_MEMO, memo_at), (SLOT_RETURN_CREDIT, return_credit_at)):
        pos = np.flatnonzero(~np.isnan(at))
        user = ctx.pick("billing", len(pos))
        head = _head(ctx, pos, slot, "G2", at[pos], user)
        head["released_at"] = seconds_later(ctx.rng, at[pos], 2, 30)
        head["release_user"] = user
        head["never_released"] = False
        head["cancelled_by"] = ""
        heads.append(head)
        item = first_item[pos]
        qty = np.where(slot == SLOT_RETURN_CREDIT, 1.0, ctx.i("qty")[item])
        lines.append(
            pd.DataFrame(
                {
                    "billing_no": head["billing_no"].to_numpy(),
                    "item": item,
                    "qty": qty,
                    "ref_doc": "",
                }
            )
        )
    return pd.concat(heads, ignore_index=True), pd.concat(lines, ignore_index=True)


def _first_delivered_item(ctx, di, conf) -> np.ndarray:
    out = np.full(ctx.n, -1)
    for frame in (conf, di):
        f = frame[frame["round"] == 1].sort_values("item", kind="stable")
        f = f.drop_duplicates("order_pos")
        out[f["order_pos"].to_numpy()] = f["item"].to_numpy()
    return out


def down_payment_requests(ctx: Ctx):
    pos = np.flatnonzero(~np.isnan(ctx.o("dp_request_at")))
    at = ctx.o("dp_request_at")[pos]
    user = ctx.o("dp_request_user")[pos]
    head = _head(ctx, pos, SLOT_DOWN_PAYMENT, "FAZ", at, user)
    head["released_at"] = seconds_later(ctx.rng, at, 2, 30)
    head["release_user"] = user
    head["never_released"] = False
    head["cancelled_by"] = ""
    items = np.flatnonzero(np.isin(ctx.item_order(), pos))
    number = dict(zip(pos, head["billing_no"], strict=True))
    line = pd.DataFrame(
        {
            "billing_no": pd.Series(ctx.item_order()[items]).map(number).to_numpy(),
            "item": items,
            "qty": ctx.i("qty")[items],
            "ref_doc": "",
        }
    )
    return head, line
