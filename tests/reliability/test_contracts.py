"""The data contracts: every rule holds on the demo ERP, and each one catches its breach."""

from __future__ import annotations

import duckdb
import pytest

from extractors.catalogue import BY_NAME
from extractors.contracts.rules import REFERENCES, rules_for
from extractors.contracts.run import check_contracts
from extractors.load.warehouse import table_columns

from .conftest import demo_settings


def run_checks(warehouse, tables, **options):
    settings = demo_settings(warehouse.parent / "demo", warehouse)
    options.setdefault("data_docs", False)
    return check_contracts(settings, tables, run_id="test-run", **options)


def broken_rules(report) -> set[tuple[str, str, str]]:
    failed = report.failed()
    return {(r.check_name, r.severity, r.rule) for r in failed.itertuples()}


def execute(warehouse, sql: str) -> None:
    with duckdb.connect(str(warehouse)) as con:
        con.execute(sql)


def test_every_contract_holds_on_the_demo_erp_and_the_results_are_kept(warehouse_copy):
    report = run_checks(warehouse_copy, None, data_docs=True)

    assert report.failed().empty, report.failed().to_string()
    assert len(report.tables) == 38
    checks = report.checks()
    assert set(checks["check_name"]) >= {"valid_rows", "plausible_values", "unique_key"}
    assert (report.data_docs.parent / "expectations" / "raw_sap" / "vbak.html").exists()
    with duckdb.connect(str(warehouse_copy), read_only=True) as con:
        stored = con.execute(
            "SELECT count(*), count(DISTINCT table_name), bool_and(success) "
            "FROM meta.data_contract_results WHERE run_id = 'test-run'"
        ).fetchall()[0]
    assert stored == (len(report.results), 38, True)

    run_checks(warehouse_copy, ["VBAK"])  # the same run again: replaced, not added
    with duckdb.connect(str(warehouse_copy), read_only=True) as con:
        again = con.execute("SELECT count(*) FROM meta.data_contract_results").fetchall()[0][0]
    assert again == len(report.results)


ROW = "rowid = (SELECT min(rowid) FROM {t})"
BREACHES = [
    # (table, UPDATE ... SET, expected broken (check, severity, rule))
    ("VBAK", "VBELN = ''", ("valid_rows", "error", "key field VBELN present")),
    ("VBAK", "ERDAT = '2024011'", ("valid_rows", "error", "ERDAT has 8 digits")),
    ("VBAK", "ERDAT = '20240230'", ("valid_rows", "error", "ERDAT is a date YYYYMMDD or 00000000")),
    ("VBAK", "ERZET = '245900'", ("valid_rows", "error", "ERZET is a time HHMMSS")),
    ("ACCOUNTS", "CREATED_AT = 'yesterday'",
     ("valid_rows", "error", "CREATED_AT is an ISO-8601 timestamp")),
    ("VBAP", "POSNR = '00001X'", ("valid_rows", "error", "POSNR has digits only")),
    ("BSEG", "MANST = 'A'", ("plausible_values", "warn", "MANST has digits only")),
    ("VBAK", "WAERK = 'eur'", ("plausible_values", "warn", "WAERK is a currency code")),
    ("VBAK", "VBTYP = 'Z'", ("plausible_values", "warn", "VBTYP in its domain")),
    ("BSEG", "SHKZG = 'X'", ("plausible_values", "warn", "SHKZG in its domain")),
    ("BSEG", "KOART = 'Q'", ("plausible_values", "warn", "KOART in its domain")),
    ("CDPOS", "CHNGIND = 'Q'", ("plausible_values", "warn", "CHNGIND in its domain")),
    ("USR02", "USTYP = 'Z'", ("plausible_values", "warn", "USTYP in its domain")),
    ("VBAP", "KWMENG = -5", ("plausible_values", "warn", "KWMENG within 0.0..1000000000.0")),
    ("VBAP", "NETWR = 200000000000",
     ("plausible_values", "warn", "NETWR within -100000000000.0..100000000000.0")),
    ("BSEG", "ZBD1P = 150", ("plausible_values", "warn", "ZBD1P within 0.0..100.0")),
]  # fmt: skip


@pytest.mark.parametrize(("table", "change", "expected"), BREACHES, ids=lambda v: str(v)[:24])
def test_each_row_rule_fails_on_a_breaking_row_and_only_that_rule(
    warehouse_copy, table, change, expected
):
    raw = BY_NAME[table].raw_name
    execute(warehouse_copy, f"UPDATE {raw} SET {change} WHERE {ROW.format(t=raw)}")

    report = run_checks(warehouse_copy, [table])

    assert broken_rules(report) == {expected}
    assert report.failed()["unexpected_count"].tolist() == [1]


def test_chunks_add_up_to_the_whole_table(warehouse_copy):
    execute(warehouse_copy, "UPDATE raw_sap.vbap SET VRKME = NULL, KWMENG = -1")
    with duckdb.connect(str(warehouse_copy), read_only=True) as con:
        rows = con.execute("SELECT count(*) FROM raw_sap.vbap").fetchall()[0][0]

    whole = run_checks(warehouse_copy, ["VBAP"])
    chunked = run_checks(warehouse_copy, ["VBAP"], chunk_rows=64)

    assert rows > 3 * 64  # several chunks
    columns = ["rule", "success", "element_count", "unexpected_count"]
    assert chunked.results[columns].equals(whole.results[columns])
    assert whole.failed()["unexpected_count"].tolist() == [rows]


def test_a_duplicate_key_breaks_unique_key(warehouse_copy):
    execute(warehouse_copy, "INSERT INTO raw_sap.vbak SELECT * FROM raw_sap.vbak LIMIT 1")

    report = run_checks(warehouse_copy, ["VBAK"])

    assert broken_rules(report) == {("unique_key", "error", "primary key unique")}


@pytest.mark.parametrize("reference", REFERENCES, ids=lambda r: f"{r.child}->{r.parent}")
def test_a_missing_parent_breaks_the_reference(warehouse_copy, reference):
    child, parent = BY_NAME[reference.child], BY_NAME[reference.parent]
    match = " AND ".join(f'p."{pc}" = c."{cc}"' for cc, pc in reference.columns)
    referring = reference.columns[-1][0]
    execute(
        warehouse_copy,
        f"""DELETE FROM {parent.raw_name} p WHERE EXISTS (
                SELECT 1 FROM (SELECT * FROM {child.raw_name}
                               WHERE trim("{referring}") <> '' LIMIT 1) c WHERE {match})""",
    )

    report = run_checks(warehouse_copy, [reference.child])

    assert (reference.check_name, "warn", f"{reference.child} -> {reference.parent}") in (
        broken_rules(report)
    )


def test_rules_follow_the_catalogue(loaded_warehouse):
    with duckdb.connect(str(loaded_warehouse), read_only=True) as con:
        columns = table_columns(con, "raw_sap", "bsid")
    rules = {(r.name, r.column, r.severity) for r in rules_for(BY_NAME["BSID"], columns)}

    assert ("key_present", "BELNR", "error") in rules
    assert ("key_present", "AUGBL", "error") not in rules  # blank while the item is open
    assert ("date_valid", "AUGDT", "error") in rules
    assert ("in_domain", "SHKZG", "warn") in rules
