"""The dbt project as Dagster sees it, kept apart from the assets so that the manifest
exists before the module with @dbt_assets is imported."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from dagster_dbt import DbtProject

DBT_PROJECT_DIR = Path(__file__).resolve().parents[1] / "dbt_project"
# dbt lives beside this Python (the project's venv); PATH may not include it.
DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt"))

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


SOURCES = ("models", "seeds", "macros", "tests", "dbt_project.yml")


def _newest_source_change() -> float:
    newest = 0.0
    for name in SOURCES:
        path = DBT_PROJECT_DIR / name
        files = [path] if path.is_file() else path.rglob("*")
        newest = max([newest, *(f.stat().st_mtime for f in files if f.is_file())])
    return newest


def ensure_manifest() -> Path:
    """Parse the project when the manifest is missing (a fresh clone, a cleaned target) or
    older than a model, seed or macro: a stale manifest would not know the nodes dbt runs."""
    manifest = dbt_project.manifest_path
    if not manifest.exists() or manifest.stat().st_mtime < _newest_source_change():
        subprocess.run(
            [
                DBT_EXECUTABLE,
                "parse",
                "--quiet",
                "--project-dir",
                str(DBT_PROJECT_DIR),
                "--profiles-dir",
                str(DBT_PROJECT_DIR),
            ],
            check=True,
        )
    return dbt_project.manifest_path
