"""Ingest: extracts in (CSV/XLSX), validated, pseudonymised, published to the warehouse."""
