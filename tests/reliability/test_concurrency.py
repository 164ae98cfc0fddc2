"""BI users read the published warehouse while runs write: no errors, never half a run."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from extractors.demo_erp import generate
from extractors.publish import publish_warehouse
from orchestration.pipeline import run_pipeline

from .conftest import demo_settings

pytestmark = pytest.mark.slow

READER = Path(__file__).with_name("published_reader.py")


def test_a_reader_sees_one_whole_run_at_a_time_while_runs_write(demo_source, tmp_path):
    demo = tmp_path / "demo"
    shutil.copytree(demo_source, demo)
    warehouse = tmp_path / "o2c.duckdb"
    published = tmp_path / "published" / "o2c.duckdb"
    assert run_pipeline(source="demo", demo_dir=demo, warehouse=warehouse, quiet=True) == 0
    first = tmp_path / "first" / "o2c.duckdb"  # the warehouse after one run, for later
    first.parent.mkdir()
    shutil.copy(warehouse, first)
    stop, report = tmp_path / "stop", tmp_path / "report.json"

    reader = subprocess.Popen([sys.executable, str(READER), str(published), str(stop), str(report)])
    try:
        for _ in range(2):  # the source grows, so each run publishes other counts
            generate(demo, continue_days=15, formats=("sqlite",), ground_truth=False)
            assert run_pipeline(source="demo", demo_dir=demo, warehouse=warehouse, quiet=True) == 0
        for i in range(6):  # and a burst of publications: many renames under the reader
            source = first if i % 2 == 0 else warehouse
            publish_warehouse(demo_settings(demo, source), target=published, run_id=f"burst{i}")
    finally:
        stop.touch()
        reader.wait(timeout=120)

    seen = json.loads(report.read_text())
    assert seen["errors"] == []
    assert seen["reads"] >= 20
    assert len(seen["runs"]) >= 4  # it saw the published warehouse change several times
