"""`o2c demo` options: checked before anything is generated, passed on to generate()."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest

import extractors.demo_erp
from extractors.demo_erp import cli


def _run(argv: list[str], monkeypatch) -> tuple[int, list[dict]]:
    calls: list[dict] = []

    def generate(out_dir, **options):
        calls.append({"out_dir": out_dir, **options})
        rows = {"VBAK": 3, "VBAP": 10, "VBFA": 20}
        return SimpleNamespace(as_of=date(2025, 3, 31), rows=rows, seconds=1.25)

    # The simulator itself is tested elsewhere; here only the option handling.
    monkeypatch.setattr(extractors.demo_erp, "generate", generate, raising=False)
    parser = argparse.ArgumentParser(prog="o2c demo")
    cli.add_arguments(parser)
    return cli.run(parser.parse_args(argv)), calls


def test_options_reach_generate(monkeypatch, tmp_path, capsys):
    monkeypatch.chdir(tmp_path)
    code, calls = _run(["--items", "500", "--flavour", "s4", "--formats", "sqlite, CSV"],
                       monkeypatch)  # fmt: skip
    assert code == 0
    assert calls == [
        {
            "out_dir": Path("warehouse/demo_erp"),
            "items": 500,
            "seed": 42,
            "flavour": "s4",
            "config_file": None,
            "formats": ("sqlite", "csv"),
            "postgres_url": None,
            "postgres_schema": "public",
            "continue_days": None,
        }
    ]
    out = capsys.readouterr().out
    assert "warehouse/demo_erp" in out
    assert "2025-03-31" in out
    assert "10 items, 3 orders, 33 rows" in out


def test_days_continue_an_existing_output(monkeypatch, tmp_path):
    code, calls = _run(["--output", str(tmp_path), "--days", "7"], monkeypatch)
    assert code == 0
    assert calls[0]["continue_days"] == 7
    assert calls[0]["items"] is None  # the configuration decides


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--formats", "sqlite,xlsx"], "--formats: unknown format xlsx"),
        (["--config", "missing.yaml"], "--config: no such file"),
        (["--days", "3", "--output", "nowhere"], "--days: no demo ERP to continue"),
        (["--postgres-url", "postgresql://u:secret@h/db"], "must not contain a password"),
        (["--postgres-url", "mysql://u@h/db"], "not a PostgreSQL URL"),
    ],
)
def test_bad_options_exit_2_with_one_line(argv, message, monkeypatch, tmp_path, capsys):
    monkeypatch.chdir(tmp_path)
    code, calls = _run(argv, monkeypatch)
    err = capsys.readouterr().err
    assert (code, calls) == (2, [])
    assert message in err
    assert err.count("\n") == 1
    assert "secret" not in err


def test_bad_configuration_file(monkeypatch, tmp_path, capsys):
    config = tmp_path / "rates.yaml"
    config.write_text("rates:\n  no_such_rate: 0.5\n")
    code, calls = _run(["--config", str(config)], monkeypatch)
    assert (code, calls) == (2, [])
    assert "no_such_rate" in capsys.readouterr().err


def test_argparse_rejects_non_positive_numbers(capsys):
    parser = argparse.ArgumentParser(prog="o2c demo")
    cli.add_arguments(parser)
    with pytest.raises(SystemExit) as exit_info:
        parser.parse_args(["--items", "0"])
    assert exit_info.value.code == 2
    assert "must be at least 1" in capsys.readouterr().err
