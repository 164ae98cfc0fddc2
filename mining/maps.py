"""Process maps as pictures (SVG and PNG): the directly-follows graph with frequencies and
with durations, the discovered BPMN model, and the top variants; overall and per
fulfilment model. Every number is aggregated in DuckDB; graphviz draws."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import graphviz
import pandas as pd

os.environ.setdefault("PM4PY_SHOW_PROGRESS_BAR", "false")

from pm4py.visualization.bpmn import visualizer as bpmn_visualizer
from pm4py.visualization.dfg import visualizer as dfg_visualizer

from .traces import ensure_traces

FORMATS = ("svg", "png")
MIN_EDGE_SHARE = 0.005

# One pass over the events for every scope: grouping sets give the per-model edges and
# the overall ones (scope 'all') together.
DFG_SQL = """
with ordered as (
    select
        c.fulfilment_model,
        e.activity,
        e.event_at,
        lead(e.activity) over w as next_activity,
        lead(e.event_at) over w as next_event_at,
        row_number() over w as position
    from marts.fct_o2c_events as e
    join marts.dim_o2c_cases as c using (case_id)
    where e.activity_kind = 'process'
    window w as (partition by e.case_id order by e.event_at, e.activity_sort_order, e.activity)
)
select
    case when grouping(fulfilment_model) = 1 then 'all' else fulfilment_model end as scope,
    activity, next_activity, count(*) as frequency,
    avg(epoch(next_event_at) - epoch(event_at)) as mean_seconds,
    count(*) filter (where position = 1) as starts,
    count(*) filter (where next_activity is null) as ends
from ordered
group by grouping sets ((fulfilment_model, activity, next_activity), (activity, next_activity))
order by scope, activity, next_activity nulls last
"""

TOP_VARIANTS_SQL = """
select trace, count(*) as cases, count(*) / sum(count(*)) over () as share
from {traces}
where len(trace) > 0 and ($scope = 'all' or fulfilment_model = $scope)
group by trace
order by cases desc, array_to_string(trace, '|')
limit $top
"""


def draw_all(
    con: duckdb.DuckDBPyConnection,
    scopes: list[str],
    bpmn_models: dict,
    out_dir: Path,
    top_variants: int,
) -> list[dict]:
    """Draws every picture; returns one row per file (scope, picture, format, path)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    files = []
    dfgs = con.execute(DFG_SQL).df()
    traces = ensure_traces(con)
    for scope in scopes:
        dfg = dfgs[dfgs["scope"] == scope]
        for picture, gviz in (
            ("dfg_frequency", dfg_picture(dfg, "frequency")),
            ("dfg_performance", dfg_picture(dfg, "performance")),
        ):
            files += _save(gviz, out_dir, scope, picture)
        if scope in bpmn_models:
            files += _save(bpmn_picture(bpmn_models[scope]), out_dir, scope, "bpmn")
        top = con.execute(
            TOP_VARIANTS_SQL.format(traces=traces), {"scope": scope, "top": top_variants}
        ).df()
        files += _save(variants_picture(top, scope), out_dir, scope, "top_variants")
    return files


def dfg_picture(dfg: pd.DataFrame, measure: str) -> graphviz.Digraph:
    edges = dfg[dfg["next_activity"].notna()]
    counts = dfg.groupby("activity")["frequency"].sum().astype(int).to_dict()
    starts = dfg.groupby("activity")["starts"].sum()
    ends = dfg.groupby("activity")["ends"].sum()
    # Rare paths (under MIN_EDGE_SHARE of the cases) are left out so the map stays readable.
    edges = edges[edges["frequency"] >= MIN_EDGE_SHARE * dfg["starts"].sum()]
    key = list(zip(edges["activity"], edges["next_activity"], strict=True))
    if measure == "frequency":
        values = edges["frequency"].astype(int)
    else:
        values = edges["mean_seconds"].astype(float)
    graph = dict(zip(key, values, strict=True))
    shown = set(edges["activity"]) | set(edges["next_activity"])
    counts = {a: n for a, n in counts.items() if a in shown}
    starts = starts[starts.index.isin(shown)]
    ends = ends[ends.index.isin(shown)]
    variant = (
        dfg_visualizer.Variants.FREQUENCY
        if measure == "frequency"
        else dfg_visualizer.Variants.PERFORMANCE
    )
    return dfg_visualizer.apply(
        graph,
        activities_count=counts,
        variant=variant,
        parameters={
            "start_activities": starts[starts > 0].astype(int).to_dict(),
            "end_activities": ends[ends > 0].astype(int).to_dict(),
            "format": "svg",
        },
    )


def bpmn_picture(bpmn) -> graphviz.Digraph:
    return bpmn_visualizer.apply(bpmn, parameters={"format": "svg"})


def variants_picture(top: pd.DataFrame, scope: str) -> graphviz.Digraph:
    """One row of activity boxes per variant, most frequent first."""
    g = graphviz.Digraph(
        f"top_variants_{scope}",
        graph_attr={
            "rankdir": "LR",
            "nodesep": "0.15",
            "ranksep": "0.2",
            "fontname": "Helvetica",
            "label": f"Top {len(top)} variants ({scope})",
            "labelloc": "t",
        },
    )
    g.attr(
        "node",
        shape="box",
        style="rounded,filled",
        fillcolor="#dbe9f6",
        fontname="Helvetica",
        fontsize="10",
    )
    rows = list(enumerate(top.itertuples(index=False), start=1))
    # Graphviz stacks clusters bottom-up in a left-to-right layout: add the rarest first.
    for i, (trace, cases, share) in reversed(rows):
        with g.subgraph(name=f"cluster_{i}") as row:
            row.attr(label=f"#{i}: {cases} cases ({share:.1%})", fontsize="11", style="dashed")
            previous = None
            for j, activity in enumerate(trace):
                node = f"v{i}_{j}"
                row.node(node, activity)
                if previous:
                    row.edge(previous, node)
                previous = node
    return g


def _save(gviz: graphviz.Digraph, out_dir: Path, scope: str, picture: str) -> list[dict]:
    rows = []
    for fmt in FORMATS:
        path = out_dir / f"{scope}_{picture}.{fmt}"
        path.write_bytes(gviz.pipe(format=fmt))
        rows.append({"scope": scope, "picture": picture, "format": fmt, "file": path.name})
    return rows
