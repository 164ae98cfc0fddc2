"""Great Expectations on chunks: one suite per raw table, validated on bounded DataFrames.

Great Expectations cannot read DuckDB through SQLAlchemy (DuckDB is none of its dialects),
so rows are pulled from DuckDB as Arrow record batches of at most `chunk_rows` rows, each
turned into a pandas DataFrame and validated on its own; the results are added up per
expectation. Memory stays bounded by the chunk size whatever the table's size. Only the
columns some rule looks at are pulled; blank text arrives as NULL, numbers as DOUBLE.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import duckdb

from extractors.catalogue import NUMERIC_TYPES, SourceTable
from extractors.contracts.rules import Rule
from extractors.readers.base import quote

CHUNK_ROWS = 100_000
# Great Expectations sends usage statistics unless told not to; this pipeline runs offline.
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")


class SuiteRunner:
    """An ephemeral Great Expectations context holding one suite per table validated."""

    def __init__(self) -> None:
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        self.gx = gx
        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
        self.source = self.context.data_sources.add_pandas("o2c_warehouse")

    def checkpoint(self, table: SourceTable, rules: list[Rule]):
        gx = self.gx
        asset = self.source.add_dataframe_asset(table.raw_name)
        batch = asset.add_batch_definition_whole_dataframe("chunk")
        suite = self.context.suites.add(gx.ExpectationSuite(name=table.raw_name))
        for rule in rules:
            suite.add_expectation(expectation(rule))
        definition = self.context.validation_definitions.add(
            gx.ValidationDefinition(name=table.raw_name, data=batch, suite=suite)
        )
        return self.context.checkpoints.add(
            gx.Checkpoint(
                name=table.raw_name, validation_definitions=[definition], result_format="SUMMARY"
            )
        )

    def validate(
        self,
        con: duckdb.DuckDBPyConnection,
        table: SourceTable,
        rules: list[Rule],
        chunk_rows: int = CHUNK_ROWS,
    ) -> dict[str, dict]:
        """{rule id: {element_count, unexpected_count, success, ...}} over every chunk."""
        totals = {r.id: {"element_count": 0, "unexpected_count": 0, "success": True} for r in rules}
        if not rules:
            return totals
        checkpoint = self.checkpoint(table, rules)
        for frame in chunks(con, table, rules, chunk_rows):
            result = checkpoint.run(batch_parameters={"dataframe": frame})
            for run in result.run_results.values():
                for outcome in run.results:
                    total = totals[outcome.expectation_config.meta["rule"]]
                    total["element_count"] += int(outcome.result.get("element_count") or 0)
                    total["unexpected_count"] += int(outcome.result.get("unexpected_count") or 0)
                    total["success"] = total["success"] and bool(outcome.success)
                    if outcome.exception_info and outcome.exception_info.get("raised_exception"):
                        total["error"] = outcome.exception_info.get("exception_message")
        return totals

    def build_data_docs(self, folder: Path) -> Path:
        """Write Great Expectations' data docs of this context's validations into `folder`.

        Built beside the folder and swapped in, so the folder always holds a whole site.
        """
        folder.parent.mkdir(parents=True, exist_ok=True)
        fresh = folder.with_name(f".{folder.name}.{uuid.uuid4().hex[:8]}")
        for name in list(self.context.get_site_names()):
            self.context.delete_data_docs_site(name)
        self.context.add_data_docs_site(
            site_name="o2c",
            site_config={
                "class_name": "SiteBuilder",
                "show_how_to_buttons": False,
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(fresh),
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            },
        )
        self.context.build_data_docs()
        old = folder.with_name(f".{folder.name}.old-{uuid.uuid4().hex[:8]}")
        if folder.exists():
            folder.rename(old)
        fresh.rename(folder)
        shutil.rmtree(old, ignore_errors=True)
        return folder / "index.html"


def expectation(rule: Rule):
    import great_expectations.expectations as gxe
    from great_expectations.expectations.row_conditions import Column

    common = {
        "column": rule.column,
        "meta": {"rule": rule.id, "severity": rule.severity},
        "severity": "critical" if rule.severity == "error" else "warning",
    }
    if rule.name == "key_present":
        return gxe.ExpectColumnValuesToNotBeNull(**common)
    if rule.name == "date_valid":
        return gxe.ExpectColumnValuesToMatchStrftimeFormat(
            **common,
            strftime_format=rule.args["format"],
            row_condition=Column(rule.column) != rule.args["except"],
        )
    if rule.name == "in_domain":
        return gxe.ExpectColumnValuesToBeInSet(**common, value_set=list(rule.args["values"]))
    if rule.name == "in_bounds":
        return gxe.ExpectColumnValuesToBeBetween(
            **common, min_value=rule.args["min"], max_value=rule.args["max"]
        )
    return gxe.ExpectColumnValuesToMatchRegex(**common, regex=rule.args["regex"])


def chunks(con: duckdb.DuckDBPyConnection, table: SourceTable, rules: list[Rule], chunk_rows: int):
    """The table's present rows as DataFrames of at most `chunk_rows` rows."""
    types = {c.name: c.sap_type for c in table.columns}
    selected = []
    for column in dict.fromkeys(r.column for r in rules):
        col = quote(column)
        if types[column] in NUMERIC_TYPES:
            selected.append(f"CAST({col} AS DOUBLE) AS {col}")
        else:
            selected.append(f"CASE WHEN trim({col}) = '' THEN NULL ELSE {col} END AS {col}")
    query = f"SELECT {', '.join(selected)} FROM {table.raw_name} WHERE NOT _is_deleted"
    reader = con.sql(query).to_arrow_reader(chunk_rows)
    for batch in reader:
        if batch.num_rows:
            yield batch.to_pandas()
