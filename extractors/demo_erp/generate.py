"""Generate (or continue) a demo ERP source: SAP tables, CRM exports and ground truth."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from . import crm, truth
from .clock import DAY, day_number
from .config import DemoConfig
from .lifecycle import simulate
from .lifecycle.billing import bottleneck_weeks
from .lifecycle.context import Ctx
from .masters import draw_masters
from .orders import BLOCK_DAYS, draw_block, orders_per_day
from .snapshot import sap_tables
from .snapshot.finance import mhnk
from .snapshot.master_tables import master_tables
from .truth_writer import TruthWriter
from .writers import SourceWriter

MANIFEST = "demo_erp.json"
# Orders keep moving for months after entry: blocks this far before the as-of time
# are simulated too (they may still change); nothing older than the start exists.


@dataclass
class GenerationResult:
    out_dir: Path
    as_of: str
    orders: int
    items: int
    rows: dict
    seconds: float


def generate(
    out_dir,
    items: int | None = None,
    seed: int = 42,
    flavour: str = "ecc",
    config_file=None,
    formats=("sqlite", "csv", "parquet"),
    postgres_url=None,
    postgres_schema: str = "public",
    continue_days: int | None = None,
    ground_truth: bool = True,
) -> GenerationResult:
    started = time.perf_counter()
    out_dir = Path(out_dir)
    if continue_days:
        manifest = json.loads((out_dir / MANIFEST).read_text())
        config = DemoConfig(manifest["config"])
        seed = int(manifest["seed"])
        days = int(manifest["days_total"]) + int(continue_days)
        base_rate = float(manifest["orders_per_day"])
    else:
        config = DemoConfig.load(config_file, items=items, flavour=flavour)
        days = config.days
        base_rate = orders_per_day(config)
    flavour = config.raw["flavour"]
    first_day = day_number(config.start)
    as_of = (first_day + days) * DAY - 1  # the last second of the last day of business
    masters = draw_masters(seed, int(config.raw["items"]), config.planted)
    automated = set(masters.users.loc[masters.users["ustyp"] != "A", "bname"])
    client = config.client
    writer = SourceWriter(
        out_dir,
        flavour,
        formats=tuple(formats),
        postgres_url=postgres_url,
        postgres_schema=postgres_schema,
    )
    truth_writer = TruthWriter(out_dir / "ground_truth") if ground_truth else None
    crm_parts, mhnd_parts = [], []
    n_orders = n_items = 0
    seq = 1
    try:
        for block in range(int(np.ceil(days / BLOCK_DAYS))):
            orders, order_items = draw_block(config, masters, seed, block, seq, base_rate)
            if orders.empty:
                continue
            seq += len(orders)
            ctx = Ctx(config, masters, np.random.default_rng([seed, block, 1]), orders, order_items)
            tl = simulate(ctx)
            hist = crm.crm_history(ctx, block)
            tl.events = pd.concat(ctx.events, ignore_index=True)
            tables = sap_tables(tl, as_of, client, flavour, masters.materials)
            mhnd_parts.append(tables.pop("MHND"))
            for name, table in tables.items():
                writer.write(name, table)
            crm_parts.append(
                crm.crm_tables(hist, as_of, config.timezone, masters.customers, flavour)
            )
            n_orders += int((orders["created_at"] <= as_of).sum())
            n_items += int(
                (orders["created_at"].to_numpy()[order_items["order_pos"]] <= as_of).sum()
            )
            if truth_writer:
                _write_block_truth(truth_writer, tl, as_of, config.timezone, automated)
        mhnd = pd.concat(mhnd_parts, ignore_index=True) if mhnd_parts else None
        if mhnd is not None:
            writer.write("MHND", mhnd)
            writer.write("MHNK", mhnk(mhnd, flavour, client))
        for name, table in master_tables(
            masters, client, flavour, first_day, first_day + days
        ).items():
            writer.write(name, table)
        writer.write(
            "ACCOUNTS", crm.accounts_table(masters.customers, first_day, config.timezone, flavour)
        )
        for name in ("OPPORTUNITIES", "OPPORTUNITY_STAGE_HISTORY", "QUOTES"):
            writer.write(name, pd.concat([p[name] for p in crm_parts], ignore_index=True))
        rows = writer.close()
        if truth_writer:
            truth_writer.close()
    except BaseException:
        writer.abort()
        if truth_writer:
            truth_writer.abort()
        raise
    as_of_text = (datetime(1970, 1, 1) + timedelta(seconds=as_of)).isoformat()
    if ground_truth:
        _write_planted(out_dir / "ground_truth", config, masters, first_day, days, as_of_text)
    manifest = {
        "seed": seed,
        "flavour": flavour,
        "timezone": config.timezone,
        "as_of": as_of_text,
        "days_total": days,
        "orders_per_day": base_rate,
        "orders": n_orders,
        "items": n_items,
        "client": client,
        "config": config.raw,
    }
    (out_dir / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return GenerationResult(
        out_dir, as_of_text, n_orders, n_items, rows, time.perf_counter() - started
    )


def _write_block_truth(writer, tl, as_of, tz, automated) -> None:
    ev = truth.events(tl, as_of, tz, automated)
    dev = truth.deviations(tl, as_of)
    writer.write("events", ev)
    writer.write("deviations", dev)
    writer.write("cases", truth.cases(tl, as_of, tz, dev, ev))
    writer.write("invoices", truth.invoices(tl, as_of, tz))


def _write_planted(folder: Path, config, masters, first_day, days, as_of_text) -> None:
    c = masters.customers
    weeks = sorted(
        w for w in bottleneck_weeks(config) if first_day <= w * 7 + 4 <= first_day + days
    )
    planted = {
        "as_of": as_of_text,
        "late_paying_customers": c.loc[c["is_planted_late_payer"], "kunnr"].tolist(),
        "late_shipping_plant": str(config.planted["late_shipping_plant"]),
        "price_change_sales_org": str(config.planted["price_change_sales_org"]),
        "bottleneck_sales_org": str(config.planted["bottleneck_sales_org"]),
        "bottleneck_weeks": [str(np.datetime64(w * 7 + 4, "D")) for w in weeks],
    }
    (folder / "planted_causes.json").write_text(json.dumps(planted, indent=2) + "\n")
