"""The source tables the pipeline reads: columns with SAP data types, keys and load modes.

This module is the contract between the demo ERP (which writes these tables), the
extractors (which read them into DuckDB) and the dbt staging models (which type them).
Adding a source table is one entry here.

SAP data types used (as in the ABAP dictionary):
  CHAR / NUMC / CUKY / UNIT  text; NUMC is zero-padded digits
  DATS  date as 'YYYYMMDD', '00000000' when empty
  TIMS  time as 'HHMMSS'
  CURR  amount, DECIMAL(15,2);  QUAN quantity, DECIMAL(13,3);  DEC rate, DECIMAL(9,5)
  INT4  integer
The CRM tables use CHAR, TSTZ (ISO-8601 timestamp with offset) and CURR.
"""

from __future__ import annotations

from dataclasses import dataclass, field

FLAVOURS = ("ecc", "s4")

# SQL type of each data type, used for the source databases and the raw warehouse tables.
SQL_TYPES = {
    "CHAR": "VARCHAR",
    "NUMC": "VARCHAR",
    "CUKY": "VARCHAR",
    "UNIT": "VARCHAR",
    "DATS": "VARCHAR",
    "TIMS": "VARCHAR",
    "TSTZ": "VARCHAR",
    "CURR": "DECIMAL(15,2)",
    "QUAN": "DECIMAL(13,3)",
    "DEC": "DECIMAL(9,5)",
    "INT4": "INTEGER",
}
NUMERIC_TYPES = {"CURR", "QUAN", "DEC", "INT4"}


@dataclass(frozen=True)
class Column:
    name: str
    sap_type: str
    # Only present in one flavour (S/4HANA moved the status fields onto the documents).
    flavour: str | None = None

    @property
    def sql_type(self) -> str:
        return SQL_TYPES[self.sap_type]


@dataclass(frozen=True)
class SourceTable:
    """One source table.

    load_mode:
      "watermark": rows are created or changed with a date field set (`watermark`);
                   the extractor reads rows with any of those dates >= watermark - overlap
                   and merges them on the primary key.
      "compare":   SAP changes or deletes rows without a change date; the extractor reads
                   the whole table and compares by key and content, marking vanished rows
                   as deleted.
    """

    name: str
    system: str  # "sap" or "crm"
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    load_mode: str
    watermark: tuple[str, ...] = ()
    flavours: tuple[str, ...] = FLAVOURS
    # Tables whose rows change without a change date only in S/4HANA (status fields).
    compare_in_s4: bool = False
    description: str = ""
    _index: dict = field(default_factory=dict, compare=False, repr=False)

    def columns_for(self, flavour: str) -> list[Column]:
        return [c for c in self.columns if c.flavour in (None, flavour)]

    def column_names(self, flavour: str) -> list[str]:
        return [c.name for c in self.columns_for(flavour)]

    def mode_for(self, flavour: str) -> str:
        if flavour == "s4" and self.compare_in_s4:
            return "compare"
        return self.load_mode

    @property
    def raw_name(self) -> str:
        """Table name in the warehouse: raw_<system>.<lower-case source name>."""
        return f"raw_{self.system}.{self.name.lower()}"


def _cols(spec: str, flavour: str | None = None) -> tuple[Column, ...]:
    """Parse 'MANDT:CHAR VBELN:CHAR ...' into columns."""
    out = []
    for token in spec.split():
        name, sap_type = token.split(":")
        out.append(Column(name, sap_type, flavour))
    return tuple(out)


def _t(name, system, cols, key, mode, watermark="", **kw) -> SourceTable:
    return SourceTable(
        name=name,
        system=system,
        columns=cols,
        primary_key=tuple(key.split()),
        load_mode=mode,
        watermark=tuple(watermark.split()),
        **kw,
    )


_OPEN_ITEM_COLS = _cols(
    "MANDT:CHAR BUKRS:CHAR KUNNR:CHAR UMSKZ:CHAR AUGDT:DATS AUGBL:CHAR ZUONR:CHAR "
    "GJAHR:NUMC BELNR:CHAR BUZEI:NUMC BUDAT:DATS BLDAT:DATS CPUDT:DATS WAERS:CUKY "
    "XBLNR:CHAR BLART:CHAR SHKZG:CHAR DMBTR:CURR WRBTR:CURR ZFBDT:DATS ZTERM:CHAR "
    "ZBD1T:DEC ZBD2T:DEC ZBD3T:DEC ZBD1P:DEC VBELN:CHAR REBZG:CHAR MANST:NUMC MADAT:DATS"
)
_OPEN_ITEM_KEY = "MANDT BUKRS KUNNR UMSKZ AUGDT AUGBL ZUONR GJAHR BELNR BUZEI"

TABLES: tuple[SourceTable, ...] = (
    # --- sales documents -------------------------------------------------------------
    _t(
        "VBAK",
        "sap",
        _cols(
            "MANDT:CHAR VBELN:CHAR ERDAT:DATS ERZET:TIMS ERNAM:CHAR AUDAT:DATS VBTYP:CHAR "
            "AUART:CHAR VKORG:CHAR VTWEG:CHAR SPART:CHAR VKBUR:CHAR KUNNR:CHAR "
            "BUKRS_VF:CHAR NETWR:CURR WAERK:CUKY VDATU:DATS BSTNK:CHAR LIFSK:CHAR "
            "FAKSK:CHAR VGBEL:CHAR AEDAT:DATS"
        )
        + _cols("GBSTK:CHAR CMGST:CHAR LFSTK:CHAR FKSTK:CHAR", "s4"),
        "MANDT VBELN",
        "watermark",
        "ERDAT AEDAT",
        compare_in_s4=True,
        description="Sales document header (orders, returns)",
    ),
    _t(
        "VBAP",
        "sap",
        _cols(
            "MANDT:CHAR VBELN:CHAR POSNR:NUMC MATNR:CHAR ARKTX:CHAR PSTYV:CHAR WERKS:CHAR "
            "KWMENG:QUAN VRKME:UNIT NETPR:CURR NETWR:CURR WAERK:CUKY ABGRU:CHAR "
            "VGBEL:CHAR VGPOS:NUMC ERDAT:DATS ERZET:TIMS ERNAM:CHAR AEDAT:DATS"
        )
        + _cols("GBSTA:CHAR LFSTA:CHAR FKSTA:CHAR ABSTA:CHAR", "s4"),
        "MANDT VBELN POSNR",
        "watermark",
        "ERDAT AEDAT",
        compare_in_s4=True,
        description="Sales document item",
    ),
    _t(
        "VBEP",
        "sap",
        _cols(
            "MANDT:CHAR VBELN:CHAR POSNR:NUMC ETENR:NUMC ETTYP:CHAR EDATU:DATS "
            "WADAT:DATS WMENG:QUAN BMENG:QUAN VRKME:UNIT"
        ),
        "MANDT VBELN POSNR ETENR",
        "compare",
        description="Schedule line (recreated on rescheduling: compared by key and content)",
    ),
    _t(
        "VBKD",
        "sap",
        _cols("MANDT:CHAR VBELN:CHAR POSNR:NUMC ZTERM:CHAR PRSDT:DATS BSTKD:CHAR INCO1:CHAR"),
        "MANDT VBELN POSNR",
        "compare",
        description="Sales document business data (payment terms, pricing date)",
    ),
    _t(
        "VBUK",
        "sap",
        _cols(
            "MANDT:CHAR VBELN:CHAR GBSTK:CHAR CMGST:CHAR LFSTK:CHAR FKSTK:CHAR "
            "KOSTK:CHAR WBSTK:CHAR"
        ),
        "MANDT VBELN",
        "compare",
        flavours=("ecc",),
        description="Header status (ECC only)",
    ),
    _t(
        "VBUP",
        "sap",
        _cols(
            "MANDT:CHAR VBELN:CHAR POSNR:NUMC GBSTA:CHAR LFSTA:CHAR FKSTA:CHAR "
            "ABSTA:CHAR KOSTA:CHAR WBSTA:CHAR"
        ),
        "MANDT VBELN POSNR",
        "compare",
        flavours=("ecc",),
        description="Item status (ECC only)",
    ),
    _t(
        "VBFA",
        "sap",
        _cols(
            "MANDT:CHAR VBELV:CHAR POSNV:NUMC VBELN:CHAR POSNN:NUMC VBTYP_N:CHAR "
            "VBTYP_V:CHAR RFMNG:QUAN ERDAT:DATS ERZET:TIMS"
        ),
        "MANDT VBELV POSNV VBELN POSNN VBTYP_N",
        "watermark",
        "ERDAT",
        description="Document flow",
    ),
    # --- deliveries ------------------------------------------------------------------
    _t(
        "LIKP",
        "sap",
        _cols(
            "MANDT:CHAR VBELN:CHAR ERDAT:DATS ERZET:TIMS ERNAM:CHAR LFART:CHAR VSTEL:CHAR "
            "VKORG:CHAR KUNNR:CHAR LFDAT:DATS WADAT:DATS WADAT_IST:DATS PODAT:DATS "
            "POTIM:TIMS LIFSK:CHAR AEDAT:DATS"
        )
        + _cols("KOSTK:CHAR WBSTK:CHAR PDSTK:CHAR", "s4"),
        "MANDT VBELN",
        "watermark",
        "ERDAT AEDAT",
        compare_in_s4=True,
        description="Delivery header",
    ),
    _t(
        "LIPS",
        "sap",
        _cols(
            "MANDT:CHAR VBELN:CHAR POSNR:NUMC MATNR:CHAR WERKS:CHAR LFIMG:QUAN VRKME:UNIT "
            "VGBEL:CHAR VGPOS:NUMC PSTYV:CHAR ERDAT:DATS ERZET:TIMS AEDAT:DATS"
        )
        + _cols("KOSTA:CHAR WBSTA:CHAR", "s4"),
        "MANDT VBELN POSNR",
        "watermark",
        "ERDAT AEDAT",
        compare_in_s4=True,
        description="Delivery item",
    ),
    # --- billing ---------------------------------------------------------------------
    _t(
        "VBRK",
        "sap",
        _cols(
            "MANDT:CHAR VBELN:CHAR FKART:CHAR VBTYP:CHAR FKDAT:DATS ERDAT:DATS ERZET:TIMS "
            "ERNAM:CHAR KUNRG:CHAR BUKRS:CHAR VKORG:CHAR NETWR:CURR WAERK:CUKY KURRF:DEC "
            "ZTERM:CHAR SFAKN:CHAR FKSTO:CHAR RFBSK:CHAR AEDAT:DATS"
        ),
        "MANDT VBELN",
        "watermark",
        "ERDAT AEDAT",
        description="Billing document header (invoice, cancellation, credit memo, down payment)",
    ),
    _t(
        "VBRP",
        "sap",
        _cols(
            "MANDT:CHAR VBELN:CHAR POSNR:NUMC FKIMG:QUAN VRKME:UNIT NETWR:CURR MATNR:CHAR "
            "AUBEL:CHAR AUPOS:NUMC VGBEL:CHAR VGPOS:NUMC ERDAT:DATS ERZET:TIMS"
        ),
        "MANDT VBELN POSNR",
        "watermark",
        "ERDAT",
        description="Billing document item",
    ),
    # --- accounting ------------------------------------------------------------------
    _t(
        "BKPF",
        "sap",
        _cols(
            "MANDT:CHAR BUKRS:CHAR BELNR:CHAR GJAHR:NUMC BLART:CHAR BLDAT:DATS BUDAT:DATS "
            "CPUDT:DATS CPUTM:TIMS USNAM:CHAR TCODE:CHAR AWTYP:CHAR AWKEY:CHAR WAERS:CUKY "
            "XBLNR:CHAR STBLG:CHAR AEDAT:DATS"
        ),
        "MANDT BUKRS BELNR GJAHR",
        "watermark",
        "CPUDT AEDAT",
        description="Accounting document header",
    ),
    _t(
        "BSEG",
        "sap",
        _cols(
            "MANDT:CHAR BUKRS:CHAR BELNR:CHAR GJAHR:NUMC BUZEI:NUMC KOART:CHAR KUNNR:CHAR "
            "UMSKZ:CHAR SHKZG:CHAR DMBTR:CURR WRBTR:CURR ZFBDT:DATS ZTERM:CHAR ZBD1T:DEC "
            "ZBD2T:DEC ZBD3T:DEC ZBD1P:DEC SKNTO:CURR AUGDT:DATS AUGCP:DATS AUGBL:CHAR "
            "VBELN:CHAR REBZG:CHAR ZUONR:CHAR MANST:NUMC"
        ),
        "MANDT BUKRS BELNR GJAHR BUZEI",
        "compare",
        description="Accounting line items (clearing fields updated in place)",
    ),
    _t(
        "BSID",
        "sap",
        _OPEN_ITEM_COLS,
        _OPEN_ITEM_KEY,
        "compare",
        description="Open customer items (rows move to BSAD when cleared)",
    ),
    _t(
        "BSAD",
        "sap",
        _OPEN_ITEM_COLS,
        _OPEN_ITEM_KEY,
        "compare",
        description="Cleared customer items",
    ),
    # --- change documents ------------------------------------------------------------
    _t(
        "CDHDR",
        "sap",
        _cols(
            "MANDANT:CHAR OBJECTCLAS:CHAR OBJECTID:CHAR CHANGENR:CHAR USERNAME:CHAR "
            "UDATE:DATS UTIME:TIMS TCODE:CHAR CHANGE_IND:CHAR"
        ),
        "MANDANT OBJECTCLAS OBJECTID CHANGENR",
        "watermark",
        "UDATE",
        description="Change document header",
    ),
    _t(
        "CDPOS",
        "sap",
        _cols(
            "MANDANT:CHAR OBJECTCLAS:CHAR OBJECTID:CHAR CHANGENR:CHAR TABNAME:CHAR "
            "TABKEY:CHAR FNAME:CHAR CHNGIND:CHAR VALUE_NEW:CHAR VALUE_OLD:CHAR UDATE:DATS"
        ),
        "MANDANT OBJECTCLAS OBJECTID CHANGENR TABNAME TABKEY FNAME CHNGIND",
        "watermark",
        "UDATE",
        description="Change document items (UDATE copied from CDHDR so the table has a watermark)",
    ),
    # --- dunning ---------------------------------------------------------------------
    _t(
        "MHNK",
        "sap",
        _cols(
            "MANDT:CHAR LAUFD:DATS LAUFI:CHAR KOART:CHAR BUKRS:CHAR KUNNR:CHAR MAHNS:NUMC "
            "AUSDT:DATS"
        ),
        "MANDT LAUFD LAUFI KOART BUKRS KUNNR",
        "watermark",
        "LAUFD",
        description="Dunning run per customer",
    ),
    _t(
        "MHND",
        "sap",
        _cols(
            "MANDT:CHAR LAUFD:DATS LAUFI:CHAR KOART:CHAR BUKRS:CHAR KUNNR:CHAR BELNR:CHAR "
            "GJAHR:NUMC BUZEI:NUMC MAHNS:NUMC WRSHB:CURR WAERS:CUKY VBELN:CHAR"
        ),
        "MANDT LAUFD LAUFI KOART BUKRS KUNNR BELNR GJAHR BUZEI",
        "watermark",
        "LAUFD",
        description="Dunned items",
    ),
    # --- make-to-order ---------------------------------------------------------------
    _t(
        "EBAN",
        "sap",
        _cols(
            "MANDT:CHAR BANFN:CHAR BNFPO:NUMC BSART:CHAR MATNR:CHAR WERKS:CHAR MENGE:QUAN "
            "BADAT:DATS ERNAM:CHAR VBELN:CHAR VBELP:NUMC"
        ),
        "MANDT BANFN BNFPO",
        "watermark",
        "BADAT",
        description="Purchase requisition (make-to-order)",
    ),
    _t(
        "AFPO",
        "sap",
        _cols(
            "MANDT:CHAR AUFNR:CHAR POSNR:NUMC MATNR:CHAR PWERK:CHAR PSMNG:QUAN "
            "KDAUF:CHAR KDPOS:NUMC ERDAT:DATS ERZET:TIMS ERNAM:CHAR"
        ),
        "MANDT AUFNR POSNR",
        "watermark",
        "ERDAT",
        description="Production order item (make-to-order)",
    ),
    _t(
        "MSEG",
        "sap",
        _cols(
            "MANDT:CHAR MBLNR:CHAR MJAHR:NUMC ZEILE:NUMC BWART:CHAR MATNR:CHAR WERKS:CHAR "
            "MENGE:QUAN SOBKZ:CHAR KDAUF:CHAR KDPOS:NUMC BUDAT_MKPF:DATS CPUDT_MKPF:DATS "
            "CPUTM_MKPF:TIMS USNAM_MKPF:CHAR"
        ),
        "MANDT MBLNR MJAHR ZEILE",
        "watermark",
        "CPUDT_MKPF",
        description="Material document items (goods receipts into sales-order stock)",
    ),
    _t(
        "ZSD_SRVCONF",
        "sap",
        _cols(
            "MANDT:CHAR CONFNR:CHAR VBELN:CHAR POSNR:NUMC MENGE:QUAN MEINS:UNIT "
            "ERDAT:DATS ERZET:TIMS ERNAM:CHAR"
        ),
        "MANDT CONFNR",
        "watermark",
        "ERDAT",
        description="Service confirmations per sales order item (customer table)",
    ),
    # --- subscriptions ---------------------------------------------------------------
    _t(
        "FPLA",
        "sap",
        _cols("MANDT:CHAR FPLNR:CHAR FPART:CHAR VBELN:CHAR BEDAT:DATS ENDAT:DATS"),
        "MANDT FPLNR",
        "compare",
        description="Billing plan (subscriptions)",
    ),
    _t(
        "FPLT",
        "sap",
        _cols("MANDT:CHAR FPLNR:CHAR FPLTR:NUMC AFDAT:DATS FKDAT:DATS FAKWR:CURR FKSAF:CHAR"),
        "MANDT FPLNR FPLTR",
        "compare",
        description="Billing plan dates (FKSAF billing status changes without a change date)",
    ),
    # --- master data and texts -------------------------------------------------------
    _t(
        "USR02",
        "sap",
        _cols("MANDT:CHAR BNAME:CHAR USTYP:CHAR CLASS:CHAR"),
        "MANDT BNAME",
        "compare",
        description="Users (A dialog, B background, C communication)",
    ),
    _t(
        "KNA1",
        "sap",
        _cols(
            "MANDT:CHAR KUNNR:CHAR NAME1:CHAR LAND1:CHAR ORT01:CHAR TELF1:CHAR "
            "SMTP_ADDR:CHAR ZTERM:CHAR KTOKD:CHAR ERDAT:DATS"
        ),
        "MANDT KUNNR",
        "compare",
        description="Customer master",
    ),
    _t(
        "MARA",
        "sap",
        _cols("MANDT:CHAR MATNR:CHAR MTART:CHAR MATKL:CHAR MEINS:UNIT ERSDA:DATS"),
        "MANDT MATNR",
        "compare",
        description="Material master",
    ),
    _t(
        "MAKT",
        "sap",
        _cols("MANDT:CHAR MATNR:CHAR SPRAS:CHAR MAKTX:CHAR"),
        "MANDT MATNR SPRAS",
        "compare",
        description="Material texts",
    ),
    _t(
        "T001",
        "sap",
        _cols("MANDT:CHAR BUKRS:CHAR BUTXT:CHAR LAND1:CHAR WAERS:CUKY"),
        "MANDT BUKRS",
        "compare",
        description="Company codes",
    ),
    _t(
        "TCURR",
        "sap",
        _cols("MANDT:CHAR KURST:CHAR FCURR:CUKY TCURR:CUKY GDATU:CHAR UKURS:DEC"),
        "MANDT KURST FCURR TCURR GDATU",
        "compare",
        description="Exchange rates (GDATU is SAP's inverted date: 99999999 - YYYYMMDD)",
    ),
    _t(
        "TVAKT",
        "sap",
        _cols("MANDT:CHAR SPRAS:CHAR AUART:CHAR BEZEI:CHAR"),
        "MANDT SPRAS AUART",
        "compare",
        description="Order type texts",
    ),
    _t(
        "TVAGT",
        "sap",
        _cols("MANDT:CHAR SPRAS:CHAR ABGRU:CHAR BEZEI:CHAR"),
        "MANDT SPRAS ABGRU",
        "compare",
        description="Rejection reason texts",
    ),
    _t(
        "TVZBT",
        "sap",
        _cols("MANDT:CHAR SPRAS:CHAR ZTERM:CHAR VTEXT:CHAR"),
        "MANDT SPRAS ZTERM",
        "compare",
        description="Payment term texts",
    ),
    # --- CRM -------------------------------------------------------------------------
    _t(
        "ACCOUNTS",
        "crm",
        _cols(
            "ACCOUNT_ID:CHAR NAME:CHAR SAP_CUSTOMER:CHAR COUNTRY:CHAR EMAIL:CHAR "
            "OWNER:CHAR CREATED_AT:TSTZ MODIFIED_AT:TSTZ"
        ),
        "ACCOUNT_ID",
        "watermark",
        "CREATED_AT MODIFIED_AT",
        description="CRM accounts",
    ),
    _t(
        "OPPORTUNITIES",
        "crm",
        _cols(
            "OPPORTUNITY_ID:CHAR ACCOUNT_ID:CHAR NAME:CHAR OWNER:CHAR STAGE:CHAR "
            "AMOUNT:CURR CURRENCY:CUKY CREATED_AT:TSTZ CLOSED_AT:TSTZ IS_WON:CHAR "
            "SAP_ORDER:CHAR MODIFIED_AT:TSTZ"
        ),
        "OPPORTUNITY_ID",
        "watermark",
        "CREATED_AT MODIFIED_AT",
        description="CRM opportunities (SAP_ORDER links the won ones to the sales order)",
    ),
    _t(
        "OPPORTUNITY_STAGE_HISTORY",
        "crm",
        _cols("HISTORY_ID:CHAR OPPORTUNITY_ID:CHAR STAGE:CHAR CHANGED_BY:CHAR CHANGED_AT:TSTZ"),
        "HISTORY_ID",
        "watermark",
        "CHANGED_AT",
        description="CRM opportunity stage changes",
    ),
    _t(
        "QUOTES",
        "crm",
        _cols(
            "QUOTE_ID:CHAR OPPORTUNITY_ID:CHAR STATUS:CHAR AMOUNT:CURR CURRENCY:CUKY "
            "CREATED_BY:CHAR CREATED_AT:TSTZ ACCEPTED_AT:TSTZ SAP_ORDER:CHAR "
            "MODIFIED_AT:TSTZ"
        ),
        "QUOTE_ID",
        "watermark",
        "CREATED_AT MODIFIED_AT",
        description="CRM quotes",
    ),
)

BY_NAME: dict[str, SourceTable] = {t.name: t for t in TABLES}


def tables_for(flavour: str, system: str | None = None) -> list[SourceTable]:
    """The tables a source of this flavour has (ECC has VBUK/VBUP, S/4HANA does not)."""
    if flavour not in FLAVOURS:
        raise ValueError(f"unknown SAP flavour {flavour!r}; expected one of {FLAVOURS}")
    return [t for t in TABLES if flavour in t.flavours and system in (None, t.system)]
