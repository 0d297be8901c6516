"""数据导入 Data intake: upload extracts, see what a load would do (the dry run), then load with one button.

The desk itself is `dashboard.intake_desk`, imported once files are given (it brings the pipeline); the one
page that imports Great Expectations, on a thread as it opens, so that the first dry run need not. Uploaded
files are kept under `landing/uploads/<sha256>/`; loads go to `pipeline_runs` and, under the account's name,
to the audit log. Nothing personal is shown: quarantined rows carry row numbers and masked references only.
"""
import streamlit as st

import config
import i18n
from analysis import quality
from analysis.labels import label
from analysis.targets import OutOfScope
from dashboard import nav, ui
from dashboard.charts import table
from dashboard.text import tr
from pipelines import validate

AUTO = "auto"
v = ui.page("intake")
validate.preload()      # Great Expectations (seconds to import) loads while the clerk picks a file

chosen = st.selectbox(tr("intake.source"), [AUTO, *nav.SOURCES], key="intake_source",
                      format_func=lambda s: i18n.t("intake.auto", v.lang) if s == AUTO else label("source", s, v.lang))
# No `type=`: Streamlit would refuse another format with its own English-only error; the desk says it in both.
uploads = st.file_uploader(tr("intake.files"), accept_multiple_files=True, key="intake_files",
                           help=tr("intake.files_help", limit=f"{float(config.get('intake_upload_max_mb')):g}"))
if uploads:
    from dashboard import intake_desk

    intake_desk.desk(uploads, chosen, v)
else:
    st.info(tr("intake.start"), icon=":material/upload_file:")

with ui.section("intake.recent"):
    if not v.scope.whole_banner:
        raise OutOfScope
    runs = quality.runs(int(config.get("intake_recent_runs")))
    runs["message"] = [quality.split_bilingual(m, v.lang) for m in runs["message"]]
    table("runs", runs, period=v.period)

ui.sources("intake")
