"""`o2c run` (run_pipeline): generates a missing demo ERP, runs the job, prints headlines."""

import json

from tiny_sources import make_tables, split, write_csv, write_sqlite

import extractors.demo_erp as demo_erp
from orchestration.pipeline import run_pipeline


def test_generates_the_missing_demo_erp_then_runs_and_prints_headlines(
    tmp_path, monkeypatch, capsys
):
    generated = []

    def generate(out_dir, **options):  # stands in for the simulator: a tiny demo ERP
        sap, crm = split(make_tables("ecc", rows=3))
        write_sqlite(out_dir / "sap.sqlite", sap)
        write_csv(out_dir / "crm", crm)
        manifest = {"flavour": "ecc", "timezone": "Europe/Berlin", "as_of": None, "seed": 1}
        (out_dir / "demo_erp.json").write_text(json.dumps(manifest))
        generated.append(out_dir)

    monkeypatch.setattr(demo_erp, "generate", generate, raising=False)
    warehouse = tmp_path / "o2c.duckdb"

    exit_code = run_pipeline(source="demo", demo_dir=tmp_path / "demo", warehouse=warehouse)

    out = capsys.readouterr().out
    assert exit_code == 0
    assert generated == [tmp_path / "demo"]
    assert f"warehouse: {warehouse}" in out
    assert "as of: 2024-03-03 09:02:00+00:00" in out  # newest ERDAT+ERZET, Berlin -> UTC
    assert "raw_sap" in out
    assert "raw_crm" in out

    assert run_pipeline(source="demo", demo_dir=tmp_path / "demo", warehouse=warehouse) == 0
    assert len(generated) == 1  # it exists now


def test_a_missing_source_fails_the_run_with_a_message_naming_it(tmp_path, capsys):
    missing = tmp_path / "no-exports"

    exit_code = run_pipeline(source="files", sap_export_dir=missing, warehouse=tmp_path / "w.db")

    assert exit_code == 1
    assert f"SAP exports in {missing}" in capsys.readouterr().err
