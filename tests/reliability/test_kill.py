"""A run killed at any point and started again ends with the warehouse of an uninterrupted run.

`o2c run` runs in a subprocess (its own process group, so dbt's subprocess dies with it)
and gets SIGKILL when its output shows that it reached a given stage: during extraction,
the contract checks, dbt, mining and publishing. Each killed run is started again and
killed at the next point; the last one runs to the end. Then its warehouse is compared,
table by table and row by row, with that of one uninterrupted run on the same source
(business columns: load metadata such as batch ids aside).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.slow

O2C = str(Path(sys.executable).with_name("o2c"))
# (what the run's output shows, seconds to wait after it, the stage it kills)
KILL_POINTS = [
    (r"raw_sap\.vbrk: \d+ read", 0.0, "extraction, half the tables loaded"),
    (r"checking the data contracts of \d+ raw tables", 0.5, "contract checks"),
    (r"START sql \w+ model intermediate\.", 0.0, "dbt, while building models"),
    (r"Finished dbt command", 1.0, "mining"),
    (r"publishing .* to ", 0.0, "publishing"),
]
# Columns that say which batch or run did something, not what the data is.
LOAD_METADATA = re.compile(
    r"^(_first_loaded_batch|_last_changed_batch|_batch_id|loaded_batch_id|batch_id|run_id"
    r"|.*_computed_at|computed_at|checked_at|published_at)$"
)
COMPARED_SCHEMAS = ("raw_sap", "raw_crm", "quarantine", "marts", "mining")


def _stable(value):
    """Floats to 12 significant digits: DuckDB adds doubles in whatever order its threads
    finish, so a sum can differ in the last bit between any two runs."""
    return float(f"{value:.12g}") if isinstance(value, float) else value


def o2c_run(demo: Path, warehouse: Path, kill_at: str | None = None, delay: float = 0.0):
    """Run `o2c run`; with kill_at, SIGKILL it once a line matches. Returns (code, output)."""
    env = {**os.environ, "PM4PY_SHOW_PROGRESS_BAR": "false"}
    env.pop("DAGSTER_HOME", None)
    process = subprocess.Popen(
        [O2C, "run", "--demo-dir", str(demo), "--warehouse", str(warehouse)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
        start_new_session=True,
    )  # fmt: skip
    lines = []
    for line in process.stdout:
        lines.append(line)
        if kill_at and re.search(kill_at, line):
            time.sleep(delay)
            os.killpg(process.pid, signal.SIGKILL)
            break
    process.stdout.close()
    return process.wait(timeout=600), "".join(lines)


def business_content(path: Path) -> dict[str, list]:
    """{schema.table: sorted rows} of the compared schemas, load metadata left out."""
    out = {}
    with duckdb.connect(str(path), read_only=True) as con:
        tables = con.execute(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_type = 'BASE TABLE' AND table_schema IN (SELECT unnest(?)) ORDER BY ALL",
            [list(COMPARED_SCHEMAS)],
        ).fetchall()
        for schema, table in tables:
            columns = con.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
                [schema, table],
            ).fetchall()
            kept = ", ".join(f'"{c}"' for (c,) in columns if not LOAD_METADATA.match(c))
            rows = [
                tuple(_stable(v) for v in row)
                for row in con.execute(f'SELECT {kept} FROM "{schema}"."{table}"').fetchall()
            ]
            out[f"{schema}.{table}"] = sorted(rows, key=repr)
        out["meta.watermarks"] = con.execute(
            "SELECT table_name, watermark FROM meta.watermarks ORDER BY ALL"
        ).fetchall()
    return out


def test_killed_runs_started_again_end_like_an_uninterrupted_run(demo_source, tmp_path):
    code, output = o2c_run(demo_source, tmp_path / "baseline" / "o2c.duckdb")
    assert code == 0, output[-3000:]
    expected = business_content(tmp_path / "baseline" / "o2c.duckdb")

    warehouse = tmp_path / "killed" / "o2c.duckdb"
    for pattern, delay, stage in KILL_POINTS:
        code, output = o2c_run(demo_source, warehouse, kill_at=pattern, delay=delay)
        assert code == -signal.SIGKILL, f"the run ended before {stage}:\n{output[-3000:]}"
    code, output = o2c_run(demo_source, warehouse)
    assert code == 0, output[-3000:]

    actual = business_content(warehouse)
    assert sorted(actual) == sorted(expected)
    for table in expected:
        assert actual[table] == expected[table], f"{table} differs from the uninterrupted run"
    published = warehouse.parent / "published"
    assert sorted(p.name for p in published.iterdir()) == ["o2c.duckdb"]
    assert business_content(published / "o2c.duckdb") == expected
    with duckdb.connect(str(warehouse), read_only=True) as con:
        statuses = con.execute("SELECT status FROM meta.runs ORDER BY batch_id").fetchall()
    assert statuses[0] == ("interrupted",)  # killed during extraction, marked by the next run
    assert statuses[-1] == ("success",)
