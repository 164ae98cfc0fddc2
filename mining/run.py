"""The mining step: conformance, discovery, process maps, rules and bottlenecks, on the
marts in the warehouse. Plain Python: the Dagster assets and the tests call `run_mining`."""

from __future__ import annotations

import time
from datetime import datetime

import duckdb
import pandas as pd

from extractors.load.warehouse import limit_memory

from .bottlenecks import find_bottlenecks
from .config import MiningConfig
from .conformance import check_conformance
from .discovery import discover_all
from .maps import draw_all
from .rules import as_of_time, check_rules


def run_mining(
    con: duckdb.DuckDBPyConnection,
    config: MiningConfig | None = None,
    as_of: datetime | None = None,
) -> dict:
    """Runs every mining step; returns figures for the run's metadata."""
    config = config or MiningConfig.load()
    limit_memory(con)  # spill rather than grow, as in every step of the pipeline
    timings, started = {}, time.perf_counter()

    def lap(name: str) -> None:
        nonlocal started
        timings[name] = round(time.perf_counter() - started, 3)
        started = time.perf_counter()

    conformance = check_conformance(con, config)
    lap("conformance")
    models, bpmn = discover_all(con, config)
    lap("discovery")
    maps_dir = config.artifacts_dir / "maps"
    files = draw_all(con, list(bpmn), bpmn, maps_dir, config.top_variants)
    con.register("map_files", pd.DataFrame(files))
    con.execute("create or replace table mining.process_maps as select * from map_files")
    con.unregister("map_files")
    lap("maps")
    rules = check_rules(con, config, as_of or as_of_time(con))
    lap("rules")
    bottlenecks = find_bottlenecks(con)
    lap("bottlenecks")
    return {
        "conformance": conformance,
        "models": models[["scope", "cases", "variants", "fitness", "precision"]].to_dict("records"),
        "rule_violations": rules,
        "bottleneck_rows": bottlenecks,
        "maps_dir": str(maps_dir),
        "seconds": timings,
    }
