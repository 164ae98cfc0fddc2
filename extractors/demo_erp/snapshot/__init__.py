"""Cut a simulated block's history at the as-of time into SAP tables."""

from __future__ import annotations

import pandas as pd

from ..lifecycle import Timeline
from .changes import cdhdr_table, cdpos_table, cut, numbered_changes
from .finance import FinanceSnapshot
from .sales import SalesSnapshot


def sap_tables(
    tl: Timeline, as_of: float, client: str, flavour: str, materials: pd.DataFrame
) -> dict[str, pd.DataFrame]:
    """Every transactional SAP table of this block as the source shows it at `as_of`
    (MHNK is built from all blocks' MHND at the end: one notice per run and customer)."""
    docs, pos = cut(*numbered_changes(tl), as_of)
    sales = SalesSnapshot(tl, docs, pos, as_of, client, flavour, materials)
    finance = FinanceSnapshot(tl, pos, as_of, client, flavour)
    tables = {
        "VBAK": sales.vbak(),
        "VBAP": sales.vbap(),
        "VBEP": sales.vbep(),
        "VBKD": sales.vbkd(),
        "LIKP": sales.likp(),
        "LIPS": sales.lips(),
        "EBAN": sales.eban(),
        "AFPO": sales.afpo(),
        "MSEG": sales.mseg(),
        "ZSD_SRVCONF": sales.srvconf(),
        "VBRK": finance.vbrk(),
        "VBRP": finance.vbrp(),
        "MHND": finance.mhnd(),
        "CDHDR": cdhdr_table(docs, client, flavour),
        "CDPOS": cdpos_table(pos, client, flavour),
    }
    tables["FPLA"], tables["FPLT"] = sales.fpla_fplt(tl.billing)
    tables["VBFA"] = finance.vbfa(tables["LIPS"], sales.goods_issue_documents(), sales.di)
    bkpf, bseg = finance.accounting()
    tables["BKPF"], tables["BSEG"] = bkpf, bseg
    tables["BSID"], tables["BSAD"] = FinanceSnapshot.open_and_cleared(bkpf, bseg, flavour)
    if flavour == "ecc":
        tables["VBUK"], tables["VBUP"] = sales.vbuk(), sales.vbup()
    return tables
