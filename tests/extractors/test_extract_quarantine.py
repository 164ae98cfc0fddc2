"""Rows that cannot be read or typed go to quarantine with their reason; the run goes on."""

import json
import sqlite3

import pandas as pd
import pytest
from inspect_warehouse import count, query, reasons
from tiny_sources import make_table

from extractors.extract import run_extraction


def broken_vbak() -> pd.DataFrame:
    """Three good orders, then one bad row per kind of problem (VBELN says which)."""
    good = make_table("VBAK", "ecc", rows=3)
    bad = make_table("VBAK", "ecc", rows=10, start=10)
    bad["VBELN"] = [None, "", "BADDATE", "BADFORMAT", "BADTIME", "BADNUMBER", "TOOBIG",
                    "DUP", "DUP", "VBEL000000"]  # fmt: skip
    bad.loc[2, "ERDAT"] = "20240230"  # no 30 February
    bad.loc[3, "AUDAT"] = "2024-03-01"  # not SAP's format
    bad.loc[4, "ERZET"] = "250000"
    bad.loc[5, "NETWR"] = "12,5 EUR"
    bad.loc[6, "NETWR"] = "1e20"  # does not fit DECIMAL(15,2)
    bad.loc[8, "NETWR"] = 1.0  # same key as the row before, other content
    bad.iloc[9] = good.iloc[0]  # exact copy of the first good order
    return pd.concat([good, bad], ignore_index=True)


EXPECTED_VBAK_REASONS = sorted(
    ["missing_key"] * 2
    + ["invalid_date"] * 2
    + ["invalid_time"]
    + ["invalid_number"] * 2
    + ["conflicting_duplicate"] * 2
    + ["duplicate_row"]
)


@pytest.mark.parametrize("kind", ["sqlite", "csv", "parquet"])
def test_bad_rows_land_in_quarantine_with_their_reason(write_source, kind):
    frames = {"VBAK": broken_vbak(), "VBAP": make_table("VBAP", "ecc", rows=2)}
    frames["VBAP"].loc[1, "NETWR"] = "5.00-"  # SAP's trailing minus is a number
    settings = write_source(kind, frames, flavour="ecc")

    result = run_extraction(settings, tables=["VBAK", "VBAP"])

    assert result.status == "success"
    assert reasons(settings.warehouse, "vbak") == EXPECTED_VBAK_REASONS
    assert sorted(r[0] for r in query(settings.warehouse, "SELECT VBELN FROM raw_sap.vbak")) == [
        "VBEL000000", "VBEL000001", "VBEL000002",
    ]  # fmt: skip
    assert (result.table("VBAK").source_rows, result.table("VBAK").quarantined) == (13, 10)
    assert query(settings.warehouse, "SELECT NETWR FROM raw_sap.vbap WHERE POSNR = '000002'") == [
        (pytest.approx(-5.0),)
    ]
    details = dict(query(settings.warehouse, "SELECT details, raw_content FROM quarantine.vbak"))
    assert "invalid_date:ERDAT" in details
    assert json.loads(details["invalid_date:ERDAT"])["ERDAT"] == "20240230"
    assert "invalid_date:AUDAT" in details
    assert "missing_key:VBELN" in details


def test_quarantine_does_not_grow_on_rerun_and_reconciliation_holds(write_source):
    settings = write_source("sqlite", {"VBAK": broken_vbak()}, flavour="ecc")
    run_extraction(settings, tables=["VBAK"])
    quarantined = query(settings.warehouse, "SELECT * FROM quarantine.vbak ORDER BY ALL")

    run_extraction(settings, tables=["VBAK"])

    assert query(settings.warehouse, "SELECT * FROM quarantine.vbak ORDER BY ALL") == quarantined
    assert query(
        settings.warehouse,
        "SELECT batch_id, source_rows, loaded_rows, quarantined_rows "
        "FROM meta.load_reconciliation ORDER BY batch_id",
    ) == [(1, 13, 3, 10), (2, 13, 3, 10)]


def test_invalid_utf8_in_the_database_is_quarantined(write_source):
    settings = write_source("sqlite", {"VBAK": make_table("VBAK", "ecc", rows=3)}, flavour="ecc")
    with sqlite3.connect(settings.sap_url.removeprefix("sqlite:///")) as con:
        con.execute("""UPDATE "VBAK" SET "ERNAM" = CAST(X'4DFC6C6C6572' AS TEXT) WHERE rowid = 2""")

    run_extraction(settings, tables=["VBAK"])

    assert reasons(settings.warehouse, "vbak") == ["invalid_encoding"]
    assert count(settings.warehouse, "raw_sap.vbak") == 2


def test_unreadable_csv_lines_and_bad_timestamps_are_quarantined(write_source):
    accounts = make_table("ACCOUNTS", "ecc", rows=3)
    accounts.loc[2, "CREATED_AT"] = "yesterday"
    settings = write_source("csv", {"ACCOUNTS": accounts}, flavour="ecc")
    with (settings.crm_export_dir / "ACCOUNTS.csv").open("ab") as handle:
        handle.write(b"ACC9,only three,fields\r\n")
        handle.write(b"ACC8,M\xfcller AG,C1,DE,m@example.com,OWN,2024-03-01T09:30:00+01:00,\r\n")

    result = run_extraction(settings, tables=["ACCOUNTS"])

    assert reasons(settings.warehouse, "accounts") == [
        "invalid_encoding", "invalid_timestamp", "unreadable_line",
    ]  # fmt: skip
    assert (result.table("ACCOUNTS").source_rows, result.table("ACCOUNTS").loaded) == (5, 2)


def test_rows_newer_than_a_given_as_of_time_are_quarantined(write_source):
    settings = write_source("sqlite", {"VBAK": make_table("VBAK", "ecc", rows=5)}, flavour="ecc")

    # Orders are created 20240301 08:00, 20240302 09:01, 20240303 10:02, ... local time.
    result = run_extraction(settings, tables=["VBAK"], as_of="2024-03-03T10:02:00")

    assert reasons(settings.warehouse, "vbak") == ["after_as_of", "after_as_of"]
    assert result.as_of.isoformat() == "2024-03-03T09:02:00+00:00"  # Berlin is UTC+1 in March
    assert query(settings.warehouse, "SELECT as_of_given FROM meta.runs") == [(True,)]


def test_compare_table_with_keyless_rows_marks_no_deletions(write_source):
    bsid = make_table("BSID", "ecc", rows=4)
    settings = write_source("sqlite", {"BSID": bsid}, flavour="ecc")
    run_extraction(settings, tables=["BSID"])
    broken = bsid.drop(index=0).reset_index(drop=True)
    broken.loc[0, "BELNR"] = None  # some row, but which?
    write_source("sqlite", {"BSID": broken}, flavour="ecc")

    result = run_extraction(settings, tables=["BSID"])

    assert result.table("BSID").deletions_skipped
    assert count(settings.warehouse, "raw_sap.bsid", "_is_deleted") == 0
    assert reasons(settings.warehouse, "bsid") == ["missing_key"]
