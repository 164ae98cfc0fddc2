"""Billing, accounting, open and cleared items, dunning and document flow as of the
as-of time."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..clock import DAY
from ..lifecycle import Timeline
from ..lifecycle.keys import RETURN_BASE, num, posnr
from ..masters import PAYMENT_TERMS
from .common import apply_changes, dats, dats_of_day, frame, position_numbers, tims, upto, when

VBTYP = {"F2": "M", "S1": "N", "G2": "O", "FAZ": "M"}


def is_delivery(numbers) -> np.ndarray:
    numbers = np.asarray(numbers, dtype=object).astype(str)
    return np.char.startswith(numbers, "008")


def is_confirmation(numbers) -> np.ndarray:
    numbers = np.asarray(numbers, dtype=object).astype(str)
    return np.char.startswith(numbers, "7")


class FinanceSnapshot:
    def __init__(self, tl: Timeline, pos, as_of: float, client: str, flavour: str):
        self.tl, self.pos, self.as_of = tl, pos, as_of
        self.client, self.flavour = client, flavour
        b = tl.billing
        self.b = b[upto(b["created_at"], as_of)].reset_index(drop=True)
        bl = tl.billing_items
        self.bl = bl[bl["billing_no"].isin(self.b["billing_no"])].reset_index(drop=True)

    def col(self, df, name):
        return df[name].to_numpy()

    def vbrk(self) -> pd.DataFrame:
        b = self.b
        o = self.tl.orders
        op = self.col(b, "order_pos")
        at = self.col(b, "created_at")
        released = when(b["released_at"], self.as_of)
        cancelled = b["cancelled_by"].map(self.tl.billing.set_index("billing_no")["created_at"])
        cancelled = when(cancelled.to_numpy(float), self.as_of)
        aedat = np.fmax(
            np.where(
                np.floor(released / DAY) > np.floor(at / DAY), np.floor(released / DAY), np.nan
            ),
            np.floor(cancelled / DAY),
        )
        return frame(
            "VBRK",
            self.flavour,
            {
                "MANDT": self.client,
                "VBELN": self.col(b, "billing_no"),
                "FKART": self.col(b, "fkart"),
                "VBTYP": b["fkart"].map(VBTYP).to_numpy(),
                "FKDAT": dats(at),
                "ERDAT": dats(at),
                "ERZET": tims(at),
                "ERNAM": self.col(b, "user"),
                "KUNRG": o["kunnr"].to_numpy()[op],
                "BUKRS": self.col(b, "bukrs"),
                "VKORG": o["vkorg"].to_numpy()[op],
                "NETWR": self.col(b, "amount"),
                "WAERK": self.col(b, "currency"),
                "KURRF": self.col(b, "kurrf"),
                "ZTERM": self.col(b, "terms"),
                "SFAKN": self.col(b, "cancels"),
                "FKSTO": np.where(np.isnan(cancelled), "", "X"),
                "RFBSK": np.where(np.isnan(released), "A", "C"),
                "AEDAT": dats_of_day(aedat),
            },
            len(b),
        )

    def vbrp(self) -> pd.DataFrame:
        bl = self.bl
        items = self.tl.items
        o = self.tl.orders
        it = self.col(bl, "item")
        head = self.b.set_index("billing_no")
        slot = bl["billing_no"].map(head["slot"]).to_numpy()
        op = items["order_pos"].to_numpy()[it]
        is_return = slot == 7
        order_no = np.where(
            is_return, num(RETURN_BASE + o["order_seq"].to_numpy()[op]), o["vbeln"].to_numpy()[op]
        )
        item_no = np.where(is_return, "000010", posnr(items["posnr"].to_numpy()[it]))
        at = bl["billing_no"].map(head["created_at"]).to_numpy()
        ref = self.col(bl, "ref_doc")
        return frame(
            "VBRP",
            self.flavour,
            {
                "MANDT": self.client,
                "VBELN": self.col(bl, "billing_no"),
                "POSNR": position_numbers(bl["billing_no"]),
                "FKIMG": self.col(bl, "qty"),
                "VRKME": items["unit"].to_numpy()[it],
                "NETWR": self.col(bl, "amount"),
                "MATNR": items["matnr"].to_numpy()[it],
                "AUBEL": order_no,
                "AUPOS": item_no,
                "VGBEL": np.where(ref != "", ref, order_no),
                # A confirmation has no positions: the reference is the document itself.
                "VGPOS": np.where(is_confirmation(ref), "000000", item_no),
                "ERDAT": dats(at),
                "ERZET": tims(at),
            },
            len(bl),
        )

    # --- accounting documents ----------------------------------------------------------
    def accounting(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """BKPF and BSEG of billing postings, payments, down payments and clearings."""
        heads, lines = [], []
        self._billing_postings(heads, lines)
        self._payments(heads, lines)
        bkpf = pd.concat(heads, ignore_index=True)
        bseg = pd.concat(lines, ignore_index=True)
        bseg = apply_changes(bseg, "BSEG", self.pos, ["MANDT", "BUKRS", "BELNR", "GJAHR", "BUZEI"])
        return bkpf, bseg

    def _bkpf(self, bukrs, belnr, t, post_day, blart, user, tcode, awtyp, awkey, waers, xblnr):
        n = len(belnr)
        return frame(
            "BKPF",
            self.flavour,
            {
                "MANDT": self.client,
                "BUKRS": bukrs,
                "BELNR": belnr,
                "GJAHR": dats(t).astype("U8").astype("U4").astype(object),
                "BLART": blart,
                "BLDAT": dats_of_day(post_day),
                "BUDAT": dats_of_day(post_day),
                "CPUDT": dats(t),
                "CPUTM": tims(t),
                "USNAM": user,
                "TCODE": tcode,
                "AWTYP": awtyp,
                "AWKEY": awkey,
                "WAERS": waers,
                "XBLNR": xblnr,
                "AEDAT": "00000000",
            },
            n,
        )

    def _billing_postings(self, heads, lines) -> None:
        b = self.b[upto(self.b["released_at"], self.as_of)]
        o = self.tl.orders
        at = self.col(b, "released_at")
        heads.append(
            self._bkpf(
                self.col(b, "bukrs"),
                self.col(b, "belnr"),
                at,
                self.col(b, "fkdat_day"),
                "RV",
                self.col(b, "release_user"),
                "VF01",
                "VBRK",
                self.col(b, "billing_no"),
                self.col(b, "currency"),
                self.col(b, "billing_no"),
            )
        )
        credit = b["fkart"].isin(["S1", "G2"]).to_numpy()
        terms = self.col(b, "terms")
        clear_day, clear_at, clear_doc = self._clearing_of_billing(b)
        gjahr = dats(at).astype("U8").astype("U4").astype(object)
        common = {
            "MANDT": self.client,
            "BUKRS": self.col(b, "bukrs"),
            "BELNR": self.col(b, "belnr"),
            "GJAHR": gjahr,
        }
        dunning = self._dunning_level(b)
        customer = frame(
            "BSEG",
            self.flavour,
            {
                **common,
                "BUZEI": "001",
                "KOART": "D",
                "KUNNR": o["kunnr"].to_numpy()[self.col(b, "order_pos")],
                "UMSKZ": np.where(b["fkart"] == "FAZ", "F", ""),
                "SHKZG": np.where(credit, "H", "S"),
                "DMBTR": self.col(b, "amount_local"),
                "WRBTR": self.col(b, "amount"),
                "ZFBDT": dats_of_day(self.col(b, "baseline_day")),
                "ZTERM": terms,
                "ZBD1T": [float(PAYMENT_TERMS[t][1] or PAYMENT_TERMS[t][0]) for t in terms],
                "ZBD2T": [float(PAYMENT_TERMS[t][0] if PAYMENT_TERMS[t][1] else 0) for t in terms],
                "ZBD3T": 0.0,
                "ZBD1P": [PAYMENT_TERMS[t][2] for t in terms],
                "SKNTO": np.where(
                    upto(b["clear_entry_at"], self.as_of), self.col(b, "discount_amount"), 0.0
                ),
                "AUGDT": dats_of_day(clear_day),
                "AUGCP": dats(clear_at),
                "AUGBL": clear_doc,
                "VBELN": self.col(b, "billing_no"),
                "ZUONR": o["vbeln"].to_numpy()[self.col(b, "order_pos")],
                "MANST": dunning,
            },
            len(b),
        )
        revenue = frame(
            "BSEG",
            self.flavour,
            {
                **common,
                "BUZEI": "002",
                "KOART": "S",
                "SHKZG": np.where(credit, "S", "H"),
                "DMBTR": self.col(b, "amount_local"),
                "WRBTR": self.col(b, "amount"),
                "VBELN": self.col(b, "billing_no"),
            },
            len(b),
        )
        lines.extend([customer, revenue])

    def _clearing_of_billing(self, b):
        """Clearing day, entry time and document of each billing posting, as of."""
        pay_entry = when(b["clear_entry_at"], self.as_of)
        paid = ~np.isnan(pay_entry)
        other = when(b["other_clear_at"], self.as_of)
        # A down payment is cleared against the first invoice once that is released.
        day = np.where(paid, self.col(b, "augdt_day"), np.floor(other / DAY))
        at = np.where(paid, pay_entry, other)
        doc = np.where(
            paid,
            self.col(b, "pay_belnr"),
            np.where(np.isnan(other), "", self.col(b, "other_clear_belnr")),
        )
        # The cancellation S1 clears itself and the original invoice with its own document.
        return day, at, doc

    def _dunning_level(self, b) -> np.ndarray:
        d = self.tl.dunning
        d = d[d["run_day"] * DAY <= self.as_of]
        level = d.groupby("billing_no")["level"].max()
        return num(b["billing_no"].map(level).fillna(0).to_numpy(), 1)

    def _payments(self, heads, lines) -> None:
        b = self.b
        o = self.tl.orders
        kunnr = o["kunnr"].to_numpy()
        # Final payments (clearing documents).
        p = b[upto(b["clear_entry_at"], self.as_of)]
        at = self.col(p, "clear_entry_at")
        day = self.col(p, "augdt_day")
        amount = (
            self.col(p, "amount") - self.col(p, "discount_amount") - self.col(p, "partial_amount")
        )
        rate = self.col(p, "kurrf")
        self._payment_doc(
            heads,
            lines,
            p,
            self.col(p, "pay_belnr"),
            at,
            day,
            "DZ",
            self.col(p, "pay_user"),
            amount,
            rate,
            kunnr,
            "",
            self.col(p, "pay_belnr"),
            day,
            at,
            "",
        )
        # Partial payments: open until the final payment clears them with the invoice.
        q = b[upto(b["partial_at"], self.as_of)]
        qat = self.col(q, "partial_at")
        final = when(q["clear_entry_at"], self.as_of)
        self._payment_doc(
            heads,
            lines,
            q,
            self.col(q, "partial_belnr"),
            qat,
            np.floor(qat / DAY),
            "DZ",
            "BANK_IF",
            self.col(q, "partial_amount"),
            self.col(q, "kurrf"),
            kunnr,
            "",
            np.where(np.isnan(final), "", self.col(q, "pay_belnr")),
            np.where(np.isnan(final), np.nan, self.col(q, "augdt_day")),
            final,
            self.col(q, "belnr"),
        )
        # Down payments received: cleared against the order's first released invoice.
        r = b[(b["fkart"] == "FAZ").to_numpy() & upto(b["other_clear_at"], self.as_of)]
        rat = self.col(r, "other_clear_at")
        first_inv = self._first_released_invoice(r)
        self._payment_doc(
            heads,
            lines,
            r,
            self.col(r, "other_clear_belnr"),
            rat,
            np.floor(rat / DAY),
            "DZ",
            "BANK_IF",
            self.col(r, "amount"),
            self.col(r, "kurrf"),
            kunnr,
            "A",
            first_inv["belnr"].to_numpy(),
            np.floor(first_inv["at"].to_numpy() / DAY),
            first_inv["at"].to_numpy(),
            "",
        )
        # Credit memos offset by the receivables clerk.
        g = b[(b["fkart"] == "G2").to_numpy() & upto(b["other_clear_at"], self.as_of)]
        gat = self.col(g, "other_clear_at")
        self._payment_doc(
            heads,
            lines,
            g,
            self.col(g, "other_clear_belnr"),
            gat,
            np.floor(gat / DAY),
            "AB",
            "AR01",
            -self.col(g, "amount"),
            self.col(g, "kurrf"),
            kunnr,
            "",
            self.col(g, "other_clear_belnr"),
            np.floor(gat / DAY),
            gat,
            "",
        )

    def _first_released_invoice(self, r) -> pd.DataFrame:
        inv = self.b[(self.b["fkart"] == "F2").to_numpy() & upto(self.b["released_at"], self.as_of)]
        first = inv.sort_values("released_at").drop_duplicates("order_pos").set_index("order_pos")
        op = self.col(r, "order_pos")
        return pd.DataFrame(
            {
                "belnr": first["belnr"].reindex(op).fillna("").to_numpy(),
                "at": first["released_at"].reindex(op).to_numpy(),
            }
        )

    def _payment_doc(
        self,
        heads,
        lines,
        src,
        belnr,
        at,
        post_day,
        blart,
        user,
        amount,
        rate,
        kunnr,
        umskz,
        augbl,
        augdt,
        augcp,
        rebzg,
    ) -> None:
        n = len(src)
        if n == 0:
            return
        bukrs = self.col(src, "bukrs")
        currency = self.col(src, "currency")
        heads.append(
            self._bkpf(
                bukrs,
                belnr,
                at,
                post_day,
                blart,
                user,
                "FF_5" if blart == "DZ" else "F-32",
                "BKPF",
                belnr,
                currency,
                self.col(src, "billing_no"),
            )
        )
        gjahr = dats(at).astype("U8").astype("U4").astype(object)
        common = {"MANDT": self.client, "BUKRS": bukrs, "BELNR": belnr, "GJAHR": gjahr}
        amount = np.round(np.asarray(amount, dtype=float), 2)
        local = np.round(amount * rate, 2)
        customer_side = np.where(amount >= 0, "H", "S")
        lines.append(
            frame(
                "BSEG",
                self.flavour,
                {
                    **common,
                    "BUZEI": "001",
                    "KOART": "D",
                    "KUNNR": kunnr[self.col(src, "order_pos")],
                    "UMSKZ": umskz,
                    "SHKZG": customer_side,
                    "DMBTR": np.abs(local),
                    "WRBTR": np.abs(amount),
                    "ZFBDT": dats_of_day(post_day),
                    "AUGDT": dats_of_day(augdt),
                    "AUGCP": dats(augcp),
                    "AUGBL": augbl,
                    "VBELN": self.col(src, "billing_no"),
                    "REBZG": rebzg,
                    "ZUONR": self.tl.orders["vbeln"].to_numpy()[self.col(src, "order_pos")],
                    "MANST": "0",
                },
                n,
            )
        )
        lines.append(
            frame(
                "BSEG",
                self.flavour,
                {
                    **common,
                    "BUZEI": "002",
                    "KOART": "S",
                    "SHKZG": np.where(customer_side == "H", "S", "H"),
                    "DMBTR": np.abs(local),
                    "WRBTR": np.abs(amount),
                    "MANST": "0",
                },
                n,
            )
        )

    # --- open and cleared items --------------------------------------------------------
    @staticmethod
    def open_and_cleared(bkpf: pd.DataFrame, bseg: pd.DataFrame, flavour: str):
        d = bseg[bseg["KOART"] == "D"].merge(
            bkpf[["BUKRS", "BELNR", "GJAHR", "BUDAT", "BLDAT", "CPUDT", "WAERS", "XBLNR", "BLART"]],
            on=["BUKRS", "BELNR", "GJAHR"],
            how="left",
        )
        cleared = (d["AUGDT"] != "00000000").to_numpy()
        d["MADAT"] = "00000000"
        columns = frame("BSID", flavour, {}, 0).columns
        return d.loc[~cleared, columns].reset_index(drop=True), d.loc[cleared, columns].reset_index(
            drop=True
        )

    # --- dunning ---------------------------------------------------------------------
    def mhnd(self) -> pd.DataFrame:
        d = self.tl.dunning
        d = d[d["run_day"] * DAY <= self.as_of]
        head = self.tl.billing.set_index("billing_no")
        o = self.tl.orders
        op = d["billing_no"].map(head["order_pos"]).to_numpy().astype(int)
        run = d["run_day"].to_numpy()
        released = d["billing_no"].map(head["released_at"]).to_numpy()
        return frame(
            "MHND",
            self.flavour,
            {
                "MANDT": self.client,
                "LAUFD": dats_of_day(run),
                "LAUFI": "DUN01",
                "KOART": "D",
                "BUKRS": d["billing_no"].map(head["bukrs"]).to_numpy(),
                "KUNNR": o["kunnr"].to_numpy()[op],
                "BELNR": d["billing_no"].map(head["belnr"]).to_numpy(),
                "GJAHR": dats(released).astype("U8").astype("U4").astype(object),
                "BUZEI": "001",
                "MAHNS": num(d["level"].to_numpy(), 1),
                "WRSHB": d["billing_no"].map(head["amount"]).to_numpy(),
                "WAERS": d["billing_no"].map(head["currency"]).to_numpy(),
                "VBELN": d["billing_no"].to_numpy(),
            },
            len(d),
        )

    # --- document flow ---------------------------------------------------------------
    def vbfa(self, lips: pd.DataFrame, gi_docs: tuple, di: pd.DataFrame) -> pd.DataFrame:
        frames = []
        # Order item -> delivery item, and delivery item -> goods movement.
        frames.append(
            frame(
                "VBFA",
                self.flavour,
                {
                    "MANDT": self.client,
                    "VBELV": lips["VGBEL"].to_numpy(),
                    "POSNV": lips["VGPOS"].to_numpy(),
                    "VBELN": lips["VBELN"].to_numpy(),
                    "POSNN": lips["POSNR"].to_numpy(),
                    "VBTYP_N": "J",
                    "VBTYP_V": "C",
                    "RFMNG": lips["LFIMG"].to_numpy(),
                    "ERDAT": lips["ERDAT"].to_numpy(),
                    "ERZET": lips["ERZET"].to_numpy(),
                },
                len(lips),
            )
        )
        gi = upto(di["gi_at"], self.as_of)
        gi_at = di["gi_at"].to_numpy()[gi]
        frames.append(
            frame(
                "VBFA",
                self.flavour,
                {
                    "MANDT": self.client,
                    "VBELV": lips["VBELN"].to_numpy()[gi],
                    "POSNV": lips["POSNR"].to_numpy()[gi],
                    "VBELN": gi_docs[0][gi],
                    "POSNN": num(gi_docs[1][gi], 6),
                    "VBTYP_N": "R",
                    "VBTYP_V": "J",
                    "RFMNG": di["qty"].to_numpy()[gi],
                    "ERDAT": dats(gi_at),
                    "ERZET": tims(gi_at),
                },
                int(gi.sum()),
            )
        )
        # Predecessor -> billing item.
        vbrp = self.vbrp()
        head = self.b.set_index("billing_no")
        fkart = vbrp["VBELN"].map(head["fkart"]).to_numpy()
        from_delivery = is_delivery(vbrp["VGBEL"].to_numpy())
        cancels = vbrp["VBELN"].map(head["cancels"]).to_numpy()
        # The flow runs from the delivery, else from the order item (confirmations are no
        # SD documents and have no flow).
        prev = np.where(
            fkart == "S1",
            cancels,
            np.where(from_delivery, vbrp["VGBEL"].to_numpy(), vbrp["AUBEL"].to_numpy()),
        )
        prev_type = np.where(fkart == "S1", "M", np.where(from_delivery, "J", "C"))
        prev_type = np.where(vbrp["AUBEL"].str.startswith("006"), "H", prev_type)
        frames.append(
            frame(
                "VBFA",
                self.flavour,
                {
                    "MANDT": self.client,
                    "VBELV": prev,
                    "POSNV": np.where(
                        fkart == "S1", vbrp["POSNR"].to_numpy(), vbrp["AUPOS"].to_numpy()
                    ),
                    "VBELN": vbrp["VBELN"].to_numpy(),
                    "POSNN": vbrp["POSNR"].to_numpy(),
                    "VBTYP_N": pd.Series(fkart).map(VBTYP).to_numpy(),
                    "VBTYP_V": prev_type,
                    "RFMNG": vbrp["FKIMG"].to_numpy(),
                    "ERDAT": vbrp["ERDAT"].to_numpy(),
                    "ERZET": vbrp["ERZET"].to_numpy(),
                },
                len(vbrp),
            )
        )
        # Order item -> return order item.
        o = self.tl.orders
        r = o[upto(o["return_at"], self.as_of)]
        items = self.tl.items
        ri = r["return_item"].to_numpy().astype(int)
        at = r["return_at"].to_numpy()
        frames.append(
            frame(
                "VBFA",
                self.flavour,
                {
                    "MANDT": self.client,
                    "VBELV": r["vbeln"].to_numpy(),
                    "POSNV": posnr(items["posnr"].to_numpy()[ri]),
                    "VBELN": num(RETURN_BASE + r["order_seq"].to_numpy()),
                    "POSNN": "000010",
                    "VBTYP_N": "H",
                    "VBTYP_V": "C",
                    "RFMNG": 1.0,
                    "ERDAT": dats(at),
                    "ERZET": tims(at),
                },
                len(r),
            )
        )
        return pd.concat(frames, ignore_index=True)


def mhnk(mhnd: pd.DataFrame, flavour: str, client: str) -> pd.DataFrame:
    """One dunning notice per run and customer, with the highest level it reached."""
    if mhnd.empty:
        return frame("MHNK", flavour, {}, 0)
    g = mhnd.groupby(["LAUFD", "LAUFI", "KOART", "BUKRS", "KUNNR"], sort=True)["MAHNS"].max()
    g = g.reset_index()
    return frame(
        "MHNK",
        flavour,
        {
            "MANDT": client,
            "LAUFD": g["LAUFD"].to_numpy(),
            "LAUFI": g["LAUFI"].to_numpy(),
            "KOART": g["KOART"].to_numpy(),
            "BUKRS": g["BUKRS"].to_numpy(),
            "KUNNR": g["KUNNR"].to_numpy(),
            "MAHNS": g["MAHNS"].to_numpy(),
            "AUSDT": g["LAUFD"].to_numpy(),
        },
        len(g),
    )
