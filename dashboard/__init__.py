"""The dashboard's logic, kept out of the page files (pages/*.py only lay out what these modules return).

    nav        the one register of pages: title, icon, roles allowed, sources
    access     the user, roles and township scope (every query takes a Scope)
    db         the cached read-only connection, keyed on the warehouse file's identity; cached queries
    filters    period / township / substance filters, kept in the URL; the sidebar
    where      the WHERE clause every query shares
    overview, wastewater, hair, registry, cases, townships, quality, targets
               one module of queries per subject, each reading the warehouse's marts
    present    codes → labels, snake_case → translated headers with units
    charts     the one chart and table helper: Plotly with a CJK font, CSV and XLSX downloads, drill-down
    downloads  CSV (UTF-8 with BOM) and XLSX bytes
    fmt        numbers, rates, dates and changes for a Chinese or English reader
    text       the reader's language and labels (i18n catalogue, domain vocabularies)
    ui         the frame of every page: title, data as of, sections that fail gently, metrics, sources
"""
