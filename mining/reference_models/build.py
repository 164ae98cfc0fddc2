"""Writes the reference models of DESIGN.md section 7 as PNML files beside this module.

    python -m mining.reference_models.build

The nets count what is open: every goods issue (or service confirmation) may be invoiced,
every invoice must be released, every released invoice paid (or cancelled). That lets
split deliveries, re-invoicing after a cancellation and payments in any order fit, while an
invoice before any goods issue, a payment before its invoice or a missing step do not.
Users may replace the files with their own nets (same activity names, one file per
fulfilment model); silent transitions are labelled None.
"""

from __future__ import annotations

from pathlib import Path

from pm4py.objects.petri_net.exporter import exporter as pnml_exporter
from pm4py.objects.petri_net.obj import Marking, PetriNet
from pm4py.objects.petri_net.utils.petri_utils import add_arc_from_to

FOLDER = Path(__file__).parent
MODELS = ("make_to_stock", "make_to_order", "service", "subscription")


class _Net:
    def __init__(self, name: str):
        self.net = PetriNet(name)
        self.places: dict[str, PetriNet.Place] = {}
        self.count = 0

    def place(self, name: str) -> PetriNet.Place:
        if name not in self.places:
            self.places[name] = PetriNet.Place(name)
            self.net.places.add(self.places[name])
        return self.places[name]

    def t(self, label: str | None, inputs: list[str], outputs: list[str]) -> None:
        self.count += 1
        name = f"t{self.count:02d}_{(label or 'tau').replace(' ', '_')}"
        transition = PetriNet.Transition(name, label)
        self.net.transitions.add(transition)
        for p in inputs:
            add_arc_from_to(self.place(p), transition, self.net)
        for p in outputs:
            add_arc_from_to(transition, self.place(p), self.net)


def build(model: str) -> tuple[PetriNet, Marking, Marking]:
    n = _Net(f"o2c_{model}")
    # CRM pre-sales block, optional and before the order.
    n.t(None, ["source"], ["pre"])
    n.t("Create Opportunity", ["source"], ["crm"])
    n.t("Change Opportunity Stage", ["crm"], ["crm"])
    n.t("Create Quote", ["crm"], ["crm"])
    n.t("Accept Quote", ["crm"], ["crm_accepted"])
    n.t("Win Opportunity", ["crm_accepted"], ["pre"])
    n.t("Create Sales Order", ["pre"], ["order"])
    n.t("Create Sales Order Item", ["order"], ["item"])
    # Down payment (payment in advance) and make-to-order supply run side by side.
    n.t(None, ["item"], ["dp", "supply"])
    n.t(None, ["dp"], ["dp_done"])
    n.t("Create Down Payment Request", ["dp"], ["dp_requested"])
    n.t("Receive Down Payment", ["dp_requested"], ["dp_done"])
    if model == "make_to_order":
        n.t("Create Purchase Requisition", ["supply"], ["supply_ordered"])
        n.t("Create Production Order", ["supply"], ["supply_ordered"])
        n.t("Goods Receipt for Order", ["supply_ordered"], ["supply_done"])
    else:
        n.t(None, ["supply"], ["supply_done"])
    if model == "subscription":
        # Nothing to deliver: invoicing may start at once.
        n.t(None, ["dp_done", "supply_done"], ["active", "fulfilled"])
    else:
        n.t(None, ["dp_done", "supply_done"], ["active", "not_fulfilled"])
    if model in ("make_to_stock", "make_to_order"):
        n.t("Create Delivery", ["active"], ["active", "delivery"])
        n.t("Picking Completed", ["delivery"], ["picked"])
        for source in ("delivery", "picked"):
            n.t("Post Goods Issue", [source, "not_fulfilled"], ["fulfilled", "issued"])
            n.t("Post Goods Issue", [source, "fulfilled"], ["fulfilled", "issued"])
        n.t("Proof of Delivery", ["issued"], [])
        n.t(None, ["issued"], [])
    elif model == "service":
        n.t("Confirm Service", ["active", "not_fulfilled"], ["active", "fulfilled"])
        n.t("Confirm Service", ["active", "fulfilled"], ["active", "fulfilled"])
    # Billing and cash after the first goods issue or confirmation.
    n.t("Create Invoice", ["fulfilled"], ["fulfilled", "invoiced"])
    n.t("Release Invoice to Accounting", ["invoiced"], ["released"])
    n.t("Receive Payment", ["released"], [])
    n.t("Cancel Invoice", ["released"], [])
    if model != "subscription":
        n.t("Create Credit Memo", ["fulfilled"], ["fulfilled"])
    if model in ("make_to_stock", "make_to_order"):
        n.t("Create Return Order", ["fulfilled"], ["fulfilled"])
    n.t(None, ["active", "fulfilled"], ["sink"])
    initial = Marking({n.place("source"): 1})
    final = Marking({n.place("sink"): 1})
    return n.net, initial, final


def main() -> None:
    for model in MODELS:
        net, initial, final = build(model)
        pnml_exporter.apply(net, initial, str(FOLDER / f"{model}.pnml"), final_marking=final)
        print(f"wrote {FOLDER / f'{model}.pnml'}")


if __name__ == "__main__":
    main()
