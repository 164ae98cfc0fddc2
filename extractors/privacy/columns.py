"""Which warehouse columns hold personal data, and of which kind (user or customer).

Three rules, documented in docs/reliability.md ("Pseudonymisation"):

1. Raw tables (raw_sap.*, raw_crm.*), from the catalogue: every column named in
   USER_FIELDS is a user name, wherever it appears; CUSTOMER_FIELDS names the customer and
   contact columns table by table. Change-document values (CDPOS VALUE_NEW/VALUE_OLD) are
   personal when the changed field (FNAME) is one of those fields.
2. Every other schema (dbt's staging, intermediate and marts, mining): columns are matched
   by name against USER_COLUMNS and CUSTOMER_COLUMNS (the names the dbt models give these
   values, e.g. `resource`, `customer_name`, `email`, and every `<action>_by` column), and
   CHANGE_VALUE_COLUMNS
   beside a FIELD_COLUMNS column follow rule 1's change-document logic. EXTRA_COLUMNS names
   columns whose names do not say what they hold.
3. Quarantine rows keep their raw content as JSON: its personal fields are replaced the same
   way, and unreadable lines (which cannot be split into fields) are withheld.

Only text columns are rewritten. tests/reliability/test_pseudonymise.py fails when the
catalogue gains a column whose name looks personal and is in neither list here.
"""

from __future__ import annotations

from dataclasses import dataclass

from extractors.catalogue import BY_NAME

RAW_SCHEMAS = ("raw_sap", "raw_crm")
QUARANTINE_SCHEMA = "quarantine"

# SAP and CRM fields holding a user name, in whichever table they appear.
USER_FIELDS = frozenset(
    {"ERNAM", "USNAM", "USNAM_MKPF", "USERNAME", "BNAME", "OWNER", "CHANGED_BY", "CREATED_BY"}
)
# User-kind fields of single tables. SAP names the user group (USR02 CLASS) of a technical
# user after the user itself, so a group can name a user.
USER_FIELDS_BY_TABLE = {"USR02": frozenset({"CLASS"})}
# Customer names and contact details, per source table.
CUSTOMER_FIELDS = {
    "KNA1": frozenset({"NAME1", "TELF1", "SMTP_ADDR"}),
    "ACCOUNTS": frozenset({"NAME", "EMAIL"}),
    # Free text that in real CRMs usually names the customer ("ACME - 40 pumps").
    "OPPORTUNITIES": frozenset({"NAME"}),
}
# Fields whose names look personal but are not (checked by the catalogue guard test):
# changed table and field names, the shipping point.
NOT_PERSONAL = {("CDPOS", "TABNAME"), ("CDPOS", "FNAME"), ("LIKP", "VSTEL")}

# Change documents: the value columns are personal when the changed field is.
CHANGE_DOCUMENT_TABLE = "CDPOS"
CHANGE_VALUE_FIELDS = ("VALUE_NEW", "VALUE_OLD")
CHANGE_FIELD = "FNAME"
# Changed fields (SAP names, any table) holding user or customer data.
CHANGED_USER_FIELDS = USER_FIELDS | {"AENAM", "UNAME"}
CHANGED_CUSTOMER_FIELDS = frozenset(
    {"NAME1", "NAME2", "NAME3", "NAME4", "TELF1", "TELF2", "TELFX", "SMTP_ADDR", "STRAS"}
)

# Downstream (dbt, mining): column names, compared in lower case.
USER_COLUMNS = frozenset(
    {
        "resource", "user_name", "username", "created_by", "changed_by", "entered_by",
        "posted_by", "cleared_by", "order_created_by", "owner_user", "owner", "user_group",
        *(field.lower() for field in USER_FIELDS),
    }
)  # fmt: skip
# The dbt models name the acting user `<action>_by` (goods_issue_by, released_by, ...).
USER_SUFFIX = "_by"
CUSTOMER_COLUMNS = frozenset(
    {
        "customer_name", "account_name", "opportunity_name", "contact_name", "email",
        "email_address", "phone", "phone_number", "name1", "telf1", "smtp_addr",
    }
)  # fmt: skip
CHANGE_VALUE_COLUMNS = frozenset({"new_value", "old_value", "value_new", "value_old"})
# Free text that may mention a user or customer (mining's rule violations: "credit block
# released by SALES17"): every name found in it is replaced by its token.
FREE_TEXT_COLUMNS = frozenset({"detail"})
FIELD_COLUMNS = ("field_name", "fname")
# (schema.table, column, kind) for columns whose names do not tell.
EXTRA_COLUMNS: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True)
class Target:
    """A column to rewrite.

    kind: user, customer, by_field (change values), free_text or quarantine.
    """

    schema: str
    table: str
    column: str
    kind: str
    field_column: str | None = None  # by_field: the column naming the changed field
    # Its values count as names when the copy is scanned for clear names: not for user
    # groups, whose names ("SALES", "CRM") also occur as plain codes elsewhere.
    verified: bool = True


def targets_for(schema: str, table: str, columns: dict[str, str]) -> list[Target]:
    """The personal columns of one relation; `columns` maps column name to DuckDB type."""
    text = {name for name, sql_type in columns.items() if sql_type == "VARCHAR"}
    if schema in RAW_SCHEMAS:
        return _raw_targets(schema, table, text)
    if schema == QUARANTINE_SCHEMA:
        has_content = "raw_content" in columns and table.upper() in BY_NAME
        return [Target(schema, table, "raw_content", "quarantine")] if has_content else []
    return _downstream_targets(schema, table, text)


def _raw_targets(schema: str, table: str, text: set[str]) -> list[Target]:
    name = table.upper()
    out = []
    for column in sorted(text):
        upper = column.upper()
        if upper in USER_FIELDS:
            out.append(Target(schema, table, column, "user"))
        elif upper in USER_FIELDS_BY_TABLE.get(name, ()):
            out.append(Target(schema, table, column, "user", verified=False))
        elif upper in CUSTOMER_FIELDS.get(name, ()):
            out.append(Target(schema, table, column, "customer"))
        elif name == CHANGE_DOCUMENT_TABLE and upper in CHANGE_VALUE_FIELDS:
            field = next((c for c in text if c.upper() == CHANGE_FIELD), None)
            if field:
                out.append(Target(schema, table, column, "by_field", field))
    return out


def _downstream_targets(schema: str, table: str, text: set[str]) -> list[Target]:
    lower = {column.lower(): column for column in text}
    field = next((lower[name] for name in FIELD_COLUMNS if name in lower), None)
    extra = {
        column.lower(): kind
        for relation, column, kind in EXTRA_COLUMNS
        if relation.lower() == f"{schema}.{table}".lower()
    }
    out = []
    for name, column in sorted(lower.items()):
        if name in extra:
            out.append(Target(schema, table, column, extra[name]))
        elif name in USER_COLUMNS or name.endswith(USER_SUFFIX):
            out.append(Target(schema, table, column, "user", verified=name != "user_group"))
        elif name in CUSTOMER_COLUMNS:
            out.append(Target(schema, table, column, "customer"))
        elif name in CHANGE_VALUE_COLUMNS and field:
            out.append(Target(schema, table, column, "by_field", field))
        elif name in FREE_TEXT_COLUMNS:
            out.append(Target(schema, table, column, "free_text", verified=False))
    return out


def personal_fields(table: str) -> dict[str, str]:
    """{field: kind} of one catalogue table's personal fields (for quarantine content)."""
    source = BY_NAME[table.upper()]
    out = {}
    for column in source.columns:
        if column.name in USER_FIELDS | USER_FIELDS_BY_TABLE.get(source.name, frozenset()):
            out[column.name] = "user"
        elif column.name in CUSTOMER_FIELDS.get(source.name, ()):
            out[column.name] = "customer"
    return out


def changed_field_kind(field: str | None) -> str | None:
    """The kind of a change document's value, from the name of the field it changed."""
    if field is None:
        return None
    field = field.strip().upper()
    if field in CHANGED_USER_FIELDS:
        return "user"
    if field in CHANGED_CUSTOMER_FIELDS:
        return "customer"
    return None
