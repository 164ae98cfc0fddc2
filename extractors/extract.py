"""`run_extraction`: load the SAP and CRM source tables into the raw schemas of the warehouse.

Used by `o2c extract`, by the Dagster raw-table assets and by tests. One call is one batch:
it opens the sources, loads each table in its own transaction (see load/table_load.py),
records the run in meta.runs with its as-of time, and closes the warehouse again so that
no connection is left open for the next step (dbt runs in another process).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from extractors.catalogue import BY_NAME, SourceTable, tables_for
from extractors.credentials import scrub
from extractors.load import runs
from extractors.load.table_load import TableLoad, load_table
from extractors.load.warehouse import (
    WarehouseBusyError,
    configure_for_loading,
    connect,
    ensure_meta,
)
from extractors.readers.base import SourceError
from extractors.settings import ENVIRONMENT, Settings, SettingsError, load_settings
from extractors.sources import Sources, open_sources

LOG = logging.getLogger(__name__)


@dataclass
class ExtractionResult:
    batch_id: int
    run_id: str
    status: str
    as_of: datetime | None
    flavour: str
    warehouse: Path
    tables: list[TableLoad] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # requested but absent from this source
    present_rows: dict[str, int] = field(default_factory=dict)  # raw rows not deleted

    def table(self, name: str) -> TableLoad:
        wanted = normalise_table_name(name)
        return next(t for t in self.tables if t.table == wanted)

    def totals(self) -> dict[str, int]:
        keys = ("source_rows", "loaded", "quarantined", "inserted", "updated", "deleted")
        return {k: sum(getattr(t, k) for t in self.tables) for k in keys}


def normalise_table_name(name: str) -> str:
    """'VBAK', 'vbak', 'raw_sap.vbak' and 'raw_sap/vbak' all name the catalogue table VBAK."""
    base = name.replace("/", ".").split(".")[-1].strip().upper()
    if base not in BY_NAME:
        raise SettingsError(f"unknown source table {name!r}")
    return base


def run_extraction(
    settings: Settings | None = None,
    tables: list[str] | str | None = None,
    as_of: datetime | str | None = None,
    *,
    run_id: str | None = None,
    logger: logging.Logger | None = None,
    config: str | None = None,
    report: bool = False,
    **overrides,
) -> ExtractionResult | int:
    """Load the selected tables (default: all of the source's flavour) as one batch.

    `as_of` fixes the run's as-of time (naive = source time zone); by default it is the
    newest creation or change time found in the raw tables after loading. `overrides` are
    settings (see extractors/settings.py) applied over `settings` or the environment.
    `report=True` (the command line) prints a summary and returns an exit code.
    """
    log = logger or LOG
    try:
        settings = (settings or load_settings(config)).with_overrides(**overrides)
        result = _run(settings, tables, as_of, run_id or str(uuid.uuid4()), log)
    except (SourceError, SettingsError, WarehouseBusyError) as error:
        if not report:
            raise
        print(f"o2c extract: {scrub(str(error))}", file=sys.stderr)
        return 1
    if report:
        print_summary(result)
        return 0
    return result


def _run(settings, tables, as_of, run_id: str, log) -> ExtractionResult:
    sources = open_sources(settings)
    try:
        _check_timezone(sources.timezone)
        as_of_given = _as_of(as_of, sources.timezone)
        selected, skipped = _plan(sources, tables)
        con = connect(settings.warehouse)
        try:
            return _load_all(con, settings, sources, selected, skipped, as_of_given, run_id, log)
        finally:
            con.close()
    finally:
        sources.close()


def _load_all(con, settings, sources: Sources, selected, skipped, as_of_given, run_id, log):
    configure_for_loading(con)
    ensure_meta(con)
    batch_id = runs.start_run(
        con, run_id, settings.source, sources.describe(), sources.flavour, sources.timezone,
        as_of_given,
    )  # fmt: skip
    log.info("extraction batch %s from %s (%s)", batch_id, sources.describe(), sources.flavour)
    result = ExtractionResult(
        batch_id, run_id, "running", as_of_given, sources.flavour, settings.warehouse,
        skipped=skipped,
    )  # fmt: skip
    try:
        for table in selected:
            loaded = load_table(
                con, sources.reader_for(table.system), table,
                flavour=sources.flavour, batch_id=batch_id,
                overlap_days=settings.overlap_days, timezone=sources.timezone,
                as_of=as_of_given,
            )  # fmt: skip
            result.tables.append(loaded)
            log.info(_describe(loaded))
        all_tables = tables_for(sources.flavour)
        result.as_of = as_of_given or runs.newest_change(con, all_tables, sources.timezone)
        result.status = "success"
        runs.finish_run(con, batch_id, "success", result.as_of, _rows_per_table(con, result))
    except BaseException as error:
        result.status = "failed"
        message = scrub(f"{type(error).__name__}: {error}")
        # Recording the failure must not hide the error that caused it.
        with contextlib.suppress(Exception):
            rows = _rows_per_table(con, result)
            runs.finish_run(con, batch_id, "failed", result.as_of, rows, message)
        raise
    return result


def _plan(sources: Sources, tables) -> tuple[list[SourceTable], list[str]]:
    """The tables to load in catalogue order, and the requested ones this source lacks."""
    available = [t for t in tables_for(sources.flavour) if sources.reader_for(t.system) is not None]
    if tables is None:
        return available, []
    if isinstance(tables, str):
        tables = [t for t in tables.split(",") if t.strip()]
    wanted = {normalise_table_name(t) for t in tables}
    selected = [t for t in available if t.name in wanted]
    skipped = sorted(wanted - {t.name for t in selected})
    return selected, skipped


def _check_timezone(timezone: str) -> None:
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(
            f"unknown source time zone {timezone!r} ({ENVIRONMENT['timezone']})"
        ) from None


def _as_of(as_of: datetime | str | None, timezone: str) -> datetime | None:
    if as_of is None or as_of == "":
        return None
    if isinstance(as_of, str):
        as_of = datetime.fromisoformat(as_of)
    if as_of.tzinfo is None:  # SAP's clock: the source's local time
        as_of = as_of.replace(tzinfo=ZoneInfo(timezone))
    return as_of.astimezone(ZoneInfo("UTC"))


def _rows_per_table(con, result: ExtractionResult) -> dict:
    result.present_rows = runs.table_row_counts(con, [BY_NAME[t.table] for t in result.tables])
    return {
        t.raw_table: {
            "rows": result.present_rows.get(t.raw_table, 0),
            "loaded": t.loaded,
            "quarantined": t.quarantined,
            "inserted": t.inserted,
            "updated": t.updated,
            "deleted": t.deleted,
        }
        for t in result.tables
    }


def _describe(t: TableLoad) -> str:
    return (
        f"{t.raw_table}: {t.source_rows} read, {t.loaded} loaded ({t.inserted} new, "
        f"{t.updated} changed, {t.deleted} deleted), {t.quarantined} quarantined"
    )


def print_summary(result: ExtractionResult) -> None:
    print(f"warehouse: {result.warehouse}")
    print(f"batch {result.batch_id} ({result.flavour}), as of {result.as_of}")
    for t in result.tables:
        print("  " + _describe(t))
    if result.skipped:
        print(f"  not in this source: {', '.join(result.skipped)}")
    totals = result.totals()
    print(
        f"total: {totals['loaded']} loaded, {totals['quarantined']} quarantined, "
        f"{totals['inserted']} new, {totals['updated']} changed, {totals['deleted']} deleted"
    )


def cli_path(text: str) -> Path:
    """Paths typed on the command line are relative to the current directory."""
    return Path(text).resolve()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `o2c extract` (each overrides the environment and the config file)."""
    parser.add_argument("--config", type=cli_path, help="YAML settings file (default: $O2C_CONFIG)")
    parser.add_argument("--source", choices=("demo", "sql", "files"), help="source kind")
    parser.add_argument("--sap-url", help="SQLAlchemy URL of the SAP database, no password")
    parser.add_argument("--sap-export-dir", type=cli_path, help="folder of SAP exports")
    parser.add_argument("--crm-export-dir", type=cli_path, help="folder of CRM exports")
    parser.add_argument("--demo-dir", type=cli_path, help="demo ERP folder (source 'demo')")
    parser.add_argument("--flavour", choices=("auto", "ecc", "s4"))
    parser.add_argument(
        "--warehouse", type=cli_path, help="DuckDB file (default warehouse/o2c.duckdb)"
    )
    parser.add_argument("--tables", help="comma-separated tables, e.g. VBAK,VBAP (default all)")
    parser.add_argument("--as-of", help="as-of time, ISO format (default: newest change)")
    parser.set_defaults(report=True)
