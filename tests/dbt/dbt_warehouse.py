"""A demo ERP loaded into a throwaway warehouse, and dbt runs on it (helpers of the dbt tests).

dbt runs as a subprocess (as Dagster's dbt resource runs it), with its own target and log
folders under the test's temporary directory, so that it neither meets a DuckDB connection
of the test process nor shares build output with another dbt run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pytest

import extractors.demo_erp as demo_erp
from extractors.extract import run_extraction
from extractors.settings import Settings, project_root

DBT_PROJECT = project_root() / "dbt_project"


@dataclass(frozen=True)
class DemoWarehouse:
    """A demo ERP source and the warehouse dbt built from it."""

    demo: Path
    warehouse: Path
    work: Path  # dbt's target and log folders live here
    flavour: str

    @property
    def manifest(self) -> dict:
        return json.loads((self.demo / "demo_erp.json").read_text())

    @property
    def timezone(self) -> str:
        """The demo's SAP time zone: the extraction and dbt both read local times in it."""
        return self.manifest["timezone"]

    def dbt(self, *args: str, warehouse: Path | None = None) -> subprocess.CompletedProcess:
        return run_dbt(warehouse or self.warehouse, self.work, *args, timezone=self.timezone)

    def query(self, sql: str, warehouse: Path | None = None) -> pd.DataFrame:
        with duckdb.connect(str(warehouse or self.warehouse), read_only=True) as con:
            return con.execute(sql).df()

    def truth(self, name: str) -> pd.DataFrame:
        return pd.read_parquet(self.demo / "ground_truth" / f"{name}.parquet")

    def extract(self, warehouse: Path | None = None) -> None:
        """Load the demo as one extraction batch, as of the demo's own as-of time."""
        settings = Settings(
            source="demo", demo_dir=self.demo, warehouse=warehouse or self.warehouse
        )
        result = run_extraction(settings, as_of=self.manifest["as_of"])
        assert result.status == "success"


def as_utc_naive(values: pd.Series) -> pd.Series:
    """Timestamps as naive UTC to the second (the truth is tz-aware, DuckDB's naive UTC)."""
    values = pd.to_datetime(values)
    if values.dt.tz is not None:
        values = values.dt.tz_convert("UTC").dt.tz_localize(None)
    return values.dt.floor("s")


def dbt_executable() -> str:
    candidate = Path(sys.executable).parent / "dbt"
    return str(candidate) if candidate.exists() else "dbt"


def run_dbt(warehouse: Path, work: Path, *args: str, timezone: str) -> subprocess.CompletedProcess:
    env = dict(
        os.environ, O2C_WAREHOUSE=str(warehouse), O2C_SOURCE_TIMEZONE=timezone,
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
    )  # fmt: skip
    command = [
        dbt_executable(), *args,
        "--project-dir", str(DBT_PROJECT), "--profiles-dir", str(DBT_PROJECT),
        "--target-path", str(work / "target"), "--log-path", str(work / "logs"),
    ]  # fmt: skip
    result = subprocess.run(command, env=env, capture_output=True, text=True, cwd=DBT_PROJECT)
    if result.returncode != 0:
        output = f"{result.stdout[-6000:]}\n{result.stderr[-2000:]}"
        pytest.fail(f"dbt {' '.join(args)} failed:\n{output}")
    return result


def build_demo_warehouse(folder: Path, flavour: str, items: int, seed: int) -> DemoWarehouse:
    """Generate a demo ERP, extract it and `dbt build` the project on it."""
    demo = folder / "demo_erp"
    demo_erp.generate(demo, items=items, seed=seed, flavour=flavour, formats=("sqlite",))
    built = DemoWarehouse(demo=demo, warehouse=folder / "o2c.duckdb", work=folder, flavour=flavour)
    built.extract()
    built.dbt("build")
    return built
