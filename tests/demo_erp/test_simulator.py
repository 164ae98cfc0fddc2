"""The demo ERP: repeatable, SAP-consistent, and at the rates it is configured with."""

from __future__ import annotations

import hashlib
import json
import sqlite3

import numpy as np
import pandas as pd
import pytest

from extractors.catalogue import tables_for
from extractors.demo_erp import generate
from extractors.demo_erp.config import DemoConfig


def read(folder, table: str) -> pd.DataFrame:
    with sqlite3.connect(folder / "sap.sqlite") as con:
        return pd.read_sql_query(f'SELECT * FROM "{table}"', con)


def digest(folder) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="session")
def demo_10k(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo10k")
    generate(folder, items=10_000, seed=11, formats=("sqlite",))
    return folder


@pytest.fixture(scope="session")
def small_pair(tmp_path_factory):
    a, b, c = (tmp_path_factory.mktemp(name) for name in ("a", "b", "c"))
    for folder, seed in ((a, 5), (b, 5), (c, 6)):
        generate(folder, items=1_500, seed=seed)
    return a, b, c


def test_same_seed_same_bytes_and_other_seeds_differ(small_pair):
    a, b, c = small_pair
    da, db, dc = digest(a), digest(b), digest(c)
    assert da == db
    assert da.keys() == dc.keys()
    assert da["exports/csv/VBAK.csv"] != dc["exports/csv/VBAK.csv"]
    assert da["ground_truth/events.parquet"] != dc["ground_truth/events.parquet"]


def test_every_table_of_the_flavour_is_written(small_pair):
    a, _, _ = small_pair
    with sqlite3.connect(a / "sap.sqlite") as con:
        names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {t.name for t in tables_for("ecc", "sap")} <= names
    for t in tables_for("ecc", "crm"):
        assert (a / "crm" / f"{t.name}.csv").exists()


def test_document_flow_is_consistent(demo_10k):
    lips, vbap = read(demo_10k, "LIPS"), read(demo_10k, "VBAP")
    vbfa, vbrp = read(demo_10k, "VBFA"), read(demo_10k, "VBRP")
    items = set(zip(vbap["VBELN"], vbap["POSNR"], strict=True))
    assert set(zip(lips["VGBEL"], lips["VGPOS"], strict=True)) <= items
    to_delivery = vbfa[vbfa["VBTYP_N"] == "J"]
    assert set(
        zip(
            to_delivery["VBELV"],
            to_delivery["POSNV"],
            to_delivery["VBELN"],
            to_delivery["POSNN"],
            strict=True,
        )
    ) == set(zip(lips["VGBEL"], lips["VGPOS"], lips["VBELN"], lips["POSNR"], strict=True))
    referenced = vbrp[vbrp["VGBEL"] != vbrp["AUBEL"]]
    deliveries = set(zip(lips["VBELN"], lips["POSNR"], strict=True))
    confirmations = set(read(demo_10k, "ZSD_SRVCONF")["CONFNR"])
    billed_confirmations = referenced[referenced["VGBEL"].str.startswith("7")]
    billed_deliveries = referenced[~referenced["VGBEL"].str.startswith("7")]
    assert len(billed_confirmations) > 0
    assert set(billed_confirmations["VGBEL"]) <= confirmations
    assert set(zip(billed_deliveries["VGBEL"], billed_deliveries["VGPOS"], strict=True)) <= (
        deliveries | items
    )
    flow = vbfa[vbfa["VBTYP_N"].isin(["M", "N", "O"])]
    assert set(zip(vbrp["VBELN"], vbrp["POSNR"], strict=True)) == set(
        zip(flow["VBELN"], flow["POSNN"], strict=True)
    )
    assert set(zip(vbrp["AUBEL"], vbrp["AUPOS"], strict=True)) <= items | set(
        zip(read(demo_10k, "VBAP")["VBELN"], read(demo_10k, "VBAP")["POSNR"], strict=True)
    )


def test_cleared_items_are_in_bsad_and_none_in_bsid(demo_10k):
    bseg, bsid, bsad = read(demo_10k, "BSEG"), read(demo_10k, "BSID"), read(demo_10k, "BSAD")
    customer = bseg[bseg["KOART"] == "D"]
    cleared = customer[customer["AUGDT"] != "00000000"]
    key = ["BUKRS", "BELNR", "GJAHR", "BUZEI"]
    assert (bsid["AUGDT"] == "00000000").all()
    assert (bsid["AUGBL"] == "").all()
    assert (bsad["AUGDT"] != "00000000").all()
    assert len(bsad) == len(cleared)
    assert len(bsid) == len(customer) - len(cleared)
    assert set(map(tuple, bsad[key].to_numpy())) == set(map(tuple, cleared[key].to_numpy()))
    assert not set(map(tuple, bsid[key].to_numpy())) & set(map(tuple, bsad[key].to_numpy()))


# table -> key columns, in TABKEY order
CHANGED_TABLES = {
    "VBAK": ["MANDT", "VBELN"],
    "VBAP": ["MANDT", "VBELN", "POSNR"],
    "VBKD": ["MANDT", "VBELN", "POSNR"],
    "VBEP": ["MANDT", "VBELN", "POSNR", "ETENR"],
    "LIKP": ["MANDT", "VBELN"],
    "LIPS": ["MANDT", "VBELN", "POSNR"],
    "VBUK": ["MANDT", "VBELN"],
    "BSEG": ["MANDT", "BUKRS", "BELNR", "GJAHR", "BUZEI"],
}


def test_change_documents_replay_to_the_final_values(demo_10k):
    cdhdr, cdpos = read(demo_10k, "CDHDR"), read(demo_10k, "CDPOS")
    pos = cdpos.drop(columns="UDATE").merge(
        cdhdr[["OBJECTCLAS", "OBJECTID", "CHANGENR", "UDATE", "UTIME"]],
        on=["OBJECTCLAS", "OBJECTID", "CHANGENR"],
    )
    updates = pos[pos["CHNGIND"] == "U"].sort_values(["UDATE", "UTIME", "CHANGENR"])
    last = updates.drop_duplicates(["TABNAME", "TABKEY", "FNAME"], keep="last")
    assert set(last["TABNAME"]) <= set(CHANGED_TABLES)
    checked = 0
    for table, keys in CHANGED_TABLES.items():
        rows = read(demo_10k, table)
        rows["TABKEY"] = rows[keys].astype(str).agg("".join, axis=1)
        changes = last[last["TABNAME"] == table]
        for fname, group in changes.groupby("FNAME"):
            merged = group.merge(rows[["TABKEY", fname]], on="TABKEY")
            assert len(merged) == len(group), f"{table}.{fname}: changed rows missing"
            expected = merged["VALUE_NEW"]
            actual = merged[fname]
            if pd.api.types.is_numeric_dtype(actual):
                assert np.allclose(expected.astype(float), actual.astype(float)), f"{table}.{fname}"
            else:
                assert (expected == actual.astype(str)).all(), f"{table}.{fname}"
            checked += len(group)
    assert checked > 1000
    # Rescheduling recreates schedule lines: the deleted line is gone, the inserted one there.
    vbep = read(demo_10k, "VBEP")
    vbep_keys = set(vbep[CHANGED_TABLES["VBEP"]].astype(str).agg("".join, axis=1))
    inserted = pos[(pos["TABNAME"] == "VBEP") & (pos["CHNGIND"] == "I")]["TABKEY"]
    deleted = pos[(pos["TABNAME"] == "VBEP") & (pos["CHNGIND"] == "D")]["TABKEY"]
    assert len(inserted) > 0
    assert set(inserted) <= vbep_keys
    assert not set(deleted) & vbep_keys


def _within(observed: float, expected: float, n: int, sigmas: float = 4.0) -> bool:
    return abs(observed - expected) <= sigmas * np.sqrt(expected * (1 - expected) / n) + 0.005


def test_business_models_and_deviation_rates_match_the_settings(demo_10k):
    config = DemoConfig.load()
    cases = pd.read_parquet(demo_10k / "ground_truth" / "cases.parquet")
    orders = cases.drop_duplicates("sales_order")
    n = len(orders)
    assert len(cases) > 9_000
    for model, share in config.raw["shares"]["fulfilment"].items():
        assert _within((orders["fulfilment_model"] == model).mean(), share, n), model
    not_sub = orders[orders["fulfilment_model"] != "subscription"]
    assert _within(
        (not_sub["payment_timing"] == "in_advance").mean(),
        config.share("payment_in_advance"),
        len(not_sub),
    )
    assert _within((orders["channel"] == "crm").mean(), config.share("crm_channel"), n)

    cdpos = read(demo_10k, "CDPOS")
    credit = cdpos[(cdpos["FNAME"] == "CMGST") & (cdpos["VALUE_NEW"] == "B")]
    credit_orders = credit["TABKEY"].str[3:].nunique()
    assert _within(credit_orders / n, config.rate("credit_block"), n, 5)
    goods = orders[orders["fulfilment_model"].isin(["make_to_stock", "make_to_order"])]
    lifsk = cdpos[(cdpos["FNAME"] == "LIFSK") & (cdpos["VALUE_NEW"] == "01")]
    blocked = set(lifsk["TABKEY"].str[3:])
    assert _within(
        goods["sales_order"].isin(blocked).mean(), config.rate("delivery_block"), len(goods), 5
    )
    lips = read(demo_10k, "LIPS")
    deliveries = lips.groupby("VGBEL")["VBELN"].nunique()
    split = (deliveries > 1).sum() / deliveries.size
    assert _within(split, config.rate("split_delivery"), deliveries.size, 5)

    rejectable = cases[cases["fulfilment_model"] != "subscription"]
    assert 0.08 <= rejectable["is_rejected"].mean() <= 0.16
    invoices = pd.read_parquet(demo_10k / "ground_truth" / "invoices.parquet")
    paid = invoices[invoices["is_cleared"]]
    assert 0.2 <= 1 - paid["is_paid_on_time"].mean() <= 0.5

    deviations = pd.read_parquet(demo_10k / "ground_truth" / "deviations.parquet")
    rule_orders = deviations[deviations["kind"] == "rule"].drop_duplicates(["sales_order", "code"])
    per_rule = rule_orders.groupby("code").size()
    assert set(per_rule.index) == {
        "invoice_before_goods_issue",
        "payment_before_invoice",
        "unresolved_block",
        "goods_issue_while_blocked",
        "price_change_after_invoice",
        "duplicate_invoice",
        "credit_release_by_creator",
    }
    assert _within(
        per_rule["invoice_before_goods_issue"] / len(goods),
        config.rate("invoice_before_goods_issue"),
        len(goods),
        5,
    )
    for code, population in (
        ("goods_issue_while_blocked", len(goods)),
        ("duplicate_invoice", n),
        ("credit_release_by_creator", credit_orders),
    ):
        rate = config.rate(code) * (0.75 if code == "credit_release_by_creator" else 1)
        assert _within(per_rule[code] / population, rate, population, 5), code

    vbrk = read(demo_10k, "VBRK")
    invoices_f2 = (vbrk["FKART"] == "F2").sum()
    assert _within(
        (vbrk["FKART"] == "S1").sum() / invoices_f2,
        config.rate("invoice_cancellation"),
        invoices_f2,
        5,
    )
    fakgsk = cdpos[(cdpos["FNAME"] == "FAKSK") & (cdpos["VALUE_NEW"] == "02")]
    assert _within(fakgsk["TABKEY"].str[3:].nunique() / n, config.rate("billing_block"), n, 5)
    vbak = read(demo_10k, "VBAK")
    returns = (vbak["VBTYP"] == "H").sum()
    assert _within(returns / len(goods), config.rate("return_order"), len(goods), 5)
    price = cdpos[cdpos["FNAME"] == "NETPR"]["TABKEY"].str[3:19].nunique()
    assert 0.08 <= price / len(cases) <= 0.25
    assert len(read(demo_10k, "MHND")) > 0
    assert (read(demo_10k, "BSEG")["UMSKZ"] == "A").any()
    flow = deviations[deviations["kind"].isin(["skipped", "extra", "out_of_order"])]
    assert 0.005 <= flow["case_id"].nunique() / len(cases) <= 0.06


def test_ground_truth_is_consistent_with_itself(demo_10k):
    truth = demo_10k / "ground_truth"
    cases = pd.read_parquet(truth / "cases.parquet")
    events = pd.read_parquet(truth / "events.parquet")
    deviations = pd.read_parquet(truth / "deviations.parquet")
    assert cases["case_id"].is_unique
    assert set(deviations["case_id"]) <= set(cases["case_id"])
    assert set(events["case_id"]) == set(cases["case_id"])
    flow = set(deviations.loc[deviations["kind"] != "rule", "case_id"])
    assert set(cases.loc[~cases["followed_reference_model"], "case_id"]) == flow
    assert (events.groupby("case_id")["activity"].first() != "").all()
    created = events[events["activity"] == "Create Sales Order Item"]
    assert created["case_id"].is_unique
    assert len(created) == len(cases)
    planted = json.loads((truth / "planted_causes.json").read_text())
    assert len(planted["late_paying_customers"]) == 3
    assert planted["bottleneck_weeks"]
    manifest = json.loads((demo_10k / "demo_erp.json").read_text())
    assert events["event_at"].max() <= pd.Timestamp(manifest["as_of"], tz="Europe/Berlin")


def test_s4_flavour_keeps_statuses_on_the_documents(tmp_path):
    generate(tmp_path, items=800, seed=2, flavour="s4", formats=("sqlite",))
    with sqlite3.connect(tmp_path / "sap.sqlite") as con:
        names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "VBUK" not in names
        assert "VBUP" not in names
        vbak_cols = {r[1] for r in con.execute('PRAGMA table_info("VBAK")')}
        assert {"GBSTK", "CMGST", "LFSTK", "FKSTK"} <= vbak_cols
        statuses = {r[0] for r in con.execute('SELECT DISTINCT LFSTK FROM "VBAK"')}
        assert {"A", "C"} <= statuses


def test_continuing_by_days_keeps_history_and_adds_business(tmp_path):
    generate(tmp_path, items=1_000, seed=4, formats=("sqlite",))
    before = read(tmp_path, "VBAK")
    as_of = json.loads((tmp_path / "demo_erp.json").read_text())["as_of"]
    generate(tmp_path, continue_days=7, formats=("sqlite",))
    after = read(tmp_path, "VBAK")
    assert json.loads((tmp_path / "demo_erp.json").read_text())["as_of"] > as_of
    assert set(before["VBELN"]) < set(after["VBELN"])
    keep = ["VBELN", "ERDAT", "ERZET", "ERNAM", "AUART", "KUNNR"]
    merged = before[keep].merge(after[keep], on="VBELN", suffixes=("", "_after"))
    for column in keep[1:]:
        assert (merged[column] == merged[f"{column}_after"]).all()
