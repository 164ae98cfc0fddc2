"""The dbt models as Dagster assets (dagster-dbt): staging, intermediate and marts, with
dbt's tests as asset checks. Asset key = warehouse address: marts.fct_o2c_events is
marts/fct_o2c_events, and the dbt sources are the raw assets (raw_sap/vbak)."""

import os
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from extractors.sources import source_timezone
from orchestration.dbt_project import ensure_manifest
from orchestration.resources import ExtractionResource


class WarehouseAddressTranslator(DagsterDbtTranslator):
    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey([dbt_resource_props["source_name"], dbt_resource_props["name"]])
        return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return dbt_resource_props.get("schema") or "dbt"


@dbt_assets(
    manifest=ensure_manifest(),
    dagster_dbt_translator=WarehouseAddressTranslator(),
    name="dbt_o2c_models",
)
def dbt_o2c_models(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, extraction: ExtractionResource
):
    settings = extraction.settings()
    # dbt reads the warehouse and the source time zone from the environment (profiles.yml,
    # dbt_project.yml); the extraction settings are the one place both come from.
    os.environ["O2C_WAREHOUSE"] = str(settings.warehouse.resolve())
    os.environ["O2C_SOURCE_TIMEZONE"] = source_timezone(settings)
    yield from dbt.cli(["build"], context=context).stream()
