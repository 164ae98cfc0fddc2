"""Pseudonymisation: no user or customer name reaches the published warehouse, joins and
KPIs stay as they were, and the same name gives the same token everywhere."""

from __future__ import annotations

import re
import shutil
import sqlite3

import duckdb
import pytest

from extractors.catalogue import TABLES
from extractors.privacy.columns import (
    CUSTOMER_FIELDS,
    NOT_PERSONAL,
    USER_FIELDS,
    USER_FIELDS_BY_TABLE,
)
from extractors.privacy.pseudonym import KEY_ENV, PseudonymisationError, token
from extractors.publish import PublishError, publish_warehouse
from orchestration.pipeline import run_pipeline

from .conftest import demo_settings

KEY = "test-key-0123456789-abcdef"
PLANTED_USER = "SECRETUSER"  # on a quarantined row only


@pytest.fixture(scope="module")
def pipeline_run(demo_source, tmp_path_factory):
    """The whole pipeline on the demo (with one bad row), pseudonymised by configuration,
    then the same warehouse published in clear beside it."""
    folder = tmp_path_factory.mktemp("pseudonymised")
    demo = folder / "demo"
    shutil.copytree(demo_source, demo)
    with sqlite3.connect(demo / "sap.sqlite") as con:  # refused for its date, kept in quarantine
        con.execute(
            "INSERT INTO VBAK (MANDT, VBELN, ERDAT, ERZET, ERNAM) "
            f"VALUES ('100', '0099999999', '20251399', '120000', '{PLANTED_USER}')"
        )
    warehouse = folder / "o2c.duckdb"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("O2C_PSEUDONYMISE", "true")
        env.setenv(KEY_ENV, KEY)
        assert run_pipeline(source="demo", demo_dir=demo, warehouse=warehouse, quiet=True) == 0
    plain = publish_warehouse(
        demo_settings(demo, warehouse), target=folder / "plain" / "o2c.duckdb", pseudonymise=False
    )
    return warehouse, folder / "published" / "o2c.duckdb", plain.target


def personal_values(path) -> set[str]:
    """Every user name, customer name and contact detail in the live raw tables."""
    parts = []
    for table in TABLES:
        fields = set(CUSTOMER_FIELDS.get(table.name, ())) | {
            c.name for c in table.columns if c.name in USER_FIELDS
        }
        parts += [f'SELECT "{f}" FROM {table.raw_name}' for f in sorted(fields)]
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute(" UNION ".join(parts)).fetchall()
    return {v for (v,) in rows if v and v.strip()} | {PLANTED_USER}


def text_columns(con) -> list[tuple[str, str, str]]:
    return con.execute(
        "SELECT table_schema, table_name, column_name FROM information_schema.columns "
        "WHERE data_type IN ('VARCHAR', 'JSON') ORDER BY ALL"
    ).fetchall()


def found_in(path, values: set[str]) -> list[str]:
    """Columns of the file in which any of `values` appears, even inside a longer text."""
    pattern = "|".join(re.sub(r"([\\.^$|?*+()\[\]{}])", r"\\\1", v) for v in sorted(values))
    hits = []
    with duckdb.connect(str(path), read_only=True) as con:
        for schema, table, column in text_columns(con):
            hit = con.execute(
                f'SELECT count(*) FROM "{schema}"."{table}" '
                f'WHERE regexp_matches(CAST("{column}" AS VARCHAR), ?)',
                [pattern],
            ).fetchall()[0][0]
            if hit:
                hits.append(f"{schema}.{table}.{column}")
    return hits


def query(path, sql: str):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_no_user_or_customer_name_is_left_in_the_published_warehouse(pipeline_run):
    live, pseudonymised, plain = pipeline_run
    names = personal_values(live)
    assert len(names) > 100
    assert "marts.fct_o2c_events.resource" in found_in(plain, names)  # the scan finds them

    assert found_in(pseudonymised, names) == []
    content = pseudonymised.read_bytes()
    assert [n for n in names if len(n) >= 6 and n.encode() in content] == []
    assert query(pseudonymised, "SELECT pseudonymised FROM meta.publication") == [(True,)]


def test_the_same_name_is_the_same_token_across_tables(pipeline_run):
    _, pseudonymised, plain = pipeline_run
    joins = [
        "SELECT count(*) FROM raw_sap.vbak v JOIN raw_sap.usr02 u ON u.BNAME = v.ERNAM",
        "SELECT count(*) FROM raw_sap.kna1 k JOIN raw_crm.accounts a ON a.NAME = k.NAME1",
        "SELECT count(*) FROM raw_sap.cdhdr h JOIN raw_sap.bkpf b ON b.USNAM = h.USERNAME",
        "SELECT count(*) FROM marts.fct_o2c_events e JOIN raw_sap.usr02 u ON u.BNAME = e.resource",
        "SELECT count(*) FROM marts.dim_o2c_cases c JOIN raw_sap.kna1 k "
        "ON k.NAME1 = c.customer_name",
        "SELECT count(DISTINCT resource), count(DISTINCT customer_name) "
        "FROM marts.fct_o2c_events JOIN marts.dim_o2c_cases USING (case_id)",
    ]
    for sql in joins:
        assert query(pseudonymised, sql) == query(plain, sql), sql
    assert query(plain, joins[3])[0][0] > 0
    ernam = query(plain, "SELECT ERNAM FROM raw_sap.vbak ORDER BY VBELN LIMIT 1")[0][0]
    assert query(pseudonymised, "SELECT ERNAM FROM raw_sap.vbak ORDER BY VBELN LIMIT 1") == [
        (token(ernam, "user", KEY.encode()),)
    ]


def test_counts_and_kpis_are_unchanged(pipeline_run):
    _, pseudonymised, plain = pipeline_run
    rows = "SELECT table_rows FROM meta.publication"
    assert query(pseudonymised, rows) == query(plain, rows)
    kpis = """
        SELECT activity, count(*), count(DISTINCT case_id), min(event_at), max(event_at),
               count(resource), count(DISTINCT resource)
        FROM marts.fct_o2c_events GROUP BY ALL ORDER BY ALL
    """
    assert query(pseudonymised, kpis) == query(plain, kpis)
    cases = "SELECT * EXCLUDE (customer_name) FROM marts.dim_o2c_cases ORDER BY case_id"
    assert query(pseudonymised, cases) == query(plain, cases)


def test_a_quarantined_row_keeps_its_content_with_the_name_replaced(pipeline_run):
    _, pseudonymised, _ = pipeline_run
    content = query(pseudonymised, "SELECT raw_content FROM quarantine.vbak")
    assert len(content) == 1
    assert f'"ERNAM": "{token(PLANTED_USER, "user", KEY.encode())}"' in content[0][0]
    assert '"VBELN": "0099999999"' in content[0][0]


def test_tokens_stay_the_same_across_runs_and_change_with_the_key(
    warehouse_copy, tmp_path, monkeypatch
):
    settings = demo_settings(warehouse_copy.parent, warehouse_copy)
    users = "SELECT ERNAM FROM raw_sap.vbap ORDER BY VBELN, POSNR"
    monkeypatch.setenv(KEY_ENV, KEY)
    first = publish_warehouse(settings, target=tmp_path / "a" / "o2c.duckdb", pseudonymise=True)
    second = publish_warehouse(settings, target=tmp_path / "b" / "o2c.duckdb", pseudonymise=True)
    monkeypatch.setenv(KEY_ENV, "another-key-0123456789")
    other = publish_warehouse(settings, target=tmp_path / "c" / "o2c.duckdb", pseudonymise=True)

    assert query(first.target, users) == query(second.target, users)
    assert set(query(first.target, users)).isdisjoint(query(other.target, users))
    assert all(u.startswith("U_") and len(u) == 18 for (u,) in query(first.target, users))
    assert first.pseudonyms["user"] > 10


def test_a_name_in_a_column_nobody_listed_stops_publishing(warehouse_copy, monkeypatch):
    settings = demo_settings(warehouse_copy.parent, warehouse_copy)
    before = publish_warehouse(settings, run_id="before")
    with duckdb.connect(str(warehouse_copy)) as con:
        con.execute("CREATE SCHEMA marts")
        con.execute("CREATE TABLE marts.notes AS SELECT ERNAM AS note FROM raw_sap.vbak")
    monkeypatch.setenv(KEY_ENV, KEY)

    with pytest.raises(PublishError, match=r"marts\.notes\.note") as refused:
        publish_warehouse(settings, pseudonymise=True)

    assert "SALES" not in str(refused.value)  # names the column, never a value
    assert query(before.target, "SELECT run_id FROM meta.publication") == [("before",)]


def test_pseudonymising_without_a_long_key_is_refused_without_showing_it(monkeypatch):
    monkeypatch.setenv(KEY_ENV, "short-secret")
    with pytest.raises(PseudonymisationError) as refused:
        publish_warehouse(demo_settings(__import__("pathlib").Path("."), "x.duckdb"),
                          pseudonymise=True)  # fmt: skip
    assert "short-secret" not in str(refused.value)


LOOKS_PERSONAL = re.compile(r"NAM|NAME|USER|MAIL|SMTP|TEL|OWNER|_BY$|ADDR|PHONE|CONTACT")


def test_every_catalogue_column_that_looks_personal_is_classified():
    unclassified = [
        f"{t.name}.{c.name}"
        for t in TABLES
        for c in t.columns
        if LOOKS_PERSONAL.search(c.name)
        and c.name not in USER_FIELDS
        and c.name not in USER_FIELDS_BY_TABLE.get(t.name, ())
        and c.name not in CUSTOMER_FIELDS.get(t.name, ())
        and (t.name, c.name) not in NOT_PERSONAL
    ]
    assert unclassified == []
