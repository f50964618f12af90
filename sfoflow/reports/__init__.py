"""The QA feedback report: its content as plain data, rendered as HTML (Jinja) and PDF (fpdf2).

Pure-ish: no database, no Flask. ``content`` is a JSON-safe dict built by
``services.qa_reports``; ``html.render`` and ``pdf.render`` turn the same dict into each format,
so the two cannot disagree.
"""
