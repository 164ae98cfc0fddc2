"""Conformance against the reference nets equals the demo ERP's ground truth."""

from __future__ import annotations

import pandas as pd
import pytest

from extractors.demo_erp import generate
from mining import conformance
from mining.config import MiningConfig
from mining.conformance import check_conformance

from .truth_warehouse import truth_warehouse


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    demo = tmp_path_factory.mktemp("demo")
    generate(demo, items=5_000, seed=21, formats=("sqlite",))
    con = truth_warehouse(demo, tmp_path_factory.mktemp("wh") / "o2c.duckdb")
    summary = check_conformance(con, MiningConfig.load())
    yield demo, con, summary
    con.close()


def test_every_injected_control_flow_deviation_is_found_and_nothing_else(checked):
    demo, con, _ = checked
    found = con.execute("select case_id, activity, kind from mining.deviations").df()
    truth = pd.read_parquet(demo / "ground_truth" / "deviations.parquet")
    truth = truth[truth["kind"] != "rule"][["case_id", "activity", "kind"]].drop_duplicates()
    assert len(truth) > 50
    assert set(truth["kind"]) == {"skipped", "extra", "out_of_order"}
    merged = found.merge(truth, how="outer", indicator=True)
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"].head(20)


def test_cases_that_followed_their_model_fit(checked):
    demo, con, summary = checked
    result = con.execute(
        "select case_id, is_fit, fitness, cost, fulfilment_model from mining.case_conformance"
    ).df()
    cases = pd.read_parquet(demo / "ground_truth" / "cases.parquet")
    merged = cases.merge(result, on="case_id", suffixes=("_truth", ""))
    assert len(merged) == len(cases) == summary["cases"]
    assert (merged["is_fit"] == merged["followed_reference_model"]).all()
    assert (merged.loc[merged["is_fit"], "fitness"] == 1.0).all()
    unfit = merged[~merged["is_fit"]]
    assert ((unfit["fitness"] < 1.0) & (unfit["fitness"] >= 0.0) & (unfit["cost"] > 0)).all()
    # Legitimate variety fits: split deliveries, down payments, re-invoicing, open cases.
    events = con.execute("select case_id, activity from marts.fct_o2c_events").df()

    def fitting_with(activity):
        ids = set(events.loc[events["activity"] == activity, "case_id"])
        return merged[merged["case_id"].isin(ids) & merged["followed_reference_model"]]

    for activity in (
        "Cancel Invoice",
        "Receive Down Payment",
        "Create Credit Memo",
        "Create Return Order",
        "Proof of Delivery",
    ):
        sample = fitting_with(activity)
        assert len(sample) > 0, activity
        assert sample["is_fit"].all(), activity
    split = events[events["activity"] == "Create Delivery"].groupby("case_id").size()
    split_cases = merged[merged["case_id"].isin(split[split > 1].index)]
    assert len(split_cases) > 50
    assert split_cases.loc[split_cases["followed_reference_model"], "is_fit"].all()
    assert (~merged["is_closed"] & merged["is_fit"]).sum() > 100


def test_variants_are_aligned_once(checked):
    _, con, summary = checked
    assert summary["variants"] < summary["cases"] / 3
    total = con.execute("select sum(cases) from mining.variant_conformance").fetchone()[0]
    assert total == summary["cases"]


def test_a_second_run_reuses_the_alignments_and_changes_nothing(checked):
    _, con, summary = checked
    assert summary["variants_aligned"] == summary["variants"]
    before = con.execute("select * from mining.deviations order by all").fetchall()
    again = check_conformance(con, MiningConfig.load())
    assert again["variants_aligned"] == 0
    assert con.execute("select * from mining.deviations order by all").fetchall() == before


def test_the_fast_search_finds_what_the_a_star_finds(checked, monkeypatch):
    """Ties are settled by the costs, so pm4py's Dijkstra search and its state-equation A*
    return the same alignments; with ties left to the search they did not."""
    _, con, _ = checked
    before = con.execute("select * from mining.variant_conformance order by all").fetchall()
    con.execute("drop table mining.alignment_cache")
    a_star = conformance.alignments.Variants.VERSION_STATE_EQUATION_A_STAR
    monkeypatch.setattr(conformance, "ALGORITHM", a_star)
    check_conformance(con, MiningConfig.load())
    assert con.execute("select * from mining.variant_conformance order by all").fetchall() == before
