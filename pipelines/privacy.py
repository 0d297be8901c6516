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
from contextlib import suppress
from pathlib import Path

import config
import i18n
import warehouse

KEY_BYTES = 32  # a key shorter than this is refused
BLOCK = 64  # SHA-256 block size: HMAC pads the key to it
HEX_CHARS = 32  # HMAC-SHA256 truncated to 128 bits (RFC 2104 §5): no collision in any realistic registry


def key_path() -> Path:
    return config.path("pseudonym_key_file")


def load_key(path: Path | None = None) -> bytes:
    """The pseudonym key, created (KEY_BYTES random bytes, mode 0600) on first use.

    A key file that is empty or shorter than KEY_BYTES is refused (ConfigError), never used: HMAC under an
    empty key is an unkeyed hash of the identity number. Such a file comes from a creation cut short (a full
    disk) or from a hand edit; the real key must come back from its backup, as a new one would give every
    person a new pseudonym.
    """
    path = path or key_path()
    if path.is_dir():
        raise config.ConfigError(i18n.both("key_is_folder", path=path))
    try:
        if not path.exists():
            _create_key(path)
        key = path.read_bytes()
    except OSError as exc:     # no permission, a file in place of its folder, an unreadable device
        if warehouse.disk_full(exc):
            raise
        raise config.ConfigError(i18n.both("key_unreadable", path=path, detail=type(exc).__name__)) from exc
    if len(key) < KEY_BYTES:
        raise config.ConfigError(i18n.both("key_too_short", path=path, size=len(key), minimum=KEY_BYTES))
    return key


def _create_key(path: Path) -> None:
    """Write a new key atomically: a private temporary file in the same folder, flushed to disk, then linked
    to its name (which fails if another process made the key meanwhile: that key is kept)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(secrets.token_bytes(KEY_BYTES))
            f.flush()
            os.fsync(f.fileno())
        with suppress(FileExistsError):
            os.link(tmp, path)
        warehouse.fsync(path.parent)
    except OSError as exc:
        if warehouse.disk_full(exc):
            raise warehouse.DiskFull(i18n.both("disk_full", folder=path.parent)) from exc
        raise
    finally:
        tmp.unlink(missing_ok=True)


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
