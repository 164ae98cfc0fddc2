"""Fixtures of the dbt tests: demo ERPs in both SAP layouts, extracted and built by dbt."""

from __future__ import annotations

import pytest
from dbt_warehouse import DemoWarehouse, build_demo_warehouse


@pytest.fixture(scope="session", params=["ecc", "s4"])
def demo_warehouse(request, tmp_path_factory) -> DemoWarehouse:
    """A demo of about 1500 items in each SAP layout, built by dbt once for every test
    module (tests only read it; rebuilding its marts without new data changes nothing)."""
    folder = tmp_path_factory.mktemp(f"dbt_{request.param}")
    seed = {"ecc": 7, "s4": 11}[request.param]
    return build_demo_warehouse(folder, request.param, items=1500, seed=seed)
