"""Tests of the demo ERP simulator and its outputs."""
