"""A warehouse whose marts are the demo ERP's ground truth, to test the mining step on
its own (the dbt tests check separately that the real marts equal the truth)."""

from __future__ import annotations

from pathlib import Path

import duckdb

SEED = Path(__file__).parents[2] / "dbt_project" / "seeds" / "o2c_activities.csv"


def truth_warehouse(demo: Path, path: Path) -> duckdb.DuckDBPyConnection:
    truth = demo / "ground_truth"
    con = duckdb.connect(str(path))
    con.execute("set timezone = 'UTC'")
    con.execute("create schema if not exists marts")
    con.execute(f"""
        create table marts.fct_o2c_events as
        select e.case_id, e.activity, e.event_at, e.resource, e.is_automated,
               a.sort_order as activity_sort_order, a.kind as activity_kind,
               nullif(e.delivery, '') as delivery_id, nullif(e.invoice, '') as invoice_id
        from read_parquet('{truth / "events.parquet"}') as e
        join read_csv('{SEED}', header = true) as a using (activity)
    """)
    con.execute(f"""
        create table marts.dim_o2c_cases as
        select case_id, fulfilment_model, is_closed, is_rejected, created_at, closed_at
        from read_parquet('{truth / "cases.parquet"}')
    """)
    return con
