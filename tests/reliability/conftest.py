"""Fixtures of the reliability tests: a small demo ERP and a warehouse loaded from it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from extractors.demo_erp import generate
from extractors.extract import run_extraction
from extractors.settings import Settings

DEMO_ITEMS = 300


@pytest.fixture(scope="session")
def demo_source(tmp_path_factory) -> Path:
    """A demo ERP of 300 order items (SQLite and CRM exports), generated once per session."""
    folder = tmp_path_factory.mktemp("reliability") / "demo_erp"
    generate(folder, items=DEMO_ITEMS, seed=11, formats=("sqlite",), ground_truth=False)
    return folder


@pytest.fixture(scope="session")
def loaded_warehouse(demo_source, tmp_path_factory) -> Path:
    """The demo extracted into a warehouse (raw, quarantine, meta); copy it before changing it."""
    warehouse = tmp_path_factory.mktemp("loaded") / "o2c.duckdb"
    result = run_extraction(demo_settings(demo_source, warehouse))
    assert result.status == "success"
    return warehouse


@pytest.fixture
def warehouse_copy(loaded_warehouse, tmp_path) -> Path:
    """A private copy of the loaded warehouse, in a folder of its own."""
    target = tmp_path / "o2c.duckdb"
    shutil.copy(loaded_warehouse, target)
    return target


def demo_settings(demo: Path, warehouse: Path) -> Settings:
    return Settings(source="demo", demo_dir=demo, warehouse=warehouse)
