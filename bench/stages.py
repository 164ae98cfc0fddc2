"""The pipeline's stages (extraction, dbt, mining, publish) and the mining comparison with
plain pm4py on an existing demo ERP, without generating one: for 1M items, where the
generation alone takes minutes and is measured once.

    python -m bench.stages DEMO_DIR WORK_DIR [--repeat 1]

Prints the stages and the comparison as JSON (docs/benchmarks.md quotes them).
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

from bench.run import compare_mining, pipeline_stages, scan_floor


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.stages", description=__doc__)
    parser.add_argument("demo", type=Path, help="a folder written by `o2c demo`")
    parser.add_argument("work", type=Path, help="an empty folder for the warehouse (wiped)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of the mining comparison")
    args = parser.parse_args(argv)
    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    warehouse = args.work / "o2c.duckdb"
    stages = pipeline_stages(args.demo.resolve(), warehouse, args.work / "artifacts")
    print(json.dumps(stages), flush=True)
    result = {
        "stages": stages,
        "pipeline_seconds": round(sum(s["seconds"] for s in stages), 1),
        "pipeline_peak_rss_mb": max(s["peak_rss_mb"] for s in stages),
        "mining_comparison": compare_mining(warehouse, args.repeat),
        "scan_floor_seconds": scan_floor(warehouse),
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
