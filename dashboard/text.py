"""The reader's language, from the session: `lang()` and `tr()` (labels of codes: `analysis.labels`)."""
from __future__ import annotations

import streamlit as st

import i18n
from analysis.labels import parse_lang

LANG_KEY = "f_lang"


def lang() -> str:
    """The session's language: the switch in the sidebar, first set from `?lang=` in the URL."""
    if LANG_KEY not in st.session_state:
        st.session_state[LANG_KEY] = parse_lang(st.query_params.get("lang"))
    return parse_lang(st.session_state[LANG_KEY])


def tr(key: str, **values: object) -> str:
    return i18n.t(key, lang(), **values)
