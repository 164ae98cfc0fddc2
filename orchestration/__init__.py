"""The Dagster project: definitions, resources, assets, schedules and the o2c command line."""
