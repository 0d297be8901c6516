"""毒情监测预警 — the dashboard's entry point: `streamlit run app.py`.

The frame around every page: page config, language switch, sign-in (setting `auth_mode`), the pages the
user may open (from the one register, `dashboard.nav`), the sidebar filters (kept in the URL), then the
chosen page.
"""
from __future__ import annotations

import streamlit as st

from analysis import db, filters
from dashboard import login, nav, sidebar, ui
from dashboard.text import tr

st.set_page_config(page_title="毒情监测预警 · 乌拉特前旗", page_icon=":material/monitoring:", layout="wide")

lang = sidebar.language_switch()
user = login.user()            # the sign-in form, in local mode, until someone signs in
pages = {spec.key: st.Page(spec.file, title=tr(spec.title_key), icon=spec.icon, url_path=spec.key,
                           default=spec.key == nav.PAGES[0].key)
         for spec in nav.visible(user.roles)}
current = st.navigation(list(pages.values()))

try:
    view_filters = sidebar.sidebar(user.scope)
except db.WarehouseMissing as missing:
    st.title(tr("app.title"))
    st.warning(tr("state.no_warehouse", path=str(missing)), icon=":material/database:")
    st.stop()

if view_filters is None:
    st.title(tr("app.title"))
    st.info(tr("state.no_data"), icon=":material/inbox:")
    st.stop()

goto = st.session_state.pop(sidebar.GOTO_KEY, None)
if goto in pages and current.url_path != goto:
    st.switch_page(pages[goto], query_params=filters.to_params(view_filters, lang))

login.sidebar(user)
login.page_opened(user, current.url_path or nav.PAGES[0].key)
st.sidebar.caption(tr("app.sidebar_note"))
ui.set_view(ui.View(view_filters, user.scope, user, lang))
current.run()
