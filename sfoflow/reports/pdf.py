"""The report as a PDF, made by fpdf2 in process (no browser, no system service).

A PDF core font (Helvetica) keeps the file small and needs no font file on the server; core
fonts cover Latin-1 only, so typographic punctuation is mapped to its plain equivalent
("smart quotes" to straight quotes, dashes to hyphens) and anything else outside Latin-1
becomes its closest unaccented letter, or "?" as a last resort.
"""
from __future__ import annotations

import unicodedata

from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from .dates import long_date
from .tagged import ORGANISATION, TaggedPDF

_PLAIN = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u2026": "...", "\u2022": "-", "\u00b7": "-", "\u2192": "->", "\u2190": "<-",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u200b": "", "\ufeff": "",
    "\u20ac": "EUR", "\u2122": "(TM)",
    # letters with no decomposition to a base letter
    "\u0141": "L", "\u0142": "l", "\u0110": "D", "\u0111": "d", "\u0126": "H", "\u0127": "h",
    "\u0131": "i", "\u0152": "OE", "\u0153": "oe",
})

FONT = "Helvetica"
INK = (11, 12, 12)
SECONDARY = (80, 90, 95)
BOLD = FontFace(emphasis="BOLD")


def latin1(text: object) -> str:
    """Text that a core PDF font can draw."""
    s = str(text if text is not None else "").translate(_PLAIN)
    out = []
    for ch in s:
        if ord(ch) < 256:
            out.append(ch)
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if ord(c) < 256 and not unicodedata.combining(c))
        out.append(base or "?")
    return "".join(out)


class _ReportPDF(TaggedPDF):
    def __init__(self, reference: str):
        super().__init__(format="A4")
        self.reference = reference
        self.set_margins(18, 18, 18)
        self.set_auto_page_break(True, margin=18)

    def page_footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.set_text_color(*SECONDARY)
        self.cell(0, 5, latin1(f"QA report: SFO review {self.reference} - page {self.page_no()} of {{nb}}"),
                  align="C")


def render(content: dict) -> bytes:
    """The PDF bytes for a report ``content`` dict (see services.qa_reports.build_content)."""
    pdf = _ReportPDF(content["reference"])
    title = f"{content.get('report_title', 'QA report')}: SFO review {content['reference']}"
    pdf.describe(latin1(title), subject=latin1(content["framework"]["title"]),
                 author=latin1(content.get("author", ORGANISATION)))
    pdf.alias_nb_pages()
    pdf.add_page()
    width = pdf.epw

    def heading(text: str, size: float, space: float = 3) -> None:
        level = 0 if size >= 18 else 1 if size >= 14 else 2
        pdf.ln(space)
        pdf.start_section(latin1(text), level=level)  # the outline (bookmarks)
        pdf.set_font(FONT, "B", size)
        pdf.set_text_color(*INK)
        with pdf.tagged(f"H{level + 1}"):
            pdf.multi_cell(width, size * 0.5, latin1(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1.5)

    def paragraph(text: str, size: float = 10.5) -> None:
        pdf.set_font(FONT, "", size)
        pdf.set_text_color(*INK)
        for para in [p for p in (text or "").split("\n") if p.strip()]:
            with pdf.tagged("P"):
                pdf.multi_cell(width, size * 0.5, latin1(para.strip()), align="L", new_x=XPos.LMARGIN,
                               new_y=YPos.NEXT)
            pdf.ln(1.5)

    pdf.set_font(FONT, "", 10)
    pdf.set_text_color(*SECONDARY)
    with pdf.tagged("P"):
        pdf.multi_cell(width, 5, latin1(f"{ORGANISATION}: {content['framework']['title']}"), new_x=XPos.LMARGIN,
                       new_y=YPos.NEXT)
    heading(title, 18, space=1)

    facts = [
        ("Review reference", content["reference"]),
        ("Region", content["region"]),
        ("Received", long_date(content["received_on"])),
        ("Due", long_date(content["due_on"]) + (f" (extended to {long_date(content['extended_due_on'])})"
                                               if content.get("extended_due_on") else "")),
        ("Sent", long_date(content["sent_on"])),
        ("Timeliness", content["timeliness"]),
        (content.get("qa_by_label", "Inspector"), content["inspector_name"]),
    ]
    if content.get("signed_off_by"):
        facts.append(("Signed off by", content["signed_off_by"]))
    pdf.set_draw_color(177, 180, 182)
    pdf.set_text_color(*INK)
    pdf.set_font(FONT, "", 10.5)
    with pdf.table(col_widths=(35, 65), text_align="LEFT", first_row_as_headings=False, row_headers=True,
                   borders_layout="HORIZONTAL_LINES", line_height=6.5) as table:
        for key, value in facts:
            row = table.row()
            row.cell(latin1(key), style=BOLD)
            row.cell(latin1(value))

    heading("Ratings", 14, space=5)
    pdf.set_font(FONT, "", 10.5)
    with pdf.table(col_widths=(60, 28, 12), text_align=("LEFT", "LEFT", "RIGHT"), row_headers=True,
                   borders_layout="HORIZONTAL_LINES", line_height=6.5, headings_style=BOLD) as table:
        head = table.row()
        for text in ("Standard", "Rating", "Score"):
            head.cell(text)
        for s in content["standards"]:
            row = table.row()
            row.cell(latin1(f"{s['number']}. {s['title']}"))
            row.cell(latin1(s["rating_label"]))
            row.cell(str(s["score"]))
        row = table.row()
        row.cell("Overall rating", style=BOLD)
        row.cell(latin1(content["overall_rating_label"]), style=BOLD)
        row.cell(f"{content['overall_score']} of {content['max_score']}", style=BOLD)
    pdf.ln(2)
    pdf.set_font(FONT, "", 8.5)
    pdf.set_text_color(*SECONDARY)
    with pdf.tagged("P"):
        pdf.multi_cell(width, 4.2, "The overall rating is the sum of the four standard scores (Outstanding 3, "
                       "Good 2, Requires improvement 1, Inadequate 0): 0 to 2 Inadequate, 3 to 6 Requires "
                       "improvement, 7 to 10 Good, 11 to 12 Outstanding.", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    heading("Feedback", 14, space=5)
    for s in content["standards"]:
        heading(f"Standard {s['number']}: {s['title']} - {s['rating_label']}", 11.5, space=1)
        paragraph(s["feedback"])
    heading("Summary", 14, space=4)
    paragraph(content.get("summary") or "")
    return bytes(pdf.output())
