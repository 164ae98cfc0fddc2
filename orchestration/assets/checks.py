"""Data contracts of the raw tables as Dagster asset checks, run after every load.

Each raw table has the checks valid_rows (keys present, dates and times valid), unique_key,
plausible_values (codes in their domains, amounts within bounds) and, where it refers to
another table, references_<parent> (extractors/contracts/rules.py). valid_rows and
unique_key are blocking: when they fail, the assets downstream of the table (dbt, mining,
the published warehouse) do not run, and the run fails. The others only warn.

One multi-asset check per group of tables sharing their SAP flavours: a table that the
source's flavour lacks (VBUK on S/4HANA) is skipped by the extraction, and Dagster skips
every step that depends on a skipped asset, so the ECC-only tables' checks sit apart and
cannot take the others down with them. Each group writes its Great Expectations data docs
to artifacts/data_docs/<check name>/ beside the warehouse.
"""

import dagster as dg

from extractors.catalogue import FLAVOURS, TABLES, SourceTable
from extractors.contracts.run import PLAUSIBLE_VALUES, check_contracts, check_names
from extractors.contracts.run import default_docs_dir as docs_dir
from orchestration.assets.raw import TABLE_BY_KEY, asset_key
from orchestration.resources import ExtractionResource

BLOCKING = {"valid_rows", "unique_key"}
DESCRIPTIONS = {
    "valid_rows": "Key fields present, SAP dates and times valid (blocks downstream).",
    "unique_key": "No two rows share the primary key (blocks downstream).",
    PLAUSIBLE_VALUES: "Codes in their SAP domains, quantities and amounts within bounds.",
}


def _spec(table: SourceTable, name: str) -> dg.AssetCheckSpec:
    description = DESCRIPTIONS.get(name) or (
        f"Every {table.name} row refers to an existing {name.removeprefix('references_').upper()}"
        " row (a missing one may still arrive)."
    )
    return dg.AssetCheckSpec(
        name, asset=asset_key(table), blocking=name in BLOCKING, description=description
    )


def _result(key: dg.AssetCheckKey, checks, failed) -> dg.AssetCheckResult:
    table = TABLE_BY_KEY[key.asset_key]
    severity = dg.AssetCheckSeverity.ERROR if key.name in BLOCKING else dg.AssetCheckSeverity.WARN
    row = checks.get((table.raw_name, key.name))
    if row is None:  # the table is not in the warehouse: nothing to check
        return dg.AssetCheckResult(
            asset_key=key.asset_key, check_name=key.name, passed=True, severity=severity,
            metadata={"checked": False},
        )  # fmt: skip
    broken = failed[(failed["table_name"] == table.raw_name) & (failed["check_name"] == key.name)]
    broken_rules = ", ".join(f"{r.rule} ({r.unexpected_count})" for r in broken.itertuples())
    return dg.AssetCheckResult(
        asset_key=key.asset_key,
        check_name=key.name,
        passed=bool(row["success"]),
        severity=severity,
        metadata={
            "rules": int(row["rules"]),
            "unexpected_rows": int(row["unexpected_count"]),
            "broken_rules": broken_rules or "none",
        },
    )


def contract_check(name: str, tables: list[SourceTable]) -> dg.AssetChecksDefinition:
    @dg.multi_asset_check(
        name=name,
        specs=[_spec(t, check) for t in tables for check in check_names(t)],
        can_subset=True,
        description="Data contracts: Great Expectations on chunks, keys and references in SQL.",
    )
    def _check(context: dg.AssetCheckExecutionContext, extraction: ExtractionResource):
        selected = context.selected_asset_check_keys
        names = sorted({TABLE_BY_KEY[k.asset_key].name for k in selected})
        context.log.info(f"checking the data contracts of {len(names)} raw tables")
        settings = extraction.settings()
        report = check_contracts(
            settings, names, run_id=context.run.run_id, logger=context.log,
            data_docs=docs_dir(settings) / name,
        )  # fmt: skip
        checks = {(r["table_name"], r["check_name"]): r for r in report.checks().to_dict("records")}
        failed = report.failed()
        for key in sorted(selected, key=lambda k: (k.asset_key.to_user_string(), k.name)):
            yield _result(key, checks, failed)

    return _check


def _groups() -> dict[str, list[SourceTable]]:
    groups = {"raw_table_contracts": [t for t in TABLES if set(t.flavours) == set(FLAVOURS)]}
    for flavour in FLAVOURS:
        only = [t for t in TABLES if t.flavours == (flavour,)]
        if only:
            groups[f"raw_{flavour}_table_contracts"] = only
    return groups


raw_table_contract_checks = [contract_check(name, tables) for name, tables in _groups().items()]
