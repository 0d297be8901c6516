"""毒情通报 Briefings: a period's headline figures, a briefing built on demand (DOCX, PDF, HTML) to download,
and the archive of briefings built before. The building and archiving live in `briefings.archive`.

Briefings are the banner's: an account bound to a township is refused the whole page."""
from datetime import date

import pandas as pd
import streamlit as st

import i18n

from briefings import archive, content, period as period_mod, suppress
from analysis import filters
from dashboard import login, ui
from dashboard.charts import table
from dashboard.text import tr

v = ui.page("briefings")
if not v.scope.whole_banner:        # a township-bound account: no banner figure, no banner briefing
    st.warning(tr("brief_page.banner_only"), icon=":material/lock:")
    st.stop()
codes = period_mod.choices(filters.available_quarters())

with ui.section("brief_page.build"):
    ui.nonempty(pd.DataFrame({"period": codes}))
    latest_quarter = next(i for i, c in enumerate(codes) if period_mod.parse(c).kind == "quarter")
    chosen = period_mod.parse(st.selectbox(tr("brief_page.period"), codes, index=latest_quarter, key="brief_period",
                                           format_func=lambda c: period_mod.parse(c).text(v.lang)))
    audience = st.radio(tr("brief_page.audience"), ["internal", "public"], key="brief_audience", horizontal=True,
                        format_func=lambda a: i18n.t(f"brief.audience_{a}", v.lang))
    if audience == "public":
        st.caption(tr("brief_page.public_note", n=suppress.threshold()))
    formats = st.multiselect(tr("brief_page.formats"), list(archive.FORMATS), default=list(archive.FORMATS),
                             key="brief_formats")
    table("briefing_headline", content.headline_table(chosen, v.lang), period=chosen.code)
    with st.expander(tr("brief_page.notes")):
        notes = content.notes_from({key: st.text_area(tr(f"brief_page.note_{key}"), key=f"brief_note_{key}")
                                    for key in content.NOTE_KEYS})
    if st.button(tr("brief_page.button"), type="primary", key="brief_build"):
        if not formats:
            st.warning(tr("brief_page.pick_formats"))
        elif not content.has_data(chosen):
            st.warning(tr("brief_page.no_data"))
        else:
            with st.spinner(tr("brief_page.building")):
                done = archive.publish(chosen, audience, v.lang, formats, archive.default_dir(), date.today(),
                                       notes=notes)
            login.record(v.user, "briefing", period=chosen.code, audience=audience, version=done.version)
            st.session_state["brief_done"] = done
    done = st.session_state.get("brief_done")
    if done is not None and done.folder.exists():
        st.success(tr("brief_page.built", period=done.folder.name.split("_")[0], version=done.version,
                      folder=done.folder))
        for f in done.files:
            st.download_button(tr("brief_page.download", file=f.name), f.read_bytes(), file_name=f.name,
                               key=f"brief_dl_{f.name}")

with ui.section("brief_page.archive"):
    table("briefing_archive", pd.DataFrame(
        [{"briefing_period": m["period"], "audience": tr(f"brief.audience_{m['audience']}"),
          "language": m["lang"], "warehouse_version": m["warehouse_version"],
          "generated_at": pd.Timestamp(m["generated_at"]).tz_convert(None),
          "briefing_files": ", ".join(m["files"])} for m in archive.archived(archive.default_dir())]))

ui.sources("briefings")
