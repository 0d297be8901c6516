"""The audit log: who signed in (or failed to), who opened which page, who signed out, and when.

One JSON object a line in `audit_log_file`, appended (never rewritten) and kept apart from the warehouse,
which each load replaces, mode 0600 whatever it had. Never a password; the user's name is the account name
(or "unknown"), cut to `signin_name_max_chars`.
"""
from __future__ import annotations

import json
import os
from datetime import datetime, timezone

import config


def record(event: str, user: str, **details: str) -> None:
    path = config.path("audit_log_file")
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps({"at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                       "user": user[: int(config.get("signin_name_max_chars"))], "event": event, **details},
                      ensure_ascii=False)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as f:
        f.write(line + "\n")


def entries() -> list[dict]:
    path = config.path("audit_log_file")
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
