"""The year in review: pure functions from aggregated counts to the sections of the annual
summary (``sections.SECTIONS``), the suppression of small cells, and the published outputs
(HTML, PDF, CSV, charts). No database here: ``services/year.py`` aggregates with SQL."""
