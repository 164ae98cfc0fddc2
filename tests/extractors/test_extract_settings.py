"""Settings come from defaults, a YAML file, the environment and overrides, in that order."""

import pytest

from extractors.credentials import mask_url
from extractors.settings import (
    ENVIRONMENT,
    PASSWORD_ENV,
    Settings,
    SettingsError,
    load_settings,
    project_root,
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in [*ENVIRONMENT.values(), "O2C_CONFIG", PASSWORD_ENV]:
        monkeypatch.delenv(name, raising=False)


def test_defaults_are_the_demo_erp_and_the_repository_warehouse():
    settings = load_settings()

    assert settings.source == "demo"
    assert settings.warehouse == project_root() / "warehouse" / "o2c.duckdb"
    assert settings.crm_dir == project_root() / "warehouse" / "demo_erp" / "crm"
    assert (settings.overlap_days, settings.flavour) == (3, "auto")


def test_environment_overrides_the_file_and_keywords_override_both(tmp_path, monkeypatch):
    config = tmp_path / "o2c.yaml"
    config.write_text("source: files\nsap_export_dir: /data/exports\noverlap_days: 5\n")
    monkeypatch.setenv("O2C_CONFIG", str(config))
    monkeypatch.setenv("O2C_OVERLAP_DAYS", "7")
    monkeypatch.setenv("O2C_WAREHOUSE", "elsewhere/o2c.duckdb")

    settings = load_settings(batch_size=10)

    assert settings.source == "files"
    assert str(settings.sap_export_dir) == "/data/exports"
    assert settings.overlap_days == 7
    assert settings.batch_size == 10
    assert settings.warehouse == project_root() / "elsewhere" / "o2c.duckdb"
    assert settings.crm_dir is None  # only the demo has a CRM folder by default


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("source: sql\nsap_url: postgresql://u@h/db\nsap_password: x\n", "passwords belong"),
        ("sorce: sql\n", "unknown settings"),
        ("- a list\n", "must hold a mapping"),
    ],
)
def test_config_file_mistakes_are_refused(tmp_path, content, message):
    config = tmp_path / "o2c.yaml"
    config.write_text(content)

    with pytest.raises(SettingsError, match=message):
        load_settings(config)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"source": "sql"}, "O2C_SAP_URL"),
        ({"source": "files"}, "O2C_SAP_EXPORT_DIR"),
        ({"source": "ftp"}, "must be one of"),
        ({"flavour": "r3"}, "must be one of"),
        ({"source": "sql", "sap_url": "postgresql://u:pw@h/db"}, "must not contain a password"),
    ],
)
def test_incomplete_or_wrong_settings_are_refused(values, message):
    with pytest.raises(SettingsError, match=message):
        Settings(**values)


def test_urls_are_shown_with_the_password_masked():
    assert mask_url("postgresql+psycopg://sap:s3cret@db:5432/erp") == (
        "postgresql+psycopg://sap:***@db:5432/erp"
    )
