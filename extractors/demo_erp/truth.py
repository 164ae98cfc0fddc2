"""The ground truth: what the simulator did to every order item, as of the as-of time.

The contract (columns and meanings) is documented in docs/demo_erp.md.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .clock import DAY
from .lifecycle import Timeline
from .lifecycle.context import HEADER
from .lifecycle.keys import posnr
from .masters import SALES_ORGS
from .snapshot.common import upto

CONTROL_FLOW = ("skipped", "extra", "out_of_order")
# Events the source records without a user: automated or not by their nature.
SYSTEM_EVENTS = {
    "Send Dunning Notice": True,
    "Payment Due Date Passed": False,
    "Proof of Delivery": False,
}


def to_utc(t, tz: str) -> pd.Series:
    t = np.asarray(t, dtype=float)
    ok = ~np.isnan(t)
    out = pd.Series(pd.NaT, index=range(len(t)), dtype="datetime64[us, UTC]")
    if ok.any():
        local = pd.to_datetime(t[ok].astype(np.int64), unit="s").tz_localize(
            tz, ambiguous=True, nonexistent="shift_forward"
        )
        out[ok] = local.tz_convert("UTC").astype("datetime64[us, UTC]")
    return out


def case_ids(tl: Timeline, items: np.ndarray):
    order = tl.orders["vbeln"].to_numpy()[tl.items["order_pos"].to_numpy()[items]]
    pos = posnr(tl.items["posnr"].to_numpy()[items])
    return order, pos


def events(tl: Timeline, as_of: float, tz: str, automated: set[str]) -> pd.DataFrame:
    ev = tl.events
    ch = tl.changes.assign(
        delivery="", invoice="", accounting="", visible_at=tl.changes["at"], hidden_at=np.nan
    )
    cols = [
        "order_pos",
        "item",
        "activity",
        "at",
        "user",
        "delivery",
        "invoice",
        "accounting",
        "visible_at",
        "hidden_at",
    ]
    ev = pd.concat([ev[cols], ch[cols]], ignore_index=True)
    ev = ev[upto(ev["visible_at"], as_of) & upto(ev["at"], as_of) & ~upto(ev["hidden_at"], as_of)]
    # Pre-sales events of an order entered after the as-of time belong to no case yet.
    entered = upto(tl.orders["created_at"], as_of)
    ev = ev[entered[ev["order_pos"].to_numpy()]]
    header = ev[ev["item"] == HEADER]
    items = tl.items.reset_index()[["index", "order_pos"]].rename(columns={"index": "item_"})
    fanned = header.merge(items, on="order_pos").assign(item=lambda f: f["item_"])
    ev = pd.concat([ev[ev["item"] != HEADER], fanned[cols]], ignore_index=True)
    order, pos = case_ids(tl, ev["item"].to_numpy().astype(int))
    users = ev["user"].to_numpy().astype(object)
    out = pd.DataFrame(
        {
            "case_id": order + "-" + pos,
            "sales_order": order,
            "sales_order_item": pos,
            "activity": ev["activity"].to_numpy(),
            "event_at": to_utc(ev["at"].to_numpy(), tz).to_numpy(),
            "resource": np.where(users == "", None, users),
            "is_automated": np.where(
                users == "",
                ev["activity"].map(lambda a: SYSTEM_EVENTS.get(a, False)).to_numpy(bool),
                np.isin(users.astype(str), list(automated)),
            ),
            "delivery": ev["delivery"].to_numpy(),
            "invoice": ev["invoice"].to_numpy(),
            "accounting_document": ev["accounting"].to_numpy(),
        }
    )
    return out.sort_values(["case_id", "event_at", "activity"], kind="stable").reset_index(
        drop=True
    )


def deviations(tl: Timeline, as_of: float) -> pd.DataFrame:
    d = tl.deviations
    hidden = d["hidden_at"].to_numpy(dtype=float)
    d = d[upto(d["visible_at"], as_of) & ~upto(hidden, as_of)]
    order, pos = case_ids(tl, d["item"].to_numpy().astype(int))
    out = pd.DataFrame(
        {
            "case_id": order + "-" + pos,
            "sales_order": order,
            "sales_order_item": pos,
            "code": d["code"].to_numpy(),
            "kind": d["kind"].to_numpy(),
            "activity": d["activity"].to_numpy(),
        }
    )
    return out.drop_duplicates().sort_values(["case_id", "code", "kind"]).reset_index(drop=True)


def cases(tl: Timeline, as_of: float, tz: str, dev: pd.DataFrame, ev: pd.DataFrame):
    i, o = tl.items, tl.orders
    ok = upto(o["created_at"], as_of)[i["order_pos"].to_numpy()]
    idx = np.flatnonzero(ok)
    op = i["order_pos"].to_numpy()[idx]
    order, pos = case_ids(tl, idx)
    case = order + "-" + pos
    rejected_at = i["rejected_at"].to_numpy()[idx]
    restored_at = i["restored_at"].to_numpy()[idx]
    rejected = upto(rejected_at, as_of) & ~upto(restored_at, as_of)
    closed_at = _closed_at(tl, idx, as_of)
    closed_at = np.where(rejected, rejected_at, closed_at)
    flow_dev = set(dev.loc[dev["kind"].isin(CONTROL_FLOW), "case_id"])
    qty = np.where(
        upto(i["qty_changed_at"].to_numpy()[idx], as_of),
        i["qty"].to_numpy()[idx],
        i["qty_initial"].to_numpy()[idx],
    )
    out = pd.DataFrame(
        {
            "case_id": case,
            "sales_order": order,
            "sales_order_item": pos,
            "fulfilment_model": i["fulfilment"].to_numpy()[idx],
            "payment_timing": o["payment_timing"].to_numpy()[op],
            "channel": o["channel"].to_numpy()[op],
            "customer": o["kunnr"].to_numpy()[op],
            "material": i["matnr"].to_numpy()[idx],
            "plant": i["werks"].to_numpy()[idx],
            "sales_org": o["vkorg"].to_numpy()[op],
            "company_code": o["vkorg"].map(SALES_ORGS.set_index("vkorg")["bukrs"]).to_numpy()[op],
            "order_type": o["auart"].to_numpy()[op],
            "created_at": to_utc(o["created_at"].to_numpy()[op], tz).to_numpy(),
            "ordered_quantity": qty,
            "is_rejected": rejected,
            "rejection_reason": np.where(rejected, i["rejection_reason"].to_numpy()[idx], ""),
            "is_order_cancelled": rejected & i["is_cancelled"].to_numpy()[idx],
            "is_closed": ~np.isnan(closed_at),
            "closed_at": to_utc(closed_at, tz).to_numpy(),
            "followed_reference_model": ~np.isin(case, list(flow_dev)),
            "event_count": pd.Series(case)
            .map(ev.groupby("case_id").size())
            .fillna(0)
            .astype(int)
            .to_numpy(),
        }
    )
    return out.join(_delivery_facts(tl, idx, op, qty, rejected, as_of))


def _closed_at(tl: Timeline, idx: np.ndarray, as_of: float) -> np.ndarray:
    """Items are closed when every invoice they will ever get (not cancelled) is paid."""
    b = tl.billing
    payable = b[(b["fkart"] == "F2") & ~b["is_cancelled"]]
    lines = tl.billing_items.merge(
        payable[["billing_no", "receive_payment_at", "clear_entry_at"]], on="billing_no"
    )
    lines["done"] = upto(lines["clear_entry_at"], as_of)
    agg = lines.groupby("item").agg(all_done=("done", "all"), last=("receive_payment_at", "max"))
    expected_rounds = _expected_invoices(tl)
    count = lines.groupby("item").size()
    closed = agg["all_done"] & (
        count.reindex(agg.index) >= expected_rounds.reindex(agg.index, fill_value=1)
    )
    out = pd.Series(np.where(closed, agg["last"], np.nan), index=agg.index)
    return out.reindex(idx).to_numpy()


def _expected_invoices(tl: Timeline) -> pd.Series:
    i = tl.items
    split = i["is_split"].to_numpy()
    sub = i["fulfilment"].to_numpy() == "subscription"
    months = tl.orders["term_months"].to_numpy()[i["order_pos"].to_numpy()]
    return pd.Series(np.where(sub, months, np.where(split, 2, 1)), index=i.index)


def _delivery_facts(tl, idx, op, qty, rejected, as_of) -> pd.DataFrame:
    i, o = tl.items, tl.orders
    as_of_day = np.floor(as_of / DAY)
    goods = np.isin(i["fulfilment"].to_numpy()[idx], ("make_to_stock", "make_to_order"))
    vdatu = np.where(
        upto(o["vdatu_changed_at"].to_numpy()[op], as_of),
        o["requested_delivery_day"].to_numpy()[op],
        o["vdatu_initial_day"].to_numpy()[op],
    )
    req = vdatu - 2
    separate = i["has_separate_confirmation"].to_numpy()[idx]
    resched = upto(i["rescheduled_at"].to_numpy()[idx], as_of)
    conf = np.where(
        separate,
        np.where(
            resched,
            i["confirmed_gi_day"].to_numpy()[idx],
            i["confirmed_gi_day_initial"].to_numpy()[idx],
        ),
        req,
    )
    di = tl.delivery_items
    di = di[upto(di["gi_at"], as_of)].sort_values("gi_at", kind="stable")
    di = di.assign(
        gi_day=np.floor(di["gi_at"].to_numpy() / DAY), cum=di.groupby("item")["qty"].cumsum()
    )
    qty_s = pd.Series(qty, index=idx)
    di = di[di["item"].isin(idx)]
    complete = di[di["cum"].to_numpy() >= qty_s.reindex(di["item"]).to_numpy()]
    done_day = complete.groupby("item")["gi_day"].min().reindex(idx).to_numpy()
    facts = {"requested_gi_date": req, "confirmed_gi_date": conf}
    out = {
        "requested_gi_date": _date(req),
        "confirmed_gi_date": _date(conf),
        "delivery_completed_date": _date(done_day),
    }
    measurable = goods & ~rejected
    for name, day in facts.items():
        suffix = name.split("_")[0]
        by_day = (
            di[di["gi_day"].to_numpy() <= pd.Series(day, index=idx).reindex(di["item"]).to_numpy()]
            .groupby("item")["qty"]
            .sum()
            .reindex(idx, fill_value=0.0)
        )
        known = ~np.isnan(done_day) | (as_of_day > day)
        on_time = np.where(~np.isnan(done_day), done_day <= day, False)
        in_full = by_day.to_numpy() >= qty
        ok = measurable & known
        out[f"is_on_time_{suffix}"] = _nullable(on_time, ok)
        out[f"is_in_full_{suffix}"] = _nullable(in_full, ok)
        out[f"is_otif_{suffix}"] = out[f"is_on_time_{suffix}"] & out[f"is_in_full_{suffix}"]
    return pd.DataFrame(out, index=range(len(idx)))


def _nullable(values, known) -> pd.arrays.BooleanArray:
    """A nullable boolean: the value where known, NA elsewhere."""
    return pd.arrays.BooleanArray(np.asarray(values, dtype=bool), ~np.asarray(known, dtype=bool))


def _date(day) -> np.ndarray:
    day = np.asarray(day, dtype=float)
    out = np.full(day.shape, np.datetime64("NaT"), dtype="datetime64[D]")
    ok = ~np.isnan(day)
    out[ok] = day[ok].astype(np.int64).astype("datetime64[D]")
    return out


def invoices(tl: Timeline, as_of: float, tz: str) -> pd.DataFrame:
    b = tl.billing
    b = b[(b["fkart"] == "F2") & upto(b["created_at"], as_of)]
    o = tl.orders
    op = b["order_pos"].to_numpy()
    cleared = upto(b["clear_entry_at"], as_of)
    released = upto(b["released_at"], as_of)
    cancelled = upto(
        b["cancelled_by"].map(tl.billing.set_index("billing_no")["created_at"]).to_numpy(float),
        as_of,
    )
    augdt = np.where(cleared, b["augdt_day"], np.nan)
    # The due and discount dates as the source shows them: a baseline-date change entered
    # after the as-of time does not count yet.
    changed = upto(b["baseline_changed_at"], as_of)
    shift = np.where(changed, 0.0, b["baseline_day"].to_numpy() - b["baseline_new_day"].to_numpy())
    due = b["due_day"].to_numpy() + shift
    as_of_day = np.floor(as_of / DAY)
    disc = b["discount_day"].to_numpy() + shift
    dunning = tl.dunning[tl.dunning["run_day"] * DAY <= as_of].groupby("billing_no")["level"].max()
    open_ = released & ~cleared & ~cancelled
    return pd.DataFrame(
        {
            "billing_document": b["billing_no"].to_numpy(),
            "sales_order": o["vbeln"].to_numpy()[op],
            "customer": o["kunnr"].to_numpy()[op],
            "company_code": b["bukrs"].to_numpy(),
            "currency": b["currency"].to_numpy(),
            "amount": b["amount"].to_numpy(),
            "amount_company_currency": b["amount_local"].to_numpy(),
            "company_currency": b["local_currency"].to_numpy(),
            "created_at": to_utc(b["created_at"].to_numpy(), tz).to_numpy(),
            "billing_date": _date(b["fkdat_day"].to_numpy()),
            "net_due_date": _date(due),
            "cash_discount_date": _date(disc),
            "is_released": released,
            "is_cancelled": cancelled,
            "is_cleared": cleared,
            "clearing_date": _date(augdt),
            "days_to_pay": augdt - b["fkdat_day"].to_numpy(),
            "is_paid_on_time": _nullable(augdt <= due, cleared),
            "days_past_due": np.where(
                cleared,
                np.maximum(0, augdt - due),
                np.where(open_, np.maximum(0, as_of_day - due), np.nan),
            ),
            "is_discount_taken": cleared & b["discount_taken"].to_numpy(),
            "is_discount_lost": cleared & ~np.isnan(disc) & ~b["discount_taken"].to_numpy(),
            "dunning_level": b["billing_no"].map(dunning).fillna(0).astype(int).to_numpy(),
            "is_behind_schedule": b["behind_schedule"].to_numpy(),
        }
    )
