"""Master data of the demo company: company codes, sales orgs, plants, customers,
materials, users and texts. Drawn once per seed, independent of the orders."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

COMPANY_CODES = pd.DataFrame(
    {
        "bukrs": ["1000", "2000", "3000"],
        "name": ["O2C Demo GmbH", "O2C Demo Inc.", "O2C Demo Ltd."],
        "country": ["DE", "US", "GB"],
        "currency": ["EUR", "USD", "GBP"],
    }
)
# Sales org -> company code; plants per sales org.
SALES_ORGS = pd.DataFrame(
    {
        "vkorg": ["1000", "2000", "3000"],
        "bukrs": ["1000", "2000", "3000"],
        "weight": [0.55, 0.30, 0.15],
    }
)
PLANTS = {"1000": ["1000", "1100", "1200"], "2000": ["2000", "2100"], "3000": ["3000"]}
REPORTING_CURRENCY = "EUR"
# Monthly average rates into EUR (units of EUR per unit of currency) drift slowly.
BASE_RATES_TO_EUR = {"USD": 0.92, "GBP": 1.17}

# Payment terms: key -> (net days, discount days, discount percent, text)
PAYMENT_TERMS = {
    "NT14": (14, 0, 0.0, "14 days net"),
    "NT30": (30, 0, 0.0, "30 days net"),
    "NT60": (60, 0, 0.0, "60 days net"),
    "Z210": (30, 10, 2.0, "10 days 2% discount, 30 days net"),
    # Orders paid in advance carry these terms: they are how the source tells the timing.
    "DP30": (30, 0, 0.0, "30% down payment before delivery, balance 30 days net"),
}
ADVANCE_TERMS = "DP30"
TERMS_WEIGHTS = {"NT14": 0.15, "NT30": 0.5, "NT60": 0.15, "Z210": 0.2}

ORDER_TYPES = {  # fulfilment model -> (order type, item category, text)
    "make_to_stock": ("OR", "TAN", "Standard Order"),
    "make_to_order": ("OR", "TAK", "Standard Order"),
    "service": ("ZSRV", "TAD", "Service Order"),
    "subscription": ("ZSUB", "TAO", "Subscription Order"),
}
ORDER_TYPE_TEXTS = {
    "OR": "Standard Order",
    "ZSRV": "Service Order",
    "ZSUB": "Subscription Order",
    "RE": "Returns",
}
REJECTION_REASONS = {
    "01": "Delivery date too late",
    "02": "Poor quality",
    "03": "Too expensive",
    "04": "Competitor better",
    "05": "Cancelled by customer",
}

_SYLLABLES = np.array(
    [
        "Al",
        "Bor",
        "Cen",
        "Dal",
        "Eri",
        "Fal",
        "Gor",
        "Hel",
        "Ior",
        "Jun",
        "Kel",
        "Lum",
        "Mar",
        "Nor",
        "Ost",
        "Par",
        "Quin",
        "Ros",
        "Sel",
        "Tor",
        "Ul",
        "Ven",
        "Wes",
        "Xan",
        "Yor",
        "Zel",
    ]
)
_SUFFIX = {"DE": "GmbH", "US": "Inc.", "GB": "Ltd."}


@dataclass(frozen=True)
class Masters:
    customers: pd.DataFrame
    materials: pd.DataFrame
    users: pd.DataFrame

    def users_of(self, role: str) -> np.ndarray:
        return self.users.loc[self.users["role"] == role, "bname"].to_numpy()


def draw_masters(seed: int, items: int, planted: dict) -> Masters:
    rng = np.random.default_rng([seed, 900_001])
    return Masters(_customers(rng, items, planted), _materials(rng), _users())


def _customers(rng, items: int, planted: dict) -> pd.DataFrame:
    n = int(min(5000, max(60, items // 40)))
    vkorg = rng.choice(SALES_ORGS["vkorg"], n, p=SALES_ORGS["weight"])
    country = (
        SALES_ORGS.set_index("vkorg")["bukrs"]
        .map(COMPANY_CODES.set_index("bukrs")["country"])
        .reindex(vkorg)
        .to_numpy()
    )
    first = rng.choice(_SYLLABLES, n)
    second = rng.choice(_SYLLABLES, n)
    kunnr = np.array([f"{100000 + i:010d}" for i in range(1, n + 1)])
    name = [f"{a}{b.lower()} {_SUFFIX[c]}" for a, b, c in zip(first, second, country, strict=False)]
    terms = rng.choice(list(TERMS_WEIGHTS), n, p=list(TERMS_WEIGHTS.values()))
    late_rate = rng.uniform(0.1, 0.45, n)
    late_payers = np.zeros(n, dtype=bool)
    # The planted late payers: the first customers of the largest sales org.
    late_payers[: int(planted["late_paying_customers"])] = True
    vkorg[late_payers] = "1000"
    late_rate[late_payers] = float(planted["late_paying_rate"])
    return pd.DataFrame(
        {
            "kunnr": kunnr,
            "name": name,
            "vkorg": vkorg,
            "country": np.where(late_payers, "DE", country),
            "city": rng.choice(
                ["Hamburg", "Berlin", "Chicago", "Austin", "Leeds", "Bristol", "Munich", "Denver"],
                n,
            ),
            "phone": [f"+{rng.integers(1, 99)} {rng.integers(100, 999)} {i:06d}" for i in range(n)],
            "email": [
                f"ap{i}@{a.lower()}{b.lower()}.example"
                for i, (a, b) in enumerate(zip(first, second, strict=False))
            ],
            "terms": terms,
            "has_pod": rng.random(n) < 0.4,
            "late_rate": late_rate,
            "is_planted_late_payer": late_payers,
            "created": rng.integers(0, 2000, n),
        }
    )


def _materials(rng) -> pd.DataFrame:
    rows = []
    for i in range(1, 121):
        rows.append(
            (
                f"FG-{1000 + i}",
                "FERT",
                "goods",
                f"Pump assembly type {i}",
                round(float(rng.uniform(20, 900)), 2),
                "ST",
            )
        )
    for i in range(1, 31):
        rows.append(
            (
                f"SRV-{100 + i}",
                "DIEN",
                "service",
                f"Field service package {i}",
                round(float(rng.uniform(200, 3000)), 2),
                "H",
            )
        )
    for i in range(1, 11):
        rows.append(
            (
                f"SUB-{10 + i}",
                "DIEN",
                "subscription",
                f"Monitoring subscription {i}",
                round(float(rng.uniform(50, 600)), 2),
                "MON",
            )
        )
    return pd.DataFrame(rows, columns=["matnr", "mtart", "kind", "text", "price", "unit"])


def _users() -> pd.DataFrame:
    rows = []

    def add(prefix, role, count, ustyp="A"):
        for i in range(1, count + 1):
            rows.append((f"{prefix}{i:02d}" if count > 1 else prefix, role, ustyp))

    add("SALES", "sales", 20)
    add("CREDIT", "credit", 4)
    add("WHSE", "warehouse", 8)
    add("SERVICE", "service", 6)
    add("BILL", "billing", 5)
    add("AR", "receivables", 5)
    add("BATCH_SD", "batch_sd", 1, "B")
    add("BATCH_FI", "batch_fi", 1, "B")
    add("BATCH_MM", "batch_mm", 1, "B")
    add("IDOC_EDI", "edi", 1, "C")
    add("CRM_RFC", "crm", 1, "C")
    add("BANK_IF", "bank", 1, "C")
    return pd.DataFrame(rows, columns=["bname", "role", "ustyp"])
