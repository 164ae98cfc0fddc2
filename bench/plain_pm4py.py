"""The mining work done the usual way with pm4py, for comparison: read the event log into
pandas, format it, directly-follows graph, variants, inductive miner, token-based replay,
and alignments against the same reference models. Prints seconds per step as JSON."""

from __future__ import annotations

import json
import os
import sys
import time

os.environ.setdefault("PM4PY_SHOW_PROGRESS_BAR", "false")

import pandas as pd
import pm4py

from mining.config import MiningConfig


def main(parquet: str) -> None:
    seconds, started = {}, time.perf_counter()

    def lap(name):
        nonlocal started
        seconds[name] = time.perf_counter() - started
        started = time.perf_counter()

    df = pd.read_parquet(parquet)
    df = pm4py.format_dataframe(
        df, case_id="case_id", activity_key="activity", timestamp_key="event_at"
    )
    lap("load_and_format")
    pm4py.discover_dfg(df)
    lap("dfg")
    pm4py.get_variants(df)
    lap("variants")
    tree = pm4py.discover_process_tree_inductive(
        df, noise_threshold=MiningConfig.load().noise_threshold
    )
    net, initial, final = pm4py.convert_to_petri_net(tree)
    lap("inductive_miner")
    pm4py.fitness_token_based_replay(df, net, initial, final)
    lap("token_replay")
    for model, path in MiningConfig.load().reference_models.items():
        cases = df[df["fulfilment_model"] == model]
        if len(cases):
            ref, ref_initial, ref_final = pm4py.read_pnml(str(path))
            pm4py.conformance_diagnostics_alignments(cases, ref, ref_initial, ref_final)
    lap("alignments")
    print(json.dumps(seconds))


if __name__ == "__main__":
    main(sys.argv[1])
