"""Master data and text tables (the same for every as-of time of a source)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..lifecycle.payments import rate_to_eur
from ..masters import COMPANY_CODES, ORDER_TYPE_TEXTS, PAYMENT_TERMS, REJECTION_REASONS, Masters
from .common import dats_of_day, frame


def master_tables(
    masters: Masters, client: str, flavour: str, first_day: int, last_day: int
) -> dict[str, pd.DataFrame]:
    c, m, u = masters.customers, masters.materials, masters.users
    months = np.arange(
        np.datetime64(int(first_day), "D").astype("datetime64[M]"),
        np.datetime64(int(last_day), "D").astype("datetime64[M]") + 1,
    )
    first_of_month = months.astype("datetime64[D]").astype(np.int64)
    rates = []
    for currency in ("USD", "GBP"):
        gdatu = 99999999 - dats_of_day(first_of_month).astype(np.int64)
        rates.append(
            pd.DataFrame(
                {
                    "FCURR": currency,
                    "TCURR": "EUR",
                    "GDATU": gdatu.astype(str),
                    "UKURS": rate_to_eur(np.full(len(months), currency), first_of_month),
                }
            )
        )
    tcurr = pd.concat(rates, ignore_index=True)
    return {
        "USR02": frame(
            "USR02",
            flavour,
            {
                "MANDT": client,
                "BNAME": u["bname"].to_numpy(),
                "USTYP": u["ustyp"].to_numpy(),
                "CLASS": u["role"].str.upper().to_numpy(),
            },
        ),
        "KNA1": frame(
            "KNA1",
            flavour,
            {
                "MANDT": client,
                "KUNNR": c["kunnr"].to_numpy(),
                "NAME1": c["name"].to_numpy(),
                "LAND1": c["country"].to_numpy(),
                "ORT01": c["city"].to_numpy(),
                "TELF1": c["phone"].to_numpy(),
                "SMTP_ADDR": c["email"].to_numpy(),
                "ZTERM": c["terms"].to_numpy(),
                "KTOKD": "0001",
                "ERDAT": dats_of_day(first_day - 2000 + c["created"].to_numpy()),
            },
        ),
        "MARA": frame(
            "MARA",
            flavour,
            {
                "MANDT": client,
                "MATNR": m["matnr"].to_numpy(),
                "MTART": m["mtart"].to_numpy(),
                "MATKL": np.where(m["kind"] == "goods", "PUMPS", "SERVICES"),
                "MEINS": m["unit"].to_numpy(),
                "ERSDA": dats_of_day(np.full(len(m), first_day - 900)),
            },
        ),
        "MAKT": frame(
            "MAKT",
            flavour,
            {
                "MANDT": client,
                "MATNR": m["matnr"].to_numpy(),
                "SPRAS": "E",
                "MAKTX": m["text"].to_numpy(),
            },
        ),
        "T001": frame(
            "T001",
            flavour,
            {
                "MANDT": client,
                "BUKRS": COMPANY_CODES["bukrs"].to_numpy(),
                "BUTXT": COMPANY_CODES["name"].to_numpy(),
                "LAND1": COMPANY_CODES["country"].to_numpy(),
                "WAERS": COMPANY_CODES["currency"].to_numpy(),
            },
        ),
        "TCURR": frame(
            "TCURR",
            flavour,
            {
                "MANDT": client,
                "KURST": "M",
                "FCURR": tcurr["FCURR"].to_numpy(),
                "TCURR": tcurr["TCURR"].to_numpy(),
                "GDATU": tcurr["GDATU"].to_numpy(),
                "UKURS": tcurr["UKURS"].to_numpy(),
            },
        ),
        "TVAKT": frame(
            "TVAKT",
            flavour,
            {
                "MANDT": client,
                "SPRAS": "E",
                "AUART": np.array(list(ORDER_TYPE_TEXTS)),
                "BEZEI": np.array(list(ORDER_TYPE_TEXTS.values())),
            },
        ),
        "TVAGT": frame(
            "TVAGT",
            flavour,
            {
                "MANDT": client,
                "SPRAS": "E",
                "ABGRU": np.array(list(REJECTION_REASONS)),
                "BEZEI": np.array(list(REJECTION_REASONS.values())),
            },
        ),
        "TVZBT": frame(
            "TVZBT",
            flavour,
            {
                "MANDT": client,
                "SPRAS": "E",
                "ZTERM": np.array(list(PAYMENT_TERMS)),
                "VTEXT": np.array([v[3] for v in PAYMENT_TERMS.values()]),
            },
        ),
    }
