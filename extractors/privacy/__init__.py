"""Pseudonymisation of personal data in the published warehouse (docs/reliability.md)."""
