"""Document numbers and change-document table keys in SAP's formats.

Numbers derive from the order's sequence number, so every document keeps its number when
a source is continued by more days (SAP's number ranges are per document type too).
"""

from __future__ import annotations

import numpy as np

from ..config import DemoConfig
from ..sapformat import zfill

ORDER_BASE = 10_000_000
RETURN_BASE = 60_000_000
DELIVERY_BASE = 80_000_000
BILLING_BASE = 90_000_000
BILLING_SLOTS = 40  # billing documents per order (periodic billing needs the most)


def num(values, width: int = 10) -> np.ndarray:
    return zfill(values, width)


def order_number(seq) -> np.ndarray:
    return num(ORDER_BASE + np.asarray(seq))


def delivery_number(seq, round_no) -> np.ndarray:
    return num(DELIVERY_BASE + np.asarray(seq) * 2 + np.asarray(round_no) - 1)


def billing_number(seq, slot) -> np.ndarray:
    return num(BILLING_BASE + np.asarray(seq) * BILLING_SLOTS + np.asarray(slot))


def posnr(values) -> np.ndarray:
    return num(values, 6)


def status_table(config: DemoConfig) -> str:
    """ECC keeps header statuses in VBUK; S/4HANA on the documents themselves."""
    return "VBUK" if config.raw.get("flavour", "ecc") == "ecc" else "VBAK"


def header_key(ctx) -> np.ndarray:
    return (ctx.config.client + ctx.o("vbeln")).astype(object)


def item_key(ctx, items) -> np.ndarray:
    order = ctx.o("vbeln")[ctx.item_order()[items]]
    return (ctx.config.client + order + posnr(ctx.i("posnr")[items])).astype(object)


def requisition_number(seq, item_posnr) -> np.ndarray:
    """Purchase requisitions (and the other make-to-order documents) per order item."""
    return num(1_000_000_000 + np.asarray(seq) * 16 + np.asarray(item_posnr) // 10)


def confirmation_number(seq, item_posnr, round_no) -> np.ndarray:
    """Service confirmations (customer table ZSD_SRVCONF) per order item and round."""
    return num(
        7_000_000_000
        + np.asarray(seq) * 64
        + np.asarray(item_posnr) // 10 * 2
        + np.asarray(round_no)
    )
