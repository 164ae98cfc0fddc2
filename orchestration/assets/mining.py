"""The mining assets: conformance, discovered models, process maps, rules and bottlenecks,
computed after dbt on every run by `mining.run.run_mining` (plain Python)."""

import base64
from pathlib import Path

import dagster as dg
import duckdb

from mining.config import MiningConfig
from mining.run import run_mining
from orchestration.resources import ExtractionResource

# The marts the mining step reads (dbt models; asset key = warehouse address).
UPSTREAM = [dg.AssetKey(["marts", "fct_o2c_events"]), dg.AssetKey(["marts", "dim_o2c_cases"])]

TABLES = {
    "case_conformance": "One row per case: fitness against its reference model, is_fit, cost",
    "deviations": "One row per case, activity and kind (skipped, extra, out_of_order)",
    "rule_violations": "One row per rule breach: case, rule, events, detail",
    "bottlenecks": "Waiting time per transition and activity, per week and month",
    "discovered_models": "One row per scope: the discovered model, fitness and precision",
    "process_maps": "The process-map pictures written under warehouse/artifacts/maps",
}


def _spec(name: str, description: str) -> dg.AssetSpec:
    return dg.AssetSpec(
        dg.AssetKey(["mining", name]),
        description=description,
        group_name="mining",
        kinds={"duckdb", "python"},
        deps=UPSTREAM,
        metadata={"dagster/table_name": f"mining.{name}"},
    )


@dg.multi_asset(
    name="mine_o2c_process",
    specs=[_spec(name, text) for name, text in TABLES.items()],
    description="Discover the process, check every case and rule, find bottlenecks.",
)
def mine_o2c_process(context: dg.AssetExecutionContext, extraction: ExtractionResource):
    settings = extraction.settings()
    config = MiningConfig.load()
    # One connection, closed before the step ends: the next step (or dbt) needs the file.
    with duckdb.connect(str(settings.warehouse)) as con:
        result = run_mining(con, config)
    context.log.info(f"mining: {result['conformance']} in {result['seconds']}")
    conformance = result["conformance"]
    shared = {"seconds": dg.MetadataValue.json(result["seconds"])}
    yield dg.MaterializeResult(
        asset_key=dg.AssetKey(["mining", "case_conformance"]),
        metadata={
            **shared,
            "cases": conformance["cases"],
            "fitting_cases": conformance["fitting_cases"],
            "variants_aligned": conformance["variants"],
        },
    )
    yield dg.MaterializeResult(asset_key=dg.AssetKey(["mining", "deviations"]), metadata=shared)
    yield dg.MaterializeResult(
        asset_key=dg.AssetKey(["mining", "rule_violations"]),
        metadata={**shared, "violations": dg.MetadataValue.json(result["rule_violations"])},
    )
    yield dg.MaterializeResult(
        asset_key=dg.AssetKey(["mining", "bottlenecks"]),
        metadata={**shared, "rows": result["bottleneck_rows"]},
    )
    yield dg.MaterializeResult(
        asset_key=dg.AssetKey(["mining", "discovered_models"]),
        metadata={**shared, "models": dg.MetadataValue.json(result["models"])},
    )
    yield dg.MaterializeResult(
        asset_key=dg.AssetKey(["mining", "process_maps"]),
        metadata={**shared, **_process_map_metadata(Path(result["maps_dir"]))},
    )


def _process_map_metadata(maps_dir: Path) -> dict:
    """The overall process map, shown in Dagster's UI, and where all pictures are."""
    picture = maps_dir / "all_dfg_frequency.svg"
    metadata = {"folder": dg.MetadataValue.path(str(maps_dir))}
    if picture.exists():
        encoded = base64.b64encode(picture.read_bytes()).decode()
        metadata["process_map"] = dg.MetadataValue.md(
            f"![process map](data:image/svg+xml;base64,{encoded})"
        )
    return metadata
