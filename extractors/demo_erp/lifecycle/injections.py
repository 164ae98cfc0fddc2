"""Which orders and items get an injected deviation.

Each order gets at most one order-level injection and its items at most one item-level
one, so every deviation in the ground truth has exactly one cause and the expected
findings (rule, skipped / extra / out-of-order activity) are unambiguous.
"""

from __future__ import annotations

import numpy as np

from .context import Ctx, per_order_any

ORDER_INJECTIONS = (
    "invoice_before_goods_issue",
    "payment_before_invoice",
    "goods_issue_while_blocked",
    "duplicate_invoice",
    "unresolved_block",
    "skipped_service_confirmation",
)
ITEM_INJECTIONS = (
    "price_change_after_invoice",
    "skipped_goods_receipt",
    "extra_purchase_requisition",
)


def choose_injections(ctx: Ctx) -> None:
    """Adds `injection` to orders and items ('' when none)."""
    f = ctx.o("fulfilment")
    goods = np.isin(f, ("make_to_stock", "make_to_order"))
    after_invoice = ctx.o("payment_timing") == "after_invoice"
    eligible = {
        "invoice_before_goods_issue": goods,
        "payment_before_invoice": after_invoice & (f != "subscription"),
        "goods_issue_while_blocked": goods,
        "duplicate_invoice": np.ones(ctx.n, dtype=bool),
        "unresolved_block": np.ones(ctx.n, dtype=bool),
        "skipped_service_confirmation": f == "service",
    }
    rates = {name: ctx.config.rate(name) for name in ORDER_INJECTIONS if name != "unresolved_block"}
    # Three block kinds can each be left unresolved.
    rates["unresolved_block"] = ctx.config.rate("block_never_released") * 3
    ctx.orders["injection"] = _draw(ctx, ctx.n, ORDER_INJECTIONS, rates, eligible)

    item_f = ctx.i("fulfilment")
    free = ctx.o("injection")[ctx.item_order()] == ""
    eligible_items = {
        "price_change_after_invoice": free & (item_f != "subscription"),
        "skipped_goods_receipt": free & (item_f == "make_to_order"),
        "extra_purchase_requisition": free & (item_f == "make_to_stock"),
    }
    item_rates = {name: ctx.config.rate(name) for name in ITEM_INJECTIONS}
    ctx.items["injection"] = _draw(ctx, ctx.m, ITEM_INJECTIONS, item_rates, eligible_items)
    ctx.orders["has_item_injection"] = per_order_any(ctx, ctx.i("injection") != "")


def _draw(ctx: Ctx, size: int, names, rates: dict, eligible: dict) -> np.ndarray:
    u = ctx.rand(size)
    out = np.full(size, "", dtype=object)
    low = 0.0
    for name in names:
        high = low + rates[name]
        out[(u >= low) & (u < high) & eligible[name]] = name
        low = high
    return out
