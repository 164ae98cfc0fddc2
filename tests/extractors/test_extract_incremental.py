"""Reruns change nothing; incremental runs load only what changed and match a full load."""

import pandas as pd
import pytest
from inspect_warehouse import contents, query
from tiny_sources import make_table

from extractors.extract import run_extraction

TABLES = ["VBAK", "VBEP", "BSID", "CDHDR", "ACCOUNTS"]
KINDS = ["sqlite", "csv", "parquet", pytest.param("postgres", marks=pytest.mark.postgres)]


def initial_source() -> dict[str, pd.DataFrame]:
    return {name: make_table(name, "ecc", rows=6) for name in TABLES}


def grown_source(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """A week later: new and changed documents, rows SAP changed or deleted silently."""
    frames = {name: frame.copy() for name, frame in frames.items()}
    vbak = frames["VBAK"]
    new = make_table("VBAK", "ecc", rows=2, start=100)
    new["ERDAT"] = ["20240401", "20240402"]
    vbak.loc[0, ["NETWR", "AEDAT"]] = [999.0, "20240402"]  # changed, with a change date
    frames["VBAK"] = pd.concat([vbak, new], ignore_index=True)

    vbep = frames["VBEP"]
    vbep.loc[2, "WMENG"] = 42.0  # rescheduled: no change date in VBEP
    frames["VBEP"] = pd.concat(
        [vbep.drop(index=3), make_table("VBEP", "ecc", rows=1, start=50)], ignore_index=True
    )

    bsid = frames["BSID"]
    bsid.loc[1, "DMBTR"] = 77.5  # changed in place
    frames["BSID"] = bsid.drop(index=0).reset_index(drop=True)  # cleared: moved to BSAD

    cdhdr = frames["CDHDR"]
    new = make_table("CDHDR", "ecc", rows=1, start=60)
    new["UDATE"] = ["20240402"]
    frames["CDHDR"] = pd.concat([cdhdr, new], ignore_index=True)

    accounts = frames["ACCOUNTS"]
    accounts.loc[0, ["NAME", "MODIFIED_AT"]] = ["Renamed GmbH", "2024-04-02T10:00:00+02:00"]
    new = make_table("ACCOUNTS", "ecc", rows=1, start=70)
    new["CREATED_AT"] = new["MODIFIED_AT"] = ["2024-04-01T08:00:00+02:00"]
    frames["ACCOUNTS"] = pd.concat([accounts, new], ignore_index=True)
    return frames


def reconciliation(warehouse, batch_id: int) -> dict[str, tuple]:
    rows = query(
        warehouse,
        "SELECT table_name, source_rows, inserted, updated, deleted "
        "FROM meta.load_reconciliation WHERE batch_id = ?",
        [batch_id],
    )
    return {name: tuple(values) for name, *values in rows}


def test_rerun_without_new_data_changes_nothing(write_source):
    settings = write_source("sqlite", initial_source(), flavour="ecc")
    first = run_extraction(settings, tables=TABLES)
    before = contents(settings.warehouse, ("raw_sap", "raw_crm", "quarantine"))
    watermarks = query(settings.warehouse, "SELECT * FROM meta.watermarks ORDER BY 1")

    second = run_extraction(settings, tables=TABLES)

    assert contents(settings.warehouse, ("raw_sap", "raw_crm", "quarantine")) == before
    assert query(settings.warehouse, "SELECT * FROM meta.watermarks ORDER BY 1") == watermarks
    assert second.totals()["inserted"] == second.totals()["updated"] == 0
    assert second.totals()["deleted"] == 0
    assert second.as_of == first.as_of
    assert query(settings.warehouse, "SELECT status FROM meta.runs ORDER BY batch_id") == [
        ("success",),
        ("success",),
    ]


@pytest.mark.parametrize("kind", KINDS)
def test_incremental_run_loads_only_changes_and_equals_a_full_load(write_source, kind):
    settings = write_source(kind, initial_source(), flavour="ecc")
    run_extraction(settings, tables=TABLES)
    grown = grown_source(initial_source())
    write_source(kind, grown, flavour="ecc")

    result = run_extraction(settings, tables=TABLES)

    # VBAK rereads its 3-day overlap window (4 old rows) plus the changed and new rows.
    assert reconciliation(settings.warehouse, result.batch_id) == {
        "raw_sap.vbak": (7, 2, 1, 0),
        "raw_sap.vbep": (6, 1, 1, 1),
        "raw_sap.bsid": (5, 0, 1, 1),
        "raw_sap.cdhdr": (5, 1, 0, 0),
        "raw_crm.accounts": (6, 1, 1, 0),
    }
    changed = query(
        settings.warehouse,
        "SELECT VBELN, _first_loaded_batch, _last_changed_batch FROM raw_sap.vbak "
        "WHERE _last_changed_batch = 2 ORDER BY VBELN",
    )
    assert changed == [("VBEL000000", 1, 2), ("VBEL000100", 2, 2), ("VBEL000101", 2, 2)]
    deleted = query(
        settings.warehouse, "SELECT BELNR, _last_changed_batch FROM raw_sap.bsid WHERE _is_deleted"
    )
    assert deleted == [("BELN000000", 2)]

    fresh = write_source(kind, grown, name="fresh", flavour="ecc")
    run_extraction(fresh, tables=TABLES)
    assert contents(settings.warehouse, business_only=True) == contents(
        fresh.warehouse, business_only=True
    )


def test_deleted_row_that_comes_back_is_undeleted(write_source):
    frames = initial_source()
    settings = write_source("sqlite", frames, flavour="ecc")
    run_extraction(settings, tables=["BSID"])
    write_source("sqlite", {"BSID": frames["BSID"].drop(index=2)}, flavour="ecc")
    run_extraction(settings, tables=["BSID"])
    write_source("sqlite", {"BSID": frames["BSID"]}, flavour="ecc")

    result = run_extraction(settings, tables=["BSID"])

    assert result.table("BSID").updated == 1
    assert query(
        settings.warehouse,
        "SELECT count(*), bool_or(_is_deleted), max(_last_changed_batch) FROM raw_sap.bsid",
    ) == [(6, False, 3)]


def test_watermark_and_raw_rows_move_together_when_a_merge_fails(write_source, monkeypatch):
    frames = initial_source()
    settings = write_source("sqlite", frames, flavour="ecc")
    run_extraction(settings, tables=["VBAK"])
    write_source("sqlite", grown_source(frames), flavour="ecc")
    before = contents(settings.warehouse, ("raw_sap", "meta"), business_only=True)
    before.pop("meta.runs")

    from extractors.load import runs

    def crash(*args, **kwargs):
        raise RuntimeError("killed between merge and commit")

    monkeypatch.setattr(runs, "record_reconciliation", crash)
    with pytest.raises(RuntimeError, match="killed"):
        run_extraction(settings, tables=["VBAK"])

    after = contents(settings.warehouse, ("raw_sap", "meta"), business_only=True)
    after.pop("meta.runs")
    assert after == before
    last_run = "SELECT status FROM meta.runs ORDER BY batch_id DESC LIMIT 1"
    assert query(settings.warehouse, last_run) == [("failed",)]
    monkeypatch.undo()
    result = run_extraction(settings, tables=["VBAK"])
    assert (result.table("VBAK").inserted, result.table("VBAK").updated) == (2, 1)
