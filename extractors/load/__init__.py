"""Loading staged source rows into the DuckDB warehouse: checks, quarantine, merge, run log."""
