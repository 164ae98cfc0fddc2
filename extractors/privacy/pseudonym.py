"""Keyed tokens for personal data: the same name always gives the same token.

A token is a prefix for the kind of value ('U_' user, 'C_' customer or contact) followed
by the first 16 hex digits (64 bits) of HMAC-SHA256(key, value). The key comes from the
environment only (O2C_PSEUDONYM_KEY) and never reaches a setting, a log or the warehouse;
without the key the tokens cannot be turned back into names, nor recomputed from a list of
likely names. The value is hashed exactly as stored (no trimming or case folding), so what
is one user in SAP is one token everywhere, in every run, as long as the key stays.
"""

from __future__ import annotations

import hashlib
import hmac
import os

PSEUDONYMISE_ENV = "O2C_PSEUDONYMISE"
KEY_ENV = "O2C_PSEUDONYM_KEY"
MIN_KEY_LENGTH = 16
TOKEN_HEX_DIGITS = 16

PREFIXES = {"user": "U_", "customer": "C_"}


class PseudonymisationError(RuntimeError):
    """Pseudonymisation is asked for but cannot be done; nothing is published then."""


def pseudonymise_enabled() -> bool:
    """O2C_PSEUDONYMISE is true, yes, on or 1 (any case)."""
    value = os.environ.get(PSEUDONYMISE_ENV, "").strip().lower()
    if value in ("", "0", "false", "no", "off"):
        return False
    if value in ("1", "true", "yes", "on"):
        return True
    raise PseudonymisationError(f"{PSEUDONYMISE_ENV} must be true or false, not {value!r}")


def key_from_environment() -> bytes:
    key = os.environ.get(KEY_ENV, "")
    if len(key) < MIN_KEY_LENGTH:
        raise PseudonymisationError(
            f"{PSEUDONYMISE_ENV} is on but {KEY_ENV} is missing or shorter than "
            f"{MIN_KEY_LENGTH} characters: set a long random secret (the same one every run)"
        )
    return key.encode()


def token(value: str, kind: str, key: bytes) -> str:
    digest = hmac.new(key, value.encode(), hashlib.sha256).hexdigest()
    return PREFIXES[kind] + digest[:TOKEN_HEX_DIGITS]
