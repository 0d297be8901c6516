"""The sidebar: period, township and substance widgets, kept in the URL, and the language switch.

The widgets are the state while a session runs (they survive page changes); the URL is rewritten from them
on every run (`analysis.filters.to_params`), so a link opens the same view for anyone it is sent to.
"""
from __future__ import annotations

import streamlit as st

import domain
from analysis import fmt
from analysis.access import Scope
from analysis.filters import Filters, available_quarters, parse, substance_codes, to_params, township_codes
from analysis.labels import label, parse_lang
from dashboard.text import LANG_KEY, lang, tr

PERIOD_KEY, TOWNS_KEY, SUBS_KEY = "f_period", "f_towns", "f_subs"


# --- sidebar -------------------------------------------------------------------------------------------
def _seed_state(f: Filters) -> None:
    """A session's first run: the URL sets the township and substance widgets."""
    st.session_state[TOWNS_KEY] = list(f.towns)
    st.session_state[SUBS_KEY] = list(f.subs)


def _state_valid(quarters: list[str]) -> bool:
    period = st.session_state.get(PERIOD_KEY)
    return isinstance(period, (tuple, list)) and len(period) == 2 and all(q in quarters for q in period)


def language_switch() -> str:
    """The language radio at the top of the sidebar; returns the language in force."""
    lang()  # seeds the widget from ?lang= on a session's first run
    st.sidebar.radio(tr("filter.language"), list(LANG_OPTIONS), key=LANG_KEY, horizontal=True,
                     format_func=LANG_OPTIONS.get)
    return parse_lang(st.session_state[LANG_KEY])


LANG_OPTIONS = {"zh": "中文", "en": "English"}


def sidebar(scope: Scope) -> Filters | None:
    """Period, township and substance widgets; the filters in force (None when there is no data yet)."""
    quarters = available_quarters()
    if not quarters:
        return None
    lang_ = lang()
    from_url = parse(st.query_params.to_dict(), quarters, scope)
    if TOWNS_KEY not in st.session_state:
        _seed_state(from_url)
    allowed = township_codes(scope)     # a click or a stale state never selects a township out of scope
    st.session_state[TOWNS_KEY] = [t for t in st.session_state[TOWNS_KEY] if t in allowed]
    if PERIOD_KEY in st.session_state and not _state_valid(quarters):
        del st.session_state[PERIOD_KEY]      # a load changed the quarters on offer
    period = tuple(st.session_state.get(PERIOD_KEY, (from_url.q_from, from_url.q_to)))
    bar = st.sidebar
    # The range is passed as `value` (not seeded through Session State): that is what makes it a range slider.
    bar.select_slider(tr("filter.period"), options=quarters, value=period, key=PERIOD_KEY,
                      format_func=lambda q: fmt.quarter(q, lang_))
    bar.multiselect(tr("filter.townships"), allowed, key=TOWNS_KEY,
                    format_func=lambda c: label("township", c, lang_), placeholder=tr("filter.all_townships"))
    bar.multiselect(tr("filter.substances"), substance_codes(), key=SUBS_KEY,
                    format_func=lambda c: label("substance", c, lang_), placeholder=tr("filter.all_substances"))
    q_from, q_to = st.session_state[PERIOD_KEY]
    f = Filters(q_from, q_to, tuple(st.session_state[TOWNS_KEY]), tuple(st.session_state[SUBS_KEY]))
    sync_url(f, lang_)
    return f


def sync_url(f: Filters, lang_: str) -> None:
    want = to_params(f, lang_)
    if st.query_params.to_dict() != want:
        st.query_params.from_dict(want)


def drill_to_township(code: str) -> None:
    """Callback: narrow the view to one township and open the township page on the next run (a click on
    something that is not a township of the banner, such as 外地 for cases filed elsewhere, does nothing)."""
    if code in domain.codes("township"):
        st.session_state[TOWNS_KEY] = [code]
        st.session_state[GOTO_KEY] = "townships"


GOTO_KEY = "_goto_page"
