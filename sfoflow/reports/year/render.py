"""The published summary's outputs: an accessible HTML fragment, a PDF (fpdf2) and a CSV of the
anonymised per-review figures. Charts come from ``charts`` (matplotlib, imported lazily)."""
from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterable, Mapping

from fpdf.enums import XPos, YPos

from ... import csv_safe
from ..dates import long_date
from ..html import _env
from ..pdf import FONT, latin1
from ..tagged import ORGANISATION, TaggedPDF
from . import charts as charting
from .suppression import FOOTNOTE, MARK, THRESHOLD


def chart_svgs(sections: Iterable[dict]) -> dict[str, str]:
    return {c["id"]: charting.svg(c) for sec in sections for c in sec["charts"]}


def html(summary: Mapping, charts: Mapping[str, str] | None = None) -> str:
    """``summary``: {"title", "period_label", "number", "published_on", "sections"}."""
    if charts is None:
        charts = chart_svgs(summary["sections"])
    return _env.get_template("year_summary.html").render(s=summary, charts=charts)


class _YearPDF(TaggedPDF):
    def __init__(self, title: str):
        super().__init__(format="A4")
        self.title = title
        self.set_margins(16, 16, 16)
        self.set_auto_page_break(True, margin=16)

    def page_footer(self) -> None:
        self.set_y(-11)
        self.set_font(FONT, size=8)
        self.cell(0, 5, f"{self.title} - page {self.page_no()} of {{nb}}", align="C")


def pdf(summary: Mapping) -> bytes:
    title = latin1(summary["title"])
    doc = _YearPDF(title)
    doc.describe(title)
    doc.alias_nb_pages()
    doc.add_page()

    def lines(text: str, height: float, tag: str = "P") -> None:
        with doc.tagged(tag):
            doc.multi_cell(0, height, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    doc.set_font(FONT, size=10)
    lines(ORGANISATION, 5)
    doc.set_font(FONT, style="B", size=18)
    lines(summary["title"], 9, "H1")
    doc.set_font(FONT, size=11)
    line = summary["period_label"]
    if summary.get("number"):
        line += f" - version {summary['number']}, published {long_date(summary['published_on'])}"
    lines(line, 6)

    def section(sec: Mapping) -> None:
        doc.ln(4)
        doc.set_font(FONT, style="B", size=14)
        lines(sec["title"], 8, "H2")
        doc.set_font(FONT, size=10)
        for para in (sec.get("narrative") or "").split("\n"):
            if para.strip():
                lines(para.strip(), 5)
                doc.ln(1)
        with doc.structure("L"):  # the headline figures: one item each
            for fig in sec["figures"]:
                with doc.structure("LI"):
                    lines(f"{fig['label']}: {fig['value']}", 5, "LBody")
        for chart in sec["charts"]:
            png = charting.render(chart, "png")
            with doc.tagged("Figure", alt=latin1(f"Chart: {chart['title']}. The figures are in the table "
                                                 "that follows.")):
                doc.image(io.BytesIO(png), w=doc.epw * 0.85)
            doc.set_font(FONT, style="I", size=8)
            lines(f"{chart['title']}: the figures are in the table that follows.", 4)
        for t in sec["tables"]:
            doc.ln(2)
            with doc.structure("Table"):  # the caption and the table as one element
                doc.set_font(FONT, style="B", size=9)
                lines(t["caption"], 5, "Caption")
                doc.set_font(FONT, size=7 if len(t["head"]) > 6 else 8)
                widths = None
                if len(t["head"]) > 1:
                    first = min(60, doc.epw * 0.35)
                    rest = (doc.epw - first) / (len(t["head"]) - 1)
                    widths = (first, *([rest] * (len(t["head"]) - 1)))
                # as on the page: each row's first cell names the row
                with doc.table(col_widths=widths, text_align="LEFT", line_height=4.2, row_headers=True) as table:
                    table.row([latin1(h) for h in t["head"]])
                    for row in t["rows"]:
                        table.row([latin1(c) for c in row])
        doc.set_font(FONT, size=8)
        for note in sec["notes"]:
            lines(note, 4)

    for sec in summary["sections"]:
        with doc.structure("Sect"):  # as the page's <section>
            section(sec)
    return bytes(doc.output())


CSV_HEAD = ("region", "offence_category", "provider", "standard_1", "standard_2", "standard_3", "standard_4",
            "overall", "sent_on_time")


def anonymised_rows(rows: Iterable[Mapping], regions: Mapping[str, str],
                    offences: Mapping[str, str]) -> list[list[str]]:
    """Per-review figures with nothing identifying: no reference, dates, people or ids; a region,
    offence category or provider shared by fewer than 5 reviews is shown as "[c]"; rows sorted
    by their content so their order says nothing about when a review arrived."""
    rows = list(rows)
    counts = {k: Counter(r[k] for r in rows) for k in ("region", "offence_category", "provider")}

    def cell(key: str, value, names: Mapping[str, str] | None = None) -> str:
        if counts[key][value] < THRESHOLD:
            return MARK
        return (names or {}).get(value, value)

    out = []
    for r in rows:
        ratings = r["ratings"]
        out.append([cell("region", r["region"], regions), cell("offence_category", r["offence_category"], offences),
                    cell("provider", r["provider"]),
                    *[ratings.get(s, "") for s in ("1", "2", "3", "4")], r["overall"] or "",
                    "" if r["on_time"] is None else ("yes" if r["on_time"] else "no")])
    out.sort()
    return out


def csv_text(rows: list[list[str]]) -> str:
    return csv_safe.to_text([CSV_HEAD, *rows, [f"# {FOOTNOTE}"]])
