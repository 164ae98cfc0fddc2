"""Every source row ends up in raw or in quarantine, for every kind of source."""

import pandas as pd
import pytest
from inspect_warehouse import count, query, raw_plus_quarantined
from tiny_sources import make_tables

from extractors.extract import run_extraction

KINDS = [
    "demo",
    "sqlite",
    "csv",
    "parquet",
    pytest.param("postgres", marks=pytest.mark.postgres),
]


def with_bad_rows(frames: dict, kind: str) -> dict:
    """Plant a few refused rows where the source's types allow them."""
    frames = {name: frame.copy() for name, frame in frames.items()}
    vbak = frames["VBAK"]
    vbak.loc[len(vbak)] = vbak.iloc[0].copy()  # exact duplicate: one copy refused
    bad_date = vbak.iloc[1].copy()
    bad_date["VBELN"], bad_date["ERDAT"] = "BADDATE001", "20240231"
    vbak.loc[len(vbak)] = bad_date
    if kind != "postgres":  # PostgreSQL's NUMERIC column cannot hold the garbage
        vbap = frames["VBAP"]
        vbap.loc[len(vbap)] = vbap.iloc[0].copy()
        vbap.loc[len(vbap) - 1, ["POSNR", "NETWR"]] = ["009999", "12,5 EUR"]
    return frames


@pytest.mark.parametrize("kind", KINDS)
def test_raw_plus_quarantined_equals_source_rows_for_every_table(write_source, kind):
    frames = with_bad_rows(make_tables("ecc", rows=3), kind)
    settings = write_source(kind, frames)

    result = run_extraction(settings)

    assert result.status == "success"
    assert result.flavour == "ecc"
    assert {t.table for t in result.tables} == set(frames)
    assert raw_plus_quarantined(settings.warehouse, frames) == {
        name: len(frame) for name, frame in frames.items()
    }
    assert count(settings.warehouse, "quarantine.vbak") == 2
    reconciliation = query(
        settings.warehouse,
        "SELECT count(*), bool_and(source_rows = loaded_rows + quarantined_rows), "
        "sum(source_rows) FROM meta.load_reconciliation",
    )
    assert reconciliation == [(len(frames), True, sum(len(f) for f in frames.values()))]


@pytest.mark.parametrize("kind", ["sqlite", "csv", "parquet"])
def test_values_arrive_in_sap_text_formats_and_typed_numbers(write_source, kind):
    frames = make_tables("ecc", rows=2, names={"VBAK", "ACCOUNTS"})
    frames["VBAK"].loc[0, "NETWR"] = "1234.50-" if kind == "csv" else -1234.5
    settings = write_source(kind, frames, flavour="ecc")

    run_extraction(settings, tables=list(frames))

    row = query(
        settings.warehouse,
        "SELECT ERDAT, ERZET, AEDAT, NETWR, LIFSK FROM raw_sap.vbak WHERE VBELN = 'VBEL000000'",
    )[0]
    assert row[:3] == ("20240301", "080000", "00000000")
    assert float(row[3]) == -1234.5
    column_type = query(
        settings.warehouse,
        "SELECT data_type FROM information_schema.columns "
        "WHERE table_schema = 'raw_sap' AND table_name = 'vbak' AND column_name = 'NETWR'",
    )
    assert column_type == [("DECIMAL(15,2)",)]


def test_s4_source_has_status_fields_on_documents_and_no_vbuk(write_source):
    frames = make_tables("s4", rows=2, names={"VBAK", "VBAP"})
    settings = write_source("sqlite", frames)  # flavour auto: no VBUK => S/4HANA

    result = run_extraction(settings, tables=["VBAK", "vbap", "raw_sap.vbuk"])

    assert result.flavour == "s4"
    assert result.skipped == ["VBUK"]
    assert [t.load_mode for t in result.tables] == ["compare", "compare"]
    assert count(settings.warehouse, "raw_sap.vbak", "GBSTK IS NOT NULL") == 2


def test_empty_csv_fields_are_blank_text_like_the_database_values(write_source):
    frames = make_tables("ecc", rows=2, names={"VBAK"})
    frames["VBAK"]["LIFSK"] = ""
    from_csv = write_source("csv", frames, name="csv", flavour="ecc")
    from_sqlite = write_source("sqlite", frames, name="sqlite", flavour="ecc")

    run_extraction(from_csv, tables=["VBAK"])
    run_extraction(from_sqlite, tables=["VBAK"])

    sql = "SELECT * EXCLUDE (_first_loaded_batch, _last_changed_batch) FROM raw_sap.vbak"
    assert query(from_csv.warehouse, sql + " ORDER BY VBELN") == query(
        from_sqlite.warehouse, sql + " ORDER BY VBELN"
    )
    assert count(from_csv.warehouse, "raw_sap.vbak", "LIFSK = ''") == 2


def test_large_table_streams_in_batches(write_source):
    frame = make_tables("ecc", rows=1, names={"VBAK"})["VBAK"]
    frames = {"VBAK": pd.concat([frame] * 2500, ignore_index=True)}
    frames["VBAK"]["VBELN"] = [f"{i:010d}" for i in range(2500)]
    settings = write_source("sqlite", frames, batch_size=300, flavour="ecc")

    result = run_extraction(settings, tables=["VBAK"])

    assert result.table("VBAK").inserted == 2500
    assert count(settings.warehouse, "raw_sap.vbak") == 2500
