"""The PostgreSQL password comes from the environment and goes nowhere else."""

import logging

import duckdb
import pytest
from tiny_sources import make_table

from extractors.extract import run_extraction
from extractors.readers.base import SourceError
from extractors.settings import PASSWORD_ENV, Settings, SettingsError

pytestmark = pytest.mark.postgres


def password_in_warehouse(path, password: str) -> list[str]:
    """Tables with a text value containing the password, and whether the file bytes hold it."""
    found = []
    with duckdb.connect(str(path), read_only=True) as con:
        columns = con.execute(
            "SELECT table_schema, table_name, column_name FROM information_schema.columns "
            "WHERE data_type IN ('VARCHAR', 'JSON')"
        ).fetchall()
        for schema, table, column in columns:
            hits = con.execute(
                f'SELECT count(*) FROM "{schema}"."{table}" '
                f'WHERE contains(CAST("{column}" AS VARCHAR), ?)',
                [password],
            ).fetchone()[0]
            if hits:
                found.append(f"{schema}.{table}.{column}")
    for file in path.parent.glob(path.name + "*"):  # the database and any .wal beside it
        if password.encode() in file.read_bytes():
            found.append(file.name)
    return found


def test_password_appears_in_no_log_and_not_in_the_warehouse(
    write_source, postgres_url, caplog, capsys
):
    frames = {"VBAK": make_table("VBAK", "ecc", rows=3)}
    settings = write_source("postgres", frames, flavour="ecc")
    caplog.set_level(logging.DEBUG)

    assert run_extraction(settings, tables=["VBAK"]).status == "success"
    with pytest.raises(SourceError) as failure:  # the source has no VBAP: a failed run
        run_extraction(settings, tables=["VBAP"])

    password = postgres_url.password
    captured = capsys.readouterr()
    assert password not in caplog.text + captured.out + captured.err
    assert password not in str(failure.value)
    assert "has no table VBAP" in str(failure.value)
    assert password_in_warehouse(settings.warehouse, password) == []


def test_wrong_password_fails_with_a_message_naming_the_source_not_the_password(
    write_source, postgres_url, monkeypatch, capsys
):
    settings = write_source("postgres", {"VBAK": make_table("VBAK", "ecc", rows=1)})
    monkeypatch.setenv(PASSWORD_ENV, "not-the-password-123")

    with pytest.raises(SourceError) as failure:
        run_extraction(settings, tables=["VBAK"])
    exit_code = run_extraction(settings, tables=["VBAK"], report=True)

    message = str(failure.value)
    assert f"SQL source {postgres_url.url}" in message
    assert "password authentication failed" in message
    assert "not-the-password-123" not in message + capsys.readouterr().err
    assert exit_code == 1
    assert not settings.warehouse.exists()  # the last good warehouse is left alone


def test_a_password_inside_the_url_is_refused(postgres_url):
    with pytest.raises(SettingsError, match="must not contain a password") as refused:
        Settings(source="sql", sap_url=postgres_url.url.replace("@", ":secret99@"))
    assert "secret99" not in str(refused.value)
