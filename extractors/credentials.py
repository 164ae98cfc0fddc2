"""Keep the source password out of URLs, messages, logs and the warehouse.

The password is read from the environment when the engine opens a connection and handed
straight to the database driver, so the SQLAlchemy URL (which engines, errors and reprs
print) never contains it.
"""

from __future__ import annotations

import os

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine

from extractors.settings import PASSWORD_ENV

MASK = "***"


def mask_url(url: str | URL) -> str:
    """The URL as text with any password replaced by ***."""
    return sa.make_url(url).render_as_string(hide_password=True)


# Secrets read from the environment: none of them may reach a message or a log.
SECRET_ENVS = (PASSWORD_ENV, "O2C_PSEUDONYM_KEY")


def scrub(text: str) -> str:
    """`text` with the secrets from the environment removed (for error messages)."""
    for env in SECRET_ENVS:
        secret = os.environ.get(env)
        if secret:
            text = text.replace(secret, MASK)
    return text


def create_source_engine(url: str | URL) -> Engine:
    """An engine whose connections get the password from O2C_SAP_PASSWORD at connect time."""
    url = sa.make_url(url)
    engine = sa.create_engine(url, pool_pre_ping=True)

    @sa.event.listens_for(engine, "do_connect")
    def _inject_password(dialect, conn_rec, cargs, cparams):
        password = os.environ.get(PASSWORD_ENV)
        if password and url.get_backend_name() != "sqlite":
            cparams["password"] = password

    if url.get_backend_name() == "sqlite":

        @sa.event.listens_for(engine, "connect")
        def _lenient_text(dbapi_connection, conn_rec):
            # sqlite3 aborts the whole query on one invalid UTF-8 value; decoding with
            # replacement characters keeps the row so validation can quarantine it.
            dbapi_connection.text_factory = _decode_lenient

    return engine


def _decode_lenient(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace")
