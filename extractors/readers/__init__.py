"""Readers that stage one source table into DuckDB as text: SQL databases and export files."""
