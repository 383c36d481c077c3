"""Stable pseudonyms for personal customer keys (e-mail, phone, name).

When an export identifies customers only by e-mail address, phone number or name, the loader
replaces that key by ``K-`` + the first 12 hex digits of HMAC-SHA256(secret, normalised value):
the same person gets the same pseudonym in every file and every run, the original value is not
kept, and without the secret a pseudonym cannot be checked against a guessed address.

The secret is 32 random bytes in ``<workspace>/.kbworkbook-secret`` (created on first use,
readable by the owner only, never copied into a report). A file loaded outside a workspace,
or a workspace that cannot be written, gets a secret that lives as long as the Python process:
stable within a session only.

Normalisation: e-mail → trimmed, lower case; phone → digits only, a leading ``00`` or national
``0`` dropped (``+41 79 …``, ``0041 79 …`` and ``079 …`` stay different only in the country
part); name → words in lower case, single spaces, umlauts kept.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

import pandas as pd

__all__ = ["SECRET_FILE", "KINDS", "pseudonymize", "session_secret", "workspace_secret"]

SECRET_FILE = ".kbworkbook-secret"  # noqa: S105 - a file name, not a secret
#: Kinds of personal key, in the order they are preferred as a customer key.
KINDS: tuple[str, ...] = ("email", "phone", "name")

_SESSION_SECRET = secrets.token_bytes(32)


def session_secret() -> bytes:
    """The secret for files loaded outside a workspace (new for every Python process)."""
    return _SESSION_SECRET


def workspace_secret(root: Path) -> bytes:
    """The workspace's pseudonym secret; created (owner-only, atomically) when missing."""
    path = Path(root) / SECRET_FILE
    try:
        text = path.read_text(encoding="ascii").strip()
        if len(text) == 64:
            return bytes.fromhex(text)
    except (FileNotFoundError, ValueError):
        pass
    value = secrets.token_hex(32)
    tmp = path.with_name(f"{SECRET_FILE}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    except OSError:  # a read-only workspace (e.g. the installed sample): stable per session
        return session_secret()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(value + "\n")
    try:
        os.link(tmp, path)  # never replace a secret another process wrote meanwhile
    except FileExistsError:
        tmp.unlink()
        return workspace_secret(root)
    tmp.unlink()
    return bytes.fromhex(value)


def _normalise(values: pd.Series, kind: str) -> pd.Series:
    text = values.astype("str").str.strip()
    if kind == "email":
        return text.str.lower()
    if kind == "phone":
        digits = text.str.replace(r"\D", "", regex=True)
        return digits.str.replace(r"^(?:00|0)", "", regex=True)
    return text.str.casefold().str.replace(r"\s+", " ", regex=True)




def pseudonymize(values: pd.Series, kind: str, secret: bytes) -> pd.Series:
    """``K-`` + 12 hex digits per value (empty values stay missing); one hash per distinct
    value, so a million lines of a few thousand customers cost a few thousand hashes."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {KINDS}")
    empty = values.isna() | (values.astype("str").str.strip() == "")
    norm = _normalise(values.where(~empty, ""), kind)
    codes, uniques = pd.factorize(norm)
    hashed = [
        "K-" + hmac.new(secret, str(u).encode("utf-8"), hashlib.sha256).hexdigest()[:12]
        for u in uniques
    ]
    out = pd.Series(pd.array(hashed, dtype="str")[codes], index=values.index, dtype="str")
    return out.where(~(empty | (norm == "")))
