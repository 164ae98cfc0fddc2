"""Settings of the demo ERP: defaults.yaml merged with the user's overrides."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import yaml

DEFAULTS_FILE = Path(__file__).with_name("defaults.yaml")
FULFILMENT_MODELS = ("make_to_stock", "make_to_order", "service", "subscription")


def _merge(base: dict, override: dict, path: str = "") -> dict:
    out = copy.deepcopy(base)
    for key, value in (override or {}).items():
        if key not in out:
            raise ValueError(f"unknown demo ERP setting {path}{key!r}")
        if isinstance(out[key], dict):
            if not isinstance(value, dict):
                raise ValueError(f"demo ERP setting {path}{key} must be a mapping")
            out[key] = _merge(out[key], value, f"{path}{key}.")
        else:
            out[key] = value
    return out


@dataclass(frozen=True)
class DemoConfig:
    """All settings; `raw` keeps the merged mapping so it can be written to the manifest."""

    raw: dict

    @classmethod
    def load(cls, override_file: str | Path | None = None, **overrides) -> DemoConfig:
        raw = yaml.safe_load(DEFAULTS_FILE.read_text())
        if override_file:
            raw = _merge(raw, yaml.safe_load(Path(override_file).read_text()) or {})
        raw = _merge(raw, {k: v for k, v in overrides.items() if v is not None})
        config = cls(raw)
        config.validate()
        return config

    def validate(self) -> None:
        shares = self.raw["shares"]["fulfilment"]
        total = sum(shares.values())
        if abs(total - 1.0) > 1e-9:
            raise ValueError(f"fulfilment shares must add up to 1, not {total}")
        for section in ("rates", "shares"):
            for key, value in _flat(self.raw[section]):
                if not 0.0 <= float(value) <= 1.0:
                    raise ValueError(f"{section}.{key} must lie in [0, 1], not {value}")
        if int(self.raw["items"]) < 1 or int(self.raw["days"]) < 1:
            raise ValueError("items and days must be positive")

    def rate(self, name: str) -> float:
        return float(self.raw["rates"][name])

    def share(self, name: str) -> float:
        return float(self.raw["shares"][name])

    @property
    def planted(self) -> dict:
        return self.raw["planted"]

    @property
    def start(self) -> date:
        return date.fromisoformat(str(self.raw["start_date"]))

    @property
    def days(self) -> int:
        return int(self.raw["days"])

    @property
    def end(self) -> date:
        return self.start + timedelta(days=self.days)

    @property
    def client(self) -> str:
        return str(self.raw["client"])

    @property
    def timezone(self) -> str:
        return str(self.raw["timezone"])


def _flat(mapping: dict, prefix: str = ""):
    for key, value in mapping.items():
        if isinstance(value, dict):
            yield from _flat(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value
