"""The Dagster definitions of the project: `dagster dev -m orchestration.definitions`.

A new stage of the pipeline is a module in orchestration/assets/ added to ASSET_MODULES
(and its resources to orchestration/resources.py); nothing else here changes. The published
warehouse (orchestration/assets/publish.py) is built last and waits for every asset of
ASSET_MODULES.
"""

from __future__ import annotations

import dagster as dg

from orchestration.assets import checks, mining, raw, transform
from orchestration.assets.publish import build_publish_asset, publish_upstream
from orchestration.jobs import daily_schedule, o2c_pipeline
from orchestration.resources import default_resources
from orchestration.sensors import export_files_sensor

ASSET_MODULES = [raw, checks, transform, mining]


def build_defs(resources: dict[str, object] | None = None) -> dg.Definitions:
    """Definitions with the default resources, some of them replaced by `resources`."""
    assets = dg.load_assets_from_modules(ASSET_MODULES)
    return dg.Definitions(
        assets=[*assets, build_publish_asset(publish_upstream(assets))],
        asset_checks=dg.load_asset_checks_from_modules(ASSET_MODULES),
        resources={**default_resources(), **(resources or {})},
        jobs=[o2c_pipeline],
        schedules=[daily_schedule],
        sensors=[export_files_sensor],
        # One process, one step at a time: DuckDB allows a single writer per file, and
        # the in-process executor is also faster here (no re-import per step).
        executor=dg.in_process_executor,
    )


defs = build_defs()
