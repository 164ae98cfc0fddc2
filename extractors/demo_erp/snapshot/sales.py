"""Sales and logistics tables as of the as-of time: orders, items, schedule lines,
business data, statuses, deliveries, document flow, make-to-order, service
confirmations and billing plans."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..clock import DAY
from ..lifecycle import Timeline
from ..lifecycle.keys import DELIVERY_BASE, RETURN_BASE, confirmation_number, num, posnr
from ..masters import SALES_ORGS
from .changes import last_change_day
from .common import NO_DATE, apply_changes, dats, dats_of_day, frame, tims, upto, when


class SalesSnapshot:
    def __init__(
        self,
        tl: Timeline,
        docs,
        pos,
        as_of: float,
        client: str,
        flavour: str,
        materials: pd.DataFrame,
    ):
        self.tl, self.docs, self.pos = tl, docs, pos
        self.as_of, self.client, self.flavour = as_of, client, flavour
        o, i = tl.orders, tl.items
        self.order_ok = upto(o["created_at"], as_of)
        self.item_ok = self.order_ok[i["order_pos"].to_numpy()]
        self.o = o[self.order_ok]
        self.i = i[self.item_ok]
        self.mat_text = materials.set_index("matnr")["text"]
        di = tl.delivery_items
        self.di = di[upto(di["cd_at"], as_of)]
        self.bukrs = self.o["vkorg"].map(SALES_ORGS.set_index("vkorg")["bukrs"]).to_numpy()

    def s4(self) -> bool:
        return self.flavour == "s4"

    def col(self, df, name):
        return df[name].to_numpy()

    # --- orders ----------------------------------------------------------------------
    def vbak(self) -> pd.DataFrame:
        o = self.o
        t0 = self.col(o, "created_at")
        order_docs = self.docs[self.docs["objectclas"] == "VERKBELEG"]
        aedat = last_change_day(order_docs, "order_pos", len(self.tl.orders))[o.index.to_numpy()]
        values = self._item_values()
        cur = np.where(
            self.col(o, "is_foreign_currency"),
            "USD",
            np.select([self.bukrs == "1000", self.bukrs == "2000"], ["EUR", "USD"], "GBP"),
        )
        cols = {
            "MANDT": self.client,
            "VBELN": self.col(o, "vbeln"),
            "ERDAT": dats(t0),
            "ERZET": tims(t0),
            "ERNAM": self.col(o, "creator"),
            "AUDAT": dats(t0),
            "VBTYP": "C",
            "AUART": self.col(o, "auart"),
            "VKORG": self.col(o, "vkorg"),
            "VTWEG": "10",
            "SPART": "00",
            "KUNNR": self.col(o, "kunnr"),
            "BUKRS_VF": self.bukrs,
            "NETWR": values.reindex(o.index, fill_value=0.0).to_numpy(),
            "WAERK": cur,
            "VDATU": dats_of_day(self.col(o, "vdatu_initial_day")),
            "BSTNK": np.where(
                self.col(o, "channel") == "crm", "OPP-" + num(self.col(o, "order_seq"), 8), ""
            ),
            "AEDAT": dats_of_day(aedat),
        }
        if self.s4():
            cols.update(self._header_status(o))
            cols["CMGST"] = np.where(np.isnan(self.col(o, "cb_set")), "A", "A")
        table = frame("VBAK", self.flavour, cols, len(o))
        table = apply_changes(table, "VBAK", self.pos, ["MANDT", "VBELN"])
        table["NETWR"] = values.reindex(o.index, fill_value=0.0).round(2).to_numpy()
        returns = self._return_orders()
        self.order_currency = dict(zip(table["VBELN"], table["WAERK"], strict=True))
        return pd.concat([table, returns], ignore_index=True)

    def _item_values(self) -> pd.Series:
        """Order net value: the items' net values, rejected items excluded."""
        vbap = self.vbap_orders()
        active = (vbap["ABGRU"] == "").to_numpy()
        per_order = pd.Series(
            np.where(active, vbap["NETWR"].to_numpy(), 0.0), index=self.i["order_pos"].to_numpy()
        )
        return per_order.groupby(level=0).sum()

    def _return_orders(self) -> pd.DataFrame:
        o = self.tl.orders
        sel = upto(o["return_at"], self.as_of)
        r = o[sel]
        at = self.col(r, "return_at")
        cols = {
            "MANDT": self.client,
            "VBELN": num(RETURN_BASE + self.col(r, "order_seq")),
            "ERDAT": dats(at),
            "ERZET": tims(at),
            "ERNAM": self.col(r, "return_user"),
            "AUDAT": dats(at),
            "VBTYP": "H",
            "AUART": "RE",
            "VKORG": self.col(r, "vkorg"),
            "VTWEG": "10",
            "SPART": "00",
            "KUNNR": self.col(r, "kunnr"),
            "BUKRS_VF": r["vkorg"].map(SALES_ORGS.set_index("vkorg")["bukrs"]).to_numpy(),
            "WAERK": np.where(self.col(r, "is_foreign_currency"), "USD", "EUR"),
            "VDATU": dats(at),
            "VGBEL": self.col(r, "vbeln"),
            "AEDAT": NO_DATE,
        }
        if self.s4():
            cols.update({"GBSTK": "A", "CMGST": "", "LFSTK": "A", "FKSTK": "A"})
        return frame("VBAK", self.flavour, cols, len(r))

    def vbap_orders(self) -> pd.DataFrame:
        if hasattr(self, "_vbap"):
            return self._vbap
        i, o = self.i, self.tl.orders
        order_pos = self.col(i, "order_pos")
        t0 = o["created_at"].to_numpy()[order_pos]
        q0, p0 = self.col(i, "qty_initial"), self.col(i, "price_initial")
        cur = np.where(o["is_foreign_currency"].to_numpy()[order_pos], "USD", "")
        cols = {
            "MANDT": self.client,
            "VBELN": o["vbeln"].to_numpy()[order_pos],
            "POSNR": posnr(self.col(i, "posnr")),
            "MATNR": self.col(i, "matnr"),
            "ARKTX": i["matnr"].map(self.mat_text).to_numpy(),
            "PSTYV": self.col(i, "pstyv"),
            "WERKS": self.col(i, "werks"),
            "KWMENG": q0,
            "VRKME": self.col(i, "unit"),
            "NETPR": p0,
            "NETWR": np.round(q0 * p0, 2),
            "WAERK": cur,
            "ABGRU": "",
            "ERDAT": dats(t0),
            "ERZET": tims(t0),
            "ERNAM": o["creator"].to_numpy()[order_pos],
            "AEDAT": dats_of_day(
                last_change_day(self.docs[self.docs["item"] >= 0], "item", len(self.tl.items))[
                    i.index.to_numpy()
                ]
            ),
        }
        table = frame("VBAP", self.flavour, cols, len(i))
        table = apply_changes(table, "VBAP", self.pos, ["MANDT", "VBELN", "POSNR"])
        self._vbap = table
        return table

    def vbap(self) -> pd.DataFrame:
        table = self.vbap_orders().copy()
        table["WAERK"] = np.where(
            table["WAERK"] == "", table["VBELN"].map(self.order_currency), table["WAERK"]
        )
        if self.s4():
            for name, value in self._item_status().items():
                table[name] = value
        o = self.tl.orders
        r = o[upto(o["return_at"], self.as_of)]
        items = self.tl.items
        ret_item = self.col(r, "return_item")
        at = self.col(r, "return_at")
        cols = {
            "MANDT": self.client,
            "VBELN": num(RETURN_BASE + self.col(r, "order_seq")),
            "POSNR": "000010",
            "MATNR": items["matnr"].to_numpy()[ret_item],
            "ARKTX": items["matnr"].map(self.mat_text).to_numpy()[ret_item],
            "PSTYV": "REN",
            "WERKS": items["werks"].to_numpy()[ret_item],
            "KWMENG": 1.0,
            "VRKME": items["unit"].to_numpy()[ret_item],
            "NETPR": items["price"].to_numpy()[ret_item],
            "NETWR": items["price"].to_numpy()[ret_item],
            "WAERK": np.where(self.col(r, "is_foreign_currency"), "USD", "EUR"),
            "VGBEL": self.col(r, "vbeln"),
            "VGPOS": posnr(items["posnr"].to_numpy()[ret_item]),
            "ERDAT": dats(at),
            "ERZET": tims(at),
            "ERNAM": self.col(r, "return_user"),
            "AEDAT": NO_DATE,
        }
        if self.s4():
            cols.update({"GBSTA": "A", "LFSTA": "A", "FKSTA": "A", "ABSTA": "A"})
        return pd.concat([table, frame("VBAP", self.flavour, cols, len(r))], ignore_index=True)

    # --- statuses --------------------------------------------------------------------
    def _item_progress(self) -> pd.DataFrame:
        """Per item (as of): ordered, delivered and invoiced quantities, rejection."""
        vbap = self.vbap_orders()
        idx = self.i.index.to_numpy()
        delivered = self.di.groupby("item")["qty"].sum().reindex(idx, fill_value=0.0)
        b = self.tl.billing
        billed_docs = b[(b["fkart"] == "F2") & upto(b["created_at"], self.as_of)]
        bl = self.tl.billing_items
        billed = (
            bl[bl["billing_no"].isin(billed_docs["billing_no"])]
            .groupby("item")["qty"]
            .sum()
            .reindex(idx, fill_value=0.0)
        )
        f = self.col(self.i, "fulfilment")
        return pd.DataFrame(
            {
                "ordered": vbap["KWMENG"].astype(float).to_numpy(),
                "rejected": (vbap["ABGRU"] != "").to_numpy(),
                "delivered": delivered.to_numpy(),
                "billed": billed.to_numpy(),
                "needs_delivery": np.isin(f, ("make_to_stock", "make_to_order")),
            },
            index=idx,
        )

    def _item_status(self) -> dict:
        p = self._item_progress()

        def abc(done, total, relevant):
            return np.where(
                ~relevant, "", np.where(done <= 0, "A", np.where(done >= total, "C", "B"))
            )

        lfsta = abc(p["delivered"], p["ordered"], p["needs_delivery"] & ~p["rejected"])
        fksta = abc(p["billed"], p["ordered"], ~p["rejected"])
        gbsta = np.where(p["rejected"], "C", fksta)
        return {
            "GBSTA": gbsta,
            "LFSTA": lfsta,
            "FKSTA": fksta,
            "ABSTA": np.where(p["rejected"], "C", "A"),
        }

    def _header_status(self, o) -> dict:
        st = pd.DataFrame(self._item_status(), index=self.i["order_pos"].to_numpy())

        def agg(col):
            values = st[col].groupby(level=0).agg(lambda s: _combine(s.to_numpy()))
            return values.reindex(o.index, fill_value="").to_numpy()

        return {"GBSTK": agg("GBSTA"), "LFSTK": agg("LFSTA"), "FKSTK": agg("FKSTA")}

    def vbuk(self) -> pd.DataFrame:
        o = self.o
        orders = frame(
            "VBUK",
            self.flavour,
            {
                "MANDT": self.client,
                "VBELN": self.col(o, "vbeln"),
                **self._header_status(o),
                "CMGST": "A",
            },
            len(o),
        )
        orders = apply_changes(orders, "VBUK", self.pos, ["MANDT", "VBELN"])
        d = self.di.drop_duplicates("delivery_no")
        dels = frame(
            "VBUK",
            self.flavour,
            {
                "MANDT": self.client,
                "VBELN": self.col(d, "delivery_no"),
                "KOSTK": np.where(np.isnan(self.col(d, "pick_at")), "", "A"),
                "WBSTK": np.where(upto(d["gi_at"], self.as_of), "C", "A"),
                "GBSTK": np.where(upto(d["gi_at"], self.as_of), "C", "A"),
            },
            len(d),
        )
        dels = apply_changes(dels, "VBUK", self.pos, ["MANDT", "VBELN"])
        return pd.concat([orders, dels], ignore_index=True)

    def vbup(self) -> pd.DataFrame:
        vbap = self.vbap_orders()
        items = frame(
            "VBUP",
            self.flavour,
            {
                "MANDT": self.client,
                "VBELN": vbap["VBELN"].to_numpy(),
                "POSNR": vbap["POSNR"].to_numpy(),
                **self._item_status(),
            },
            len(vbap),
        )
        d = self.di
        gi = upto(d["gi_at"], self.as_of)
        dels = frame(
            "VBUP",
            self.flavour,
            {
                "MANDT": self.client,
                "VBELN": self.col(d, "delivery_no"),
                "POSNR": posnr(self.tl.items["posnr"].to_numpy()[self.col(d, "item")]),
                "KOSTA": np.where(
                    np.isnan(self.col(d, "pick_at")),
                    "",
                    np.where(upto(d["pick_at"], self.as_of), "C", "A"),
                ),
                "WBSTA": np.where(gi, "C", "A"),
                "GBSTA": np.where(gi, "C", "A"),
            },
            len(d),
        )
        return pd.concat([items, dels], ignore_index=True)

    # --- schedule lines and business data ---------------------------------------------
    def vbep(self) -> pd.DataFrame:
        i = self.i
        vbap = self.vbap_orders()
        vbak = self.vbak_vdatu()
        order_pos = self.col(i, "order_pos")
        req_day = vbak[order_pos]
        qty = vbap["KWMENG"].astype(float).to_numpy()
        separate = self.col(i, "has_separate_confirmation")
        resched = upto(i["rescheduled_at"], self.as_of)
        conf_day = np.where(
            resched, self.col(i, "confirmed_gi_day"), self.col(i, "confirmed_gi_day_initial")
        )
        bmeng_initial = np.where(
            upto(i["bmeng_changed_at"], self.as_of), qty, self.col(i, "bmeng_initial")
        )
        first = frame(
            "VBEP",
            self.flavour,
            {
                "MANDT": self.client,
                "VBELN": vbap["VBELN"].to_numpy(),
                "POSNR": vbap["POSNR"].to_numpy(),
                "ETENR": "0001",
                "ETTYP": "CP",
                "EDATU": dats_of_day(req_day),
                "WADAT": dats_of_day(req_day - 2),
                "WMENG": qty,
                "BMENG": np.where(separate, 0.0, bmeng_initial),
                "VRKME": self.col(i, "unit"),
            },
            len(i),
        )
        sel = separate
        second = frame(
            "VBEP",
            self.flavour,
            {
                "MANDT": self.client,
                "VBELN": vbap["VBELN"].to_numpy()[sel],
                "POSNR": vbap["POSNR"].to_numpy()[sel],
                "ETENR": np.where(resched[sel], "0003", "0002"),
                "ETTYP": "CP",
                "EDATU": dats_of_day(conf_day[sel] + 2),
                "WADAT": dats_of_day(conf_day[sel]),
                "WMENG": 0.0,
                "BMENG": bmeng_initial[sel],
                "VRKME": self.col(i, "unit")[sel],
            },
            int(sel.sum()),
        )
        return pd.concat([first, second], ignore_index=True)

    def vbak_vdatu(self) -> np.ndarray:
        """Requested delivery day per order position, as of the as-of time."""
        o = self.tl.orders
        changed = upto(o["vdatu_changed_at"], self.as_of)
        return np.where(changed, o["requested_delivery_day"], o["vdatu_initial_day"])

    def vbkd(self) -> pd.DataFrame:
        o = self.o
        terms_changed = ~np.isnan(self.col(o, "terms_changed_at"))
        table = frame(
            "VBKD",
            self.flavour,
            {
                "MANDT": self.client,
                "VBELN": self.col(o, "vbeln"),
                "POSNR": "000000",
                "ZTERM": np.where(
                    terms_changed, self.col(o, "terms_before_change"), self.col(o, "initial_terms")
                ),
                "PRSDT": dats(self.col(o, "created_at")),
                "BSTKD": "PO-" + num(self.col(o, "order_seq"), 7),
                "INCO1": np.where(self.col(o, "vkorg") == "2000", "FOB", "DAP"),
            },
            len(o),
        )
        return apply_changes(table, "VBKD", self.pos, ["MANDT", "VBELN", "POSNR"])

    # --- deliveries ------------------------------------------------------------------
    def likp(self) -> pd.DataFrame:
        d = self.di.drop_duplicates("delivery_no")
        o = self.tl.orders
        op = self.col(d, "order_pos")
        cd = self.col(d, "cd_at")
        gi = when(d["gi_at"], self.as_of)
        pod = when(d["pod_at"], self.as_of)
        aedat = np.fmax(np.floor(gi / DAY), np.floor(pod / DAY))
        docs = self.docs[self.docs["objectclas"] == "LIEFERUNG"]
        changed = docs.groupby("objectid")["at"].max()
        aedat = np.fmax(aedat, np.floor(d["delivery_no"].map(changed).to_numpy(float) / DAY))
        cols = {
            "MANDT": self.client,
            "VBELN": self.col(d, "delivery_no"),
            "ERDAT": dats(cd),
            "ERZET": tims(cd),
            "ERNAM": self.col(d, "cd_user"),
            "LFART": "LF",
            "VSTEL": self.tl.items["werks"].to_numpy()[self.col(d, "item")],
            "VKORG": o["vkorg"].to_numpy()[op],
            "KUNNR": o["kunnr"].to_numpy()[op],
            "LFDAT": dats_of_day(self.col(d, "lfdat_initial_day")),
            "WADAT": dats_of_day(self.col(d, "planned_day") - 2),
            "WADAT_IST": dats(gi),
            "PODAT": dats(pod),
            "POTIM": np.where(np.isnan(pod), "000000", tims(pod)),
            "AEDAT": dats_of_day(aedat),
        }
        if self.s4():
            cols.update(
                {
                    "KOSTK": np.where(np.isnan(self.col(d, "pick_at")), "", "A"),
                    "WBSTK": np.where(np.isnan(gi), "A", "C"),
                    "PDSTK": np.where(
                        np.isnan(self.col(d, "pod_at")), "", np.where(np.isnan(pod), "A", "C")
                    ),
                }
            )
        table = frame("LIKP", self.flavour, cols, len(d))
        return apply_changes(table, "LIKP", self.pos, ["MANDT", "VBELN"])

    def lips(self) -> pd.DataFrame:
        d = self.di
        items = self.tl.items
        it = self.col(d, "item")
        cd = self.col(d, "cd_at")
        gi = upto(d["gi_at"], self.as_of)
        cols = {
            "MANDT": self.client,
            "VBELN": self.col(d, "delivery_no"),
            "POSNR": posnr(items["posnr"].to_numpy()[it]),
            "MATNR": items["matnr"].to_numpy()[it],
            "WERKS": items["werks"].to_numpy()[it],
            "LFIMG": self.col(d, "lfimg_initial"),
            "VRKME": items["unit"].to_numpy()[it],
            "VGBEL": self.tl.orders["vbeln"].to_numpy()[self.col(d, "order_pos")],
            "VGPOS": posnr(items["posnr"].to_numpy()[it]),
            "PSTYV": "TAN",
            "ERDAT": dats(cd),
            "ERZET": tims(cd),
            "AEDAT": dats(np.where(gi, self.col(d, "gi_at"), np.nan)),
        }
        if self.s4():
            cols.update(
                {
                    "KOSTA": np.where(
                        np.isnan(self.col(d, "pick_at")),
                        "",
                        np.where(upto(d["pick_at"], self.as_of), "C", "A"),
                    ),
                    "WBSTA": np.where(gi, "C", "A"),
                }
            )
        table = frame("LIPS", self.flavour, cols, len(d))
        return apply_changes(table, "LIPS", self.pos, ["MANDT", "VBELN", "POSNR"])

    def goods_issue_documents(self) -> tuple[np.ndarray, np.ndarray]:
        """Per delivery item: the goods-issue material document and its line number."""
        number = self.col(self.di, "delivery_no").astype(np.int64) - DELIVERY_BASE
        posnr_of = self.tl.items["posnr"].to_numpy()[self.col(self.di, "item")]
        order = pd.DataFrame({"d": self.col(self.di, "delivery_no"), "p": posnr_of})
        line = order.sort_values(["d", "p"]).groupby("d").cumcount().reindex(order.index) + 1
        return num(4_900_000_000 + number), line.to_numpy()

    # --- make-to-order, services, subscriptions ---------------------------------------
    def eban(self) -> pd.DataFrame:
        i = self.i[
            (self.i["mto_doc_kind"] == "requisition").to_numpy()
            & upto(self.i["mto_doc_at"], self.as_of)
        ]
        return frame(
            "EBAN",
            self.flavour,
            {
                "MANDT": self.client,
                "BANFN": self._mto_number(i, 1_000_000_000),
                "BNFPO": "00010",
                "BSART": "NB",
                "MATNR": self.col(i, "matnr"),
                "WERKS": self.col(i, "werks"),
                "MENGE": self.col(i, "qty"),
                "BADAT": dats(self.col(i, "mto_doc_at")),
                "ERNAM": "BATCH_MM",
                "VBELN": self._order_no(i),
                "VBELP": posnr(self.col(i, "posnr")),
            },
            len(i),
        )

    def afpo(self) -> pd.DataFrame:
        i = self.i[
            (self.i["mto_doc_kind"] == "production_order").to_numpy()
            & upto(self.i["mto_doc_at"], self.as_of)
        ]
        at = self.col(i, "mto_doc_at")
        return frame(
            "AFPO",
            self.flavour,
            {
                "MANDT": self.client,
                "AUFNR": num(self._mto_int(i) + 1_000_000, 12),
                "POSNR": "0001",
                "MATNR": self.col(i, "matnr"),
                "PWERK": self.col(i, "werks"),
                "PSMNG": self.col(i, "qty"),
                "KDAUF": self._order_no(i),
                "KDPOS": posnr(self.col(i, "posnr")),
                "ERDAT": dats(at),
                "ERZET": tims(at),
                "ERNAM": "BATCH_MM",
            },
            len(i),
        )

    def mseg(self) -> pd.DataFrame:
        """Goods receipts into sales-order stock (101) and goods issues for deliveries (601)."""
        return pd.concat([self._goods_receipts(), self._goods_issues()], ignore_index=True)

    def _goods_receipts(self) -> pd.DataFrame:
        i = self.i[upto(self.i["gr_at"], self.as_of)]
        at = self.col(i, "gr_at")
        return self._material_documents(
            self._mto_number(i, 5_000_000_000),
            np.ones(len(i), dtype=int),
            "101",
            at,
            self.col(i, "gr_user"),
            self.col(i, "matnr"),
            self.col(i, "werks"),
            self.col(i, "qty"),
            np.full(len(i), True),
            self._order_no(i),
            posnr(self.col(i, "posnr")),
        )

    def _goods_issues(self) -> pd.DataFrame:
        docs, lines = self.goods_issue_documents()
        gi = upto(self.di["gi_at"], self.as_of)
        d = self.di[gi]
        items = self.tl.items
        it = self.col(d, "item")
        mto = items["fulfilment"].to_numpy()[it] == "make_to_order"
        return self._material_documents(
            docs[gi],
            lines[gi],
            "601",
            self.col(d, "gi_at"),
            self.col(d, "gi_user"),
            items["matnr"].to_numpy()[it],
            items["werks"].to_numpy()[it],
            self.col(d, "qty"),
            mto,
            self.tl.orders["vbeln"].to_numpy()[self.col(d, "order_pos")],
            posnr(items["posnr"].to_numpy()[it]),
        )

    def _material_documents(
        self, mblnr, line, bwart, at, user, matnr, werks, qty, sales_order_stock, order, item
    ) -> pd.DataFrame:
        day = dats(at)
        return frame(
            "MSEG",
            self.flavour,
            {
                "MANDT": self.client,
                "MBLNR": mblnr,
                "MJAHR": day.astype("U8").astype("U4").astype(object),
                "ZEILE": num(line, 4),
                "BWART": bwart,
                "MATNR": matnr,
                "WERKS": werks,
                "MENGE": qty,
                "SOBKZ": np.where(sales_order_stock, "E", ""),
                "KDAUF": np.where(sales_order_stock, order, ""),
                "KDPOS": np.where(sales_order_stock, item, ""),
                "BUDAT_MKPF": day,
                "CPUDT_MKPF": day,
                "CPUTM_MKPF": tims(at),
                "USNAM_MKPF": user,
            },
            len(mblnr),
        )

    def _mto_int(self, i) -> np.ndarray:
        seq = self.tl.orders["order_seq"].to_numpy()[self.col(i, "order_pos")]
        return seq * 16 + self.col(i, "posnr") // 10

    def _mto_number(self, i, base: int) -> np.ndarray:
        return num(base + self._mto_int(i))

    def _order_no(self, i) -> np.ndarray:
        return self.tl.orders["vbeln"].to_numpy()[self.col(i, "order_pos")]

    def srvconf(self) -> pd.DataFrame:
        c = self.tl.confirmations
        c = c[upto(c["at"], self.as_of)]
        items = self.tl.items
        it = self.col(c, "item")
        seq = self.tl.orders["order_seq"].to_numpy()[self.col(c, "order_pos")]
        at = self.col(c, "at")
        return frame(
            "ZSD_SRVCONF",
            self.flavour,
            {
                "MANDT": self.client,
                "CONFNR": confirmation_number(
                    seq, items["posnr"].to_numpy()[it], self.col(c, "round")
                ),
                "VBELN": self.tl.orders["vbeln"].to_numpy()[self.col(c, "order_pos")],
                "POSNR": posnr(items["posnr"].to_numpy()[it]),
                "MENGE": self.col(c, "qty"),
                "MEINS": items["unit"].to_numpy()[it],
                "ERDAT": dats(at),
                "ERZET": tims(at),
                "ERNAM": self.col(c, "user"),
            },
            len(c),
        )

    def fpla_fplt(self, billing: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        o = self.o[(self.o["fulfilment"] == "subscription").to_numpy()]
        seq = self.col(o, "order_seq")
        start = self.col(o, "requested_delivery_day").astype(np.int64).astype("datetime64[D]")
        end = (start.astype("datetime64[M]") + self.col(o, "term_months").astype(int)).astype(
            "datetime64[D]"
        ) + (start - start.astype("datetime64[M]").astype("datetime64[D]"))
        fpla = frame(
            "FPLA",
            self.flavour,
            {
                "MANDT": self.client,
                "FPLNR": num(2_000_000_000 + seq),
                "FPART": "02",
                "VBELN": self.col(o, "vbeln"),
                "BEDAT": dats_of_day(start.astype(np.int64)),
                "ENDAT": dats_of_day(end.astype(np.int64)),
            },
            len(o),
        )
        plan = self.tl.billing_plan
        plan = plan[np.isin(plan["order_pos"].to_numpy(), o.index.to_numpy())]
        op = self.col(plan, "order_pos")
        items = self.tl.items
        first_item = items.reset_index().drop_duplicates("order_pos").set_index("order_pos")
        amount = (first_item["qty"] * first_item["price"]).reindex(op).to_numpy()
        billed = billing[
            (billing["period"] >= 0)
            & (billing["slot"] < 21)
            & upto(billing["created_at"], self.as_of)
        ]
        billed_keys = set(zip(billed["order_pos"], billed["period"], strict=True))
        done = np.array(
            [(a, b) in billed_keys for a, b in zip(op, plan["period"], strict=True)], dtype=bool
        )
        fplt = frame(
            "FPLT",
            self.flavour,
            {
                "MANDT": self.client,
                "FPLNR": num(2_000_000_000 + self.tl.orders["order_seq"].to_numpy()[op]),
                "FPLTR": num(plan["period"].to_numpy() + 1, 6),
                "AFDAT": dats_of_day(self.col(plan, "bill_day")),
                "FKDAT": dats_of_day(self.col(plan, "bill_day")),
                "FAKWR": np.round(amount, 2),
                "FKSAF": np.where(done, "C", "A"),
            },
            len(plan),
        )
        return fpla, fplt


def _combine(values: np.ndarray) -> str:
    """Header status from item statuses (irrelevant items ignored)."""
    v = values[values != ""]
    if len(v) == 0:
        return ""
    if (v == "C").all():
        return "C"
    if (v == "A").all():
        return "A"
    return "B"
