"""Local accounts for the app (setting `auth_mode: local`): names, Argon2 password hashes, roles, township.

The file (`users_file`, mode 0600) holds no password, only hashes. Manage it from the command line:

    python -m dashboard.users add 张三 --role office                       # asks for the password twice
    python -m dashboard.users add 李四 --role analyst --township 150823100
    python -m dashboard.users remove 李四
    python -m dashboard.users list

A user bound to a township sees that township only (`access.User.scope`); roles decide which pages open
(`dashboard.nav`).
"""
from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

import yaml
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

import config
import domain
import i18n
from analysis.access import ROLES, User

_HASHER = PasswordHasher()


def users_path() -> Path:
    return config.path("users_file")


def load() -> dict[str, dict]:
    path = users_path()
    if not path.exists():
        return {}
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def save(users: dict[str, dict]) -> None:
    """Write the accounts atomically, readable by the owner only."""
    path = users_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        yaml.safe_dump(users, f, allow_unicode=True, sort_keys=True)
    os.replace(tmp, path)


def add(name: str, password: str, roles: list[str], township: str | None = None) -> None:
    bad = [r for r in roles if r not in ROLES]
    if bad or not roles:
        raise ValueError(i18n.both("users.bad_role", roles=", ".join(bad) or "—", choices=", ".join(ROLES)))
    if township not in (None, domain.BANNER_CODE) and township not in {t["code"] for t in domain.townships()}:
        raise ValueError(i18n.both("users.bad_township", township=township))
    if len(password) < 8:
        raise ValueError(i18n.both("users.short_password"))
    users = load()
    users[name] = {"password_hash": _HASHER.hash(password), "roles": sorted(roles), "township": township}
    save(users)


def remove(name: str) -> bool:
    users = load()
    found = users.pop(name, None) is not None
    save(users)
    return found


def verify(name: str, password: str) -> User | None:
    """The user when `password` is theirs, else None (same answer for an unknown name)."""
    entry = load().get(name)
    if entry is None:
        return None
    try:
        _HASHER.verify(entry["password_hash"], password)
    except (VerificationError, InvalidHashError):
        return None
    return User(name, frozenset(entry["roles"]), entry.get("township"))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m dashboard.users", description="看板本地账号 / the app's local accounts")
    sub = p.add_subparsers(dest="command", required=True)
    a = sub.add_parser("add", help="添加或修改账号 / add or change an account")
    a.add_argument("name")
    a.add_argument("--role", action="append", required=True, help=" | ".join(ROLES))
    a.add_argument("--township", help="所属苏木镇代码 / bound to this township code")
    a.add_argument("--password-stdin", action="store_true", help="从标准输入读密码 / read the password from stdin")
    sub.add_parser("remove").add_argument("name")
    sub.add_parser("list")
    args = p.parse_args(argv)
    try:
        return _run(args)
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 2


def _run(args: argparse.Namespace) -> int:
    if args.command == "list":
        for name, entry in sorted(load().items()):
            print(f"{name}\t{','.join(entry['roles'])}\t{entry.get('township') or domain.BANNER_CODE}")
        return 0
    if args.command == "remove":
        return 0 if remove(args.name) else 1
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass(i18n.both("users.password_prompt") + ": ")
        if getpass.getpass(i18n.both("users.password_again") + ": ") != password:
            raise ValueError(i18n.both("users.password_mismatch"))
    add(args.name, password, args.role, args.township)
    print(i18n.both("users.saved", name=args.name, file=users_path()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
