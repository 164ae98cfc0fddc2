"""The raw tables as Dagster assets: definitions, a real in-process run, subsetting, the sensor."""

import os

import dagster as dg
from inspect_warehouse import count, query
from tiny_sources import make_tables

from extractors.catalogue import TABLES, tables_for
from orchestration.definitions import build_defs, defs
from orchestration.jobs import PIPELINE_JOB
from orchestration.resources import ExtractionResource
from orchestration.sensors import export_files_sensor

VBAK = dg.AssetKey(["raw_sap", "vbak"])


RAW_KEYS = [dg.AssetKey(t.raw_name.split(".")) for t in TABLES]


def run_job(settings, **kwargs) -> dg.ExecuteInProcessResult:
    """The pipeline job restricted to the raw tables (dbt and mining have their own tests)."""
    job = build_defs({"extraction": ExtractionResource.from_settings(settings)}).resolve_job_def(
        PIPELINE_JOB
    )
    kwargs.setdefault("asset_selection", RAW_KEYS)
    return job.execute_in_process(instance=dg.DagsterInstance.ephemeral(), **kwargs)


def test_definitions_have_one_asset_per_raw_table_a_job_a_schedule_and_a_sensor():
    keys = defs.resolve_all_asset_keys()

    assert VBAK in keys
    assert dg.AssetKey(["raw_crm", "opportunities"]) in keys
    assert len([k for k in keys if k.path[0] in ("raw_sap", "raw_crm")]) == len(TABLES)
    assert defs.resolve_job_def(PIPELINE_JOB).executor_def.name == "in_process"
    assert defs.resolve_schedule_def("o2c_daily").cron_schedule == "0 5 * * *"
    assert defs.resolve_sensor_def("export_files_sensor").job_name == PIPELINE_JOB
    spec = next(s for s in defs.resolve_all_asset_specs() if s.key == VBAK)
    assert spec.group_name == "raw_sap"
    assert spec.metadata["dagster/table_name"] == "raw_sap.vbak"


def test_job_materialises_every_raw_table_with_its_load_figures(write_source):
    frames = make_tables("ecc", rows=3)
    frames["VBAK"].loc[2, "ERDAT"] = "2024-03-03"  # one row for quarantine
    settings = write_source("sqlite", frames)

    result = run_job(settings)

    assert result.success
    materialised = {
        m.asset_key: m.metadata
        for m in result.asset_materializations_for_node("extract_raw_tables")
    }
    assert len(materialised) == len(tables_for("ecc"))
    vbak = materialised[VBAK]
    assert (vbak["loaded"].value, vbak["quarantined"].value, vbak["inserted"].value) == (2, 1, 2)
    assert vbak["dagster/row_count"].value == 2
    assert query(settings.warehouse, "SELECT run_id, status FROM meta.runs") == [
        (result.run_id, "success")
    ]


def test_selecting_one_asset_loads_only_its_table(write_source):
    settings = write_source("sqlite", make_tables("ecc", rows=2))

    result = run_job(settings, asset_selection=[VBAK])

    assert result.success
    assert query(settings.warehouse, "SELECT table_name FROM meta.load_reconciliation") == [
        ("raw_sap.vbak",)
    ]
    assert count(settings.warehouse, "raw_sap.vbak") == 2


def test_tables_missing_from_the_flavour_are_reported_empty_not_failed(write_source):
    settings = write_source("sqlite", make_tables("s4", rows=2))  # no VBUK: S/4HANA

    result = run_job(settings)

    assert result.success
    materialized = result.asset_materializations_for_node("extract_raw_tables")
    by_key = {m.asset_key: m.metadata for m in materialized}
    # Reported, so nothing downstream is skipped, and marked as absent from the source.
    assert len(by_key) == len(TABLES)
    vbuk = by_key[dg.AssetKey(["raw_sap", "vbuk"])]
    assert vbuk["in_source"].value is False
    assert vbuk["dagster/row_count"].value == 0
    assert all(
        "in_source" not in by_key[dg.AssetKey(t.raw_name.split("."))] for t in tables_for("s4")
    )


def test_sensor_starts_a_run_when_export_files_are_new_or_changed(write_source):
    settings = write_source("csv", make_tables("ecc", rows=2, names={"VBAK", "ACCOUNTS"}))
    resources = {"extraction": ExtractionResource.from_settings(settings)}

    first = dg.build_sensor_context(cursor=None, resources=resources)
    assert isinstance(export_files_sensor(first), dg.RunRequest)
    unchanged = dg.build_sensor_context(cursor=first.cursor, resources=resources)
    assert isinstance(export_files_sensor(unchanged), dg.SkipReason)

    export = settings.sap_export_dir / "csv" / "VBAK.csv"
    with export.open("a") as handle:
        handle.write("\n")
    stat = export.stat()
    os.utime(export, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    changed = dg.build_sensor_context(cursor=unchanged.cursor, resources=resources)
    request = export_files_sensor(changed)
    assert isinstance(request, dg.RunRequest)
    assert request.tags["o2c/changed_files"] == "1"
