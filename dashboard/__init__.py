"""The app's face: what a reader sees and clicks (the figures themselves come from `analysis`; pages/*.py
only lay out what those modules return).

    nav        the one register of pages: title, icon, roles allowed, sources
    sidebar    the period / township / substance widgets kept in the URL; the language switch
    text       the reader's language from the session: `lang()`, `tr()`
    login      who is signed in (`auth_mode`); users: the local accounts and their command line; audit: the log
    charts     the one chart and table helper: Plotly with a CJK font, CSV and XLSX downloads, drill-down
    downloads  CSV (UTF-8 with BOM) and XLSX bytes
    ui         the frame of every page: title, data as of, sections that fail gently, metrics, sources
    intake_desk  the data-intake page's dry run and load; report_form: a unit's monthly report, filed and loaded
"""
