"""`o2c run`: run the whole pipeline once, in this process, and say what it produced.

Generates the demo ERP first when it is the source and does not exist yet, materialises
the pipeline job with the in-process executor, then prints where the warehouse is, the
rows per schema and the run's as-of time.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import dagster as dg

from extractors.credentials import scrub
from extractors.extract import cli_path
from extractors.load.warehouse import connect
from extractors.publish import published_path
from extractors.readers.base import SourceError
from extractors.settings import Settings, SettingsError, load_settings
from extractors.sources import DEMO_MANIFEST
from orchestration.definitions import build_defs
from orchestration.jobs import PIPELINE_JOB
from orchestration.resources import ExtractionResource

# Dagster's console logger defaults to DEBUG: one line per event is too much for a terminal.
QUIET_LOGS = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}


def run_pipeline(
    config: str | None = None,
    instance: dg.DagsterInstance | None = None,
    quiet: bool = False,
    **overrides,
) -> int:
    """Run the pipeline job; returns 0 on success, 1 on failure (with the reason printed)."""
    started = time.monotonic()
    try:
        settings = load_settings(config, **overrides)
        ensure_demo_source(settings, quiet)
    except (SettingsError, SourceError) as error:
        print(f"o2c run: {scrub(str(error))}", file=sys.stderr)
        return 1
    defs = build_defs({"extraction": ExtractionResource.from_settings(settings)})
    job = defs.resolve_job_def(PIPELINE_JOB)
    result = job.execute_in_process(
        run_config=QUIET_LOGS, instance=instance or _instance(), raise_on_error=False
    )
    if not result.success:
        print(f"o2c run: the pipeline failed: {_failure(result)}", file=sys.stderr)
        return 1
    if not quiet:
        print_headlines(settings, time.monotonic() - started)
    return 0


def ensure_demo_source(settings: Settings, quiet: bool = False) -> None:
    """Generate the demo ERP into its folder when it is the source and is missing."""
    # The manifest is written last: a generation killed half-way is generated again.
    if settings.source != "demo" or (settings.demo_dir / DEMO_MANIFEST).exists():
        return
    try:
        from extractors.demo_erp import generate
    except ImportError:
        raise SourceError(
            f"the demo ERP {settings.demo_dir} is missing and its generator is not installed"
        ) from None
    if not quiet:
        print(f"generating the demo ERP into {settings.demo_dir} ...")
    options = {"flavour": settings.flavour} if settings.flavour != "auto" else {}
    generate(settings.demo_dir, **options)


def _instance() -> dg.DagsterInstance:
    # With DAGSTER_HOME set (as `make dev` does) the run shows up in Dagster's UI.
    if os.environ.get("DAGSTER_HOME"):
        return dg.DagsterInstance.get()
    return dg.DagsterInstance.ephemeral()


def _failure(result: dg.ExecuteInProcessResult) -> str:
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data.error:
            return scrub(event.step_failure_data.error.message.strip())
    return "see the log above"


def headline_figures(settings: Settings) -> dict:
    """Rows per schema and the latest successful run's as-of time, read from the warehouse."""
    con = connect(settings.warehouse, read_only=True)
    try:
        tables = con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() "
            "WHERE database_name = current_database() AND NOT temporary ORDER BY 1, 2"
        ).fetchall()
        rows: dict[str, int] = {}
        for schema, table in tables:
            count = con.execute(f'SELECT count(*) FROM "{schema}"."{table}"').fetchone()[0]
            rows[schema] = rows.get(schema, 0) + count
        as_of = con.execute(
            "SELECT as_of FROM meta.runs WHERE status = 'success' ORDER BY batch_id DESC LIMIT 1"
        ).fetchone()
    finally:
        con.close()
    return {"rows_per_schema": rows, "as_of": as_of[0] if as_of else None}


def print_headlines(settings: Settings, seconds: float) -> None:
    figures = headline_figures(settings)
    print(f"warehouse: {settings.warehouse}")
    published = published_path(settings.warehouse)
    if published.exists():
        print(f"published for BI tools (read-only): {published}")
    print(f"as of: {figures['as_of']}  (pipeline took {seconds:.1f} s)")
    for schema, count in figures["rows_per_schema"].items():
        print(f"  {schema:<20} {count:>12,} rows")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `o2c run` (each overrides the environment and the config file)."""
    parser.add_argument("--config", type=cli_path, help="YAML settings file (default: $O2C_CONFIG)")
    parser.add_argument("--source", choices=("demo", "sql", "files"), help="source kind")
    parser.add_argument("--sap-url", help="SQLAlchemy URL of the SAP database, no password")
    parser.add_argument("--sap-export-dir", type=cli_path, help="folder of SAP exports")
    parser.add_argument("--crm-export-dir", type=cli_path, help="folder of CRM exports")
    parser.add_argument("--demo-dir", type=cli_path, help="demo ERP folder (source 'demo')")
    parser.add_argument(
        "--warehouse", type=cli_path, help="DuckDB file (default warehouse/o2c.duckdb)"
    )
