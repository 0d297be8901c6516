"""Signing in to the app (setting `auth_mode`): `none` gives everyone every role and the whole banner; `local`
asks for an account of `dashboard.users` and keeps the signed-in user in the session.

Sign-ins, failed sign-ins, sign-outs and pages opened go to the audit log (`dashboard.audit`).
"""
from __future__ import annotations

import streamlit as st

import config
from analysis.access import ANONYMOUS, User
from dashboard import audit, users
from dashboard.text import tr

USER_KEY, PAGE_KEY = "_user", "_audited_page"


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
        name = st.text_input(tr("login.name"), key="login_name")
        password = st.text_input(tr("login.password"), type="password", key="login_password")
        if st.form_submit_button(tr("login.submit"), type="primary"):
            found = users.verify(name.strip(), password)
            if found is None:
                audit.record("sign_in_failed", name.strip())
                st.error(tr("login.failed"), icon=":material/lock:")
                return
            audit.record("sign_in", found.name)
            st.session_state[USER_KEY] = found
            st.rerun()


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
