"""Mining settings from mining/config.yaml, optionally overridden by O2C_MINING_CONFIG."""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass
from pathlib import Path

import yaml

DEFAULT_FILE = Path(__file__).with_name("config.yaml")


def _merge(base: dict, override: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in (override or {}).items():
        if key not in out:
            raise ValueError(f"unknown mining setting {key!r}")
        out[key] = _merge(out[key], value) if isinstance(out[key], dict) else value
    return out


@dataclass(frozen=True)
class MiningConfig:
    raw: dict
    base_dir: Path

    @classmethod
    def load(cls, override_file: str | Path | None = None, **overrides) -> MiningConfig:
        raw = yaml.safe_load(DEFAULT_FILE.read_text())
        override_file = override_file or os.environ.get("O2C_MINING_CONFIG")
        if override_file:
            raw = _merge(raw, yaml.safe_load(Path(override_file).read_text()) or {})
        raw = _merge(raw, overrides)
        noise = float(raw["discovery"]["noise_threshold"])
        if not 0.0 <= noise <= 1.0:
            raise ValueError(f"discovery.noise_threshold must lie in [0, 1], not {noise}")
        return cls(raw, DEFAULT_FILE.parent)

    def _path(self, value: str) -> Path:
        path = Path(value)
        return path if path.is_absolute() else (self.base_dir / path).resolve()

    @property
    def reference_models(self) -> dict[str, Path]:
        models = self.raw["conformance"]["reference_models"]
        return {model: self._path(path) for model, path in models.items()}

    @property
    def noise_threshold(self) -> float:
        return float(self.raw["discovery"]["noise_threshold"])

    @property
    def top_variants(self) -> int:
        return int(self.raw["discovery"]["top_variants"])

    @property
    def unresolved_block_days(self) -> int:
        return int(self.raw["rules"]["unresolved_block_days"])

    @property
    def artifacts_dir(self) -> Path:
        return self._path(self.raw["artifacts_dir"])
