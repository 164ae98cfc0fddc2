"""The CRM: accounts, opportunities with their stage history, and quotes. Won
opportunities lead to the orders of the CRM channel; lost ones lead nowhere."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .clock import DAY, HOUR, MINUTE, in_work_hours
from .lifecycle.context import Ctx
from .lifecycle.keys import num

STAGES = ("Prospecting", "Qualification", "Proposal", "Negotiation")


def crm_history(ctx: Ctx, block: int) -> dict[str, pd.DataFrame]:
    """Opportunities, stage changes and quotes of this block (full history, local times).

    Also records the pre-sales events of the CRM orders in the ground truth.
    """
    won = np.flatnonzero(ctx.o("channel") == "crm")
    t0 = ctx.o("created_at")[won]
    k = len(won)
    created = in_work_hours(ctx.rng, t0 - ctx.rng.lognormal(np.log(25), 0.4, k) * DAY)
    span = t0 - 2 * HOUR - created
    stage_at = [created] + [np.floor(created + f * span) for f in (0.2, 0.45, 0.75)]
    quote_at = np.floor(created + 0.5 * span)
    accept_at = np.floor(t0 - ctx.rng.uniform(1, 2, k) * HOUR)
    win_at = np.floor(t0 - ctx.rng.uniform(10, 50, k) * MINUTE)
    owner = ctx.pick("sales", k)
    opp_id = "OPP-" + num(ctx.o("order_seq")[won], 8)
    order = ctx.o("vbeln")[won]
    amount = np.round(ctx.rng.uniform(2000, 90000, k), 2)

    ctx.event("Create Opportunity", created, owner, order_pos=won)
    for at in stage_at[1:]:
        ctx.event("Change Opportunity Stage", at, owner, order_pos=won)
    ctx.event("Create Quote", quote_at, owner, order_pos=won)
    ctx.event("Accept Quote", accept_at, owner, order_pos=won)
    ctx.event("Win Opportunity", win_at, owner, order_pos=won)

    lost_n = int(k * 0.4)
    lost_created = (
        in_work_hours(ctx.rng, ctx.rng.choice(t0, lost_n) - ctx.rng.uniform(5, 60, lost_n) * DAY)
        if lost_n
        else np.array([])
    )
    lost_at = in_work_hours(ctx.rng, lost_created + ctx.rng.uniform(5, 40, lost_n) * DAY)
    lost_id = np.array([f"OPP-L{block:04d}{i:05d}" for i in range(lost_n)], dtype=object)
    lost_owner = ctx.pick("sales", lost_n)
    cust = ctx.masters.customers["kunnr"].to_numpy()
    opps = pd.DataFrame(
        {
            "id": np.concatenate([opp_id, lost_id]),
            "account": np.concatenate([ctx.o("kunnr")[won], ctx.rng.choice(cust, lost_n)]),
            "owner": np.concatenate([owner, lost_owner]),
            "created": np.concatenate([created, lost_created]),
            "closed": np.concatenate([win_at, lost_at]),
            "won": np.concatenate([np.ones(k, bool), np.zeros(lost_n, bool)]),
            "order": np.concatenate([order, np.full(lost_n, "", dtype=object)]),
            "amount": np.concatenate([amount, np.round(ctx.rng.uniform(2000, 90000, lost_n), 2)]),
        }
    )
    history = [
        pd.DataFrame({"opp": opp_id, "stage": s, "at": at, "user": owner})
        for s, at in zip(STAGES, stage_at, strict=True)
    ]
    history.append(
        pd.DataFrame({"opp": opp_id, "stage": "Closed Won", "at": win_at, "user": owner})
    )
    history.append(
        pd.DataFrame(
            {"opp": lost_id, "stage": "Prospecting", "at": lost_created, "user": lost_owner}
        )
    )
    history.append(
        pd.DataFrame({"opp": lost_id, "stage": "Closed Lost", "at": lost_at, "user": lost_owner})
    )
    quotes = pd.DataFrame(
        {
            "id": "QUO-" + num(ctx.o("order_seq")[won], 8),
            "opp": opp_id,
            "amount": amount,
            "user": owner,
            "created": quote_at,
            "accepted": accept_at,
            "order": order,
        }
    )
    return {
        "opportunities": opps,
        "history": pd.concat(history, ignore_index=True),
        "quotes": quotes,
    }


def iso(t, tz: str) -> np.ndarray:
    """Local seconds as ISO-8601 with the zone's offset ('' when NaN)."""
    t = np.asarray(t, dtype=float)
    out = np.full(t.shape, "", dtype=object)
    ok = ~np.isnan(t)
    if ok.any():
        local = pd.to_datetime(t[ok].astype(np.int64), unit="s").tz_localize(
            tz, ambiguous=True, nonexistent="shift_forward"
        )
        out[ok] = local.strftime("%Y-%m-%dT%H:%M:%S%z").to_numpy()
    return out


def crm_tables(hist: dict[str, pd.DataFrame], as_of: float, tz: str, customers, flavour):
    from .snapshot.common import frame, upto

    o = hist["opportunities"]
    o = o[upto(o["created"], as_of)]
    h = hist["history"]
    h = h[upto(h["at"], as_of)].sort_values(["opp", "at"], kind="stable")
    stage_now = h.groupby("opp")["stage"].last()
    closed = upto(o["closed"], as_of)
    last_change = h.groupby("opp")["at"].max()
    q = hist["quotes"]
    q = q[upto(q["created"], as_of)]
    accepted = upto(q["accepted"], as_of)
    hist_id = "H-" + h["opp"].str[4:] + "-" + h.groupby("opp").cumcount().astype(str).str.zfill(2)
    return {
        "OPPORTUNITIES": frame(
            "OPPORTUNITIES",
            flavour,
            {
                "OPPORTUNITY_ID": o["id"].to_numpy(),
                "ACCOUNT_ID": "ACC-" + o["account"].to_numpy(),
                "NAME": "Deal " + o["id"].to_numpy(),
                "OWNER": o["owner"].to_numpy(),
                "STAGE": o["id"].map(stage_now).to_numpy(),
                "AMOUNT": o["amount"].to_numpy(),
                "CURRENCY": "EUR",
                "CREATED_AT": iso(o["created"].to_numpy(), tz),
                "CLOSED_AT": iso(np.where(closed, o["closed"], np.nan), tz),
                "IS_WON": np.where(closed, np.where(o["won"], "true", "false"), ""),
                "SAP_ORDER": np.where(closed & o["won"].to_numpy(), o["order"], ""),
                "MODIFIED_AT": iso(o["id"].map(last_change).to_numpy(float), tz),
            },
            len(o),
        ),
        "OPPORTUNITY_STAGE_HISTORY": frame(
            "OPPORTUNITY_STAGE_HISTORY",
            flavour,
            {
                "HISTORY_ID": hist_id.to_numpy(),
                "OPPORTUNITY_ID": h["opp"].to_numpy(),
                "STAGE": h["stage"].to_numpy(),
                "CHANGED_BY": h["user"].to_numpy(),
                "CHANGED_AT": iso(h["at"].to_numpy(), tz),
            },
            len(h),
        ),
        "QUOTES": frame(
            "QUOTES",
            flavour,
            {
                "QUOTE_ID": q["id"].to_numpy(),
                "OPPORTUNITY_ID": q["opp"].to_numpy(),
                "STATUS": np.where(accepted, "Accepted", "Presented"),
                "AMOUNT": q["amount"].to_numpy(),
                "CURRENCY": "EUR",
                "CREATED_BY": q["user"].to_numpy(),
                "CREATED_AT": iso(q["created"].to_numpy(), tz),
                "ACCEPTED_AT": iso(np.where(accepted, q["accepted"], np.nan), tz),
                "SAP_ORDER": np.where(accepted, q["order"], ""),
                "MODIFIED_AT": iso(np.where(accepted, q["accepted"], q["created"]), tz),
            },
            len(q),
        ),
    }


def accounts_table(customers: pd.DataFrame, first_day: int, tz: str, flavour: str):
    from .snapshot.common import frame

    c = customers
    created = (first_day - 400 + c["created"].to_numpy() % 300) * DAY + 10 * HOUR
    return frame(
        "ACCOUNTS",
        flavour,
        {
            "ACCOUNT_ID": "ACC-" + c["kunnr"].to_numpy(),
            "NAME": c["name"].to_numpy(),
            "SAP_CUSTOMER": c["kunnr"].to_numpy(),
            "COUNTRY": c["country"].to_numpy(),
            "EMAIL": c["email"].to_numpy(),
            "OWNER": "SALES01",
            "CREATED_AT": iso(created, tz),
            "MODIFIED_AT": iso(created, tz),
        },
        len(c),
    )
