"""The same mining work the project's way: DFG and variants in DuckDB, pm4py on variant
counts (inductive miner, token replay, alignments once per variant). Prints seconds per
step as JSON."""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from extractors.load.warehouse import limit_memory
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
    # A copy without the alignment cache: the pipeline's mining stage has filled it, and
    # reusing it would time a cache lookup instead of the alignments.
    copy = Path(tempfile.mkdtemp()) / "o2c.duckdb"
    shutil.copy(warehouse, copy)
    with duckdb.connect(str(copy)) as con:
        limit_memory(con)
        con.execute("drop table if exists mining.alignment_cache")
        started = time.perf_counter()  # the copy is not part of the work
        con.execute(DFG_SQL).fetchall()
        lap("dfg")
        variants = variant_counts(con)
        lap("variants")
        discover(variants, config.noise_threshold, precision=False)  # + token replay
        lap("inductive_miner_and_token_replay")
        check_conformance(con, config)
        lap("alignments")
    shutil.rmtree(copy.parent)
    print(json.dumps(seconds))


if __name__ == "__main__":
    main(sys.argv[1])
