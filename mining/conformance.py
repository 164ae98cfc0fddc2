"""Conformance of every case against its fulfilment model's reference net.

Traces of process activities (mining/traces.py) are grouped into variants in DuckDB; pm4py
aligns each distinct variant once and the result is fanned out to its cases in SQL. Cases that are
still open (or ended by a rejection) are aligned against the prefix closure of the net:
what happened so far must fit, what is still to come is not missing.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass

import duckdb
import pandas as pd

os.environ.setdefault("PM4PY_SHOW_PROGRESS_BAR", "false")

from pm4py.algo.conformance.alignments.petri_net import algorithm as alignments
from pm4py.objects.log.obj import Event, Trace
from pm4py.objects.petri_net.importer import importer as pnml_importer
from pm4py.objects.petri_net.obj import Marking, PetriNet
from pm4py.objects.petri_net.utils.petri_utils import add_arc_from_to

from .config import MiningConfig
from .traces import build_traces

SKIP = ">>"


@dataclass(frozen=True)
class ReferenceNet:
    net: PetriNet
    initial: Marking
    final: Marking


def load_reference_nets(config: MiningConfig) -> dict[str, ReferenceNet]:
    nets = {}
    for model, path in config.reference_models.items():
        net, initial, final = pnml_importer.apply(str(path))
        nets[model] = ReferenceNet(net, initial, final)
    return nets


def prefix_closure(ref: ReferenceNet) -> ReferenceNet:
    """The same net where the case may stop anywhere: every place can be drained by a
    silent transition and the final marking is empty."""
    net = PetriNet(ref.net.name + "_prefix")
    places = {p: PetriNet.Place(p.name) for p in ref.net.places}
    net.places.update(places.values())
    for t in ref.net.transitions:
        copy = PetriNet.Transition(t.name, t.label)
        net.transitions.add(copy)
        for arc in t.in_arcs:
            add_arc_from_to(places[arc.source], copy, net)
        for arc in t.out_arcs:
            add_arc_from_to(copy, places[arc.target], net)
    for original, place in places.items():
        drain = PetriNet.Transition(f"drain_{original.name}", None)
        net.transitions.add(drain)
        add_arc_from_to(place, drain, net)
    initial = Marking({places[p]: n for p, n in ref.initial.items()})
    return ReferenceNet(net, initial, Marking())


# pm4py's standard costs (10000 per move, 1 per silent step), except that a log move costs
# a little more than a model move: when a trace can be explained equally well by extra
# steps or by a step done early and repeated later, the second (out of order) wins, so the
# findings do not depend on the search order. Costs reported below are standard costs.
# A delivery cannot be skipped in SAP (a goods issue needs one): inventing one in the model
# costs more, so a goods issue posted late is not explained as a second, unseen delivery.
MOVE_COST = 10_000
LOG_MOVE_COST = MOVE_COST + 100  # more than any difference in silent steps
TAU_COST = 1
MODEL_MOVE_COST = {"Create Delivery": 3 * MOVE_COST}
# What is left are ties between alignments of equal cost. They are decided by the costs,
# not by the order a search happens to visit states in (which differs between pm4py's
# searches, and with it the findings): a model move of an activity the trace has costs a
# little less (a payment made before its invoice is the payment out of order, not an extra
# payment plus a missing cancellation), and a log move a little less the earlier it is in
# the trace (an invoice before its goods issue is the invoice out of order, not the goods
# issue). Together these refinements stay below one silent step.
PRESENT_ACTIVITY_DISCOUNT = 0.1
LOG_POSITION_SPREAD = 0.1
# With the ties settled by the costs, pm4py's Dijkstra on the synchronous product finds
# the same alignments as its state-equation A* (every variant of the 10k and 100k demo
# logs), about six times faster: the A* solves a linear program in every state.
ALGORITHM = alignments.Variants.VERSION_DIJKSTRA_LESS_MEMORY


def _costs(ref: ReferenceNet, trace: list[str]) -> dict:
    present = set(trace)
    model = {
        t: TAU_COST
        if t.label is None
        else MODEL_MOVE_COST.get(t.label, MOVE_COST)
        - (PRESENT_ACTIVITY_DISCOUNT if t.label in present else 0)
        for t in ref.net.transitions
    }
    sync = {t: 0 for t in ref.net.transitions if t.label is not None}
    length = max(len(trace), 1)
    return {
        alignments.Parameters.PARAM_TRACE_COST_FUNCTION: [
            LOG_MOVE_COST + LOG_POSITION_SPREAD * i / length for i in range(len(trace))
        ],
        alignments.Parameters.PARAM_MODEL_COST_FUNCTION: model,
        alignments.Parameters.PARAM_SYNC_COST_FUNCTION: sync,
        # pm4py's own fitness needs a second alignment (of the empty trace) per call; the
        # fitness here is computed from the moves (align_variant).
        alignments.Parameters.ENABLE_BEST_WORST_COST: False,
    }


def _moves(trace: list[str], ref: ReferenceNet) -> tuple[list[str], list[str]]:
    t = Trace([Event({"concept:name": a}) for a in trace])
    result = alignments.apply_trace(
        t, ref.net, ref.initial, ref.final, parameters=_costs(ref, trace), variant=ALGORITHM
    )
    log_moves, model_moves = [], []
    for log_label, model_label in result["alignment"]:
        if log_label != SKIP and model_label == SKIP:
            log_moves.append(log_label)
        elif log_label == SKIP and model_label not in (SKIP, None):
            model_moves.append(model_label)
    return log_moves, model_moves


def shortest_run(ref: ReferenceNet) -> int:
    """Visible steps of the cheapest complete run of the net (the empty trace's cost)."""
    return len(_moves([], ref)[1])


def align_variant(trace: list[str], ref: ReferenceNet, shortest: int) -> dict:
    """Alignment of one trace: cost (non-synchronous visible moves), fitness in [0, 1]
    (1 - cost / cost of the worst alignment: every event a log move plus the shortest
    run as model moves), and the deviations (activity, kind) it shows."""
    log_moves, model_moves = _moves(trace, ref)
    moved = set(log_moves) & set(model_moves)
    deviations = sorted(
        {(a, "out_of_order") for a in moved}
        | {(a, "extra") for a in log_moves if a not in moved}
        | {(a, "skipped") for a in model_moves if a not in moved}
    )
    cost = len(log_moves) + len(model_moves)
    worst = len(trace) + shortest
    return {
        "cost": cost,
        "fitness": 1.0 - cost / worst if worst else 1.0,
        "deviations": deviations,
    }


def check_conformance(con: duckdb.DuckDBPyConnection, config: MiningConfig) -> dict:
    """Writes mining.variant_conformance, mining.case_conformance and mining.deviations."""
    nets = load_reference_nets(config)
    prefix_nets = {model: prefix_closure(ref) for model, ref in nets.items()}
    shortest = {(model, True): shortest_run(ref) for model, ref in nets.items()}
    shortest.update({(model, False): 0 for model in nets})
    traces = build_traces(con)
    variants = con.execute(f"""
        select variant_id, any_value(fulfilment_model), any_value(is_complete),
               any_value(trace), count(*)
        from {traces} group by variant_id order by variant_id
    """).fetchall()
    model_hash = {
        model: hashlib.md5(path.read_bytes()).hexdigest()
        for model, path in config.reference_models.items()
    }
    cached = _cached_alignments(con)
    for _, model, _, _, _ in variants:
        if model not in nets:
            raise ValueError(f"no reference model for fulfilment model {model!r}")
    # A variant aligned before against the same model file keeps its result: a daily run
    # aligns only the variants it has not seen.
    todo = [
        (variant_id, model, complete, tuple(trace))
        for variant_id, model, complete, trace, _ in variants
        if (variant_id, model_hash[model]) not in cached
    ]
    nets_by_kind = {(m, True): nets[m] for m in nets} | {(m, False): prefix_nets[m] for m in nets}
    aligned = _align_all(todo, nets_by_kind, shortest)
    fresh = [
        (variant_id, model_hash[model], r["cost"], r["fitness"], json.dumps(r["deviations"]))
        for (variant_id, model, _, _), r in zip(todo, aligned, strict=True)
    ]
    results = {(v, model_hash[m]): r for (v, m, _, _), r in zip(todo, aligned, strict=True)}
    rows, deviation_rows = [], []
    for variant_id, model, complete, _, cases in variants:
        key = (variant_id, model_hash[model])
        result = results.get(key) or cached[key]
        rows.append((variant_id, model, complete, result["cost"], result["fitness"], cases))
        deviation_rows += [(variant_id, a, kind) for a, kind in result["deviations"]]
    _cache_alignments(con, fresh)
    variant_frame = pd.DataFrame(
        rows,
        columns=["variant_id", "fulfilment_model", "is_complete", "cost", "fitness", "cases"],
    )
    deviation_frame = pd.DataFrame(deviation_rows, columns=["variant_id", "activity", "kind"])
    con.execute("create schema if not exists mining")
    con.register("variant_results", variant_frame)
    con.register("variant_deviations", deviation_frame)
    con.execute("""
        create or replace table mining.variant_conformance as
        select * from variant_results order by variant_id
    """)
    con.execute(f"""
        create or replace table mining.case_conformance as
        select t.case_id, t.fulfilment_model, v.fitness, v.cost = 0 as is_fit, v.cost,
               t.is_complete, t.variant_id
        from {traces} as t
        join mining.variant_conformance as v using (variant_id)
        order by t.case_id
    """)
    con.execute(f"""
        create or replace table mining.deviations as
        select t.case_id, d.activity, d.kind, t.fulfilment_model
        from {traces} as t
        join variant_deviations as d using (variant_id)
        order by t.case_id, d.activity, d.kind
    """)
    con.unregister("variant_results")
    con.unregister("variant_deviations")
    cases = con.execute(
        "select count(*), count(*) filter (where is_fit) from mining.case_conformance"
    ).fetchone()
    return {
        "variants": len(variant_frame),
        "variants_aligned": len(fresh),
        "cases": cases[0],
        "fitting_cases": cases[1],
    }


CACHE_TABLE = "mining.alignment_cache"


def _align_all(todo: list[tuple], nets: dict, shortest: dict) -> list[dict]:
    """Aligns the variants one after the other. (About a millisecond each: at 1M items,
    16k variants in about 20 s. Worker processes saved little and either doubled the
    memory (forked) or needed every calling script to guard its main code (spawned).)"""
    return [
        align_variant(list(trace), nets[(model, complete)], shortest[(model, complete)])
        for _, model, complete, trace in todo
    ]


def _cached_alignments(con: duckdb.DuckDBPyConnection) -> dict:
    con.execute("create schema if not exists mining")
    con.execute(f"""
        create table if not exists {CACHE_TABLE} (
            variant_id varchar, model_hash varchar, cost integer, fitness double,
            deviations varchar, primary key (variant_id, model_hash))
    """)
    rows = con.execute(f"select * from {CACHE_TABLE}").fetchall()
    return {
        (variant_id, model_hash): {
            "cost": cost,
            "fitness": fitness,
            "deviations": [tuple(d) for d in json.loads(deviations)],
        }
        for variant_id, model_hash, cost, fitness, deviations in rows
    }


def _cache_alignments(con: duckdb.DuckDBPyConnection, rows: list[tuple]) -> None:
    if not rows:
        return
    # One insert from a frame: row-by-row inserts took 27 s for 16k variants.
    frame = pd.DataFrame(
        rows, columns=["variant_id", "model_hash", "cost", "fitness", "deviations"]
    )
    con.register("fresh_alignments", frame)
    con.execute(f"insert or ignore into {CACHE_TABLE} select * from fresh_alignments")
    con.unregister("fresh_alignments")
