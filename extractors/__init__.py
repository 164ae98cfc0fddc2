"""Plain-Python readers of the sources (SAP, CRM, event-log files) and the demo ERP; no Dagster."""
