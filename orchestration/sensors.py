"""Start a pipeline run when the source's export files are new or have changed.

The cursor holds each watched file's modification time and size; a run is requested when
any of them differs from the last evaluation (new, rewritten or grown files).
"""

import hashlib
import json

import dagster as dg

from extractors.sources import watched_files
from orchestration.jobs import PIPELINE_JOB
from orchestration.resources import ExtractionResource


def file_state(paths) -> dict[str, list[int]]:
    state = {}
    for path in paths:
        stat = path.stat()
        state[str(path)] = [stat.st_mtime_ns, stat.st_size]
    return state


@dg.sensor(
    name="export_files_sensor",
    job_name=PIPELINE_JOB,
    minimum_interval_seconds=60,
    description="Runs the pipeline when SAP/CRM export files (or the demo ERP) change.",
)
def export_files_sensor(context: dg.SensorEvaluationContext, extraction: ExtractionResource):
    state = file_state(watched_files(extraction.settings()))
    previous = json.loads(context.cursor) if context.cursor else {}
    changed = sorted(path for path, seen in state.items() if previous.get(path) != seen)
    if state != previous:
        context.update_cursor(json.dumps(state, sort_keys=True))
    if not changed:
        return dg.SkipReason("no new or changed export files")
    digest = hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()[:16]
    return dg.RunRequest(run_key=f"exports-{digest}", tags={"o2c/changed_files": str(len(changed))})
