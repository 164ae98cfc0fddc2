"""A source that cannot be read ends the run with a message naming the source."""

import pytest
from tiny_sources import make_table

from extractors.extract import run_extraction
from extractors.readers.base import SourceError
from extractors.settings import Settings


def test_a_missing_sqlite_file_is_an_error_not_a_new_empty_database(tmp_path):
    missing = tmp_path / "nowhere.sqlite"
    settings = Settings(source="sql", sap_url=f"sqlite:///{missing}", warehouse=tmp_path / "w")

    with pytest.raises(SourceError, match="the database file does not exist"):
        run_extraction(settings)
    assert not missing.exists()


def test_a_missing_export_folder_is_named(tmp_path):
    settings = Settings(
        source="files", sap_export_dir=tmp_path / "exports", warehouse=tmp_path / "w"
    )

    with pytest.raises(SourceError, match=r"SAP exports in .*exports: the folder does not exist"):
        run_extraction(settings)


def test_a_missing_export_file_is_named(write_source):
    settings = write_source("csv", {"VBAK": make_table("VBAK", "ecc", rows=1)}, flavour="ecc")

    with pytest.raises(SourceError, match="no export file for table VBAP"):
        run_extraction(settings, tables=["VBAK", "VBAP"])


def test_a_missing_column_is_named(write_source):
    vbak = make_table("VBAK", "ecc", rows=1).drop(columns=["NETWR"])
    settings = write_source("sqlite", {"VBAK": vbak}, flavour="ecc")

    with pytest.raises(SourceError, match=r"table VBAK lacks the columns \['NETWR'\]"):
        run_extraction(settings, tables=["VBAK"])
