"""Open the readers the settings name and work out the SAP flavour and time zone."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from extractors.readers.base import Reader, SourceError
from extractors.readers.file_reader import FileReader
from extractors.readers.sql_reader import SqlReader
from extractors.settings import Settings

DEMO_DATABASE = "sap.sqlite"
DEMO_MANIFEST = "demo_erp.json"
DEFAULT_TIMEZONE = "UTC"


@dataclass
class Sources:
    sap: Reader
    crm: Reader | None
    flavour: str
    timezone: str

    def reader_for(self, system: str) -> Reader | None:
        return self.sap if system == "sap" else self.crm

    def describe(self) -> str:
        crm = f"; CRM: {self.crm.description}" if self.crm else ""
        return f"{self.sap.description}{crm}"

    def close(self) -> None:
        for reader in (self.sap, self.crm):
            if reader is not None:
                reader.close()


def open_sources(settings: Settings) -> Sources:
    manifest = demo_manifest(settings) if settings.source == "demo" else {}
    sap = _sap_reader(settings)
    crm = FileReader(settings.crm_dir, "auto", "CRM exports") if settings.crm_dir else None
    try:
        flavour = _flavour(settings, manifest, sap)
    except BaseException:
        sap.close()
        raise
    return Sources(sap=sap, crm=crm, flavour=flavour, timezone=source_timezone(settings))


def source_timezone(settings: Settings) -> str:
    """The SAP system's time zone: the setting, else the demo ERP's, else the default."""
    manifest = demo_manifest(settings) if settings.source == "demo" else {}
    return settings.timezone or manifest.get("timezone") or DEFAULT_TIMEZONE


def _sap_reader(settings: Settings) -> Reader:
    if settings.source == "sql":
        return SqlReader(settings.sap_url, settings.sap_schema, settings.batch_size)
    if settings.source == "files":
        reader = FileReader(settings.sap_export_dir, settings.export_format, "SAP exports")
        if not settings.sap_export_dir.is_dir():
            raise SourceError(f"{reader.description}: the folder does not exist")
        return reader
    database = settings.demo_dir / DEMO_DATABASE
    if not database.exists():
        raise SourceError(
            f"demo ERP database {database} does not exist: generate it with `o2c demo`"
        )
    return SqlReader(f"sqlite:///{database}", None, settings.batch_size)


def demo_manifest(settings: Settings) -> dict:
    path = settings.demo_dir / DEMO_MANIFEST
    return json.loads(path.read_text()) if path.exists() else {}


def _flavour(settings: Settings, manifest: dict, sap: Reader) -> str:
    if settings.flavour != "auto":
        return settings.flavour
    if manifest.get("flavour"):
        return manifest["flavour"]
    # S/4HANA dropped the status tables VBUK/VBUP and moved their fields onto the documents.
    return "ecc" if sap.has_table("VBUK") else "s4"


def watched_files(settings: Settings) -> list[Path]:
    """The files a run would read, for the sensor that starts a run when they change."""
    if settings.source == "demo":
        paths = [settings.demo_dir / DEMO_DATABASE, settings.demo_dir / DEMO_MANIFEST]
    elif settings.source == "files":
        paths = list(FileReader(settings.sap_export_dir, settings.export_format).files().values())
    else:
        paths = []
    if settings.crm_dir:
        paths += list(FileReader(settings.crm_dir).files().values())
    return sorted(p for p in paths if p.exists())
