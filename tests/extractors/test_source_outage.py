"""A source outage ends the run with a clear message naming the source, after the retry
policy's retries, and leaves the last good warehouse untouched."""

from __future__ import annotations

import dagster as dg
import duckdb
import pytest
from tiny_sources import make_tables

from extractors.catalogue import TABLES
from extractors.extract import run_extraction
from extractors.readers.base import SourceError
from extractors.settings import load_settings
from orchestration.definitions import build_defs
from orchestration.jobs import PIPELINE_JOB
from orchestration.resources import ExtractionResource

RAW_KEYS = [dg.AssetKey(t.raw_name.split(".")) for t in TABLES]


def _snapshot(warehouse) -> dict:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema like 'raw_%' order by all"
        ).fetchall()
        return {
            f"{s}.{t}": con.execute(f'select count(*) from "{s}"."{t}"').fetchone()[0]
            for s, t in tables
        }


def test_missing_export_folder_is_retried_then_fails_naming_the_source(tmp_path, monkeypatch):
    monkeypatch.setenv("O2C_SOURCE_RETRIES", "2")
    demo_ok = load_settings(
        source="files",
        sap_export_dir=tmp_path / "nowhere",
        export_format="csv",
        warehouse=tmp_path / "o2c.duckdb",
    )
    job = build_defs({"extraction": ExtractionResource.from_settings(demo_ok)}).resolve_job_def(
        PIPELINE_JOB
    )

    result = job.execute_in_process(
        instance=dg.DagsterInstance.ephemeral(), asset_selection=RAW_KEYS, raise_on_error=False
    )

    assert not result.success
    restarts = [e for e in result.all_events if e.event_type_value == "STEP_RESTARTED"]
    assert len(restarts) == 2
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    assert "SAP exports" in str(failure.event_specific_data.error)
    assert "nowhere" in str(failure.event_specific_data.error)


def test_a_failed_extraction_leaves_the_last_good_warehouse(tmp_path, write_source):
    settings = write_source("csv", make_tables("ecc", rows=3))
    run_extraction(settings)
    before = _snapshot(settings.warehouse)
    broken = load_settings(
        source="files",
        sap_export_dir=tmp_path / "gone",
        export_format="csv",
        warehouse=settings.warehouse,
    )
    with pytest.raises(SourceError, match="gone"):
        run_extraction(broken)
    assert _snapshot(settings.warehouse) == before
