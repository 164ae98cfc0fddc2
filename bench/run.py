"""`make bench`: the pipeline on demo ERPs of 10k and 100k order items (1M with --large),
stage by stage, beside plain pm4py doing the same mining work; a daily incremental run
against a full rebuild; and a bare DuckDB scan of the event log as the floor.

    python -m bench.run [--large] [--sizes 10000,100000] [--repeat 3]

Results go to docs/benchmarks.json and the generated table in docs/benchmarks.md.
Every stage runs in its own process; peak memory is the RSS of that process tree.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import time
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import duckdb

from bench.proctree import Measured, measure

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "warehouse" / "bench"
DOCS = ROOT / "docs"
BIN = Path(sys.executable).parent
# The checkout's own code, whichever checkout the installed `o2c` script points at.
O2C = [sys.executable, "-m", "orchestration.cli"]
DEMO_OUTPUT = ["--formats", "sqlite", "--output"]
MARK_START, MARK_END = "<!-- bench:start -->", "<!-- bench:end -->"
EXPORT_SQL = """
copy (
    select e.case_id, e.activity, e.event_at, c.fulfilment_model
    from marts.fct_o2c_events as e
    join marts.dim_o2c_cases as c using (case_id)
    where e.activity_kind = 'process'
    order by e.case_id, e.event_at, e.activity_sort_order
) to '{path}' (format parquet)
"""


def stage(name: str, command: list[str], env: dict) -> dict:
    result = measure(command, env=env, cwd=str(ROOT))
    if result.returncode != 0:
        raise RuntimeError(f"{name} failed ({result.returncode}):\n{result.output[-3000:]}")
    return {
        "stage": name,
        "seconds": round(result.seconds, 2),
        "peak_rss_mb": round(result.peak_rss_mb),
    }


def pipeline_stages(demo: Path, warehouse: Path, artifacts: Path) -> list[dict]:
    """Extraction, dbt, mining and publish of one source into one warehouse."""
    env = {
        "O2C_SAP_SOURCE": "demo",
        "O2C_DEMO_DIR": str(demo),
        "O2C_CRM_EXPORT_DIR": str(demo / "crm"),
        "O2C_WAREHOUSE": str(warehouse),
        "O2C_SOURCE_TIMEZONE": "Europe/Berlin",
    }
    target = warehouse.parent / "dbt_target"
    return [
        stage("extraction", [*O2C, "extract"], env),
        stage(
            "dbt",
            [
                str(BIN / "dbt"),
                "build",
                "--quiet",
                "--project-dir",
                "dbt_project",
                "--profiles-dir",
                "dbt_project",
                "--target-path",
                str(target),
            ],
            env,
        ),
        stage("mining", [*O2C, "mine", "--artifacts", str(artifacts)], env),
        stage("publish", [sys.executable, "-m", "bench.publish_stage", str(warehouse)], env),
    ]


def median_of(runs: list[Measured]) -> tuple[float, float]:
    return (
        statistics.median(r.seconds for r in runs),
        statistics.median(r.peak_rss_mb for r in runs),
    )


def compare_mining(warehouse: Path, repeat: int) -> dict:
    """Plain pm4py versus the project's mining on the same event log."""
    parquet = warehouse.parent / "event_log.parquet"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        con.execute(EXPORT_SQL.format(path=parquet))
    results = {}
    for name, command in (
        ("plain_pm4py", [sys.executable, "-m", "bench.plain_pm4py", str(parquet)]),
        ("project", [sys.executable, "-m", "bench.our_mining", str(warehouse)]),
    ):
        runs = [measure(command, cwd=str(ROOT)) for _ in range(repeat)]
        failed = [r for r in runs if r.returncode != 0]
        if failed:
            raise RuntimeError(f"{name} failed:\n{failed[0].output[-3000:]}")
        seconds, rss = median_of(runs)
        steps = json.loads(runs[-1].output.strip().splitlines()[-1])
        results[name] = {
            "seconds": round(seconds, 2),
            "peak_rss_mb": round(rss),
            "steps": {k: round(v, 2) for k, v in steps.items()},
        }
    results["speedup"] = round(results["plain_pm4py"]["seconds"] / results["project"]["seconds"], 1)
    results["memory_ratio"] = round(
        results["project"]["peak_rss_mb"] / results["plain_pm4py"]["peak_rss_mb"], 2
    )
    return results


def scan_floor(warehouse: Path, repeat: int = 5) -> float:
    """A bare DuckDB scan of the event log: the time nothing can beat."""
    times = []
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for _ in range(repeat):
            started = time.perf_counter()
            con.execute(
                "select count(*), count(distinct case_id), min(event_at), "
                "max(event_at) from marts.fct_o2c_events"
            ).fetchall()
            times.append(time.perf_counter() - started)
    return round(statistics.median(times), 3)


def bench_size(items: int, repeat: int) -> dict:
    folder = WORK / str(items)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    demo, warehouse = folder / "demo", folder / "full" / "o2c.duckdb"
    warehouse.parent.mkdir()
    generation = stage(
        "demo generation",
        [*O2C, "demo", "--items", str(items), "--seed", "1", *DEMO_OUTPUT, str(demo)],
        {},
    )
    stages = pipeline_stages(demo, warehouse, folder / "artifacts")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        events, cases = con.execute(
            "select count(*), count(distinct case_id) from marts.fct_o2c_events"
        ).fetchone()
    total = round(sum(s["seconds"] for s in stages), 1)
    result = {
        "items": items,
        "cases": cases,
        "events": events,
        "generation": generation,
        "stages": stages,
        "pipeline_seconds": total,
        "pipeline_peak_rss_mb": max(s["peak_rss_mb"] for s in stages),
        "events_per_second": round(events / total),
        "mining_comparison": compare_mining(warehouse, repeat if items <= 100_000 else 1),
        "scan_floor_seconds": scan_floor(warehouse),
    }
    result["incremental"] = incremental(demo, warehouse, folder)
    return result


def incremental(demo: Path, warehouse: Path, folder: Path) -> dict:
    """A week more of business: the daily run on the existing warehouse vs a rebuild."""
    grow = stage(
        "grow source by 7 days",
        [*O2C, "demo", "--days", "7", *DEMO_OUTPUT, str(demo)],
        {},
    )
    daily = pipeline_stages(demo, warehouse, folder / "artifacts")
    rebuild_warehouse = folder / "rebuild" / "o2c.duckdb"
    rebuild_warehouse.parent.mkdir()
    rebuild = pipeline_stages(demo, rebuild_warehouse, folder / "artifacts_rebuild")
    daily_s = sum(s["seconds"] for s in daily)
    rebuild_s = sum(s["seconds"] for s in rebuild)
    return {
        "grow_seconds": grow["seconds"],
        "daily_seconds": round(daily_s, 1),
        "rebuild_seconds": round(rebuild_s, 1),
        "ratio": round(daily_s / rebuild_s, 2),
        "daily_stages": daily,
        "rebuild_stages": rebuild,
    }


def machine() -> dict:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30),
        "versions": {
            p: version(p)
            for p in ("duckdb", "dbt-core", "dbt-duckdb", "pm4py", "dagster", "pandas")
        },
    }


def write_report(results: dict) -> None:
    (DOCS / "benchmarks.json").write_text(json.dumps(results, indent=2) + "\n")
    page = DOCS / "benchmarks.md"
    text = page.read_text()
    table = render(results)
    start, end = text.index(MARK_START), text.index(MARK_END)
    page.write_text(text[: start + len(MARK_START)] + "\n" + table + text[end:])


def render(results: dict) -> str:
    m = results["machine"]
    lines = [
        f"Measured {results['measured_at']} on {m['cpus']} cores, {m['memory_gb']} GiB, "
        f"Python {m['python']}; " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()),
        "",
        "| items | events | stage | seconds | peak RSS (MB) |",
        "|---|---|---|---|---|",
    ]
    for r in results["sizes"]:
        for s in [r["generation"], *r["stages"]]:
            lines.append(
                f"| {r['items']:,} | {r['events']:,} | {s['stage']} | {s['seconds']} "
                f"| {s['peak_rss_mb']} |"
            )
        lines.append(
            f"| {r['items']:,} | {r['events']:,} | **pipeline (extraction to "
            f"publish)** | **{r['pipeline_seconds']}** | **{r['pipeline_peak_rss_mb']}**"
            f" |"
        )
    lines += [
        "",
        "| items | plain pm4py s | project s | speedup | plain pm4py MB "
        "| project MB | memory ratio | DuckDB scan floor s | daily run s "
        "| full rebuild s | daily/rebuild |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results["sizes"]:
        c, i = r["mining_comparison"], r["incremental"]
        lines.append(
            f"| {r['items']:,} | {c['plain_pm4py']['seconds']} | {c['project']['seconds']} | "
            f"{c['speedup']}x | {c['plain_pm4py']['peak_rss_mb']} | "
            f"{c['project']['peak_rss_mb']} | {c['memory_ratio']} | "
            f"{r['scan_floor_seconds']} | {i['daily_seconds']} | {i['rebuild_seconds']} | "
            f"{i['ratio']} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make bench", description=__doc__.split("\n")[0])
    parser.add_argument("--large", action="store_true", help="also 1,000,000 items (minutes)")
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated item counts")
    parser.add_argument("--repeat", type=int, default=3, help="runs of short stages (median)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")] + ([1_000_000] if args.large else [])
    results = {
        "measured_at": datetime.now(UTC).strftime("%Y-%m-%d"),
        "machine": machine(),
        "sizes": [],
    }
    for items in sizes:
        print(f"bench: {items:,} items ...", flush=True)
        results["sizes"].append(bench_size(items, args.repeat))
        print(json.dumps(results["sizes"][-1], indent=2)[:2000], flush=True)
    write_report(results)
    print(f"wrote {DOCS / 'benchmarks.json'} and {DOCS / 'benchmarks.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
