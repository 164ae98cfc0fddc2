"""Fixtures of the extractor tests: real sources of every kind, written from small tables."""

from __future__ import annotations

import json
import uuid

import psycopg
import pytest
from tiny_sources import split, write_csv, write_parquet, write_postgres, write_sqlite

from extractors.settings import PASSWORD_ENV, Settings

SOURCE_KINDS = ("demo", "sqlite", "csv", "parquet", "postgres")


@pytest.fixture
def write_source(tmp_path, request, monkeypatch):
    """write_source(kind, frames, name="src", **settings) -> Settings reading that source.

    Writing again under the same name replaces the source's tables (to grow or change it);
    the warehouse is tmp_path/<name>.duckdb. CRM tables always go to CSV exports.
    """
    schemas: dict[str, str] = {}

    def write(kind: str, frames: dict, name: str = "src", **settings) -> Settings:
        base = tmp_path / name
        sap, crm = split(frames)
        write_csv(base / "crm", crm)
        options: dict = {}
        if kind == "demo":
            write_sqlite(base / "sap.sqlite", sap)
            manifest = {"flavour": "ecc", "timezone": "Europe/Berlin", "as_of": None, "seed": 1}
            (base / "demo_erp.json").write_text(json.dumps(manifest))
            options = {"source": "demo", "demo_dir": base}
        elif kind == "sqlite":
            path = write_sqlite(base / "sap.sqlite", sap)
            options = {"source": "sql", "sap_url": f"sqlite:///{path}"}
        elif kind == "csv":
            write_csv(base / "exports" / "csv", sap)
            options = {"source": "files", "sap_export_dir": base / "exports"}
        elif kind == "parquet":
            write_parquet(base / "exports" / "parquet", sap)
            options = {"source": "files", "sap_export_dir": base / "exports"}
        elif kind == "postgres":
            server = request.getfixturevalue("postgres_url")
            monkeypatch.setenv(PASSWORD_ENV, server.password)
            schema = schemas.setdefault(name, f"sap_{uuid.uuid4().hex[:10]}")
            with psycopg.connect(server.conninfo, password=server.password) as con:
                write_postgres(con, sap, schema)
            options = {"source": "sql", "sap_url": server.url, "sap_schema": schema}
        else:
            raise ValueError(kind)
        options.update(
            crm_export_dir=base / "crm", warehouse=tmp_path / f"{name}.duckdb",
            timezone="Europe/Berlin",
        )  # fmt: skip
        if kind == "demo":
            options.pop("timezone")  # the demo's manifest names it
        options.update(settings)
        return Settings(**options)

    return write
