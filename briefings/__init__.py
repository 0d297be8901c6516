"""Periodic situation briefings (毒情通报): content from the warehouse, rendered as DOCX, PDF and HTML."""
