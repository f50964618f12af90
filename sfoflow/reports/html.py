"""The report as an accessible HTML fragment (GOV.UK Frontend classes; headings, a captioned
table with header cells), stored with the report and shown on the report page."""
from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from .dates import long_date

_env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                   autoescape=select_autoescape(default=True), trim_blocks=True, lstrip_blocks=True)
_env.filters["long_date"] = long_date


def render(content: dict) -> str:
    return _env.get_template("qa_report.html").render(r=content)
