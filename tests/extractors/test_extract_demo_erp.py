"""The extractors on the demo ERP (about 2000 items): every format, reruns, a grown source."""

import sqlite3
from pathlib import Path

import pytest
from inspect_warehouse import contents, count, query

import extractors.demo_erp as demo_erp
from extractors.catalogue import tables_for
from extractors.extract import run_extraction
from extractors.settings import Settings
from orchestration.cli import main as o2c

pytestmark = pytest.mark.skipif(
    not hasattr(demo_erp, "generate"), reason="the demo ERP has no generate() yet"
)
ITEMS = 2000


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo_erp")
    demo_erp.generate(out, items=ITEMS, seed=1, flavour="ecc")
    return out


def source_rows(demo: Path) -> dict[str, int]:
    with sqlite3.connect(demo / "sap.sqlite") as con:
        return {
            t.name: con.execute(f'SELECT count(*) FROM "{t.name}"').fetchone()[0]
            for t in tables_for("ecc", "sap")
        }


def settings_for(kind: str, demo, warehouse) -> Settings:
    if kind == "demo":
        return Settings(source="demo", demo_dir=demo, warehouse=warehouse)
    return Settings(
        source="files", sap_export_dir=demo / "exports", export_format=kind,
        crm_export_dir=demo / "crm", warehouse=warehouse, timezone="Europe/Berlin",
    )  # fmt: skip


@pytest.mark.parametrize("kind", ["demo", "csv", "parquet"])
def test_every_demo_row_is_loaded_or_quarantined(demo_dir, tmp_path, kind):
    settings = settings_for(kind, demo_dir, tmp_path / "o2c.duckdb")

    result = run_extraction(settings)

    assert result.status == "success"
    assert result.flavour == "ecc"
    for name, rows in source_rows(demo_dir).items():
        raw = count(settings.warehouse, f"raw_sap.{name.lower()}")
        assert raw + count(settings.warehouse, f"quarantine.{name.lower()}") == rows, name
    assert result.as_of is not None


def test_all_formats_load_the_same_raw_tables(demo_dir, tmp_path):
    loaded = {}
    for kind in ("demo", "csv", "parquet"):
        settings = settings_for(kind, demo_dir, tmp_path / f"{kind}.duckdb")
        run_extraction(settings)
        loaded[kind] = contents(settings.warehouse, ("raw_sap",), business_only=True)
    assert loaded["csv"] == loaded["demo"]
    assert loaded["parquet"] == loaded["demo"]


def test_rerun_on_the_demo_changes_nothing(demo_dir, tmp_path):
    settings = settings_for("demo", demo_dir, tmp_path / "o2c.duckdb")
    run_extraction(settings)
    before = contents(settings.warehouse)

    result = run_extraction(settings)

    assert contents(settings.warehouse) == before
    assert result.totals()["inserted"] + result.totals()["updated"] == 0


def test_a_week_later_the_incremental_run_equals_a_full_load(tmp_path):
    demo = tmp_path / "demo"
    demo_erp.generate(demo, items=ITEMS, seed=1, flavour="ecc")
    settings = settings_for("demo", demo, tmp_path / "o2c.duckdb")
    run_extraction(settings)

    assert o2c(["demo", "--days", "7", "--output", str(demo)]) == 0
    result = run_extraction(settings)
    full = settings_for("demo", demo, tmp_path / "full.duckdb")
    run_extraction(full)

    assert result.totals()["inserted"] > 0
    assert result.totals()["loaded"] < sum(source_rows(demo).values())
    assert contents(settings.warehouse, ("raw_sap", "raw_crm"), business_only=True) == contents(
        full.warehouse, ("raw_sap", "raw_crm"), business_only=True
    )
    # Only what moved got the new batch id; everything else kept its first one.
    untouched = query(settings.warehouse, "SELECT count(*) FROM raw_sap.vbap WHERE _last_changed_batch = 1")
    assert untouched[0][0] > 0
