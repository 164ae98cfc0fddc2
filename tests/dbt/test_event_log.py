"""The dbt project on the demo ERP: the event log and the cases equal the ground truth.

Each SAP layout (ECC, S/4HANA) gets a demo of about 1500 items, extracted and built by
`dbt build` (which also runs the dbt tests and unit tests). The event log must equal the
simulator's events.parquet as a multiset of (case_id, activity, event_at to the second,
resource, is_automated); dim_o2c_cases must equal cases.parquet on its attributes.

What the truth holds but no source table shows is left out, and nothing else (each gap is
reported to the demo ERP's owner; the test prints how many rows it touched): the fields
SOURCE_GAPS names, Payment Due Date Passed of invoices whose back-dated clearing was
entered after the as-of time (the source shows them open past due), and the payment timing
of in-advance orders that never got a down-payment request.
"""

from __future__ import annotations

import shutil
import warnings
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from dbt_warehouse import DemoWarehouse

import extractors.demo_erp as demo_erp

pytestmark = pytest.mark.slow

EVENT_KEY = ["case_id", "activity", "event_at", "resource", "is_automated"]
SHOW_ROWS = 5

# activity -> (fields the source cannot show, why). "event_date" compares the local date
# instead of the time.
SOURCE_GAPS = {
    "Post Goods Issue": (
        ["resource", "is_automated"],
        "no table holds who posted the goods issue (VBFA has no user, MSEG no 601 rows)",
    ),
    "Proof of Delivery": (
        ["resource", "is_automated"],
        "LIKP PODAT/POTIM carry no user",
    ),
    "Send Dunning Notice": (["resource"], "MHNK/MHND carry no user"),
    "Create Purchase Requisition": (["event_date"], "EBAN has a date (BADAT) but no time"),
    "Change Delivery Date": (
        ["resource", "is_automated"],
        "one change document per delivery (one CDHDR user), but the truth has a user per item",
    ),
    "Change Baseline Date": (
        ["resource", "is_automated"],
        "one change document per invoice (one CDHDR user), but the truth has a user per item",
    ),
}


def as_utc_naive(values: pd.Series) -> pd.Series:
    values = pd.to_datetime(values)
    if values.dt.tz is not None:
        values = values.dt.tz_convert("UTC").dt.tz_localize(None)
    return values.dt.floor("s")


def event_log(built: DemoWarehouse) -> pd.DataFrame:
    got = built.query(
        "select case_id, activity, event_at, coalesce(resource, '') as resource, "
        "is_automated, invoice_id from marts.fct_o2c_events"
    )
    got["event_at"] = as_utc_naive(got["event_at"])
    return got


def true_event_log(built: DemoWarehouse) -> pd.DataFrame:
    truth = built.truth("events").rename(columns={"invoice": "invoice_id"})
    truth["event_at"] = as_utc_naive(truth["event_at"])
    return truth[[*EVENT_KEY, "invoice_id"]]


def without_gaps(events: pd.DataFrame, timezone: str) -> pd.DataFrame:
    """The events with the fields SOURCE_GAPS names blanked, so both sides compare equal."""
    out = events.copy()
    out["resource"] = out["resource"].astype(object)
    out["is_automated"] = out["is_automated"].astype(object)
    for activity, (fields, _) in SOURCE_GAPS.items():
        rows = out["activity"] == activity
        for field in fields:
            if field == "event_date":
                local = out.loc[rows, "event_at"].dt.tz_localize("UTC").dt.tz_convert(timezone)
                out.loc[rows, "event_at"] = local.dt.normalize().dt.tz_localize(None)
            else:
                out.loc[rows, field] = None
    return out


def multiset_difference(truth: pd.DataFrame, got: pd.DataFrame) -> pd.DataFrame:
    """Rows of either side without a partner on the other, compared on EVENT_KEY: side
    'missing' (truth only) or 'extra' (ours only, with our other columns)."""
    keys = EVENT_KEY
    truth = truth[keys]
    truth = truth.assign(_copy=truth.groupby(keys, dropna=False).cumcount())
    got = got.assign(_copy=got.groupby(keys, dropna=False).cumcount())
    both = truth.merge(got, on=[*keys, "_copy"], how="outer", indicator=True)
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


def back_dated_clearings(extra: pd.DataFrame, built: DemoWarehouse, timezone: str):
    """Extra 'Payment Due Date Passed' rows of invoices the source shows open past due.

    The truth leaves them out when a clearing dated on or before the due date was entered
    after the as-of time (a back-dated clearing): the source cannot know it yet.
    """
    invoices = built.truth("invoices").set_index("billing_document")
    rows = extra[extra["activity"] == "Payment Due Date Passed"]
    open_invoices = invoices[~invoices["is_cleared"] & ~invoices["is_cancelled"]]
    due = open_invoices["net_due_date"].reindex(rows["invoice_id"])
    passed = (
        (pd.to_datetime(due.to_numpy()) + pd.Timedelta(days=1))
        .tz_localize(ZoneInfo(timezone))
        .tz_convert("UTC")
        .tz_localize(None)
    )
    return rows[passed == rows["event_at"].to_numpy()]


def test_event_log_equals_ground_truth(demo_warehouse: DemoWarehouse):
    assert_event_log_equals_truth(demo_warehouse)


def assert_event_log_equals_truth(built: DemoWarehouse) -> None:
    timezone = built.timezone
    got, truth = event_log(built), true_event_log(built)
    diff = multiset_difference(without_gaps(truth, timezone), without_gaps(got, timezone))
    allowed = back_dated_clearings(diff[diff["side"] == "extra"], built, timezone)
    unexplained = diff.drop(index=allowed.index)
    report_gaps(got, truth, len(allowed))
    assert unexplained.empty, describe(unexplained)


def report_gaps(got: pd.DataFrame, truth: pd.DataFrame, back_dated: int) -> None:
    print(f"\nevents: {len(truth)} in the truth, {len(got)} in fct_o2c_events")
    full = multiset_difference(truth, got)
    for activity, (fields, why) in SOURCE_GAPS.items():
        touched = int((full["activity"] == activity).sum()) // 2
        print(f"source gap {activity} ({', '.join(fields)}): {touched} rows; {why}")
        if touched == 0 and (truth["activity"] == activity).any():
            warnings.warn(f"source gap {activity} no longer shows: remove it", stacklevel=2)
    print(f"back-dated clearings (extra Payment Due Date Passed): {back_dated} rows")


CASE_FIELDS = {  # truth column -> dim_o2c_cases column
    "fulfilment_model": "fulfilment_model",
    "payment_timing": "payment_timing",
    "channel": "channel",
    "is_rejected": "is_rejected",
    "is_order_cancelled": "is_order_cancelled",
    "rejection_reason": "rejection_reason_code",
    "is_closed": "is_closed",
    "closed_at": "closed_at",
    "created_at": "created_at",
    "customer": "customer_id",
    "material": "material_id",
    "plant": "plant_id",
    "sales_org": "sales_org_id",
    "company_code": "company_code",
    "order_type": "order_type",
    "event_count": "event_count",
}


def test_cases_equal_ground_truth(demo_warehouse: DemoWarehouse):
    truth = demo_warehouse.truth("cases").set_index("case_id")
    got = demo_warehouse.query("select * from marts.dim_o2c_cases").set_index("case_id")
    assert sorted(got.index) == sorted(truth.index)
    got = got.reindex(truth.index)
    for column in ("closed_at", "created_at"):
        truth[column] = as_utc_naive(truth[column])
        got[column] = as_utc_naive(got[column])
    got["rejection_reason_code"] = got["rejection_reason_code"].fillna("")
    # Events the source shows beyond the truth (back-dated clearings) count in event_count.
    events = event_log(demo_warehouse).groupby("case_id").size()
    true_events = true_event_log(demo_warehouse).groupby("case_id").size()
    extra_events = (events - true_events.reindex(events.index, fill_value=0)).clip(lower=0)
    truth["event_count"] = truth["event_count"] + extra_events.reindex(truth.index, fill_value=0)
    # In-advance orders that never got a down-payment request (a credit block never
    # released): nothing in the source shows their payment timing.
    no_request = set(truth.index) - set(
        true_event_log(demo_warehouse).query("activity == 'Create Down Payment Request'")["case_id"]
    )
    unknowable = truth.index.isin(no_request) & (truth["payment_timing"] == "in_advance")
    print(f"\ncases: {len(truth)}; in advance without a down-payment request: {unknowable.sum()}")
    problems = []
    for true_column, column in CASE_FIELDS.items():
        expected, actual = truth[true_column], got[column]
        same = (expected == actual) | (expected.isna() & actual.isna())
        if true_column == "payment_timing":
            same |= unknowable & (actual == "after_invoice")
        if not same.all():
            sample = pd.DataFrame({"truth": expected[~same], "dim_o2c_cases": actual[~same]})
            problems.append(f"{column}: {(~same).sum()} cases differ\n{sample.head(SHOW_ROWS)}")
    assert not problems, "\n".join(problems)


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
    assert len(marts(grown)[0]) > len(before[0])
    assert_same(marts(grown), marts(grown, rebuilt))
    assert_event_log_equals_truth(grown)


def marts(built: DemoWarehouse, warehouse=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    events = built.query("select * from marts.fct_o2c_events order by event_id", warehouse)
    cases = built.query("select * from marts.dim_o2c_cases order by case_id", warehouse)
    return events, cases


def assert_same(got: tuple, expected: tuple) -> None:
    for mine, theirs in zip(got, expected, strict=True):
        pd.testing.assert_frame_equal(mine.reset_index(drop=True), theirs.reset_index(drop=True))
