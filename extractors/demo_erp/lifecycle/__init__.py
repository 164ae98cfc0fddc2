"""The life of every order in one block, from entry to cash, as plain tables.

`simulate` returns the full history (including what happens after the as-of time);
`extractors.demo_erp.snapshot` cuts it at the as-of time into SAP tables.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import billing, blocks, changes, fulfilment, payments
from .changes import dats
from .context import Ctx
from .injections import choose_injections
from .rules import record_rule_deviations


@dataclass
class Timeline:
    orders: pd.DataFrame
    items: pd.DataFrame
    delivery_items: pd.DataFrame
    confirmations: pd.DataFrame
    billing: pd.DataFrame
    billing_items: pd.DataFrame
    billing_plan: pd.DataFrame
    changes: pd.DataFrame
    cdpos: pd.DataFrame
    dunning: pd.DataFrame
    events: pd.DataFrame
    deviations: pd.DataFrame


def simulate(ctx: Ctx) -> Timeline:
    choose_injections(ctx)
    blocks.enter_orders(ctx)
    blocks.set_blocks(ctx)
    blocks.down_payments(ctx)
    blocks.ready_for_fulfilment(ctx)
    fulfilment.schedule(ctx)
    fulfilment.reject_items(ctx)
    fulfilment.make_to_order_supply(ctx)
    delivery_items = fulfilment.deliveries(ctx)
    fulfilment.goods_issue_while_blocked(ctx)
    confirmations = fulfilment.service_confirmations(ctx)
    fulfilment.rejection_times(ctx)
    ctx.billing_plan = billing.billing_plan(ctx)
    head, line = billing.invoices(ctx, delivery_items, confirmations)
    memo_head, memo_line = billing.credit_memos_and_returns(ctx, delivery_items, confirmations)
    dp_head, dp_line = billing.down_payment_requests(ctx)
    head = pd.concat([head, memo_head, dp_head], ignore_index=True)
    line = pd.concat([line, memo_line, dp_line], ignore_index=True)
    _first_invoice_times(ctx, head, line)
    changes.order_changes(ctx)
    changes.item_changes(ctx)
    changes.delivery_changes(ctx, delivery_items)
    payments.amounts(ctx, head, line)
    payments.accounting(ctx, head)
    payments.other_clearings(ctx, head)
    dunning = payments.dunning(ctx, head)
    _billing_events(ctx, head, line, dunning)
    _return_events(ctx)
    record_rule_deviations(ctx, head, line, delivery_items)
    return Timeline(
        orders=ctx.orders,
        items=ctx.items,
        delivery_items=delivery_items,
        confirmations=confirmations,
        billing=head,
        billing_items=line,
        billing_plan=ctx.billing_plan,
        changes=pd.concat(ctx.changes, ignore_index=True),
        cdpos=pd.concat(ctx.cdpos, ignore_index=True),
        dunning=dunning,
        events=pd.concat(ctx.events, ignore_index=True),
        deviations=pd.concat(ctx.deviations, ignore_index=True)
        if ctx.deviations
        else pd.DataFrame(columns=["item", "code", "kind", "activity", "visible_at", "hidden_at"]),
    )


def _first_invoice_times(ctx: Ctx, head: pd.DataFrame, line: pd.DataFrame) -> None:
    f2 = head[head["fkart"] == "F2"]
    per_order = f2.groupby("order_pos")["created_at"].min()
    first = np.full(ctx.n, np.nan)
    first[per_order.index.to_numpy()] = per_order.to_numpy()
    ctx.orders["first_invoice_at"] = first
    lines = line.merge(f2[["billing_no", "created_at"]], on="billing_no")
    per_item = lines.groupby("item")["created_at"].min()
    first_item = np.full(ctx.m, np.nan)
    first_item[per_item.index.to_numpy()] = per_item.to_numpy()
    ctx.items["first_invoice_at"] = first_item


def _billing_events(ctx: Ctx, head: pd.DataFrame, line: pd.DataFrame, dunning) -> None:
    """Fan billing-level events out to the items on each billing document."""
    lines = line[["billing_no", "item"]].drop_duplicates()
    h = head.set_index("billing_no")
    b = lines["billing_no"]
    items = lines["item"].to_numpy()
    fkart = b.map(h["fkart"]).to_numpy()

    def ev(activity, at, user, mask=None, accounting="", visible=None):
        at = np.asarray(at, dtype=float)
        if mask is not None:
            at = np.where(mask, at, np.nan)
        ctx.event(
            activity,
            at,
            user,
            item=items,
            invoice=b.to_numpy(),
            accounting=accounting,
            visible=visible,
        )

    created, user = b.map(h["created_at"]).to_numpy(), b.map(h["user"]).to_numpy()
    belnr = b.map(h["belnr"]).to_numpy()
    ev("Create Invoice", created, user, fkart == "F2")
    ev("Create Down Payment Request", created, user, fkart == "FAZ")
    ev("Create Credit Memo", created, user, fkart == "G2")
    ev("Cancel Invoice", created, user, fkart == "S1")
    ev(
        "Release Invoice to Accounting",
        b.map(h["released_at"]).to_numpy(),
        b.map(h["release_user"]).to_numpy(),
        fkart == "F2",
        belnr,
    )
    ev(
        "Receive Payment",
        b.map(h["receive_payment_at"]).to_numpy(),
        b.map(h["pay_user"]).to_numpy(),
        None,
        b.map(h["pay_belnr"]).to_numpy(),
        b.map(h["clear_entry_at"]).to_numpy(),
    )
    dp_at = ctx.o("dp_received_at")[ctx.item_order()[items]]
    ev("Receive Down Payment", dp_at, "BANK_IF", fkart == "FAZ")
    # Baseline-date changes are change documents of the accounting line item.
    base = h[~np.isnan(h["baseline_changed_at"].to_numpy())]
    base_lines = lines[lines["billing_no"].isin(base.index)]
    bl = base_lines["billing_no"]
    objectid = (
        ctx.config.client + bl.map(h["bukrs"]) + bl.map(h["belnr"]) + bl.map(h["gjahr"])
    ).to_numpy()
    tabkey = (objectid + "001").astype(object)
    ctx.change(
        "Change Baseline Date",
        bl.map(h["baseline_changed_at"]).to_numpy().astype(float),
        # One clerk changes the document: one user for all its items.
        bl.map(pd.Series(ctx.pick("receivables", len(h)), index=h.index)).to_numpy(),
        ctx.item_order()[base_lines["item"].to_numpy()],
        base_lines["item"].to_numpy(),
        "BELEG",
        objectid,
        "FB02",
        [
            (
                "BSEG",
                tabkey,
                "ZFBDT",
                "U",
                dats(bl.map(h["baseline_day"]).to_numpy()),
                dats(bl.map(h["baseline_new_day"]).to_numpy()),
            )
        ],
        group=bl.to_numpy(),
    )
    d = dunning.merge(lines, on="billing_no")
    # A dunning run is a background job that records no user; the due date passing is a
    # milestone, no one's action: both have no resource (see truth.SYSTEM_EVENTS).
    ctx.event(
        "Send Dunning Notice",
        d["run_day"].to_numpy() * 86400.0,
        "",
        item=d["item"].to_numpy(),
        invoice=d["billing_no"].to_numpy(),
    )
    due = payments.due_date_passed(head).merge(lines, on="billing_no")
    ctx.event(
        "Payment Due Date Passed",
        due["at"].to_numpy(),
        "",
        item=due["item"].to_numpy(),
        invoice=due["billing_no"].to_numpy(),
        hidden=due["hidden_at"].to_numpy(),
    )


def _return_events(ctx: Ctx) -> None:
    at = ctx.o("return_at")
    item = ctx.o("return_item")
    sel = ~np.isnan(at)
    ctx.event("Create Return Order", at[sel], ctx.o("return_user")[sel], item=item[sel])
