"""The learning panel's report, as an HTML fragment and as a PDF (fpdf2, like the QA report).

``content`` is plain data built by services.panels.report_content: case references, regions
and offence types only; no victim, offender or staff identifiers are ever put in it.
"""
from __future__ import annotations

from fpdf.enums import XPos, YPos

from .dates import long_date
from .html import _env
from .pdf import BOLD, FONT, INK, SECONDARY, _ReportPDF, latin1
from .tagged import ORGANISATION


def render_html(content: dict) -> str:
    return _env.get_template("panel_report.html").render(r=content)


class _PanelPDF(_ReportPDF):
    def page_footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.set_text_color(*SECONDARY)
        self.cell(0, 5, latin1(f"Learning panel {self.reference} - page {self.page_no()} of {{nb}}"), align="C")


def render_pdf(content: dict) -> bytes:
    pdf = _PanelPDF(long_date(content["held_on"]))
    title = f"Multi-agency learning panel: {long_date(content['held_on'])}"
    pdf.describe(latin1(title))
    pdf.alias_nb_pages()
    pdf.add_page()
    width = pdf.epw

    def heading(text: str, size: float, space: float = 3) -> None:
        pdf.ln(space)
        pdf.set_font(FONT, "B", size)
        pdf.set_text_color(*INK)
        with pdf.tagged("H1" if size >= 18 else "H2" if size >= 14 else "H3"):
            pdf.multi_cell(width, size * 0.5, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1.5)

    def paragraph(text: str) -> None:
        pdf.set_font(FONT, "", 10.5)
        pdf.set_text_color(*INK)
        for para in [p for p in (text or "").split("\n") if p.strip()]:
            with pdf.tagged("P"):
                pdf.multi_cell(width, 5.25, latin1(para.strip()), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(1.5)

    pdf.set_font(FONT, "", 10)
    pdf.set_text_color(*SECONDARY)
    with pdf.tagged("P"):
        pdf.multi_cell(width, 5, ORGANISATION, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    heading(title, 18, space=1)
    pdf.set_font(FONT, "", 10.5)
    with pdf.table(col_widths=(30, 70), text_align="LEFT", first_row_as_headings=False, row_headers=True,
                   borders_layout="HORIZONTAL_LINES", line_height=6.5) as table:
        for key, value in (("Date", long_date(content["held_on"])), ("Chair", content["chair"]),
                           ("Venue or link", content["venue"])):
            row = table.row()
            row.cell(key, style=BOLD)
            row.cell(latin1(value))
    heading("Cases", 14, space=5)
    pdf.set_font(FONT, "", 10.5)
    with pdf.table(col_widths=(30, 35, 35), text_align="LEFT", borders_layout="HORIZONTAL_LINES",
                   line_height=6.5, headings_style=BOLD) as table:
        head = table.row()
        for text in ("Case", "Region", "Offence type"):
            head.cell(text)
        for c in content["cases"]:
            row = table.row()
            for value in (c["reference"], c["region"], c["offence"]):
                row.cell(latin1(value))
    heading("Attendance and each agency's findings", 14, space=5)
    for a in content["attendance"]:
        heading(f"{a['agency']}: {a['organisation']} (case {a['reference']})"
                + ("" if a["attended"] else " - did not attend"), 11.5, space=1)
        paragraph(f"Involvement: {a['involvement']}")
        if a.get("attendees"):
            paragraph(f"Attending: {a['attendees']}")
        if a.get("findings"):
            paragraph(f"Findings: {a['findings']}")
        if a.get("learning"):
            paragraph(f"Learning identified: {a['learning']}")
    heading("The panel's findings", 14, space=4)
    paragraph(content.get("findings") or "")
    heading("Learning agreed", 14, space=4)
    paragraph(content.get("learning") or "")
    heading("Actions", 14, space=4)
    if not content["actions"]:
        paragraph("No actions were agreed.")
    with pdf.structure("L"):
        for a in content["actions"]:
            with pdf.structure("LI"), pdf.structure("LBody"):
                paragraph(f"- {a['description']} (owner: {a['owner']}; due {long_date(a['due_on'])}; "
                          f"{a['status']}" + (f": {a['outcome']}" if a.get("outcome") else "") + ")")
    return bytes(pdf.output())
