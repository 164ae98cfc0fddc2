"""The rules of DESIGN.md section 7, one SQL file each in mining/rules/, checked on every
case into mining.rule_violations (case_id, rule, event references, detail)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb

from .config import MiningConfig

RULES_DIR = Path(__file__).with_name("rules")
RULES = (
    "invoice_before_goods_issue",
    "payment_before_invoice",
    "unresolved_block",
    "goods_issue_while_blocked",
    "price_change_after_invoice",
    "duplicate_invoice",
    "credit_release_by_creator",
)


def check_rules(con: duckdb.DuckDBPyConnection, config: MiningConfig, as_of: datetime) -> dict:
    """Writes mining.rule_violations; returns the number of violations per rule."""
    con.execute((RULES_DIR / "_blocks.sql").read_text())
    parameters = {"as_of": as_of, "unresolved_block_days": config.unresolved_block_days}
    selects = []
    for rule in RULES:
        sql = (RULES_DIR / f"{rule}.sql").read_text()
        selects.append(f"select * from ({sql})")
    union = "\nunion all\n".join(selects)
    con.execute("create schema if not exists mining")
    con.execute(
        f"""
        create or replace table mining.rule_violations as
        select case_id, rule, event_id, related_event_id::varchar as related_event_id,
               detail, detected_at
        from ({union})
        order by case_id, rule, event_id
        """,
        {k: v for k, v in parameters.items() if any(f"${k}" in s for s in selects)},
    )
    counts = dict(
        con.execute("select rule, count(*) from mining.rule_violations group by rule").fetchall()
    )
    return {rule: counts.get(rule, 0) for rule in RULES}


def as_of_time(con: duckdb.DuckDBPyConnection) -> datetime:
    """The run's as-of time, as the dbt models computed it."""
    return con.execute("select as_of_at from intermediate.int_run_context").fetchone()[0]
