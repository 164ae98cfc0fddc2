"""Where the extractors read from and write to: environment variables or a YAML file.

Precedence, lowest first: the defaults below, the YAML file (`O2C_CONFIG` or the
`config_file` argument), the environment, explicit keyword overrides. The SAP database
password is deliberately not a setting: it is read from `O2C_SAP_PASSWORD` only when a
connection is opened (see extractors/secrets.py), so it never sits in a config object that
Dagster, a log line or the warehouse could show.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path

import yaml
from sqlalchemy.engine import make_url

SOURCE_KINDS = ("demo", "sql", "files")
EXPORT_FORMATS = ("auto", "csv", "parquet")
FLAVOUR_CHOICES = ("auto", "ecc", "s4")

# setting name -> environment variable
ENVIRONMENT = {
    "source": "O2C_SAP_SOURCE",
    "sap_url": "O2C_SAP_URL",
    "sap_schema": "O2C_SAP_SCHEMA",
    "sap_export_dir": "O2C_SAP_EXPORT_DIR",
    "export_format": "O2C_SAP_EXPORT_FORMAT",
    "crm_export_dir": "O2C_CRM_EXPORT_DIR",
    "demo_dir": "O2C_DEMO_DIR",
    "flavour": "O2C_SAP_FLAVOUR",
    "timezone": "O2C_SOURCE_TIMEZONE",
    "overlap_days": "O2C_OVERLAP_DAYS",
    "warehouse": "O2C_WAREHOUSE",
    "batch_size": "O2C_BATCH_SIZE",
}
CONFIG_ENV = "O2C_CONFIG"
PASSWORD_ENV = "O2C_SAP_PASSWORD"
PATH_SETTINGS = ("sap_export_dir", "crm_export_dir", "demo_dir", "warehouse")
INT_SETTINGS = ("overlap_days", "batch_size")


class SettingsError(ValueError):
    """A setting is missing or wrong; the message names the setting, never a secret."""


def project_root() -> Path:
    """The repository root, so default paths do not depend on the current directory.

    An editable install keeps this file in the repository; a regular install does not,
    and then the current directory is the best guess.
    """
    root = Path(__file__).resolve().parents[1]
    return root if (root / "pyproject.toml").exists() else Path.cwd()


@dataclass(frozen=True)
class Settings:
    """Everything the extraction needs to know, except the password."""

    source: str = "demo"  # demo: the demo ERP folder; sql: a database URL; files: exports
    sap_url: str | None = None  # SQLAlchemy URL without password (source "sql")
    sap_schema: str | None = None  # schema holding the SAP tables (default: the URL's)
    sap_export_dir: Path | None = None  # folder of <TABLE>.csv / <TABLE>.parquet ("files")
    export_format: str = "auto"  # which export files to read when both exist
    crm_export_dir: Path | None = None  # folder of CRM exports; None: no CRM (demo: crm/)
    demo_dir: Path = Path("warehouse/demo_erp")
    flavour: str = "auto"  # ecc, s4, or auto (VBUK present => ecc)
    timezone: str | None = None  # SAP system time zone; None: the demo's, else UTC
    overlap_days: int = 3  # re-read this many days before each table's watermark
    warehouse: Path = Path("warehouse/o2c.duckdb")
    batch_size: int = 50_000  # rows per batch read from a SQL source

    def __post_init__(self) -> None:
        # Relative paths are relative to the repository root, wherever the process runs.
        for name in PATH_SETTINGS:
            value = getattr(self, name)
            if value is not None and not isinstance(value, Path):
                object.__setattr__(self, name, Path(value))
            value = getattr(self, name)
            if value is not None and not value.is_absolute():
                object.__setattr__(self, name, project_root() / value)
        for name in INT_SETTINGS:
            object.__setattr__(self, name, int(getattr(self, name)))
        self.validate()

    def validate(self) -> None:
        _choice("source", self.source, SOURCE_KINDS, ENVIRONMENT["source"])
        _choice("export_format", self.export_format, EXPORT_FORMATS, "O2C_SAP_EXPORT_FORMAT")
        _choice("flavour", self.flavour, FLAVOUR_CHOICES, ENVIRONMENT["flavour"])
        if self.source == "sql" and not self.sap_url:
            raise SettingsError("source 'sql' needs a database URL: set O2C_SAP_URL")
        if self.source == "files" and not self.sap_export_dir:
            raise SettingsError("source 'files' needs an export folder: set O2C_SAP_EXPORT_DIR")
        if self.sap_url and make_url(self.sap_url).password is not None:
            # A password in a URL ends up in config files, Dagster's UI and shell history.
            raise SettingsError(
                f"the SAP URL must not contain a password; put it in {PASSWORD_ENV}"
            )
        if self.overlap_days < 0 or self.batch_size < 1:
            raise SettingsError("overlap_days must be >= 0 and batch_size >= 1")

    @property
    def crm_dir(self) -> Path | None:
        """The CRM export folder actually read: the demo ERP writes one under crm/."""
        if self.crm_export_dir is not None:
            return self.crm_export_dir
        return self.demo_dir / "crm" if self.source == "demo" else None

    def with_overrides(self, **overrides) -> Settings:
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


def _choice(name: str, value: str, allowed: tuple[str, ...], env: str) -> None:
    if value not in allowed:
        raise SettingsError(f"{name} ({env}) must be one of {allowed}, not {value!r}")


def load_settings(config_file: str | Path | None = None, **overrides) -> Settings:
    """Settings from the YAML file, then the environment, then `overrides` (None = unset)."""
    known = {f.name for f in fields(Settings)}
    unknown = set(overrides) - known
    if unknown:
        raise SettingsError(f"unknown settings: {sorted(unknown)}")
    values: dict = {}
    config_file = config_file or os.environ.get(CONFIG_ENV)
    if config_file:
        values.update(_read_config_file(Path(config_file), known))
    for name, env in ENVIRONMENT.items():
        if os.environ.get(env):
            values[name] = os.environ[env]
    values.update({k: v for k, v in overrides.items() if v is not None})
    return Settings(**values)


def _read_config_file(path: Path, known: set[str]) -> dict:
    if not path.is_absolute():
        path = project_root() / path
    if not path.exists():
        raise SettingsError(f"config file {path} does not exist")
    data = yaml.safe_load(path.read_text()) or {}
    if not isinstance(data, dict):
        raise SettingsError(f"config file {path} must hold a mapping of settings")
    if any("password" in str(key).lower() for key in data):
        raise SettingsError(f"config file {path}: passwords belong in {PASSWORD_ENV} only")
    unknown = set(data) - known
    if unknown:
        raise SettingsError(f"config file {path}: unknown settings {sorted(unknown)}")
    return data
