"""What the figures say: the questions the warehouse answers, with no Streamlit (the app, the briefings and
the command lines all ask here; `tests/test_layers.py` keeps it that way).

    db         the read-only connection, keyed on the warehouse file's identity; version pinning; results
               kept in a bounded LRU per version (`clear_caches()` empties it)
    access     the user, roles and township scope (every query takes a Scope)
    filters    quarters, the period / township / substance filters as plain data, and their URL form
    where      the WHERE clause every query shares
    overview, wastewater, hair, registry, cases, townships, quality, targets
               one module of questions per subject (named after its page), each reading the warehouse's marts
    present    codes → labels, snake_case → translated headers with units
    labels     labels of codes (domain vocabularies, then the i18n catalogue)
    fmt        numbers, rates, dates and changes for a Chinese or English reader
"""
