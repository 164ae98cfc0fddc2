"""The extractors on the demo ERP (about 2000 items): every format, reruns, a grown source.

The demo is generated and loaded once per module (each format into its own warehouse);
tests that change something work on copies.
"""

import shutil
import sqlite3
from pathlib import Path

import pytest
from inspect_warehouse import contents, query, raw_plus_quarantined

import extractors.demo_erp as demo_erp
from extractors.catalogue import tables_for
from extractors.extract import run_extraction
from extractors.settings import PASSWORD_ENV, Settings
from orchestration.cli import main as o2c

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(demo_erp, "generate"), reason="no demo ERP generator yet"),
]
ITEMS = 2000
KINDS = ("demo", "csv", "parquet")


def settings_for(kind: str, demo: Path, warehouse: Path) -> Settings:
    if kind == "demo":
        return Settings(source="demo", demo_dir=demo, warehouse=warehouse)
    return Settings(
        source="files", sap_export_dir=demo / "exports", export_format=kind,
        crm_export_dir=demo / "crm", warehouse=warehouse, timezone="Europe/Berlin",
    )  # fmt: skip


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo_erp")
    demo_erp.generate(out, items=ITEMS, seed=1, flavour="ecc")
    return out


@pytest.fixture(scope="module")
def loaded(demo_dir, tmp_path_factory) -> dict:
    """kind -> (settings, result) of a first extraction into a fresh warehouse."""
    folder = tmp_path_factory.mktemp("warehouses")
    out = {}
    for kind in KINDS:
        settings = settings_for(kind, demo_dir, folder / f"{kind}.duckdb")
        out[kind] = (settings, run_extraction(settings))
    return out


def source_rows(demo: Path) -> dict[str, int]:
    with sqlite3.connect(demo / "sap.sqlite") as con:
        return {
            t.name: con.execute(f'SELECT count(*) FROM "{t.name}"').fetchone()[0]
            for t in tables_for("ecc", "sap")
        }


@pytest.mark.parametrize("kind", KINDS)
def test_every_demo_row_is_loaded_or_quarantined(demo_dir, loaded, kind):
    settings, result = loaded[kind]
    expected = source_rows(demo_dir)

    assert result.status == "success"
    assert result.flavour == "ecc"
    assert result.as_of is not None
    assert raw_plus_quarantined(settings.warehouse, expected) == expected


def test_all_formats_load_the_same_raw_tables(loaded):
    tables = {
        kind: contents(settings.warehouse, ("raw_sap", "raw_crm"), business_only=True)
        for kind, (settings, _) in loaded.items()
    }
    assert tables["csv"] == tables["demo"]
    assert tables["parquet"] == tables["demo"]
    assert {r.as_of for _, r in loaded.values()} == {loaded["demo"][1].as_of}


def test_rerun_on_the_demo_changes_nothing(loaded, tmp_path):
    first, _ = loaded["demo"]
    settings = first.with_overrides(warehouse=tmp_path / "o2c.duckdb")
    shutil.copy(first.warehouse, settings.warehouse)
    before = contents(settings.warehouse)

    result = run_extraction(settings)

    assert contents(settings.warehouse) == before
    assert result.totals()["inserted"] + result.totals()["updated"] == 0


def test_a_week_later_the_incremental_run_equals_a_full_load(demo_dir, loaded, tmp_path):
    demo = shutil.copytree(demo_dir, tmp_path / "demo")
    settings = settings_for("demo", demo, tmp_path / "o2c.duckdb")
    shutil.copy(loaded["demo"][0].warehouse, settings.warehouse)  # the first load, as is

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
    untouched = "SELECT count(*) FROM raw_sap.vbap WHERE _last_changed_batch = 1"
    assert query(settings.warehouse, untouched)[0][0] > 0


@pytest.mark.postgres
def test_the_demo_written_to_postgresql_loads_like_the_sqlite_demo(
    loaded, postgres_url, monkeypatch, tmp_path
):
    monkeypatch.setenv(PASSWORD_ENV, postgres_url.password)
    demo = tmp_path / "demo"
    demo_erp.generate(
        demo, items=ITEMS, seed=1, flavour="ecc", formats=("sqlite",),
        postgres_url=postgres_url.url, postgres_schema="demo_erp",
    )  # fmt: skip
    settings = Settings(
        source="sql", sap_url=postgres_url.url, sap_schema="demo_erp",
        crm_export_dir=demo / "crm", warehouse=tmp_path / "pg.duckdb", timezone="Europe/Berlin",
    )  # fmt: skip

    result = run_extraction(settings)

    expected = source_rows(demo)
    assert result.flavour == "ecc"  # detected: the schema has VBUK
    assert raw_plus_quarantined(settings.warehouse, expected) == expected
    assert contents(settings.warehouse, ("raw_sap", "raw_crm"), business_only=True) == contents(
        loaded["demo"][0].warehouse, ("raw_sap", "raw_crm"), business_only=True
    )
