"""Back-off and lock-out after failed sign-ins, by account name and by browser session.

After a failure the next try waits `signin_backoff_seconds`, doubling with each further failure; after
`signin_max_failures` in a row the name (or session) is locked for `signin_lockout_minutes`. A try during a
wait is refused without checking the password.

A name's failures are kept in a small file beside the audit log (mode 0600), so neither a page reload nor a
new session wipes them. Every name typed is counted alike, known or not, so a lock-out tells nothing about
which names exist; the file holds names only as keyed hashes (a password typed into the name field is
never written down) and forgets a name once its failures are older than the lock-out. A session's own
failures live in its session state (`Tally`), which a reload starts afresh; the name's count still holds.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import config

log = logging.getLogger(__name__)
_LOCK = threading.Lock()          # sessions are threads of one server: one read-change-write at a time


def now() -> float:
    return time.time()


def max_failures() -> int:
    return int(config.get("signin_max_failures"))


def lockout_seconds() -> float:
    return float(config.get("signin_lockout_minutes")) * 60


@dataclass(frozen=True)
class Tally:
    """Failures in a row (each within the lock-out time of the one before) and when the last one was."""

    failures: int = 0
    last: float = 0.0

    @property
    def locked(self) -> bool:
        return self.failures >= max_failures()

    def wait(self, at: float) -> float:
        """Seconds before another try is checked (0: now)."""
        if self.failures == 0:
            return 0.0
        backoff = float(config.get("signin_backoff_seconds")) * 2 ** (self.failures - 1)
        hold = lockout_seconds() if self.locked else backoff
        return max(0.0, self.last + hold - at)

    def forgotten(self, at: float) -> bool:
        return at - self.last >= lockout_seconds()

    def failed(self, at: float) -> Tally:
        return Tally((0 if self.forgotten(at) else self.failures) + 1, at)


def state_path() -> Path:
    audit_log = config.path("audit_log_file")
    return audit_log.with_name(audit_log.stem + ".signin.json")


def name_tally(name: str, at: float) -> Tally:
    state = _read()
    return _tally(state, name, at)


def name_failed(name: str, at: float) -> Tally:
    """Count a failure for `name`; its new tally."""
    with _LOCK:
        state = _read()
        tally = _tally(state, name, at).failed(at)
        state["names"][_digest(state, name)] = [tally.failures, tally.last]
        _write(state, at)
    return tally


def name_cleared(name: str, at: float) -> None:
    """A successful sign-in: the name starts again from zero."""
    with _LOCK:
        state = _read()
        if state["names"].pop(_digest(state, name), None) is not None:
            _write(state, at)


def _tally(state: dict, name: str, at: float) -> Tally:
    found = Tally(*state["names"].get(_digest(state, name), (0, 0.0)))
    return Tally() if found.forgotten(at) else found


def _digest(state: dict, name: str) -> str:
    return hmac.new(bytes.fromhex(state["key"]), name.encode("utf-8"), hashlib.sha256).hexdigest()


def _read() -> dict:
    """The file's state; a new key and no names when there is none yet (or it is not ours: a damaged file
    only forgets the failures, it never stops sign-in)."""
    path = state_path()
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(state.get("key"), str) and isinstance(state.get("names"), dict):
            bytes.fromhex(state["key"])
            return state
    except FileNotFoundError:
        pass
    except (ValueError, AttributeError):
        log.warning("sign-in state %s unreadable: starting afresh", path)
    return {"key": secrets.token_hex(32), "names": {}}


def _write(state: dict, at: float) -> None:
    """Atomically, mode 0600, without the names whose failures are forgotten."""
    state["names"] = {k: v for k, v in state["names"].items() if not Tally(*v).forgotten(at)}
    path = state_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(state, f)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
