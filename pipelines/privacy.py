"""Pseudonyms for identity numbers: HMAC-SHA256 under a key kept outside the warehouse.

The same person gets the same pseudonym in every extract and every load, so people can be followed
across snapshots and matched between hair tests and the registry, while the warehouse holds nothing
that leads back to a number without the key.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

import config

BLOCK = 64  # SHA-256 block size: HMAC pads the key to it
HEX_CHARS = 32  # HMAC-SHA256 truncated to 128 bits (RFC 2104 §5): no collision in any realistic registry


def key_path() -> Path:
    return config.path("pseudonym_key_file")


def load_key(path: Path | None = None) -> bytes:
    """The pseudonym key, created (32 random bytes, mode 0600) on first use."""
    path = path or key_path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(secrets.token_bytes(32))
    return path.read_bytes()


def pseudonym(number: str, key: bytes) -> str:
    """HMAC-SHA256 of the normalised identity number, hex, truncated to 128 bits."""
    return hmac.new(key, number.strip().upper().encode(), hashlib.sha256).hexdigest()[:HEX_CHARS]


def hmac_sql(col: str, key: bytes) -> str:
    """SQL computing `pseudonym(col, key)` inside DuckDB (RFC 2104 spelled out with its sha256)."""
    if len(key) > BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(BLOCK, b"\0")
    inner = bytes(k ^ 0x36 for k in key).hex()
    outer = bytes(k ^ 0x5C for k in key).hex()
    return f"left(sha256(unhex('{outer}') || unhex(sha256(unhex('{inner}') || encode({col})))), {HEX_CHARS})"
