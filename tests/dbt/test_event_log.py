"""The dbt project on the demo ERP: the event log equals the ground truth, row for row.

Each SAP layout (ECC, S/4HANA) gets a demo of about 1500 items, extracted and built by
`dbt build` (which also runs the dbt tests and unit tests). marts.fct_o2c_events must equal
the simulator's events.parquet as a multiset of (case_id, activity, event_at to the second,
resource, is_automated, delivery, invoice, accounting document), with no exceptions. The
only field left out is an object reference of an activity for which the truth records
none at all (the simulator does not note the delivery of a picking or delivery change, or
the invoice of a baseline-date change, for instance): the test prints how many rows carry
such a reference.
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from dbt_warehouse import DemoWarehouse, as_utc_naive

import extractors.demo_erp as demo_erp

pytestmark = pytest.mark.slow

REFERENCES = {  # truth column -> fct_o2c_events column
    "delivery": "delivery_id",
    "invoice": "invoice_id",
    "accounting_document": "accounting_document_id",
}
EVENT_KEY = ["case_id", "activity", "event_at", "resource", "is_automated", *REFERENCES]
SHOW_ROWS = 5


def event_log(built: DemoWarehouse, warehouse=None) -> pd.DataFrame:
    columns = ", ".join(f"coalesce({ours}, '') as {theirs}" for theirs, ours in REFERENCES.items())
    got = built.query(
        "select case_id, activity, event_at, coalesce(resource, '') as resource, "
        f"is_automated, {columns} from marts.fct_o2c_events",
        warehouse,
    )
    got["event_at"] = as_utc_naive(got["event_at"])
    return got


def true_event_log(built: DemoWarehouse) -> pd.DataFrame:
    truth = built.truth("events")
    truth["event_at"] = as_utc_naive(truth["event_at"])
    truth["resource"] = truth["resource"].fillna("")
    return truth[EVENT_KEY]


def unrecorded_references(truth: pd.DataFrame) -> dict[str, list[str]]:
    """Per reference column, the activities for which the truth never records one."""
    out = {}
    for column in REFERENCES:
        recorded = truth.loc[truth[column] != "", "activity"].unique()
        out[column] = sorted(set(truth["activity"]) - set(recorded))
    return out


def blank_unrecorded(got: pd.DataFrame, unrecorded: dict[str, list[str]]) -> pd.DataFrame:
    got = got.copy()
    for column, activities in unrecorded.items():
        rows = got["activity"].isin(activities) & (got[column] != "")
        if rows.any():
            print(f"{column}: {rows.sum()} rows of {sorted(got.loc[rows, 'activity'].unique())}")
        got.loc[rows, column] = ""
    return got


def multiset_difference(truth: pd.DataFrame, got: pd.DataFrame) -> pd.DataFrame:
    """Rows of either side without a partner on the other: side 'missing' (truth only) or
    'extra' (ours only)."""
    truth = truth.assign(_copy=truth.groupby(EVENT_KEY, dropna=False).cumcount())
    got = got.assign(_copy=got.groupby(EVENT_KEY, dropna=False).cumcount())
    both = truth.merge(got, on=[*EVENT_KEY, "_copy"], how="outer", indicator=True)
    diff = both[both["_merge"] != "both"].copy()
    diff["side"] = diff["_merge"].map({"left_only": "missing", "right_only": "extra"})
    return diff.drop(columns=["_merge", "_copy"])


def describe(diff: pd.DataFrame) -> str:
    """Counts per activity and side, then the first differing rows of each activity."""
    counts = diff.groupby(["activity", "side"]).size().unstack(fill_value=0)
    parts = [
        f"{len(diff)} rows differ (missing: in the truth only; extra: ours only)",
        counts.to_string(),
    ]
    for activity, rows in diff.groupby("activity"):
        shown = rows.sort_values(["case_id", "event_at", "side"]).head(SHOW_ROWS)
        parts.append(f"-- {activity}\n{shown.to_string(index=False)}")
    return "\n".join(parts)


def assert_event_log_equals_truth(built: DemoWarehouse) -> None:
    truth = true_event_log(built)
    print(f"\nevents: {len(truth)} in the truth; references the truth does not record:")
    got = blank_unrecorded(event_log(built), unrecorded_references(truth))
    diff = multiset_difference(truth, got)
    assert diff.empty, describe(diff)
    assert len(got) == len(truth)


def test_event_log_equals_ground_truth(demo_warehouse: DemoWarehouse):
    assert_event_log_equals_truth(demo_warehouse)


@pytest.mark.parametrize("demo_warehouse", ["ecc"], indirect=True)
def test_incremental_run_equals_full_rebuild(demo_warehouse: DemoWarehouse, tmp_path):
    """A rerun without new data changes nothing; after a week more of business, the
    incremental run gives the same marts as a full rebuild, and they equal the truth."""
    before = marts(demo_warehouse)
    demo_warehouse.dbt("build", "--select", "marts")
    assert_same(marts(demo_warehouse), before)

    demo = tmp_path / "demo_erp"
    shutil.copytree(demo_warehouse.demo, demo)
    incremental = tmp_path / "incremental.duckdb"
    shutil.copy(demo_warehouse.warehouse, incremental)
    grown = DemoWarehouse(demo, incremental, tmp_path, demo_warehouse.flavour)
    demo_erp.generate(demo, continue_days=7, formats=("sqlite",))
    grown.extract()
    rebuilt = tmp_path / "rebuilt.duckdb"
    shutil.copy(incremental, rebuilt)
    grown.dbt("build")
    grown.dbt("build", "--full-refresh", warehouse=rebuilt)
    after = marts(grown)
    assert len(after["fct_o2c_events"]) > len(before["fct_o2c_events"])
    assert_same(after, marts(grown, rebuilt))
    assert_event_log_equals_truth(grown)


MART_ORDER = {
    "fct_o2c_events": "event_id",
    "dim_o2c_cases": "case_id",
    "fct_o2c_invoices": "invoice_id",
    "o2c_kpis": "kpi, period_grain, period_start, dimension, dimension_value",
    "o2c_dso": "month_start, company_code, customer_id",
    "o2c_backlog": "all",
    "o2c_receivables_aging": "company_code, customer_id, aging_bucket",
    "o2c_dfg": "fulfilment_model, source_activity, target_activity",
    "o2c_variants": "variant_id",
    "o2c_activity_stats": "fulfilment_model, activity",
}


def marts(built: DemoWarehouse, warehouse=None) -> dict[str, pd.DataFrame]:
    return {
        name: built.query(f"select * from marts.{name} order by {order}", warehouse)
        for name, order in MART_ORDER.items()
    }


def assert_same(got: dict, expected: dict) -> None:
    for name, frame in got.items():
        pd.testing.assert_frame_equal(
            frame.reset_index(drop=True), expected[name].reset_index(drop=True), obj=name
        )
