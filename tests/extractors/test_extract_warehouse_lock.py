"""A warehouse held by another process fails the run with a clear message, not a lock trace."""

import subprocess
import sys

import pytest
from tiny_sources import make_table

from extractors.extract import run_extraction
from extractors.load.warehouse import WarehouseBusyError

HOLD = (
    "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
    "print('ready', flush=True); time.sleep(60)"
)


def test_a_warehouse_open_in_another_process_is_reported_as_busy(write_source):
    settings = write_source("sqlite", {"VBAK": make_table("VBAK", "ecc", rows=1)}, flavour="ecc")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(settings.warehouse)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(WarehouseBusyError, match="open in another process"):
            run_extraction(settings, tables=["VBAK"])
    finally:
        holder.kill()
        holder.wait()
