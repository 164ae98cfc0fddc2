"""Dagster resources: the extraction settings and the publishing options.

Unset fields fall back to the config file ($O2C_CONFIG) and the environment (see
extractors/settings.py), so `dagster dev` runs on the demo ERP with no configuration. The
source password is no field here on purpose: it would show in Dagster's UI and run config.
It is read from O2C_SAP_PASSWORD when a connection opens.
"""

from __future__ import annotations

from dataclasses import fields

import dagster as dg

from extractors.settings import Settings, load_settings

SETTING_NAMES = tuple(f.name for f in fields(Settings))


class ExtractionResource(dg.ConfigurableResource):
    """Where the raw tables come from and which warehouse they go to."""

    config_file: str | None = None
    source: str | None = None
    sap_url: str | None = None
    sap_schema: str | None = None
    sap_export_dir: str | None = None
    export_format: str | None = None
    crm_export_dir: str | None = None
    demo_dir: str | None = None
    flavour: str | None = None
    timezone: str | None = None
    overlap_days: int | None = None
    warehouse: str | None = None
    batch_size: int | None = None

    def settings(self) -> Settings:
        overrides = {name: getattr(self, name) for name in SETTING_NAMES}
        return load_settings(self.config_file, **overrides)

    @classmethod
    def from_settings(cls, settings: Settings) -> ExtractionResource:
        """A resource that pins every setting (used by `o2c run`)."""
        values = {name: getattr(settings, name) for name in SETTING_NAMES}
        return cls(**{k: str(v) if hasattr(v, "as_posix") else v for k, v in values.items()})


class PublishResource(dg.ConfigurableResource):
    """Where the published copy goes and whether it is pseudonymised.

    Unset: O2C_PUBLISHED (else published/o2c.duckdb beside the warehouse) and
    O2C_PSEUDONYMISE. The pseudonymisation key is no field: O2C_PSEUDONYM_KEY only.
    """

    target: str | None = None
    pseudonymise: bool | None = None


def default_resources() -> dict[str, object]:
    from dagster_dbt import DbtCliResource

    from orchestration.dbt_project import DBT_EXECUTABLE, dbt_project

    return {
        "extraction": ExtractionResource(),
        "publishing": PublishResource(),
        "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE),
    }
