"""`o2c mine`: the mining step on a warehouse whose marts dbt has built."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

DEFAULT_WAREHOUSE = Path("warehouse", "o2c.duckdb")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--warehouse",
        default=os.environ.get("O2C_WAREHOUSE", str(DEFAULT_WAREHOUSE)),
        help="the DuckDB warehouse (default: $O2C_WAREHOUSE, else warehouse/o2c.duckdb)",
    )
    parser.add_argument("--config", help="YAML file overriding mining/config.yaml")
    parser.add_argument("--artifacts", help="folder for pictures and model files")


def run(args: argparse.Namespace) -> int:
    import duckdb

    from mining.config import MiningConfig
    from mining.run import run_mining

    overrides = {"artifacts_dir": str(Path(args.artifacts).resolve())} if args.artifacts else {}
    config = MiningConfig.load(args.config, **overrides)
    with duckdb.connect(args.warehouse) as con:
        result = run_mining(con, config)
    print(json.dumps(result, indent=2, default=str))
    return 0
