"""`check_contracts`: validate the raw tables against their contracts and keep the results.

Plain Python, used by the Dagster asset checks (orchestration/assets/checks.py) and the
tests. For each raw table present in the warehouse: the row-level rules with Great
Expectations on bounded chunks, then the unique key and the references in SQL. The results
go to meta.data_contract_results (replacing those of the same run and table, so a retried
check does not count twice) and Great Expectations' data docs of the run are written to
artifacts/data_docs/ beside the warehouse.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from extractors.catalogue import BY_NAME, TABLES, SourceTable
from extractors.contracts import sql_checks
from extractors.contracts.rules import ERROR, Rule, references_of, rules_for
from extractors.contracts.validate import CHUNK_ROWS, SuiteRunner
from extractors.load.warehouse import connect, ensure_meta, table_columns
from extractors.settings import Settings, load_settings

LOG = logging.getLogger(__name__)

# Row-level rules are grouped into two Dagster checks per table.
VALID_ROWS = "valid_rows"  # error rules: keys present, dates and times valid (blocking)
PLAUSIBLE_VALUES = "plausible_values"  # warn rules: domains, bounds, codes

RESULTS_DDL = """
CREATE TABLE IF NOT EXISTS meta.data_contract_results (
    run_id VARCHAR,             -- the pipeline run (Dagster's run id)
    batch_id BIGINT,            -- the extraction batch checked (newest of the run)
    checked_at TIMESTAMPTZ,
    table_name VARCHAR,         -- raw_sap.vbak
    check_name VARCHAR,         -- valid_rows, plausible_values, unique_key, references_<parent>
    expectation VARCHAR,        -- Great Expectations' expectation type, or the SQL check
    column_name VARCHAR,
    rule VARCHAR,               -- what must hold, in words
    severity VARCHAR,           -- error (blocks downstream) or warn
    success BOOLEAN,
    element_count BIGINT,       -- rows checked
    unexpected_count BIGINT     -- rows (for unique_key: keys) that break the rule
)
"""

EXPECTATION_TYPES = {
    "key_present": "expect_column_values_to_not_be_null",
    "date_valid": "expect_column_values_to_match_strftime_format",
    "in_domain": "expect_column_values_to_be_in_set",
    "in_bounds": "expect_column_values_to_be_between",
}


@dataclass
class ContractReport:
    run_id: str | None
    batch_id: int | None
    results: pd.DataFrame  # one row per rule, columns as meta.data_contract_results
    data_docs: Path | None = None
    tables: list[str] = field(default_factory=list)

    def checks(self) -> pd.DataFrame:
        """One row per (table, check): passed when every rule in it passed."""
        grouped = self.results.groupby(["table_name", "check_name"], sort=True)
        return grouped.agg(
            severity=("severity", "first"),
            success=("success", "all"),
            unexpected_count=("unexpected_count", "sum"),
            rules=("rule", "count"),
        ).reset_index()

    def failed(self, severity: str | None = None) -> pd.DataFrame:
        failed = self.results[~self.results["success"]]
        return failed if severity is None else failed[failed["severity"] == severity]


def check_names(table: SourceTable) -> list[str]:
    """The Dagster checks of one raw table."""
    return [VALID_ROWS, PLAUSIBLE_VALUES, "unique_key"] + [
        ref.check_name for ref in references_of(table.name)
    ]


def check_contracts(
    settings: Settings | None = None,
    tables: list[str] | None = None,
    *,
    run_id: str | None = None,
    chunk_rows: int = CHUNK_ROWS,
    data_docs: Path | bool = True,
    logger: logging.Logger | None = None,
) -> ContractReport:
    """Check the raw tables (default: every catalogue table in the warehouse).

    `data_docs`: True writes them to artifacts/data_docs beside the warehouse, a path writes
    them there, False writes none.
    """
    log = logger or LOG
    settings = settings or load_settings()
    selected = [BY_NAME[name] for name in tables] if tables else list(TABLES)
    runner = SuiteRunner()
    con = connect(settings.warehouse)
    try:
        ensure_meta(con)
        con.execute(RESULTS_DDL)
        batch_id = _batch_of(con, run_id)
        frames, checked = [], []
        for table in selected:
            columns = table_columns(con, *table.raw_name.split("."))
            if not columns:
                continue  # not loaded (absent from this source's flavour)
            frames.append(_check_table(con, runner, table, columns, chunk_rows))
            checked.append(table.raw_name)
            log.info(_summary(table, frames[-1]))
        results = pd.concat(frames, ignore_index=True) if frames else _empty()
        results.insert(0, "table_name", results.pop("table_name"))
        _store(con, results, run_id, batch_id, checked)
    finally:
        con.close()
    docs = None
    if data_docs:
        folder = data_docs if isinstance(data_docs, Path) else default_docs_dir(settings)
        docs = runner.build_data_docs(folder)
    return ContractReport(run_id, batch_id, results, docs, checked)


def default_docs_dir(settings: Settings) -> Path:
    return Path(settings.warehouse).parent / "artifacts" / "data_docs"


def _check_table(con, runner: SuiteRunner, table: SourceTable, columns, chunk_rows: int):
    rules = rules_for(table, columns)
    totals = runner.validate(con, table, rules, chunk_rows)
    rows = [_rule_row(rule, totals[rule.id]) for rule in rules]
    rows.append(sql_checks.unique_key(con, table))
    rows += [sql_checks.reference(con, ref) for ref in references_of(table.name)]
    frame = pd.DataFrame(rows)
    frame["table_name"] = table.raw_name
    return frame


def _rule_row(rule: Rule, total: dict) -> dict:
    return {
        "check_name": VALID_ROWS if rule.severity == ERROR else PLAUSIBLE_VALUES,
        "expectation": EXPECTATION_TYPES.get(rule.name, "expect_column_values_to_match_regex"),
        "column_name": rule.column,
        "rule": rule.description,
        "severity": rule.severity,
        "success": total["success"] and "error" not in total,
        "element_count": total["element_count"],
        "unexpected_count": total["unexpected_count"],
    }


def _summary(table: SourceTable, frame: pd.DataFrame) -> str:
    failed = frame[~frame["success"]]
    if failed.empty:
        return f"{table.raw_name}: all {len(frame)} contract rules hold"
    broken = ", ".join(f"{r.rule} ({r.unexpected_count})" for r in failed.itertuples())
    return f"{table.raw_name}: {len(failed)} of {len(frame)} rules broken: {broken}"


def _empty() -> pd.DataFrame:
    columns = ["check_name", "expectation", "column_name", "rule", "severity", "success",
               "element_count", "unexpected_count", "table_name"]  # fmt: skip
    return pd.DataFrame(columns=columns)


def _batch_of(con: duckdb.DuckDBPyConnection, run_id: str | None) -> int | None:
    """The run's newest extraction batch, else the newest successful batch."""
    row = con.execute(
        "SELECT max(batch_id) FROM meta.runs WHERE run_id = ? AND status = 'success'", [run_id]
    ).fetchall()[0]
    if row[0] is None:
        newest = "SELECT max(batch_id) FROM meta.runs WHERE status = 'success'"
        row = con.execute(newest).fetchall()[0]
    return row[0]


def _store(con, results: pd.DataFrame, run_id, batch_id, tables: list[str]) -> None:
    stored = results.assign(run_id=run_id, batch_id=batch_id)
    con.register("_contract_results", stored)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            "DELETE FROM meta.data_contract_results "
            "WHERE run_id IS NOT DISTINCT FROM ? AND table_name IN (SELECT unnest(?))",
            [run_id, tables],
        )
        con.execute(
            """
            INSERT INTO meta.data_contract_results
            SELECT run_id, batch_id, now(), table_name, check_name, expectation, column_name,
                   rule, severity, success, element_count, unexpected_count
            FROM _contract_results
            """
        )
        con.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
        raise
    finally:
        con.unregister("_contract_results")
