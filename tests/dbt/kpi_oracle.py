"""KPIs recomputed in pandas from the demo ERP's ground truth, independently of the SQL.

Reads only the truth files (cases, events, invoices), the activity catalogue and the
working-day calendar seeds (they are the configuration, not the logic), the company
codes' countries from the source, and the manifest (time zone, as-of time). Every KPI is
a row of the long form of marts.o2c_kpis: kpi, period_grain, period_start, dimension,
dimension_value, numerator, denominator, value.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator

import numpy as np
import pandas as pd
from dbt_warehouse import DBT_PROJECT, DemoWarehouse, as_utc_naive

DIMENSIONS = ("fulfilment_model", "payment_timing")
CREATION = ("Create Sales Order", "Create Sales Order Item")


class Truth:
    """The ground truth of one demo, with the per-case and per-invoice facts the KPIs need."""

    def __init__(self, built: DemoWarehouse):
        self.timezone = built.timezone
        self.as_of = pd.Timestamp(built.manifest["as_of"])  # local wall time
        self.activities = pd.read_csv(DBT_PROJECT / "seeds" / "o2c_activities.csv")
        self.events = self._events(built)
        self.cases = self._cases(built)
        self.invoices = self._invoices(built)
        self.holidays = self._holidays(built)

    def local(self, utc: pd.Series) -> pd.Series:
        return utc.dt.tz_localize("UTC").dt.tz_convert(self.timezone).dt.tz_localize(None)

    def month(self, utc: pd.Series) -> pd.Series:
        return self.local(utc).dt.to_period("M").dt.start_time

    def _events(self, built: DemoWarehouse) -> pd.DataFrame:
        events = built.truth("events")
        events["event_at"] = as_utc_naive(events["event_at"])
        catalogue = self.activities.set_index("activity")
        for column in ("kind", "family", "sort_order", "change_type"):
            events[column] = events["activity"].map(catalogue[column])
        return events

    def _cases(self, built: DemoWarehouse) -> pd.DataFrame:
        cases = built.truth("cases").set_index("case_id")
        for column in ("created_at", "closed_at"):
            cases[column] = as_utc_naive(cases[column])
        cases["created_month"] = self.month(cases["created_at"])
        paid = cases["is_closed"] & ~cases["is_rejected"]
        cases["paid_at"] = cases["closed_at"].where(paid)
        cases["closed_month"] = self.month(cases["paid_at"])
        cases["order_to_cash_days"] = (
            cases["paid_at"] - cases["created_at"]
        ).dt.total_seconds() / 86400
        return cases.join(self._event_facts(cases.index))

    def _event_facts(self, case_ids: pd.Index) -> pd.DataFrame:
        ev = self.events
        by_case = ev.groupby("case_id")
        manual = ev["resource"].notna() & ~ev["is_automated"].astype(bool)
        after_creation = manual & (ev["family"] != "crm") & ~ev["activity"].isin(CREATION)
        process = ev[ev["kind"] == "process"]
        repeated = process.groupby(["case_id", "activity"]).size().groupby("case_id").max() > 1
        changes = ev[ev["change_type"].notna()]
        ordered = process.sort_values(["case_id", "event_at", "sort_order", "activity"])
        facts = pd.DataFrame(
            {
                "is_touchless": ~after_creation.groupby(ev["case_id"]).any(),
                "has_repeated_process_activity": repeated,
                "change_count": changes.groupby("case_id").size(),
                "has_price_change": (changes["change_type"] == "price")
                .groupby(changes["case_id"])
                .any(),
                "has_credit_block": (ev["activity"] == "Set Credit Block")
                .groupby(ev["case_id"])
                .any(),
                "has_exception": ev["activity"]
                .isin(["Create Return Order", "Create Credit Memo", "Cancel Invoice"])
                .groupby(ev["case_id"])
                .any(),
                "variant": ordered.groupby("case_id")["activity"].agg(" -> ".join),
                "events": by_case.size(),
            }
        ).reindex(case_ids)
        for column in ("is_touchless", "has_repeated_process_activity", "has_price_change"):
            facts[column] = facts[column].fillna(column == "is_touchless").astype(bool)
        for column in ("has_credit_block", "has_exception"):
            facts[column] = facts[column].fillna(False).astype(bool)
        facts["change_count"] = facts["change_count"].fillna(0)
        facts["is_first_time_right"] = ~facts["has_repeated_process_activity"] & (
            facts["change_count"] == 0
        )
        return facts

    def _invoices(self, built: DemoWarehouse) -> pd.DataFrame:
        invoices = built.truth("invoices")
        attributes = self.cases.groupby("sales_order")[list(DIMENSIONS)].first()
        invoices = invoices.join(attributes, on="sales_order")
        invoices["billing_month"] = (
            pd.to_datetime(invoices["billing_date"]).dt.to_period("M").dt.start_time
        )
        return invoices

    def _holidays(self, built: DemoWarehouse) -> dict[str, np.ndarray]:
        with sqlite3.connect(built.demo / "sap.sqlite") as con:
            countries = dict(con.execute("select BUKRS, LAND1 from T001").fetchall())
        seed = pd.read_csv(DBT_PROJECT / "seeds" / "calendar_holidays.csv")
        return {
            company: seed.loc[seed["calendar_id"] == country, "holiday_date"]
            .to_numpy()
            .astype("datetime64[D]")
            for company, country in countries.items()
        }

    def working_days(self, start: pd.Series, end: pd.Series, company: pd.Series) -> pd.Series:
        """Working days after the local date of start up to and including that of end."""
        out = pd.Series(np.nan, index=start.index)
        ok = start.notna() & end.notna()
        first = self.local(start[ok]).dt.normalize().to_numpy().astype("datetime64[D]")
        last = self.local(end[ok]).dt.normalize().to_numpy().astype("datetime64[D]")
        days = [
            np.busday_count(a + 1, b + 1, holidays=self.holidays[c])
            for a, b, c in zip(first, last, company[ok], strict=True)
        ]
        out[ok] = days
        return out


def slices(frame: pd.DataFrame, period: str | None) -> Iterator[tuple]:
    """(period_grain, period_start, dimension, value, rows): every period 'all', each
    month of `period` for the total, and each value of the tested dimensions."""
    yield "all", None, "all", "all", frame
    for dimension in DIMENSIONS:
        for value, rows in frame.groupby(dimension):
            yield "all", None, dimension, value, rows
    if period:
        for month, rows in frame.groupby(period):
            yield "month", month.date(), "all", "all", rows


def long_form(
    frame: pd.DataFrame, period: str | None, kpis: dict[str, Callable[[pd.DataFrame], tuple]]
) -> pd.DataFrame:
    rows = []
    for grain, start, dimension, value, part in slices(frame, period):
        for kpi, measure in kpis.items():
            numerator, denominator, result = measure(part)
            rows.append((kpi, grain, start, dimension, value, numerator, denominator, result))
    columns = ["kpi", "period_grain", "period_start", "dimension", "dimension_value"]
    return pd.DataFrame(rows, columns=[*columns, "numerator", "denominator", "value"])


def rate(condition: str, among: str | None = None) -> Callable:
    def measure(rows: pd.DataFrame) -> tuple:
        base = rows if among is None else rows[rows[among].fillna(False).astype(bool)]
        hits = int(base[condition].fillna(False).astype(bool).sum())
        return hits, len(base), hits / len(base) if len(base) else None

    return measure


def duration(column: str, statistic: str) -> Callable:
    def measure(rows: pd.DataFrame) -> tuple:
        values = rows[column].dropna().astype(float)
        if not len(values):
            return None, 0, None
        if statistic == "mean":
            return values.sum(), len(values), values.sum() / len(values)
        quantile = {"median": 0.5, "p90": 0.9}[statistic]
        return None, len(values), values.quantile(quantile)

    return measure


def case_kpis(truth: Truth) -> pd.DataFrame:
    cases = truth.cases
    cases["order_to_cash_working_days"] = truth.working_days(
        cases["created_at"], cases["paid_at"], cases["company_code"]
    )
    cases["is_perfect_order"] = cases["is_otif_requested"].astype("boolean") & ~cases[
        "has_exception"
    ].astype("boolean")
    cohort = {
        "otif_requested_rate": rate("is_otif_requested", "is_otif_requested_known"),
        "otif_confirmed_rate": rate("is_otif_confirmed", "is_otif_confirmed_known"),
        "on_time_requested_rate": rate("is_on_time_requested", "is_otif_requested_known"),
        "touchless_rate": rate("is_touchless"),
        "first_time_right_rate": rate("is_first_time_right"),
        "price_change_rate": rate("has_price_change"),
        "changes_per_100_items": lambda rows: (
            rows["change_count"].sum(),
            len(rows),
            rows["change_count"].sum() / len(rows) * 100,
        ),
        "credit_block_rate": rate("has_credit_block"),
        "rejection_rate": rate("is_rejected"),
        "order_cancellation_rate": rate("is_order_cancelled"),
        "perfect_order_rate": rate("is_perfect_order", "is_otif_requested_known"),
        "variant_count": lambda rows: (rows["variant"].nunique(), None, rows["variant"].nunique()),
        "top5_variant_share": top_variants(5),
        "top10_variant_share": top_variants(10),
    }
    for basis in ("requested", "confirmed"):
        cases[f"is_otif_{basis}_known"] = cases[f"is_otif_{basis}"].notna()
    throughput = {
        f"{column}_{statistic}": duration(column, statistic)
        for column in ("order_to_cash_days", "order_to_cash_working_days")
        for statistic in ("mean", "median", "p90")
    }
    open_items = {"open_items": lambda rows: (len(rows), None, len(rows))}
    return pd.concat(
        [
            long_form(cases, "created_month", cohort),
            long_form(cases[cases["paid_at"].notna()], "closed_month", throughput),
            long_form(cases[~cases["is_closed"]], None, open_items).assign(period_grain="as_of"),
        ]
    )


def top_variants(top: int) -> Callable:
    def measure(rows: pd.DataFrame) -> tuple:
        counts = rows["variant"].value_counts()
        hits = int(counts.head(top).sum())
        return hits, len(rows), hits / len(rows)

    return measure


def invoice_kpis(truth: Truth) -> pd.DataFrame:
    invoices = truth.invoices
    invoices["has_discount_terms"] = invoices["is_cleared"] & invoices["cash_discount_date"].notna()
    invoices["is_dunned"] = invoices["dunning_level"] > 0
    invoices["is_unreleased"] = ~invoices["is_released"]
    invoices["is_not_cancelled"] = ~invoices["is_cancelled"]
    invoices["is_open"] = (
        invoices["is_released"] & ~invoices["is_cleared"] & ~invoices["is_cancelled"]
    )
    invoices["is_overdue"] = invoices["is_open"] & (invoices["days_past_due"] > 0)
    billed = {
        "paid_on_time_rate": rate("is_paid_on_time", "is_cleared"),
        **{f"days_to_pay_{s}": duration("days_to_pay", s) for s in ("mean", "median", "p90")},
        "days_past_due_mean": duration("days_past_due", "mean"),
        "discount_lost_rate": rate("is_discount_lost", "has_discount_terms"),
        "invoice_cancellation_rate": rate("is_cancelled"),
        "dunning_rate": rate("is_dunned", "is_released"),
        "unreleased_invoice_rate": rate("is_unreleased", "is_not_cancelled"),
    }
    as_of = {"overdue_invoice_rate": rate("is_overdue")}
    return pd.concat(
        [
            long_form(invoices, "billing_month", billed),
            long_form(invoices[invoices["is_open"]], None, as_of).assign(period_grain="as_of"),
        ]
    )


def event_kpis(truth: Truth) -> pd.DataFrame:
    events = truth.events.join(truth.cases[list(DIMENSIONS)], on="case_id")
    events["event_month"] = truth.month(events["event_at"])
    return long_form(events, "event_month", {"automation_rate": rate("is_automated")})


def expected_kpis(built: DemoWarehouse) -> pd.DataFrame:
    truth = Truth(built)
    return pd.concat([case_kpis(truth), invoice_kpis(truth), event_kpis(truth)], ignore_index=True)


def directly_follows(built: DemoWarehouse) -> pd.DataFrame:
    """Edges over all cases: (source, target, edges, cases, mean hours), with (start) and
    (end) around each case."""
    truth = Truth(built)
    ev = truth.events.sort_values(["case_id", "event_at", "sort_order", "activity"])
    following = ev.groupby("case_id")["activity"].shift(-1).fillna("(end)")
    hours = (ev.groupby("case_id")["event_at"].shift(-1) - ev["event_at"]).dt.total_seconds()
    edges = pd.DataFrame(
        {
            "case_id": ev["case_id"],
            "source_activity": ev["activity"],
            "target_activity": following,
            "hours": hours / 3600,
        }
    )
    starts = ev.groupby("case_id").head(1)
    edges = pd.concat(
        [
            edges,
            pd.DataFrame(
                {
                    "case_id": starts["case_id"],
                    "source_activity": "(start)",
                    "target_activity": starts["activity"],
                    "hours": np.nan,
                }
            ),
        ]
    )
    return (
        edges.groupby(["source_activity", "target_activity"])
        .agg(
            edge_count=("case_id", "size"),
            case_count=("case_id", "nunique"),
            mean_duration_hours=("hours", "mean"),
        )
        .reset_index()
    )


def days_sales_outstanding(built: DemoWarehouse) -> pd.DataFrame:
    """DSO per month, company code and customer in company-code currency: end-of-day
    receivables (invoices not cancelled, from the local day of their accounting document,
    BKPF CPUDT, until the day before their clearing date) summed over the days of the
    month (up to the as-of date), divided by the month's credit sales (by billing date)."""
    truth = Truth(built)
    invoices = truth.invoices[~truth.invoices["is_cancelled"]].copy()
    with sqlite3.connect(built.demo / "sap.sqlite") as con:
        released = dict(
            con.execute("select AWKEY, CPUDT from BKPF where AWTYP = 'VBRK'").fetchall()
        )
    invoices["released"] = pd.to_datetime(invoices["billing_document"].map(released))
    invoices["last_open"] = pd.to_datetime(invoices["clearing_date"]) - pd.Timedelta(days=1)
    invoices["billing_date"] = pd.to_datetime(invoices["billing_date"])
    as_of_date = truth.as_of.normalize()
    months = pd.date_range(invoices["billing_date"].min().replace(day=1), as_of_date, freq="MS")
    rows = []
    for start in months:
        end = min(start + pd.offsets.MonthEnd(0), as_of_date)
        first = invoices["released"].clip(lower=start)
        last = invoices["last_open"].fillna(end).clip(upper=end)
        days = ((last - first).dt.days + 1).clip(lower=0).fillna(0)
        billed = invoices["billing_date"].between(start, end)
        month = invoices.assign(
            receivable_days=invoices["amount_company_currency"] * days,
            sales=invoices["amount_company_currency"].where(billed, 0.0),
            counts=(days > 0) | billed,
        )
        month = month[month["counts"]]
        for (company, customer), part in month.groupby(["company_code", "customer"]):
            sales = part["sales"].sum()
            dso = part["receivable_days"].sum() / sales if sales else None
            rows.append((start.date(), company, customer, (end - start).days + 1, dso))
    columns = ["month_start", "company_code", "customer_id", "days_in_period", "dso"]
    return pd.DataFrame(rows, columns=columns)
