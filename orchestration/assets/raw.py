"""One Dagster asset per raw table (raw_sap/vbak, raw_crm/opportunities, ...), from the catalogue.

A single multi-asset loads them so that one run is one extraction batch with one as-of
time, and so that the DuckDB file is opened once per run instead of once per table. It
can be subset: materialising raw_sap/vbak alone loads VBAK alone. Tables absent from the
source's flavour (VBUK/VBUP on S/4HANA) are skipped, not failed.
"""

import os

import dagster as dg

from extractors.catalogue import BY_NAME, TABLES, SourceTable
from extractors.extract import run_extraction
from extractors.load.table_load import TableLoad
from extractors.load.warehouse import WarehouseBusyError
from extractors.readers.base import SourceError
from orchestration.resources import ExtractionResource

# The load metadata every raw table has, for the column schema shown in Dagster's UI.
_METADATA_COLUMNS = [
    dg.TableColumn("_first_loaded_batch", "BIGINT", "batch that inserted the row"),
    dg.TableColumn("_last_changed_batch", "BIGINT", "batch that last changed the row"),
    dg.TableColumn("_is_deleted", "BOOLEAN", "gone from the source (compare tables)"),
    dg.TableColumn("_row_hash", "VARCHAR", "md5 of the business columns"),
]


def asset_key(table: SourceTable) -> dg.AssetKey:
    """Asset key = warehouse address: raw_sap.vbak is raw_sap/vbak."""
    schema, name = table.raw_name.split(".")
    return dg.AssetKey([schema, name])


def _spec(table: SourceTable) -> dg.AssetSpec:
    columns = [
        dg.TableColumn(
            c.name,
            c.sql_type,
            f"SAP {c.sap_type}" + (f" ({c.flavour} only)" if c.flavour else ""),
        )
        for c in table.columns
    ]
    return dg.AssetSpec(
        asset_key(table),
        description=table.description,
        group_name=f"raw_{table.system}",
        kinds={"duckdb", "python"},
        skippable=True,
        metadata={
            "dagster/table_name": table.raw_name,
            "dagster/column_schema": dg.TableSchema(columns=columns + _METADATA_COLUMNS),
            "primary_key": ", ".join(table.primary_key),
            "load_mode": table.load_mode + (" (compare on S/4HANA)" if table.compare_in_s4 else ""),
            "flavours": ", ".join(table.flavours),
        },
    )


TABLE_BY_KEY = {asset_key(t): t for t in TABLES}


def _metadata(load: TableLoad) -> dict:
    return {
        "source_rows": load.source_rows,
        "loaded": load.loaded,
        "quarantined": load.quarantined,
        "inserted": load.inserted,
        "updated": load.updated,
        "deleted": load.deleted,
        "load_mode": load.load_mode,
        "watermark": load.watermark.isoformat() if load.watermark else "none",
    }


@dg.multi_asset(
    name="extract_raw_tables",
    specs=[_spec(t) for t in TABLES],
    can_subset=True,
    description="Load the selected SAP and CRM tables into raw_sap/raw_crm (one batch).",
)
def extract_raw_tables(context: dg.AssetExecutionContext, extraction: ExtractionResource):
    tables = [TABLE_BY_KEY[key].name for key in context.selected_asset_keys]
    try:
        result = run_extraction(
            extraction.settings(), tables=tables, run_id=context.run.run_id, logger=context.log
        )
    except (SourceError, WarehouseBusyError) as error:
        # A source outage (database down, wrong password, missing export) or a warehouse
        # another process holds may pass: retried O2C_SOURCE_RETRIES times (2),
        # O2C_SOURCE_RETRY_SECONDS apart (30); the message names
        # the source and never the password; the last good warehouse stays untouched.
        context.log.error(str(error))
        raise dg.RetryRequested(
            max_retries=int(os.environ.get("O2C_SOURCE_RETRIES", "2")),
            seconds_to_wait=float(os.environ.get("O2C_SOURCE_RETRY_SECONDS", "30")),
        ) from error
    context.log.info(
        f"batch {result.batch_id}: as of {result.as_of}; skipped (not in source): "
        f"{', '.join(result.skipped) or 'none'}"
    )
    # A table the source's flavour does not have (VBUK/VBUP on S/4HANA) is reported empty
    # rather than skipped: Dagster skips everything downstream of a skipped asset, and the
    # dbt models read those tables as empty.
    for name in result.skipped:
        yield dg.MaterializeResult(
            asset_key=asset_key(BY_NAME[name]),
            metadata={
                "in_source": False,
                "batch_id": result.batch_id,
                "dagster/row_count": result.present_rows.get(BY_NAME[name].raw_name, 0),
            },
        )
    for load in result.tables:
        yield dg.MaterializeResult(
            asset_key=asset_key(BY_NAME[load.table]),
            metadata={
                **_metadata(load),
                "batch_id": result.batch_id,
                "as_of": str(result.as_of),
                "dagster/row_count": result.present_rows.get(load.raw_table, 0),
            },
        )
