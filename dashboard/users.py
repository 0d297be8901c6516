"""Local accounts for the app (setting `auth_mode: local`): names, Argon2 password hashes, roles, township.

The file (`users_file`, mode 0600) holds no password, only hashes. Manage it from the command line:

    python -m dashboard.users add 张三 --role office                       # asks for the password twice
    python -m dashboard.users add 李四 --role analyst --township 150823100
    python -m dashboard.users add 教育局报送 --role unit --unit 教育局                # reports its own tasks
    python -m dashboard.users remove 李四
    python -m dashboard.users list

Account names have at most `signin_name_max_chars` characters. A user bound to a township sees that township
only (`access.User.scope`); roles decide which pages open (`dashboard.nav`).
"""
from __future__ import annotations

import argparse
import getpass
import os
import secrets
import sys
import tempfile
from functools import cache
from pathlib import Path

import yaml
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

import config
import domain
import i18n
from analysis.access import ROLES, User

_HASHER = PasswordHasher()


class AccountsFileError(Exception):
    """The accounts file cannot be used (a folder, unreadable, not YAML, not accounts); the message says
    which file and why, in both languages."""


def users_path() -> Path:
    return config.path("users_file")


def max_name_chars() -> int:
    return int(config.get("signin_name_max_chars"))


def load() -> dict[str, dict]:
    path = users_path()
    if not path.exists():
        return {}
    try:
        found = config.read_yaml(path) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise AccountsFileError(i18n.both("users.file_unusable", file=path, reason=type(exc).__name__)) from None
    if not isinstance(found, dict) or not all(_is_account(entry) for entry in found.values()):
        raise AccountsFileError(i18n.both("users.file_unusable", file=path, reason="not accounts"))
    return {str(name): entry for name, entry in found.items()}


def _is_account(entry: object) -> bool:
    return (isinstance(entry, dict) and isinstance(entry.get("password_hash"), str)
            and isinstance(entry.get("roles"), list))


def save(users: dict[str, dict]) -> None:
    """Write the accounts atomically, readable by the owner only: a fresh private temporary file (whatever
    lies about from an earlier attempt) renamed over the old file."""
    path = users_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            yaml.safe_dump(users, f, allow_unicode=True, sort_keys=True)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def add(name: str, password: str, roles: list[str], township: str | None = None, unit: str | None = None) -> None:
    bad = [r for r in roles if r not in ROLES]
    if bad or not roles:
        raise ValueError(i18n.both("users.bad_role", roles=", ".join(bad) or "—", choices=", ".join(ROLES)))
    if township not in (None, domain.BANNER_CODE) and township not in {t["code"] for t in domain.townships()}:
        raise ValueError(i18n.both("users.bad_township", township=township))
    if not name.strip() or len(name) > max_name_chars():
        raise ValueError(i18n.both("users.bad_name", n=max_name_chars()))
    unit = _plan_unit(roles, unit)
    if len(password) < 8:
        raise ValueError(i18n.both("users.short_password"))
    users = load()
    users[name] = {"password_hash": _HASHER.hash(password), "roles": sorted(roles), "township": township}
    if unit:
        users[name]["unit"] = unit
    save(users)


def _plan_unit(roles: list[str], unit: str | None) -> str | None:
    """The normalised unit of a `unit` account (name or alias of plan-tasks.csv); only that role has one."""
    if ("unit" in roles) != bool(unit):
        raise ValueError(i18n.both("users.unit_needed"))
    if unit is None:
        return None
    found = domain.canonical("plan_unit", unit)
    if found is None:
        raise ValueError(i18n.both("users.bad_unit", unit=unit))
    return found


def remove(name: str) -> bool:
    users = load()
    found = users.pop(name, None) is not None
    save(users)
    return found


def known(name: str) -> bool:
    """Whether `name` is an account (for the audit log, which names only existing accounts)."""
    return len(name) <= max_name_chars() and name in load()


def verify(name: str, password: str) -> User | None:
    """The user when `password` is theirs, else None. An unknown (or over-long) name is checked against a
    dummy hash, so it costs the same Argon2 work as a known one and rejection time does not tell names."""
    dummy = _dummy_hash()                   # made on the first sign-in, whichever name it is for
    entry = load().get(name) if len(name) <= max_name_chars() else None
    try:
        ok = _HASHER.verify(entry["password_hash"] if entry else dummy, password)
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or entry is None:
        return None
    return User(name, frozenset(entry["roles"]), entry.get("township"), entry.get("unit"))


@cache
def _dummy_hash() -> str:
    """A hash of a random password nobody knows, made with the same parameters as real accounts."""
    return _HASHER.hash(secrets.token_urlsafe(32))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m dashboard.users", description="看板本地账号 / the app's local accounts")
    sub = p.add_subparsers(dest="command", required=True)
    a = sub.add_parser("add", help="添加或修改账号 / add or change an account")
    a.add_argument("name")
    a.add_argument("--role", action="append", required=True, help=" | ".join(ROLES))
    a.add_argument("--township", help="所属苏木镇代码 / bound to this township code")
    a.add_argument("--unit", help="报送单位（角色 unit）/ the member unit of a `unit` account")
    a.add_argument("--password-stdin", action="store_true", help="从标准输入读密码 / read the password from stdin")
    sub.add_parser("remove").add_argument("name")
    sub.add_parser("list")
    args = p.parse_args(argv)
    try:
        return _run(args)
    except (ValueError, AccountsFileError) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except OSError as exc:                      # saving: the folder is a file, read-only, ...
        print(i18n.both("users.file_unusable", file=users_path(), reason=type(exc).__name__), file=sys.stderr)
        return 2


def _run(args: argparse.Namespace) -> int:
    if args.command == "list":
        for name, entry in sorted(load().items()):
            bound = entry.get("unit") or entry.get("township") or domain.BANNER_CODE
            print(f"{name}\t{','.join(entry['roles'])}\t{bound}")
        return 0
    if args.command == "remove":
        return 0 if remove(args.name) else 1
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass(i18n.both("users.password_prompt") + ": ")
        if getpass.getpass(i18n.both("users.password_again") + ": ") != password:
            raise ValueError(i18n.both("users.password_mismatch"))
    add(args.name, password, args.role, args.township, args.unit)
    print(i18n.both("users.saved", name=args.name, file=users_path()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
