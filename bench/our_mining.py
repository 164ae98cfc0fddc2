"""The same mining work the project's way: DFG and variants in DuckDB, pm4py on variant
counts (inductive miner, token replay, alignments once per variant). Prints seconds per
step as JSON."""

from __future__ import annotations

import json
import sys
import time

import duckdb

from mining.config import MiningConfig
from mining.conformance import check_conformance
from mining.discovery import discover, variant_counts
from mining.maps import DFG_SQL


def main(warehouse: str) -> None:
    seconds, started = {}, time.perf_counter()

    def lap(name):
        nonlocal started
        seconds[name] = time.perf_counter() - started
        started = time.perf_counter()

    config = MiningConfig.load()
    with duckdb.connect(warehouse) as con:
        con.execute(DFG_SQL, {"scope": "all"}).fetchall()
        lap("dfg")
        variants = variant_counts(con)
        lap("variants")
        discover(variants, config.noise_threshold, precision=False)  # + token replay
        lap("inductive_miner_and_token_replay")
        check_conformance(con, config)
        lap("alignments")
    print(json.dumps(seconds))


if __name__ == "__main__":
    main(sys.argv[1])
