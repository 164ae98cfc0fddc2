"""The KPI marts equal KPIs recomputed in pandas from the ground truth (kpi_oracle.py).

A few KPIs per family of DESIGN.md section 6 (throughput in calendar and working days,
delivery OTIF, payment at invoice grain, automation, rework and change, exceptions,
perfect order, variants, backlog), over all periods and per month, in total and for every
fulfilment model and payment timing: counts (numerators, denominators) exactly, rates and
means to 1e-12, durations to the second. The directly-follows graph and days sales
outstanding per month, company code and customer are recomputed too.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from dbt_warehouse import DemoWarehouse
from kpi_oracle import DIMENSIONS, days_sales_outstanding, directly_follows, expected_kpis

pytestmark = pytest.mark.slow

KEY = ["kpi", "period_grain", "period_start", "dimension", "dimension_value"]
SECOND_IN_DAYS = 1 / 86400


def mart_kpis(built: DemoWarehouse, kpis: list[str]) -> pd.DataFrame:
    names = ", ".join(f"'{kpi}'" for kpi in kpis)
    dimensions = ", ".join(f"'{d}'" for d in ("all", *DIMENSIONS))
    got = built.query(
        "select kpi, unit, period_grain, period_start, dimension, dimension_value, numerator, "
        f"denominator, value from marts.o2c_kpis where kpi in ({names}) "
        f"and dimension in ({dimensions})"
    )
    return normalised(got)


def normalised(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    as_of = frame["period_grain"] == "as_of"
    frame["period_start"] = pd.to_datetime(frame["period_start"]).dt.date.where(~as_of, None)
    frame["period_start"] = (
        frame["period_start"].astype(object).where(frame["period_start"].notna(), None)
    )
    return frame


def same_number(expected, actual, tolerance: float) -> bool:
    if expected is None or pd.isna(expected):
        return actual is None or pd.isna(actual)
    return (
        actual is not None
        and not pd.isna(actual)
        and math.isclose(float(expected), float(actual), rel_tol=1e-12, abs_tol=tolerance)
    )


def test_kpis_equal_recomputed_truth(demo_warehouse: DemoWarehouse):
    expected = normalised(expected_kpis(demo_warehouse))
    got = mart_kpis(demo_warehouse, sorted(expected["kpi"].unique()))
    # Every slice of the tested KPIs is in the mart (all periods and the months of the
    # tested periods), and nothing more for the periods compared.
    expected_all = expected[expected["period_grain"] != "month"]
    got_all = got[got["period_grain"] != "month"]
    assert set(map(tuple, got_all[KEY].to_numpy())) == set(map(tuple, expected_all[KEY].to_numpy()))
    both = expected.merge(got, on=KEY, how="left", suffixes=("", "_mart"), indicator=True)
    missing = both[both["_merge"] != "both"]
    assert missing.empty, f"slices not in marts.o2c_kpis:\n{missing[KEY].head(10)}"
    problems = []
    for row in both.itertuples(index=False):
        days = row.unit in ("calendar days", "days")
        tolerance = SECOND_IN_DAYS if days else 1e-12
        counts_tolerance = SECOND_IN_DAYS * row.denominator if days and row.denominator else 0
        if not (
            same_number(row.numerator, row.numerator_mart, counts_tolerance)
            and same_number(row.denominator, row.denominator_mart, 0)
            and same_number(row.value, row.value_mart, tolerance)
        ):
            problems.append(row)
    print(f"\nKPI values compared: {len(both)} ({expected['kpi'].nunique()} KPIs)")
    assert not problems, pd.DataFrame(problems).head(20).to_string()


def test_every_kpi_is_reported_for_every_slice(demo_warehouse: DemoWarehouse):
    definitions = demo_warehouse.query("select kpi from staging.o2c_kpi_definitions")
    slices = demo_warehouse.query(
        "select kpi, dimension, count(distinct dimension_value) as values_ from marts.o2c_kpis "
        "where period_grain <> 'month' group by all"
    )
    assert set(slices["kpi"]) == set(definitions["kpi"])
    cases = demo_warehouse.truth("cases")
    for dimension in DIMENSIONS:
        reported = slices[slices["dimension"] == dimension].set_index("kpi")["values_"]
        # Every KPI is sliced by every fulfilment model and payment timing it applies to.
        assert reported.max() == cases[dimension].nunique()
        assert set(reported.index) >= set(definitions["kpi"]) - {"dso_days"}


def test_directly_follows_graph_equals_recomputed_truth(demo_warehouse: DemoWarehouse):
    expected = directly_follows(demo_warehouse)
    got = demo_warehouse.query(
        "select source_activity, target_activity, edge_count, case_count, mean_duration_hours "
        "from marts.o2c_dfg where fulfilment_model = 'all'"
    )
    both = expected.merge(
        got, on=["source_activity", "target_activity"], how="outer", suffixes=("", "_mart")
    )
    assert (both["edge_count"] == both["edge_count_mart"]).all(), both[
        both["edge_count"] != both["edge_count_mart"]
    ]
    assert (both["case_count"] == both["case_count_mart"]).all()
    hours = both["mean_duration_hours"] - both["mean_duration_hours_mart"]
    assert (hours.abs().fillna(0) < 1 / 3600).all()
    assert (both["mean_duration_hours"].isna() == both["mean_duration_hours_mart"].isna()).all()
    print(f"\ndirectly-follows edges compared: {len(both)}")


def test_days_sales_outstanding_equals_recomputed_truth(demo_warehouse: DemoWarehouse):
    expected = days_sales_outstanding(demo_warehouse)
    got = demo_warehouse.query(
        "select month_start, company_code, customer_id, days_in_period, "
        "dso_days_company_currency as dso_mart from marts.o2c_dso"
    )
    got["month_start"] = pd.to_datetime(got["month_start"]).dt.date
    both = expected.merge(
        got, on=["month_start", "company_code", "customer_id"], how="outer", indicator=True
    )
    assert (both["_merge"] == "both").all(), both[both["_merge"] != "both"].head(10)
    assert (both["days_in_period_x"] == both["days_in_period_y"]).all()
    differ = [
        row for row in both.itertuples(index=False) if not same_number(row.dso, row.dso_mart, 1e-9)
    ]
    print(f"\nDSO values compared: {len(both)} (month, company code, customer)")
    assert not differ, pd.DataFrame(differ).head(10).to_string()
