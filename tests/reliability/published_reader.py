"""A BI user in a separate process: queries the published warehouse in a loop.

    python published_reader.py PUBLISHED STOP_FILE REPORT

Each round opens the file read-only, checks that it holds one complete run (the row
counts the extraction logged in meta.runs for the published batch, and the counts
meta.publication lists, equal the rows present), closes it, and goes again until
STOP_FILE exists. Writes {"reads", "runs", "errors"} as JSON to REPORT.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import duckdb


def read_once(path: Path) -> str:
    con = duckdb.connect(str(path), read_only=True)
    try:
        run_id, batch_id, table_rows = con.execute(
            "SELECT run_id, batch_id, table_rows FROM meta.publication"
        ).fetchall()[0]
        for table, rows in json.loads(table_rows).items():
            schema, name = table.split(".")
            found = con.execute(f'SELECT count(*) FROM "{schema}"."{name}"').fetchall()[0][0]
            if found != rows:
                raise AssertionError(f"{table}: {found} rows, publication says {rows}")
        logged = con.execute(
            "SELECT rows_per_table FROM meta.runs WHERE batch_id = ?", [batch_id]
        ).fetchall()[0][0]
        for table, figures in json.loads(logged).items():
            present_rows = f"SELECT count(*) FROM {table} WHERE NOT _is_deleted"
            present = con.execute(present_rows).fetchall()[0][0]
            if present != figures["rows"]:
                raise AssertionError(f"{table}: {present} rows, run {batch_id} loaded {figures}")
        return f"{run_id}/{batch_id}"
    finally:
        con.close()


def main(path: Path, stop: Path, report: Path) -> None:
    reads, runs, errors = 0, [], []
    while not stop.exists():
        try:
            seen = read_once(path)
            reads += 1
            if not runs or runs[-1] != seen:
                runs.append(seen)
        except Exception as error:  # every failure is a finding: report it, keep reading
            errors.append(f"{type(error).__name__}: {error}")
        time.sleep(0.01)
    report.write_text(json.dumps({"reads": reads, "runs": runs, "errors": errors[:20]}))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
