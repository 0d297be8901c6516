"""Signing in to the app (setting `auth_mode`): `none` gives everyone every role and the whole banner; `local`
asks for an account of `dashboard.users` and keeps the signed-in user in the session.

Repeated failures slow down and then lock out both the name and the browser session (`dashboard.lockout`).
Sign-ins, failed, refused and locked sign-ins, sign-outs and pages opened go to the audit log
(`dashboard.audit`); a failed name is written only when it is an account, else as "unknown" (it may be a
password typed into the wrong field).
"""
from __future__ import annotations

import logging
import math

import streamlit as st

import config
from analysis.access import ANONYMOUS, User
from dashboard import audit, lockout, users
from dashboard.text import tr

log = logging.getLogger(__name__)
USER_KEY, PAGE_KEY, TALLY_KEY = "_user", "_audited_page", "_signin_tally"
UNKNOWN = "unknown"


def required() -> bool:
    return config.get("auth_mode") == "local"


def user() -> User:
    """The user of this session; without one (local mode), the sign-in form is shown and the run stops."""
    if not required():
        return ANONYMOUS
    found = st.session_state.get(USER_KEY)
    if found is None:
        _form()
        st.stop()
    return found


def _form() -> None:
    st.title(tr("app.title"))
    with st.form("sign_in"):
        name = st.text_input(tr("login.name"), key="login_name", max_chars=users.max_name_chars())
        password = st.text_input(tr("login.password"), type="password", key="login_password")
        if st.form_submit_button(tr("login.submit"), type="primary"):
            try:
                found = _attempt(name.strip(), password)
            except (users.AccountsFileError, OSError):
                log.exception("sign-in failed on the accounts or sign-in state file")
                st.error(tr("login.unavailable"), icon=":material/error:")
                return
            if found is not None:
                st.session_state[USER_KEY] = found
                st.rerun()


def _attempt(name: str, password: str) -> User | None:
    """Check one sign-in, unless the name or this session must wait; say why it failed, audit it."""
    at = lockout.now()
    session: lockout.Tally = st.session_state.get(TALLY_KEY, lockout.Tally())
    who = name if users.known(name) else UNKNOWN
    wait = max(lockout.name_tally(name, at).wait(at), session.wait(at))
    if wait > 0:
        audit.record("sign_in_refused", who)
        st.error(_wait_text(wait), icon=":material/timer:")
        return None
    found = users.verify(name, password)
    if found is not None:
        lockout.name_cleared(name, at)
        st.session_state.pop(TALLY_KEY, None)
        audit.record("sign_in", found.name)
        return found
    tallies = {"name": lockout.name_failed(name, at), "session": session.failed(at)}
    st.session_state[TALLY_KEY] = tallies["session"]
    audit.record("sign_in_failed", who)
    st.error(tr("login.failed"), icon=":material/lock:")
    for scope, tally in tallies.items():
        if tally.failures == lockout.max_failures():
            audit.record("sign_in_locked", who, scope=scope, minutes=str(config.get("signin_lockout_minutes")))
    if any(t.locked for t in tallies.values()):
        st.error(_wait_text(lockout.lockout_seconds()), icon=":material/timer:")
    return None


def _wait_text(seconds: float) -> str:
    if seconds < 60:
        return tr("login.wait_seconds", n=math.ceil(seconds))
    return tr("login.wait_minutes", n=math.ceil(seconds / 60))


def sidebar(current: User) -> None:
    """Who is signed in, and the sign-out button (local mode only)."""
    if not required():
        return
    st.sidebar.caption(tr("login.signed_in_as", name=current.name))
    if st.sidebar.button(tr("login.sign_out"), key="sign_out"):
        audit.record("sign_out", current.name)
        del st.session_state[USER_KEY]
        st.rerun()


def record(current: User, event: str, **details: str) -> None:
    """An action of a signed-in user, for the audit log (nobody signs in with `auth_mode: none`)."""
    if required():
        audit.record(event, current.name, **details)


def page_opened(current: User, page: str) -> None:
    """Record a page once when a signed-in user opens it (filter changes re-run it: not recorded again)."""
    if st.session_state.get(PAGE_KEY) != page:
        record(current, "page", page=page)
        st.session_state[PAGE_KEY] = page
