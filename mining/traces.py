"""Every case's trace of process activities, aggregated once per mining run in DuckDB.

Conformance, discovery and the top-variant pictures all start from the same traces; at
1M items building them is a pass over 13M events, so it is done once into a temporary
table of the mining connection and shared.
"""

from __future__ import annotations

import duckdb

TRACES_TABLE = "mining_case_traces"

TRACES_SQL = f"""
create or replace temp table {TRACES_TABLE} as
with traces as (
    select
        case_id,
        list(activity order by event_at, activity_sort_order, activity) as trace
    from marts.fct_o2c_events
    where activity_kind = 'process'
    group by case_id
)
select
    c.case_id,
    c.fulfilment_model,
    coalesce(c.is_closed and not c.is_rejected, false) as is_complete,
    coalesce(t.trace, []::varchar[]) as trace,
    md5(c.fulfilment_model || '|' || (c.is_closed and not c.is_rejected)::varchar || '|'
        || array_to_string(coalesce(t.trace, []::varchar[]), '|')) as variant_id
from marts.dim_o2c_cases as c
left join traces as t using (case_id)
"""


def build_traces(con: duckdb.DuckDBPyConnection) -> str:
    """(Re)builds the traces from the marts; returns the table's name."""
    con.execute(TRACES_SQL)
    return TRACES_TABLE


def ensure_traces(con: duckdb.DuckDBPyConnection) -> str:
    """The traces of this connection's mining run, built if it has none yet."""
    exists = con.execute(
        "select count(*) from duckdb_tables() where temporary and table_name = ?",
        [TRACES_TABLE],
    ).fetchone()[0]
    return TRACES_TABLE if exists else build_traces(con)
