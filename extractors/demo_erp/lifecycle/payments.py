"""Accounting: amounts, the accounting document of every released billing document,
customer payments (on time, late, partial, with cash discount), down payments,
clearing, dunning and due dates."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..clock import DAY, HOUR, MINUTE, in_work_hours, lognormal_days
from ..masters import BASE_RATES_TO_EUR, PAYMENT_TERMS, SALES_ORGS
from .billing import SLOT_DOWN_PAYMENT
from .context import Ctx
from .keys import BILLING_BASE, num

DOWN_PAYMENT_SHARE = 0.3


def rate_to_eur(currency, day) -> np.ndarray:
    """Monthly average rate (EUR per unit), drifting slowly; 1.0 for EUR."""
    currency = np.asarray(currency, dtype=object)
    month = (
        np.asarray(day, dtype=np.int64)
        .astype("datetime64[D]")
        .astype("datetime64[M]")
        .astype(np.int64)
    )
    base = np.array([BASE_RATES_TO_EUR.get(c, 1.0) for c in currency])
    drift = 1 + 0.03 * np.sin(month / 3.0)
    return np.where(currency == "EUR", 1.0, np.round(base * drift, 5))


def item_price_at(ctx: Ctx, items: np.ndarray, t: np.ndarray) -> np.ndarray:
    price = ctx.i("price")[items]
    initial = ctx.i("price_initial")[items]
    changed = ctx.i("price_changed_at")[items]
    late_at = ctx.i("price_late_change_at")[items]
    out = np.where(changed > t, initial, price)  # NaN > t is False: no change
    return np.where(late_at <= t, ctx.i("price_after_invoice")[items], out)


def amounts(ctx: Ctx, head: pd.DataFrame, line: pd.DataFrame) -> None:
    created = head.set_index("billing_no")["created_at"]
    items = line["item"].to_numpy()
    at = line["billing_no"].map(created).to_numpy()
    price = item_price_at(ctx, items, at)
    kind = line["billing_no"].map(head.set_index("billing_no")["slot"]).to_numpy()
    factor = np.where(
        kind == SLOT_DOWN_PAYMENT, DOWN_PAYMENT_SHARE, np.where(kind == 6, 0.1, 1.0)
    )  # credit memos for disputes: 10 %
    line["price"] = price
    line["amount"] = np.round(line["qty"].to_numpy() * price * factor, 2)
    total = line.groupby("billing_no")["amount"].sum()
    head["amount"] = head["billing_no"].map(total).fillna(0.0).round(2).to_numpy()
    order_pos = head["order_pos"].to_numpy()
    bukrs = (
        pd.Series(ctx.o("vkorg")[order_pos]).map(SALES_ORGS.set_index("vkorg")["bukrs"]).to_numpy()
    )
    local = np.select([bukrs == "1000", bukrs == "2000"], ["EUR", "USD"], "GBP")
    foreign = ctx.o("is_foreign_currency")[order_pos]
    head["bukrs"] = bukrs
    head["local_currency"] = local
    head["currency"] = np.where(foreign, "USD", local)
    day = np.floor(head["created_at"].to_numpy() / DAY)
    head["fkdat_day"] = day
    to_eur_doc = rate_to_eur(head["currency"].to_numpy(), day)
    to_eur_local = rate_to_eur(local, day)
    head["kurrf"] = np.where(foreign, to_eur_doc / to_eur_local, 1.0).round(5)
    head["amount_local"] = (head["amount"] * head["kurrf"]).round(2)


def accounting(ctx: Ctx, head: pd.DataFrame) -> pd.DataFrame:
    """Clearing and payment facts per billing document (columns added to `head`)."""
    k = len(head)
    released = head["released_at"].to_numpy()
    number = head["billing_no"].to_numpy().astype(np.int64) - BILLING_BASE
    head["belnr"] = np.where(np.isnan(released), "", num(100_000_000 + number))
    head["gjahr"] = _year(released)
    order_pos = head["order_pos"].to_numpy()
    terms = np.where(
        ctx.o("terms_changed_at")[order_pos] > head["created_at"].to_numpy(),
        ctx.o("terms_before_change")[order_pos],
        ctx.o("initial_terms")[order_pos],
    )
    head["terms"] = terms
    net = np.array([PAYMENT_TERMS[t][0] for t in terms], dtype=float)
    disc_days = np.array([PAYMENT_TERMS[t][1] for t in terms], dtype=float)
    head["baseline_day"] = head["fkdat_day"]
    change = (
        (head["fkart"] == "F2").to_numpy()
        & ~np.isnan(released)
        & (ctx.rand(k) < ctx.config.rate("baseline_date_change"))
    )
    head["baseline_changed_at"] = np.where(
        change, in_work_hours(ctx.rng, released + ctx.rng.uniform(0.5, 3, k) * DAY), np.nan
    )
    head["baseline_new_day"] = np.where(
        change, head["fkdat_day"] + ctx.rng.integers(5, 15, k), head["fkdat_day"]
    )
    due = head["baseline_new_day"].to_numpy() + net
    head["due_day"] = due
    head["discount_day"] = np.where(disc_days > 0, head["baseline_new_day"] + disc_days, np.nan)
    _payments(ctx, head, net, disc_days)
    return head


def _year(t) -> np.ndarray:
    t = np.asarray(t, dtype=float)
    years = (
        np.where(np.isnan(t), 0, t)
        .astype(np.int64)
        .astype("datetime64[s]")
        .astype("datetime64[Y]")
        .astype(np.int64)
        + 1970
    )
    return np.where(np.isnan(t), "", years.astype(str)).astype(object)


def _payments(ctx: Ctx, head: pd.DataFrame, net, disc_days) -> None:
    k = len(head)
    released = head["released_at"].to_numpy()
    payable = ((head["fkart"] == "F2") & (head["cancelled_by"] == "")).to_numpy() & ~np.isnan(
        released
    )
    order_pos = head["order_pos"].to_numpy()
    customers = ctx.masters.customers
    late_rate = customers["late_rate"].to_numpy()[ctx.o("customer_idx")[order_pos]]
    scale = ctx.config.rate("late_payment") / 0.3
    planted = customers["is_planted_late_payer"].to_numpy()[ctx.o("customer_idx")[order_pos]]
    late = ctx.rand(k) < np.where(planted, late_rate, np.minimum(1.0, late_rate * scale))
    due = head["due_day"].to_numpy()
    base = head["baseline_new_day"].to_numpy()
    release_day = np.floor(released / DAY)
    discount = (disc_days > 0) & (ctx.rand(k) < ctx.config.rate("cash_discount_taken")) & ~late
    on_time_day = due - np.floor(ctx.rng.uniform(0, 1, k) * np.minimum(net - 1, 10))
    pay_day = np.where(
        discount, base + ctx.rng.integers(1, 10, k) % np.maximum(disc_days, 1), on_time_day
    )
    pay_day = np.where(late, due + 1 + np.floor(ctx.rng.lognormal(np.log(10), 0.7, k)), pay_day)
    pay_day = np.maximum(pay_day, release_day + 1)
    wd = (np.nan_to_num(pay_day).astype(np.int64) + 3) % 7
    pay_day = pay_day + np.where(wd == 5, 2, np.where(wd == 6, 1, 0))
    bank = ctx.rand(k) < 0.7
    clear_at = np.where(
        bank,
        pay_day * DAY + 7 * HOUR + ctx.rng.uniform(1, 40, k) * MINUTE,
        in_work_hours(ctx.rng, pay_day * DAY + 9 * HOUR + ctx.rng.uniform(0, 8, k) * HOUR),
    )
    clear_at = np.floor(clear_at)
    augdt = np.floor(clear_at / DAY)
    # Injected: the clearing is dated before the invoice existed (a payment on account
    # that was cleared with a back-dated clearing date).
    early = payable & (ctx.o("injection")[order_pos] == "payment_before_invoice")
    augdt = np.where(early, head["fkdat_day"].to_numpy() - ctx.rng.integers(2, 7, k), augdt)
    discount &= ~early
    clear_at = np.where(payable, clear_at, np.nan)
    head["paid"] = payable
    head["clear_entry_at"] = clear_at
    head["augdt_day"] = np.where(payable, augdt, np.nan)
    head["pay_user"] = np.where(bank, "BANK_IF", ctx.pick("receivables", k))
    head["discount_taken"] = payable & discount
    head["discount_amount"] = np.where(
        head["discount_taken"],
        np.round(
            head["amount"].to_numpy()
            * np.array([PAYMENT_TERMS[t][2] for t in head["terms"]])
            / 100,
            2,
        ),
        0.0,
    )
    head["pay_belnr"] = num(
        1_400_000_000 + (head["billing_no"].to_numpy().astype(np.int64) - BILLING_BASE) * 2 + 1
    )
    partial = (
        payable
        & ~early
        & (ctx.rand(k) < ctx.config.rate("partial_payment"))
        & (augdt - release_day > 4)
    )
    head["partial_at"] = np.where(
        partial,
        in_work_hours(
            ctx.rng, (release_day + np.floor((augdt - release_day) / 2)) * DAY + 9 * HOUR
        ),
        np.nan,
    )
    head["partial_belnr"] = num(
        1_400_000_000 + (head["billing_no"].to_numpy().astype(np.int64) - BILLING_BASE) * 2
    )
    head["partial_amount"] = np.where(partial, np.round(head["amount"] * 0.4, 2), 0.0)
    # The receipt of a payment (its time comes from the clearing document's entry time).
    tod = clear_at - np.floor(clear_at / DAY) * DAY
    head["receive_payment_at"] = np.where(payable, augdt * DAY + tod, np.nan)
    head["is_cancelled"] = head["cancelled_by"] != ""


def other_clearings(ctx: Ctx, head: pd.DataFrame) -> None:
    """Cancellations clear the invoice they cancel; credit memos are offset a few days
    later; down-payment requests are cleared by the down payment."""
    k = len(head)
    by_no = head.set_index("billing_no")
    cancelled = head["cancelled_by"].to_numpy() != ""
    s1_release = head["cancelled_by"].map(by_no["released_at"]).to_numpy()
    s1_belnr = head["cancelled_by"].map(by_no["belnr"]).to_numpy()
    s1_mask = (head["fkart"] == "S1").to_numpy()
    orig_belnr = head["cancels"].map(by_no["belnr"]).to_numpy()
    memo = (head["fkart"] == "G2").to_numpy()
    memo_clear = np.floor(
        in_work_hours(
            ctx.rng, head["released_at"].to_numpy() + lognormal_days(ctx.rng, k, 5.0, 0.4)
        )
    )
    dpr = (head["fkart"] == "FAZ").to_numpy()
    dp_at = ctx.o("dp_received_at")[head["order_pos"].to_numpy()]
    head["other_clear_at"] = np.select(
        [cancelled, s1_mask, memo, dpr],
        [s1_release, head["released_at"].to_numpy(), memo_clear, dp_at],
        np.nan,
    )
    number = head["billing_no"].to_numpy().astype(np.int64) - BILLING_BASE
    head["other_clear_belnr"] = np.select(
        [cancelled, s1_mask, memo, dpr],
        [
            s1_belnr,
            head["belnr"].to_numpy(),
            num(1_600_000_000 + number),
            num(1_500_000_000 + ctx.o("order_seq")[head["order_pos"].to_numpy()]),
        ],
        "",
    )
    head["cancelled_belnr"] = np.where(s1_mask, orig_belnr, "")


def _open_until_day(head: pd.DataFrame) -> np.ndarray:
    """The day the source first shows the invoice cleared: the clearing's entry day (a
    back-dated clearing date is only seen once entered); inf while never cleared."""
    entry = np.floor(head["clear_entry_at"].to_numpy(dtype=float) / DAY)
    return np.where(head["paid"].to_numpy(dtype=bool), entry, np.inf)


def _payable(head: pd.DataFrame) -> np.ndarray:
    return (
        (head["fkart"] == "F2").to_numpy()
        & ~head["is_cancelled"].to_numpy()
        & ~np.isnan(head["released_at"].to_numpy())
    )


def dunning(ctx: Ctx, head: pd.DataFrame) -> pd.DataFrame:
    """Weekly dunning runs (Mondays): level k at the first run 7 + 14 (k-1) days past due,
    for invoices the source still shows open on the run day."""
    open_until = _open_until_day(head)
    payable_open = _payable(head)
    frames = []
    for level in (1, 2, 3):
        target = head["due_day"].to_numpy() + 7 + 14 * (level - 1)
        wd = (target.astype(np.int64) + 3) % 7
        run = target + (7 - wd) % 7
        sel = payable_open & (run < open_until)
        frames.append(
            pd.DataFrame(
                {
                    "billing_no": head["billing_no"].to_numpy()[sel],
                    "level": level,
                    "run_day": run[sel],
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def due_date_passed(head: pd.DataFrame) -> pd.DataFrame:
    """The day after the net due date, for invoices the source shows open then. A clearing
    dated on or before the due date but entered later hides it again once entered."""
    due = head["due_day"].to_numpy()
    augdt = np.where(head["paid"], head["augdt_day"], np.inf)
    sel = _payable(head) & (_open_until_day(head) > due)
    hidden = np.where(augdt <= due, head["clear_entry_at"].to_numpy(dtype=float), np.nan)
    return pd.DataFrame(
        {
            "billing_no": head["billing_no"].to_numpy()[sel],
            "at": (due[sel] + 1) * DAY,
            "hidden_at": hidden[sel],
        }
    )
