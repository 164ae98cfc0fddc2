"""The job over the whole pipeline and its daily schedule.

The job selects every asset, so the dbt and mining assets that later modules add run in
the same job, after the raw tables they depend on.
"""

from __future__ import annotations

import os

import dagster as dg

PIPELINE_JOB = "o2c_pipeline"

o2c_pipeline = dg.define_asset_job(
    PIPELINE_JOB,
    selection=dg.AssetSelection.all(),
    description="Extract the sources, transform and mine: the whole O2C pipeline.",
)

# Turned on in Dagster's UI (or `dagster schedule start`); a schedule that starts itself
# would run against whatever source a fresh checkout happens to be configured for.
daily_schedule = dg.ScheduleDefinition(
    name="o2c_daily",
    job=o2c_pipeline,
    cron_schedule=os.environ.get("O2C_SCHEDULE_CRON", "0 5 * * *"),
    execution_timezone=os.environ.get("O2C_SCHEDULE_TIMEZONE", "UTC"),
    description="Run the whole pipeline once a day.",
)
