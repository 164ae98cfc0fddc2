"""SourceWriter: every output gets the same values, byte for byte the same on a rerun."""

from __future__ import annotations

import csv
import sqlite3
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from extractors.catalogue import BY_NAME, tables_for
from extractors.demo_erp.writers import CSV_NULL, STAGING_DIR, SourceWriter

FLAVOUR = "ecc"


def _frame(table: str, rows: list[dict], flavour: str = FLAVOUR) -> pd.DataFrame:
    """Rows naming only some fields; the others are SAP blanks (text) or 0 (numbers)."""
    columns = BY_NAME[table].columns_for(flavour)
    numeric = {"CURR", "QUAN", "DEC", "INT4"}
    data = {
        c.name: [row.get(c.name, 0.0 if c.sap_type in numeric else "") for row in rows]
        for c in columns
    }
    return pd.DataFrame(data, columns=[c.name for c in columns])


VBAK = [
    {"MANDT": "100", "VBELN": "0000000001", "ERDAT": "20250106", "ERZET": "081500",
     "ERNAM": "MUELLER", "AUDAT": "20250106", "VBTYP": "C", "AUART": "OR",
     "KUNNR": "0000100001", "NETWR": 1234.5, "WAERK": "EUR", "VDATU": "20250120",
     "AEDAT": "00000000", "BSTNK": 'Müller, "Eilig"\nbitte'},
    {"MANDT": "100", "VBELN": "0000000002", "ERDAT": "20250107", "ERZET": "235959",
     "ERNAM": "EDI_USER", "VBTYP": "H", "NETWR": -0.004, "WAERK": "USD",
     "AEDAT": "20250108"},
]  # fmt: skip
VBAP = [
    {"MANDT": "100", "VBELN": "0000000001", "POSNR": f"{pos:06d}", "MATNR": "MAT-01",
     "KWMENG": 2.5 * pos, "VRKME": "ST", "NETPR": 10.125, "NETWR": 25.31 * pos,
     "WAERK": "EUR", "ERDAT": "20250106", "ERZET": "081500"}
    for pos in (10, 20, 30)
]  # fmt: skip
TCURR = [
    {"MANDT": "100", "KURST": "M", "FCURR": "USD", "TCURR": "EUR", "GDATU": "79749898",
     "UKURS": 0.923456789},
    {"MANDT": "100", "KURST": "M", "FCURR": "EUR", "TCURR": "USD", "GDATU": "79749898",
     "UKURS": float("nan")},
]  # fmt: skip
OPPORTUNITIES = [
    {"OPPORTUNITY_ID": "OPP-1", "ACCOUNT_ID": "ACC-1", "STAGE": "Closed Won",
     "AMOUNT": 1e6, "CURRENCY": "EUR", "CREATED_AT": "2025-01-02T09:00:00+01:00",
     "IS_WON": "X", "SAP_ORDER": "0000000001"},
]  # fmt: skip

# What each output must hold for the rows above (text as CSV writes it).
VBAK_NETWR = ["1234.50", "0.00"]
VBAP_KWMENG = ["25.000", "50.000", "75.000"]
VBAP_NETPR = ["10.12", "10.12", "10.12"]  # 10.125 is 10.12499... in binary
TCURR_UKURS = ["0.92346", CSV_NULL]


def _write(out_dir: Path, formats=("sqlite", "csv", "parquet"), **kw) -> dict[str, int]:
    with SourceWriter(out_dir, FLAVOUR, formats=formats, **kw) as writer:
        writer.write("VBAK", _frame("VBAK", VBAK))
        writer.write("VBAP", _frame("VBAP", VBAP[:1]))  # two chunks: appended
        writer.write("VBAP", _frame("VBAP", VBAP[1:]))
        writer.write("TCURR", _frame("TCURR", TCURR))
        writer.write("OPPORTUNITIES", _frame("OPPORTUNITIES", OPPORTUNITIES))
    return writer.rows


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    out_dir = tmp_path_factory.mktemp("demo") / "demo_erp"
    return out_dir, _write(out_dir)


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_same_input_gives_identical_bytes(written, tmp_path):
    first, _ = written
    _write(tmp_path / "again")
    files, again = _files(first), _files(tmp_path / "again")
    assert sorted(files) == sorted(again)
    assert [name for name in files if files[name] != again[name]] == []
    assert {"sap.sqlite", "exports/csv/VBAK.csv", "exports/parquet/VBAK.parquet",
            "crm/OPPORTUNITIES.csv"} <= set(files)  # fmt: skip
    assert not (first / STAGING_DIR).exists()


def test_row_counts_and_every_table_of_the_flavour(written):
    out_dir, rows = written
    sap = [t.name for t in tables_for(FLAVOUR, "sap")]
    crm = [t.name for t in tables_for(FLAVOUR, "crm")]
    assert list(rows) == sap + crm
    assert {t: n for t, n in rows.items() if n} == {
        "VBAK": 2, "VBAP": 3, "TCURR": 2, "OPPORTUNITIES": 1,
    }  # fmt: skip
    with sqlite3.connect(out_dir / "sap.sqlite") as con:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        counts = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in sap}
    assert sorted(names) == sorted(sap)
    assert "VBUK" in names  # ECC status tables exist even without rows
    assert counts == {t: rows[t] for t in sap}
    for table in sap:
        with (out_dir / "exports/csv" / f"{table}.csv").open(newline="", encoding="utf-8") as f:
            lines = list(csv.reader(f))
        assert lines[0] == BY_NAME[table].column_names(FLAVOUR)
        assert len(lines) - 1 == rows[table]
        assert (
            pq.read_metadata(out_dir / "exports/parquet" / f"{table}.parquet").num_rows
            == (rows[table])
        )
    assert sorted(p.stem for p in (out_dir / "crm").glob("*.csv")) == sorted(crm)
    assert not (out_dir / "exports/csv/OPPORTUNITIES.csv").exists()


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_csv_values(written):
    out_dir, _ = written
    vbak = _csv_rows(out_dir / "exports/csv/VBAK.csv")
    assert [r["NETWR"] for r in vbak] == VBAK_NETWR
    assert [r["ERDAT"] for r in vbak] == ["20250106", "20250107"]
    assert [r["AUDAT"] for r in vbak] == ["20250106", ""]
    assert vbak[0]["BSTNK"] == 'Müller, "Eilig"\nbitte'
    vbap = _csv_rows(out_dir / "exports/csv/VBAP.csv")
    assert [r["POSNR"] for r in vbap] == ["000010", "000020", "000030"]
    assert [r["KWMENG"] for r in vbap] == VBAP_KWMENG
    assert [r["NETPR"] for r in vbap] == VBAP_NETPR
    assert [r["NETWR"] for r in vbap] == ["253.10", "506.20", "759.30"]
    assert [r["UKURS"] for r in _csv_rows(out_dir / "exports/csv/TCURR.csv")] == TCURR_UKURS
    opportunity = _csv_rows(out_dir / "crm/OPPORTUNITIES.csv")[0]
    assert opportunity["AMOUNT"] == "1000000.00"  # never 1e+06
    assert opportunity["CREATED_AT"] == "2025-01-02T09:00:00+01:00"


def test_sqlite_values_and_types(written):
    out_dir, _ = written
    with sqlite3.connect(out_dir / "sap.sqlite") as con:
        vbak = con.execute('SELECT VBELN, NETWR, AEDAT, BSTNK FROM "VBAK" ORDER BY VBELN')
        vbak = vbak.fetchall()
        vbap = con.execute('SELECT KWMENG, NETPR FROM "VBAP" ORDER BY POSNR').fetchall()
        ukurs = [r[0] for r in con.execute('SELECT UKURS FROM "TCURR" ORDER BY FCURR DESC')]
        declared = {r[1]: r[2] for r in con.execute("PRAGMA table_info('VBAP')")}
        key = [r[1] for r in con.execute("PRAGMA table_info('VBAP')") if r[5]]
    assert vbak == [
        ("0000000001", 1234.5, "00000000", 'Müller, "Eilig"\nbitte'),
        ("0000000002", 0, "20250108", ""),
    ]
    assert vbap == [(float(q), float(p)) for q, p in zip(VBAP_KWMENG, VBAP_NETPR, strict=True)]
    assert ukurs == [0.92346, None]
    assert declared["VBELN"] == "TEXT"
    assert declared["KWMENG"] == "NUMERIC(13,3)"
    assert declared["NETWR"] == "NUMERIC(15,2)"
    assert key == ["MANDT", "VBELN", "POSNR"]


def test_parquet_values_and_types(written):
    out_dir, _ = written
    vbak = pq.read_table(out_dir / "exports/parquet/VBAK.parquet")
    assert str(vbak.schema.field("VBELN").type) == "string"
    assert str(vbak.schema.field("NETWR").type) == "decimal128(15, 2)"
    assert vbak.column("NETWR").to_pylist() == [Decimal(v) for v in VBAK_NETWR]
    assert vbak.column("BSTNK").to_pylist()[0] == 'Müller, "Eilig"\nbitte'
    vbap = pq.read_table(out_dir / "exports/parquet/VBAP.parquet")
    assert vbap.column("KWMENG").to_pylist() == [Decimal(v) for v in VBAP_KWMENG]
    assert str(vbap.schema.field("KWMENG").type) == "decimal128(13, 3)"
    tcurr = pq.read_table(out_dir / "exports/parquet/TCURR.parquet")
    assert tcurr.column("UKURS").to_pylist() == [Decimal("0.92346"), None]
    metadata = pq.read_metadata(out_dir / "exports/parquet/VBAK.parquet").metadata or {}
    assert b"pandas" not in metadata  # no writer metadata beyond the Arrow schema


def test_new_writer_replaces_outputs_and_subset_of_formats(tmp_path):
    _write(tmp_path)
    with SourceWriter(tmp_path, FLAVOUR, formats=("sqlite",)) as writer:
        writer.write("VBAK", _frame("VBAK", VBAK[:1]))
    assert writer.rows["VBAK"] == 1
    with sqlite3.connect(tmp_path / "sap.sqlite") as con:
        assert con.execute('SELECT count(*) FROM "VBAP"').fetchone()[0] == 0
        assert con.execute('SELECT count(*) FROM "VBAK"').fetchone()[0] == 1
    # Formats not requested keep their earlier files; the CRM is always rewritten.
    assert len(_csv_rows(tmp_path / "exports/csv/VBAK.csv")) == 2
    assert _csv_rows(tmp_path / "crm/OPPORTUNITIES.csv") == []


def test_failed_generation_keeps_previous_outputs(tmp_path):
    _write(tmp_path)
    before = _files(tmp_path)

    def crash() -> None:
        with SourceWriter(tmp_path, FLAVOUR) as writer:
            writer.write("VBAK", _frame("VBAK", VBAK[:1]))
            raise RuntimeError("simulated crash")

    with pytest.raises(RuntimeError, match="simulated crash"):
        crash()
    assert _files(tmp_path) == before
    # A writer that died without cleaning up leaves its staging folder; the next one
    # removes it and is not confused by it.
    (tmp_path / STAGING_DIR / "exports/csv").mkdir(parents=True)
    (tmp_path / STAGING_DIR / "exports/csv/VBAK.csv").write_text("half")
    assert _write(tmp_path)["VBAK"] == 2
    assert _files(tmp_path) == before


def test_wrong_columns_raise_a_clear_error(tmp_path):
    frame = _frame("VBAK", VBAK).drop(columns=["ERNAM"]).assign(ZZEXTRA="x")
    writer = SourceWriter(tmp_path, FLAVOUR, formats=("csv",))
    try:
        with pytest.raises(ValueError, match=r"VBAK.*missing \['ERNAM'\].*extra \['ZZEXTRA'\]"):
            writer.write("VBAK", frame)
        s4_only = _frame("VBAK", VBAK, flavour="s4")
        with pytest.raises(ValueError, match=r"VBAK.*extra \['GBSTK', 'CMGST'"):
            writer.write("VBAK", s4_only)
        with pytest.raises(ValueError, match=r"VBAK\.NETWR"):
            writer.write("VBAK", _frame("VBAK", VBAK).assign(NETWR="12.50"))
        with pytest.raises(ValueError, match=r"VBAK\.ERDAT.*text"):
            writer.write("VBAK", _frame("VBAK", VBAK).assign(ERDAT=20250106))
        with pytest.raises(ValueError, match="unknown source table 'NOPE'"):
            writer.write("NOPE", frame)
        # Columns in another order are fine: they are matched by name.
        writer.write("VBAK", _frame("VBAK", VBAK).iloc[:, ::-1])
        assert writer.close()["VBAK"] == 2
    finally:
        writer.abort()
    assert _csv_rows(tmp_path / "exports/csv/VBAK.csv")[1]["NETWR"] == "0.00"


def test_flavour_and_key_errors(tmp_path):
    with SourceWriter(tmp_path, "s4", formats=("sqlite",)) as writer:
        with pytest.raises(ValueError, match="VBUK is not part of the s4 flavour"):
            writer.write("VBUK", _frame("VBUK", []))
        writer.write("VBAK", _frame("VBAK", VBAK, flavour="s4"))
    with sqlite3.connect(tmp_path / "sap.sqlite") as con:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
    assert "VBUK" not in tables

    writer = SourceWriter(tmp_path, FLAVOUR, formats=("sqlite",))
    writer.write("VBAK", _frame("VBAK", VBAK))
    with pytest.raises(ValueError, match=r"VBAK: UNIQUE constraint failed.*primary key"):
        writer.write("VBAK", _frame("VBAK", VBAK[:1]))
    with pytest.raises(RuntimeError, match="earlier write failed"):
        writer.close()
    with sqlite3.connect(tmp_path / "sap.sqlite") as con:  # the s4 file is still there
        assert con.execute('SELECT count(*) FROM "VBAK"').fetchone()[0] == 2
        assert "GBSTK" in {r[1] for r in con.execute("PRAGMA table_info('VBAK')")}


@pytest.mark.postgres
def test_postgres_tables_arrive_and_are_replaced(postgres_url, monkeypatch, tmp_path):
    import psycopg

    with pytest.raises(ValueError, match="must not contain a password"):
        SourceWriter(tmp_path, FLAVOUR, postgres_url=postgres_url.url.replace("@", ":pw@"))
    monkeypatch.setenv("O2C_SAP_PASSWORD", "not-the-password")
    with pytest.raises(RuntimeError, match="password authentication failed") as error:
        SourceWriter(tmp_path, FLAVOUR, postgres_url=postgres_url.url)
    assert "not-the-password" not in str(error.value)
    assert not (tmp_path / STAGING_DIR).exists()
    monkeypatch.setenv("O2C_SAP_PASSWORD", postgres_url.env["O2C_SAP_PASSWORD"])
    rows = _write(tmp_path, formats=(), postgres_url=postgres_url.url, postgres_schema="sap")
    sap = [t.name for t in tables_for(FLAVOUR, "sap")]

    def counts(con) -> dict[str, int]:
        return {t: con.execute(f'SELECT count(*) FROM sap."{t}"').fetchone()[0] for t in sap}

    with psycopg.connect(postgres_url.conninfo, password=postgres_url.password) as con:
        assert counts(con) == {t: rows[t] for t in sap}
        vbak = con.execute('SELECT "NETWR", "AUDAT", "BSTNK" FROM sap."VBAK" ORDER BY 1 DESC')
        assert vbak.fetchall() == [
            (Decimal("1234.50"), "20250106", 'Müller, "Eilig"\nbitte'),
            (Decimal("0.00"), "", ""),  # blanks stay blank text, not NULL
        ]
        ukurs = con.execute('SELECT "UKURS" FROM sap."TCURR" ORDER BY "FCURR" DESC').fetchall()
        assert ukurs == [(Decimal("0.92346"),), (None,)]
        key = con.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'VBAP_pkey'"
        ).fetchone()
        assert key == ('PRIMARY KEY ("MANDT", "VBELN", "POSNR")',)
        tables = con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'sap'"
        ).fetchall()
        assert sorted(t for (t,) in tables) == sorted(sap)  # no CRM, no leftovers

    # A fresh write drops and recreates the tables.
    with SourceWriter(tmp_path, FLAVOUR, formats=(), postgres_url=postgres_url.url,
                      postgres_schema="sap") as writer:  # fmt: skip
        writer.write("VBAK", _frame("VBAK", VBAK[1:]))
    with psycopg.connect(postgres_url.conninfo, password=postgres_url.password) as con:
        assert counts(con) == {t: int(t == "VBAK") for t in sap}
