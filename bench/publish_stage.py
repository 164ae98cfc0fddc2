"""The publish stage on its own, for the benchmark: copy the warehouse to its published
file (warehouse/../published/o2c.duckdb), as the pipeline's last step does."""

from __future__ import annotations

import sys

from extractors.publish.publisher import publish_warehouse
from extractors.settings import load_settings

if __name__ == "__main__":
    publish_warehouse(load_settings(warehouse=sys.argv[1]))
