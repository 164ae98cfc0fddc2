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


def ensure_manifest() -> Path:
    """Parse the project when no manifest exists yet (a fresh clone, a cleaned target)."""
    if not dbt_project.manifest_path.exists():
        subprocess.run(
            [DBT_EXECUTABLE, "parse", "--quiet", "--project-dir", str(DBT_PROJECT_DIR),
             "--profiles-dir", str(DBT_PROJECT_DIR)],
            check=True,
        )
    return dbt_project.manifest_path
