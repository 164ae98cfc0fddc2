"""`o2c run` (run_pipeline): generates a missing demo ERP, runs the job, prints headlines."""

import json

import extractors.demo_erp as demo_erp
from orchestration.pipeline import run_pipeline


def test_generates_the_missing_demo_erp_then_runs_and_prints_headlines(
    tmp_path, monkeypatch, capsys
):
    generated = []

    real_generate = demo_erp.generate

    def generate(out_dir, **options):  # the real simulator, small enough for a test
        generated.append(out_dir)
        return real_generate(out_dir, items=400, seed=3, formats=("sqlite",), **options)

    monkeypatch.setattr(demo_erp, "generate", generate, raising=False)
    warehouse = tmp_path / "o2c.duckdb"

    exit_code = run_pipeline(source="demo", demo_dir=tmp_path / "demo", warehouse=warehouse)

    out = capsys.readouterr().out
    assert exit_code == 0
    assert generated == [tmp_path / "demo"]
    assert f"warehouse: {warehouse}" in out
    manifest = json.loads((tmp_path / "demo" / "demo_erp.json").read_text())
    assert "as of: " + manifest["as_of"][:10] in out  # the newest change in the source
    assert "raw_sap" in out
    assert "raw_crm" in out

    assert run_pipeline(source="demo", demo_dir=tmp_path / "demo", warehouse=warehouse) == 0
    assert len(generated) == 1  # it exists now


def test_a_missing_source_fails_the_run_with_a_message_naming_it(tmp_path, capsys):
    missing = tmp_path / "no-exports"

    exit_code = run_pipeline(source="files", sap_export_dir=missing, warehouse=tmp_path / "w.db")

    assert exit_code == 1
    assert f"SAP exports in {missing}" in capsys.readouterr().err
