"""The published warehouse as the last asset of the job: published/o2c_duckdb.

It depends on every other asset of the pipeline (publish_upstream), so it runs only after
all of them succeeded and their blocking checks passed: a failed run never publishes. The
copy itself is plain Python (extractors/publish/), callable without Dagster.
"""

from collections.abc import Iterable

import dagster as dg

from extractors.publish import STORAGE_VERSION, publish_warehouse
from orchestration.resources import ExtractionResource, PublishResource

PUBLISHED_KEY = dg.AssetKey(["published", "o2c_duckdb"])


def publish_upstream(assets: Iterable) -> list[dg.AssetKey]:
    """The keys the published warehouse waits for: every asset given."""
    keys = {key for asset in assets for key in (getattr(asset, "keys", None) or [asset.key])}
    keys.discard(PUBLISHED_KEY)
    return sorted(keys, key=lambda k: k.to_user_string())


def build_publish_asset(upstream: Iterable[dg.AssetKey]) -> dg.AssetsDefinition:
    """The publishing asset, downstream of `upstream` (see publish_upstream)."""

    @dg.asset(
        key=PUBLISHED_KEY,
        deps=list(upstream),
        group_name="published",
        kinds={"duckdb"},
        description=(
            "Atomic read-only copy of the warehouse for BI tools and SQL users "
            f"(DuckDB storage {STORAGE_VERSION}; see docs/reliability.md)."
        ),
    )
    def published_warehouse(
        context: dg.AssetExecutionContext,
        extraction: ExtractionResource,
        publishing: PublishResource,
    ) -> dg.MaterializeResult:
        result = publish_warehouse(
            extraction.settings(),
            target=publishing.target,
            pseudonymise=publishing.pseudonymise,
            run_id=context.run.run_id,
            logger=context.log,
        )
        return dg.MaterializeResult(
            metadata={
                "path": dg.MetadataValue.path(str(result.target)),
                "tables": len(result.table_rows),
                "dagster/row_count": sum(result.table_rows.values()),
                "batch_id": result.batch_id if result.batch_id is not None else "none",
                "as_of": str(result.as_of),
                "pseudonymised": result.pseudonymised,
                "storage_version": STORAGE_VERSION,
            }
        )

    return published_warehouse
