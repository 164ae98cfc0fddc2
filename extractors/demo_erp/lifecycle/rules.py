"""Ground truth of the injected deviations: the rule each breaks (DESIGN.md section 7)
and the control-flow deviation it causes, with the moment it becomes visible."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..clock import DAY
from .context import Ctx, items_of_orders


def record_rule_deviations(
    ctx: Ctx, head: pd.DataFrame, line: pd.DataFrame, delivery_items: pd.DataFrame
) -> None:
    inj = ctx.o("injection")
    f2 = head[head["fkart"] == "F2"]
    lines = line.merge(f2, on="billing_no", suffixes=("", "_head"))

    def on_invoices(code, mask_rows, when, kind="rule", activity="", until=None):
        sel = lines[mask_rows(lines)]
        _add(
            ctx,
            sel["item"].to_numpy(),
            code,
            kind,
            activity,
            when(sel),
            None if until is None else until(sel),
        )

    early = lines["order_pos"].map(lambda p: inj[p]).to_numpy() if len(lines) else np.array([])
    lines["injection"] = early
    first_round = lines["slot"] == 1
    ibgi = (lines["injection"] == "invoice_before_goods_issue") & first_round
    never = ctx.o("gi_never_posted")[lines["order_pos"].to_numpy()]
    gi = ctx.o("gi_at_1")[lines["order_pos"].to_numpy()]
    lines["gi_1"] = gi
    on_invoices("invoice_before_goods_issue", lambda x: ibgi, lambda x: x["created_at"].to_numpy())
    # Until the goods issue follows (if ever), the invoiced case lacks it: skipped.
    on_invoices(
        "invoice_before_goods_issue",
        lambda x: ibgi,
        lambda x: x["created_at"].to_numpy(),
        "skipped",
        "Post Goods Issue",
        until=lambda x: x["gi_1"].to_numpy(),
    )
    on_invoices(
        "invoice_before_goods_issue",
        lambda x: ibgi & ~never,
        lambda x: x["gi_1"].to_numpy(),
        "out_of_order",
        "Post Goods Issue",
    )

    pbi = (lines["injection"] == "payment_before_invoice") & lines["paid"]
    on_invoices("payment_before_invoice", lambda x: pbi, lambda x: x["clear_entry_at"].to_numpy())
    on_invoices(
        "payment_before_invoice",
        lambda x: pbi,
        lambda x: x["clear_entry_at"].to_numpy(),
        "out_of_order",
        "Receive Payment",
    )

    dup = (lines["injection"] == "duplicate_invoice") & lines["slot"].isin([3, 21])
    on_invoices("duplicate_invoice", lambda x: dup, lambda x: x["created_at"].to_numpy())

    gwb = delivery_items[
        (inj[delivery_items["order_pos"].to_numpy()] == "goods_issue_while_blocked")
        & (delivery_items["round"] == 1)
    ]
    _add(
        ctx,
        gwb["item"].to_numpy(),
        "goods_issue_while_blocked",
        "rule",
        "",
        gwb["gi_at"].to_numpy().astype(float),
    )

    unresolved = inj == "unresolved_block"
    kind = ctx.o("unresolved_block_kind")
    set_at = np.select(
        [kind == "credit", kind == "delivery", kind == "billing"],
        [ctx.o("cb_set"), ctx.o("db_set"), ctx.o("bb_set")],
        np.nan,
    )
    days = float(ctx.config.raw["unresolved_block_days"])
    items = items_of_orders(ctx, unresolved)
    _add(ctx, items, "unresolved_block", "rule", "", (set_at + days * DAY)[ctx.item_order()[items]])

    by_creator = ctx.o("credit_released_by_creator")
    items = items_of_orders(ctx, by_creator)
    _add(
        ctx,
        items,
        "credit_release_by_creator",
        "rule",
        "",
        ctx.o("cb_rel")[ctx.item_order()[items]],
    )

    items = np.flatnonzero(ctx.i("injection") == "skipped_goods_receipt")
    _add(
        ctx,
        items,
        "skipped_goods_receipt",
        "skipped",
        "Goods Receipt for Order",
        ctx.o("cd_at_1")[ctx.item_order()[items]],
    )
    items = np.flatnonzero(ctx.i("injection") == "extra_purchase_requisition")
    _add(
        ctx,
        items,
        "extra_purchase_requisition",
        "extra",
        "Create Purchase Requisition",
        ctx.i("mto_doc_at")[items],
    )
    skipped = ctx.o("service_skipped")
    items = items_of_orders(ctx, skipped)
    items = items[ctx.i("active")[items]]
    _add(
        ctx,
        items,
        "skipped_service_confirmation",
        "skipped",
        "Confirm Service",
        ctx.o("first_invoice_at")[ctx.item_order()[items]],
    )

    late_price = np.flatnonzero(~np.isnan(ctx.i("price_late_change_at")))
    _add(
        ctx,
        late_price,
        "price_change_after_invoice",
        "rule",
        "",
        ctx.i("price_late_change_at")[late_price],
    )


def _add(ctx: Ctx, items, code, kind, activity, visible_at, hidden_at=None) -> None:
    """A deviation of these items, in the truth from `visible_at` until `hidden_at`."""
    items = np.asarray(items)
    if hidden_at is None:
        hidden_at = np.full(len(items), np.nan)
    if len(items):
        ctx.deviations.append(
            pd.DataFrame(
                {
                    "item": items,
                    "code": code,
                    "kind": kind,
                    "activity": activity,
                    "visible_at": np.asarray(visible_at, dtype=float),
                    "hidden_at": np.asarray(hidden_at, dtype=float),
                }
            )
        )
