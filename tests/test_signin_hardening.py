"""Sign-in and the files behind it, tried as a hostile or careless user would (issue 9: sign-in, DATA_DIR).

Sign-ins go through the real form (AppTest) with real Argon2 accounts; time is never measured: the back-off
is switched off by its setting where a test needs several failures in a row, and the sign-in clock
(`lockout.now`) stands still until a test moves it on. Each test is named after the failure it prevents."""
from __future__ import annotations

import re
import stat
import time
from pathlib import Path

import pytest
import yaml
from argon2 import PasswordHasher

import config
import i18n
from dashboard import audit, lockout, nav, users
from pipelines import privacy
from tests.app_helpers import (Account, assert_healthy, demo, demo_build, open_app, sign_in,  # noqa: F401
                               with_accounts)

SEAT = "150823100"
OFFICE_PW = "office-pw-2024"


@pytest.fixture
def accounts(tmp_path, monkeypatch):
    return with_accounts(tmp_path, monkeypatch, Account("office1", OFFICE_PW, ("office",)),
                         Account("town_office", "town-office-pw", ("office",), SEAT), backoff=True)


class Clock:
    """The sign-in clock, standing still however slow the machine, moved on by the test."""

    def __init__(self) -> None:
        self.at = time.time()

    def __call__(self) -> float:
        return self.at


@pytest.fixture
def clock(monkeypatch) -> Clock:
    c = Clock()
    monkeypatch.setattr(lockout, "now", c)
    return c


@pytest.fixture
def no_backoff(monkeypatch, clock):
    """Failures in a row without waiting between them (the lock-out still counts them)."""
    monkeypatch.setenv("SIGNIN_BACKOFF_SECONDS", "0")
    return clock


def errors(at) -> list[str]:
    return [e.value for e in at.error]


def signed_in(at) -> bool:
    return not at.exception and "login_password" not in [w.key for w in at.text_input]


def events(name: str | None = None) -> list[tuple[str, str]]:
    return [(e["user"], e["event"]) for e in audit.entries() if name is None or e["event"] == name]


def locked_text(lang: str = "en") -> str:
    return i18n.t("login.wait_minutes", lang, n=int(config.get("signin_lockout_minutes")))


SIGNIN_KEYS = sorted(yaml.safe_load((Path(config.ROOT) / "i18n" / "signin.yaml").read_text("utf-8")))


@pytest.mark.parametrize("key", SIGNIN_KEYS)
def test_every_sign_in_message_has_both_languages_with_the_same_placeholders(key):
    entry = i18n.catalogue()[key]
    assert set(entry) == {"zh", "en"} and entry["zh"] and entry["en"]
    assert set(re.findall(r"{(\w+)}", entry["zh"])) == set(re.findall(r"{(\w+)}", entry["en"]))


# --- back-off and lock-out ----------------------------------------------------------------------------------
def test_the_right_password_straight_after_a_wrong_one_waits_for_the_back_off(demo, accounts, clock):
    at = sign_in(open_app("en"), "office1", "wrong-password")
    assert i18n.t("login.failed", "en") in errors(at)
    at = sign_in(at, "office1", OFFICE_PW)                 # at once: refused, the password is not even checked
    wait = config.get("signin_backoff_seconds")
    assert i18n.t("login.wait_seconds", "en", n=wait) in errors(at) and not signed_in(at)
    clock.at += wait
    at = sign_in(at, "office1", OFFICE_PW)
    assert signed_in(at)
    assert_healthy(at)
    assert events() == [("office1", "sign_in_failed"), ("office1", "sign_in_refused"), ("office1", "sign_in"),
                        ("office1", "page")]


def test_repeated_wrong_passwords_lock_the_account_even_across_a_page_reload(demo, accounts, no_backoff):
    at = open_app("en")
    for i in range(config.get("signin_max_failures")):
        at = sign_in(at, "office1", f"guess-{i}")
    assert locked_text() in errors(at)
    assert [(e["user"], e["scope"]) for e in audit.entries() if e["event"] == "sign_in_locked"] == [
        ("office1", "name"), ("office1", "session")]
    reloaded = sign_in(open_app("en"), "office1", OFFICE_PW)      # a new session: the name is still locked
    assert locked_text() in errors(reloaded) and not signed_in(reloaded)
    state = lockout.state_path()
    assert stat.S_IMODE(state.stat().st_mode) == 0o600 and "office1" not in state.read_text()
    no_backoff.at += lockout.lockout_seconds()
    assert signed_in(sign_in(open_app("en"), "office1", OFFICE_PW))


def test_one_browser_trying_many_names_is_locked_out_even_for_a_real_account(demo, accounts, no_backoff):
    at = open_app("zh")
    for i in range(config.get("signin_max_failures")):
        at = sign_in(at, f"guess{i}", "password123")
    at = sign_in(at, "office1", OFFICE_PW)
    assert locked_text("zh") in errors(at) and not signed_in(at)
    assert ("unknown", "sign_in_locked") in events("sign_in_locked")
    assert [e["scope"] for e in audit.entries() if e["event"] == "sign_in_locked"] == ["session"]
    assert signed_in(sign_in(open_app("zh"), "office1", OFFICE_PW))     # another browser: the account is fine


@pytest.mark.parametrize("name", ["office1", "no-such-account"])
def test_a_lock_out_does_not_tell_which_names_exist(demo, accounts, no_backoff, name):
    at = open_app("en")
    for _ in range(config.get("signin_max_failures")):
        at = sign_in(at, name, "wrong-password")
    assert errors(at) == [i18n.t("login.failed", "en"), locked_text()]
    assert errors(sign_in(at, name, "wrong-password")) == [locked_text()]


# --- names: enumeration and what the audit log keeps ----------------------------------------------------------
class CountingHasher(PasswordHasher):
    """A real Argon2 hasher that remembers which hashes it verified."""

    def __init__(self) -> None:
        super().__init__()
        self.verified: list[str] = []

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        self.verified.append(str(hash))
        return super().verify(hash, password)


def test_an_unknown_name_costs_the_same_argon2_verification_as_a_known_one(demo, accounts, monkeypatch):
    hasher = CountingHasher()
    monkeypatch.setattr(users, "_HASHER", hasher)
    at = sign_in(open_app("en"), "no-such-account", "wrong-password")
    assert len(hasher.verified) == 1                                   # a dummy hash, not a quick "no"
    assert hasher.verified[0].startswith("$argon2id$")
    assert hasher.verified[0] not in {e["password_hash"] for e in users.load().values()}
    assert i18n.t("login.failed", "en") in errors(at)
    sign_in(open_app("en"), "office1", "wrong-password")
    assert len(hasher.verified) == 2
    assert users.verify("x" * 100_000, OFFICE_PW) is None and len(hasher.verified) == 3


def test_a_password_typed_into_the_name_field_is_not_written_to_the_audit_log(demo, accounts):
    sign_in(open_app("zh"), "S3cret-Passw0rd!", "")
    log = (accounts / "audit.jsonl").read_text(encoding="utf-8")
    assert "S3cret-Passw0rd!" not in log and "S3cret-Passw0rd!" not in lockout.state_path().read_text()
    assert events() == [("unknown", "sign_in_failed")]


def test_a_huge_name_is_neither_logged_nor_accepted_as_an_account(accounts):
    huge = "名" * 100_000
    audit.record("sign_in_failed", huge)
    assert audit.entries()[-1]["user"] == huge[: config.get("signin_name_max_chars")]
    assert not users.known(huge) and users.verify(huge, "whatever-password") is None
    with pytest.raises(ValueError, match=str(config.get("signin_name_max_chars"))):
        users.add("a" * (config.get("signin_name_max_chars") + 1), "a-long-password", ["viewer"])


# --- scope: a township's office sees no banner figure ---------------------------------------------------------
def test_a_township_bound_office_account_cannot_see_or_build_the_banner_briefing(demo, accounts):
    at = sign_in(open_app("en"), "town_office", "town-office-pw")
    at = at.switch_page(nav.page("briefings").file).run()
    assert not at.exception
    assert i18n.t("brief_page.banner_only", "en") in [w.value for w in at.warning]
    assert not at.dataframe and not at.metric
    assert "brief_build" not in [b.key for b in at.button]
    banner = sign_in(open_app("en"), "office1", OFFICE_PW).switch_page(nav.page("briefings").file).run()
    assert "brief_build" in [b.key for b in banner.button] and banner.dataframe


def test_a_township_bound_data_account_sees_no_banner_wide_load_counts(demo, accounts):
    users.add("town_data", "town-data-pw", ["data"], SEAT)
    at = sign_in(open_app("en"), "town_data", "town-data-pw").switch_page(nav.page("quality").file).run()
    assert_healthy(at)
    assert i18n.t("col.rows_loaded", "en") not in [m.label for m in at.metric]
    assert [i.value for i in at.info].count(i18n.t("state.banner_only", "en")) == 3   # loads, checks, runs
    shown = [m.value for m in at.markdown]
    assert f"**{i18n.t('chart.coverage', 'en')}**" in shown and f"**{i18n.t('chart.runs', 'en')}**" not in shown
    banner = sign_in(open_app("en"), "office1", OFFICE_PW).switch_page(nav.page("quality").file).run()
    assert i18n.t("col.rows_loaded", "en") in [m.label for m in banner.metric]


# --- the accounts file --------------------------------------------------------------------------------------------
def test_a_stale_world_readable_temp_file_does_not_make_the_accounts_world_readable(accounts):
    path = users.users_path()
    stale = path.with_name(path.name + ".tmp")
    stale.write_text("old: junk\n")
    stale.chmod(0o644)
    path.chmod(0o644)                                    # and the accounts file itself loosened by hand
    (accounts / "audit.jsonl").write_text("")
    (accounts / "audit.jsonl").chmod(0o644)
    users.add("viewer1", "a-long-password", ["viewer"])
    audit.record("sign_in", "viewer1")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE((accounts / "audit.jsonl").stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp") and p != stale] == []


@pytest.mark.parametrize("fault", ["folder", "not yaml", "not accounts"])
def test_a_broken_accounts_file_is_one_bilingual_line_and_exit_2_not_a_traceback(accounts, monkeypatch, capsys,
                                                                                   fault):
    broken = accounts / "broken.yaml"
    if fault == "folder":
        broken.mkdir()
    else:
        broken.write_text("office1: [unclosed\n" if fault == "not yaml" else "- a list\n- not accounts\n")
    monkeypatch.setenv("USERS_FILE", str(broken))
    capsys.readouterr()
    assert users.main(["list"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(broken) in err[0] and "账号文件" in err[0] and "accounts file" in err[0]
    assert "Traceback" not in err[0]


def test_the_sign_in_form_explains_a_broken_accounts_file_instead_of_a_traceback(demo, accounts, monkeypatch):
    bad = accounts / "bad.yaml"
    bad.write_text("office1: [unclosed\n")
    monkeypatch.setenv("USERS_FILE", str(bad))
    at = sign_in(open_app("en"), "office1", OFFICE_PW)
    assert not at.exception and i18n.t("login.unavailable", "en") in errors(at)


# --- DATA_DIR ------------------------------------------------------------------------------------------------------
def test_data_dir_moves_the_key_the_accounts_and_the_audit_log(tmp_path, monkeypatch):
    for name in ("PSEUDONYM_KEY_FILE", "USERS_FILE", "AUDIT_LOG_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "elsewhere"))
    privacy.load_key()
    users.add("viewer1", "a-long-password", ["viewer"])
    audit.record("sign_in", "viewer1")
    home = tmp_path / "elsewhere"
    assert privacy.key_path() == home / "secrets" / "pseudonym.key" and privacy.key_path().exists()
    assert users.users_path() == home / "secrets" / "users.yaml" and users.users_path().exists()
    assert config.path("audit_log_file") == home / "audit.jsonl" and audit.entries()[-1]["user"] == "viewer1"
    monkeypatch.setenv("USERS_FILE", str(tmp_path / "own" / "users.yaml"))     # its own setting still wins
    assert users.users_path() == tmp_path / "own" / "users.yaml"
