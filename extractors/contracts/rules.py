"""The data contract of every raw table, generated from the catalogue.

Row-level rules (checked by Great Expectations on chunks of rows, see validate.py):

  key_present     key fields not blank (blank allowed for UMSKZ, AUGBL, AUGDT, ZUONR)  error
  date_format     DATS: 8 digits                                                       error
  date_valid      DATS: a calendar date YYYYMMDD, or 00000000                          error
  time_valid      TIMS: HHMMSS from 000000 to 235959                                   error
  timestamp_iso   TSTZ (CRM): an ISO-8601 timestamp                                    error
  numc_digits     NUMC: digits only (error in keys, where joins depend on it)          error/warn
  currency_code   CUKY: three capital letters                                          warn
  in_domain       codes in their SAP domain (VBTYP, SHKZG, KOART, CHNGIND, USTYP, ...)  warn
  in_bounds       quantities, amounts and rates within sane bounds                     warn

Table-level rules (SQL, since a chunk cannot see them, see sql_checks.py): unique_key
(error) and the references in REFERENCES (warn: a child whose parent has not arrived yet is
incomplete, not wrong, and is picked up once the parent arrives).

"error" rules block the downstream assets when they fail (Dagster blocking checks); "warn"
rules are reported and kept. Blank text is treated as missing (NULL) throughout: a blank
optional field passes every rule but key_present.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from extractors.catalogue import SourceTable
from extractors.load.validate import BLANK_ALLOWED_KEY_FIELDS

ERROR, WARN = "error", "warn"
DATE_FORMAT = r"^\d{8}$"
TIME_VALID = r"^(?:[01]\d|2[0-3])[0-5]\d[0-5]\d$"
TIMESTAMP_ISO = (
    r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)?$"
)
NUMC_DIGITS = r"^\d+$"
CURRENCY_CODE = r"^[A-Z]{3}$"

# SAP domains (values as in the ABAP dictionary), by field name in any table.
_SD_CATEGORIES = tuple("ABCDEFGHIJKLMNOPQRSTUVWX012345678abcdefghijklmnopqrstu")
_STATUS = ("A", "B", "C")
_STATUS_FIELDS = (
    *("GBSTK", "LFSTK", "FKSTK", "KOSTK", "WBSTK", "PDSTK"),  # header
    *("GBSTA", "LFSTA", "FKSTA", "ABSTA", "KOSTA", "WBSTA"),  # item
)
DOMAINS: dict[str, tuple[str, ...]] = {
    "VBTYP": _SD_CATEGORIES,  # SD document category
    "VBTYP_N": _SD_CATEGORIES,
    "VBTYP_V": _SD_CATEGORIES,
    "SHKZG": ("S", "H"),  # debit / credit
    "KOART": ("A", "D", "K", "M", "S"),  # account type
    "CHNGIND": ("U", "I", "E", "D", "J"),  # change document item: update, insert, delete
    "CHANGE_IND": ("U", "I", "E", "D", "J"),
    "USTYP": ("A", "B", "C", "L", "S"),  # dialog, system, communication, reference, service
    "FKSTO": ("X",),  # billing document cancelled
    "RFBSK": tuple("ABCDEFGHIK"),  # posting status of a billing document
    "FKSAF": _STATUS,  # billing status of a billing plan date
    "CMGST": (*_STATUS, "D"),  # credit status
    **dict.fromkeys(_STATUS_FIELDS, _STATUS),  # overall, delivery, billing, ... status
    "IS_WON": ("true", "false"),  # CRM
}

# (minimum, maximum) per SAP type, and per field where the type's bounds do not fit.
TYPE_BOUNDS = {
    "QUAN": (0.0, 1e9),  # SAP quantities carry no sign (SHKZG or the movement type does)
    "CURR": (-1e11, 1e11),
    "DEC": (-1e6, 1e6),
    "INT4": (-(2**31), 2**31 - 1),
}
FIELD_BOUNDS = {
    "ZBD1T": (0.0, 999.0),  # days of payment terms
    "ZBD2T": (0.0, 999.0),
    "ZBD3T": (0.0, 999.0),
    "ZBD1P": (0.0, 100.0),  # cash discount percent
    "KURRF": (0.0, 1e6),  # exchange rate
}


@dataclass(frozen=True)
class Rule:
    """One row-level expectation on one column."""

    name: str  # key_present, date_valid, ...
    column: str
    severity: str  # error or warn
    args: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def id(self) -> str:
        return f"{self.name}:{self.column}"

    @property
    def description(self) -> str:
        return {
            "key_present": f"key field {self.column} present",
            "date_format": f"{self.column} has 8 digits",
            "date_valid": f"{self.column} is a date YYYYMMDD or 00000000",
            "time_valid": f"{self.column} is a time HHMMSS",
            "timestamp_iso": f"{self.column} is an ISO-8601 timestamp",
            "numc_digits": f"{self.column} has digits only",
            "currency_code": f"{self.column} is a currency code",
            "in_domain": f"{self.column} in its domain",
            "in_bounds": f"{self.column} within {self.args.get('min')}..{self.args.get('max')}",
        }[self.name]


@dataclass(frozen=True)
class Reference:
    """Present rows of `child` must find a present row of `parent`.

    A child row with a blank referencing field (other than the client) refers to nothing
    (a delivery without a sales order) and is not checked.
    """

    child: str
    parent: str
    columns: tuple[tuple[str, str], ...]  # (child column, parent column)

    @property
    def check_name(self) -> str:
        return f"references_{self.parent.lower()}"


def _same(*fields: str) -> tuple[tuple[str, str], ...]:
    return tuple((f, f) for f in fields)


REFERENCES = (
    Reference("VBAP", "VBAK", (("MANDT", "MANDT"), ("VBELN", "VBELN"))),
    Reference("LIPS", "LIKP", (("MANDT", "MANDT"), ("VBELN", "VBELN"))),
    Reference("LIPS", "VBAP", (("MANDT", "MANDT"), ("VGBEL", "VBELN"), ("VGPOS", "POSNR"))),
    Reference("VBRP", "VBRK", (("MANDT", "MANDT"), ("VBELN", "VBELN"))),
    Reference("BSEG", "BKPF", _same("MANDT", "BUKRS", "BELNR", "GJAHR")),
    Reference("CDPOS", "CDHDR", _same("MANDANT", "OBJECTCLAS", "OBJECTID", "CHANGENR")),
)


def references_of(table: str) -> list[Reference]:
    return [r for r in REFERENCES if r.child == table]


def rules_for(table: SourceTable, columns: list[str]) -> list[Rule]:
    """The row-level rules of `table` for the columns the warehouse has."""
    present = set(columns)
    rules = []
    for column in table.columns:
        name, sap_type = column.name, column.sap_type
        if name not in present:
            continue
        is_key = name in table.primary_key
        if is_key and name not in BLANK_ALLOWED_KEY_FIELDS:
            rules.append(Rule("key_present", name, ERROR))
        rules += _format_rules(name, sap_type, is_key)
        if name in DOMAINS:
            rules.append(Rule("in_domain", name, WARN, {"values": DOMAINS[name]}))
        bounds = FIELD_BOUNDS.get(name) or TYPE_BOUNDS.get(sap_type)
        if bounds:
            rules.append(Rule("in_bounds", name, WARN, {"min": bounds[0], "max": bounds[1]}))
    return rules


def _format_rules(name: str, sap_type: str, is_key: bool) -> list[Rule]:
    if sap_type == "DATS":
        return [
            Rule("date_format", name, ERROR, {"regex": DATE_FORMAT}),
            Rule("date_valid", name, ERROR, {"format": "%Y%m%d", "except": "00000000"}),
        ]
    if sap_type == "TIMS":
        return [Rule("time_valid", name, ERROR, {"regex": TIME_VALID})]
    if sap_type == "TSTZ":
        return [Rule("timestamp_iso", name, ERROR, {"regex": TIMESTAMP_ISO})]
    if sap_type == "NUMC":
        return [Rule("numc_digits", name, ERROR if is_key else WARN, {"regex": NUMC_DIGITS})]
    if sap_type == "CUKY":
        return [Rule("currency_code", name, WARN, {"regex": CURRENCY_CODE})]
    return []
