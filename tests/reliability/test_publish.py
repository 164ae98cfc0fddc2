"""The published warehouse: a complete, atomic copy that older DuckDB clients can open."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys

import dagster as dg
import duckdb
import pytest

from extractors.privacy.pseudonym import PseudonymisationError
from extractors.publish import STORAGE_VERSION, publish_warehouse, published_path
from orchestration.assets import checks, raw
from orchestration.assets.publish import PUBLISHED_KEY, build_publish_asset, publish_upstream
from orchestration.resources import ExtractionResource, PublishResource

from .conftest import demo_settings

OLD_DUCKDB = "1.0.0"  # the oldest DuckDB 1.x: storage version 64, as 0.10 and 1.1 read


def relations(path, kind="BASE TABLE") -> dict[str, int]:
    with duckdb.connect(str(path), read_only=True) as con:
        names = con.execute(
            "SELECT table_schema || '.' || table_name FROM information_schema.tables "
            "WHERE table_type = ? ORDER BY 1",
            [kind],
        ).fetchall()
        return {n: con.execute(f"SELECT count(*) FROM {n}").fetchall()[0][0] for (n,) in names}


def publication(path) -> dict:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("SELECT * FROM meta.publication").df().to_dict("records")[0]


def test_publishing_copies_every_table_and_view_atomically(warehouse_copy):
    with duckdb.connect(str(warehouse_copy)) as con:  # a view as dbt writes one: catalog-qualified
        con.execute("CREATE SCHEMA staging")
        con.execute(
            'CREATE VIEW staging.orders AS SELECT "VBELN" FROM "o2c"."raw_sap"."vbak" '
            "WHERE NOT _is_deleted"
        )
    live = relations(warehouse_copy)

    result = publish_warehouse(demo_settings(warehouse_copy.parent, warehouse_copy))

    target = warehouse_copy.parent / "published" / "o2c.duckdb"
    assert result.target == target == published_path(warehouse_copy)
    copied = relations(target)
    assert {k: v for k, v in copied.items() if k != "meta.publication"} == {
        **live,
        "staging.orders": live["raw_sap.vbak"],  # the view, materialised
    }
    record = publication(target)
    assert record["storage_version"] == STORAGE_VERSION
    assert record["pseudonymised"] is False
    assert record["batch_id"] == 1
    assert json.loads(record["table_rows"])["raw_sap.vbak"] == live["raw_sap.vbak"]
    assert sorted(p.name for p in target.parent.iterdir()) == ["o2c.duckdb"]  # no temp, no .wal


def test_a_failed_publication_leaves_the_last_one_and_leftovers_are_cleared(
    warehouse_copy, monkeypatch
):
    settings = demo_settings(warehouse_copy.parent, warehouse_copy)
    first = publish_warehouse(settings, run_id="first")
    target = first.target
    (target.parent / ".o2c.duckdb.deadbeef.tmp").write_bytes(b"half a database")  # killed run

    monkeypatch.delenv("O2C_PSEUDONYM_KEY", raising=False)
    with pytest.raises(PseudonymisationError, match="O2C_PSEUDONYM_KEY"):
        publish_warehouse(settings, pseudonymise=True, run_id="second")
    assert publication(target)["run_id"] == "first"

    publish_warehouse(settings, run_id="third")
    assert publication(target)["run_id"] == "third"
    assert sorted(p.name for p in target.parent.iterdir()) == ["o2c.duckdb"]


@pytest.fixture(scope="session")
def old_duckdb(tmp_path_factory):
    """An older DuckDB Python client, installed from the package registry into a folder."""
    folder = tmp_path_factory.mktemp(f"duckdb-{OLD_DUCKDB}")
    command = [
        sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
        "--disable-pip-version-check", "--target", str(folder), f"duckdb=={OLD_DUCKDB}",
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        unreachable = ("connection", "network", "resolve", "timed out", "no matching")
        if any(word in done.stderr.lower() for word in unreachable):
            pytest.skip(f"package registry unreachable, duckdb=={OLD_DUCKDB} not installed")
        pytest.fail(f"installing duckdb=={OLD_DUCKDB} failed:\n{done.stderr[-2000:]}")
    return folder


OLD_CLIENT_READS = """
import json, sys
import duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
tables = con.execute(
    "SELECT table_schema || '.' || table_name FROM information_schema.tables"
).fetchall()
rows = {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for (t,) in tables}
con.execute("SELECT * FROM meta.runs").fetchall()  # TIMESTAMPTZ, JSON
net = str(con.execute("SELECT sum(NETWR) FROM raw_sap.vbak").fetchall()[0][0])  # DECIMAL
print(json.dumps({"version": duckdb.__version__, "rows": rows, "net": net}))
"""


def test_an_older_duckdb_client_opens_the_published_file_read_only(warehouse_copy, old_duckdb):
    result = publish_warehouse(demo_settings(warehouse_copy.parent, warehouse_copy))

    env = {**os.environ, "PYTHONPATH": str(old_duckdb)}
    done = subprocess.run(
        [sys.executable, "-c", OLD_CLIENT_READS, str(result.target)],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip

    assert done.returncode == 0, done.stderr[-2000:]
    read = json.loads(done.stdout)
    assert read["version"] == OLD_DUCKDB
    assert read["rows"] == relations(result.target)
    with duckdb.connect(str(warehouse_copy), read_only=True) as con:
        net = con.execute("SELECT sum(NETWR) FROM raw_sap.vbak").fetchall()[0][0]
    assert read["net"] == str(net)


def checks_and_publish_job(settings, published):
    """The raw tables, their contract checks and the publishing asset, as in the pipeline."""
    assets = [raw.extract_raw_tables]
    defs = dg.Definitions(
        assets=[*assets, build_publish_asset(publish_upstream(assets))],
        asset_checks=checks.raw_table_contract_checks,
        resources={
            "extraction": ExtractionResource.from_settings(settings),
            "publishing": PublishResource(target=str(published)),
        },
        jobs=[dg.define_asset_job("publish_test", selection=dg.AssetSelection.all())],
        executor=dg.in_process_executor,
    )
    return defs.resolve_job_def("publish_test")


def test_a_failing_blocking_check_stops_publishing_and_a_passing_run_publishes(
    demo_source, tmp_path
):
    demo = tmp_path / "demo"
    shutil.copytree(demo_source, demo)
    published = tmp_path / "published" / "o2c.duckdb"
    settings = demo_settings(demo, tmp_path / "o2c.duckdb")
    with sqlite3.connect(demo / "sap.sqlite") as con:  # loads fine, breaks valid_rows (NUMC key)
        con.execute("UPDATE VBAP SET POSNR = '00001X' WHERE rowid = (SELECT min(rowid) FROM VBAP)")

    failed = checks_and_publish_job(settings, published).execute_in_process(
        instance=dg.DagsterInstance.ephemeral(), raise_on_error=False
    )

    assert not failed.success
    assert not published.exists()
    evaluations = {
        (e.asset_key.path[-1], e.check_name): e.passed for e in failed.get_asset_check_evaluations()
    }
    assert evaluations[("vbap", "valid_rows")] is False
    assert evaluations[("vbak", "valid_rows")] is True
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        stored = con.execute(
            "SELECT table_name, rule, unexpected_count FROM meta.data_contract_results "
            "WHERE NOT success"
        ).fetchall()
    assert sorted(stored) == [
        ("raw_sap.lips", "LIPS -> VBAP", 1),  # a warning: its item is not there
        ("raw_sap.vbap", "POSNR has digits only", 1),
    ]

    clean = demo_settings(demo_source, tmp_path / "clean" / "o2c.duckdb")
    passed = checks_and_publish_job(clean, published).execute_in_process(
        instance=dg.DagsterInstance.ephemeral()
    )

    assert passed.success
    assert publication(published)["run_id"] == passed.run_id
    materialised = {e.asset_key for e in passed.get_asset_materialization_events()}
    assert PUBLISHED_KEY in materialised
