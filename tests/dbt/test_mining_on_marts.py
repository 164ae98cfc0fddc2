"""The mining step on the marts dbt built from the demo ERP equals its ground truth:
every injected control-flow deviation and rule breach is found, and nothing else."""

from __future__ import annotations

import shutil

import duckdb
import pandas as pd
import pytest

from mining.config import MiningConfig
from mining.run import run_mining


@pytest.fixture(scope="module")
def mined(demo_warehouse, tmp_path_factory):
    folder = tmp_path_factory.mktemp(f"mining_{demo_warehouse.flavour}")
    warehouse = folder / "o2c.duckdb"
    shutil.copy(demo_warehouse.warehouse, warehouse)  # the shared warehouse stays read-only
    config = MiningConfig.load(artifacts_dir=str(folder / "artifacts"))
    with duckdb.connect(str(warehouse)) as con:
        result = run_mining(con, config)
        tables = {
            name: con.execute(f"select * from mining.{name}").df()
            for name in (
                "case_conformance",
                "deviations",
                "rule_violations",
                "bottlenecks",
                "discovered_models",
                "process_maps",
            )
        }
    return demo_warehouse, result, tables, folder


def test_deviations_and_rule_breaches_equal_the_ground_truth(mined):
    demo, _, tables, _ = mined
    truth = demo.truth("deviations")
    flow = truth[truth["kind"] != "rule"][["case_id", "activity", "kind"]].drop_duplicates()
    found = tables["deviations"][["case_id", "activity", "kind"]].drop_duplicates()
    merged = found.merge(flow, how="outer", indicator=True)
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"]
    rules = truth[truth["kind"] == "rule"][["case_id", "code"]].drop_duplicates()
    rules = rules.rename(columns={"code": "rule"})
    violations = tables["rule_violations"][["case_id", "rule"]].drop_duplicates()
    merged = violations.merge(rules, how="outer", indicator=True)
    assert len(rules) > 10
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"]


def test_every_case_that_followed_its_model_fits(mined):
    demo, _, tables, _ = mined
    cases = demo.truth("cases")[["case_id", "followed_reference_model"]]
    merged = cases.merge(tables["case_conformance"], on="case_id")
    assert len(merged) == len(cases)
    assert (merged["is_fit"] == merged["followed_reference_model"]).all()


def test_models_pictures_and_bottlenecks_are_written(mined):
    _, result, tables, folder = mined
    models = tables["discovered_models"]
    assert set(models["scope"]) >= {"all", "make_to_stock", "service"}
    assert models["fitness"].between(0, 1).all()
    assert models["precision"].between(0, 1).all()
    for name in models["bpmn_file"]:
        assert (folder / "artifacts" / "models" / name).stat().st_size > 0
    maps = tables["process_maps"]
    assert set(maps["picture"]) == {"dfg_frequency", "dfg_performance", "bpmn", "top_variants"}
    for name in maps["file"]:
        assert (folder / "artifacts" / "maps" / name).stat().st_size > 0
    bottlenecks = tables["bottlenecks"]
    weekly = bottlenecks[
        (bottlenecks["period_type"] == "week") & (bottlenecks["bottleneck_type"] == "transition")
    ]
    shares = weekly.groupby("period_start")["share_of_throughput_time"].sum()
    assert pd.Series(shares).round(9).eq(1).all()
    assert result["conformance"]["cases"] == len(tables["case_conformance"])
