"""The published summary's outputs: an accessible HTML fragment, a PDF (fpdf2) and a CSV of the
anonymised per-review figures. Charts come from ``charts`` (matplotlib, imported lazily)."""
from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Mapping

from ..dates import long_date
from ..html import _env
from ..pdf import FONT, latin1
from . import charts as charting
from .suppression import FOOTNOTE, MARK, THRESHOLD


def chart_svgs(sections: Iterable[dict]) -> dict[str, str]:
    return {c["id"]: charting.svg(c) for sec in sections for c in sec["charts"]}


def html(summary: Mapping, charts: Mapping[str, str] | None = None) -> str:
    """``summary``: {"title", "period_label", "number", "published_on", "sections"}."""
    if charts is None:
        charts = chart_svgs(summary["sections"])
    return _env.get_template("year_summary.html").render(s=summary, charts=charts)


def pdf(summary: Mapping) -> bytes:
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    doc = FPDF(format="A4")
    doc.set_margins(16, 16, 16)
    doc.set_auto_page_break(True, margin=16)
    doc.set_title(latin1(summary["title"]))
    doc.set_author("HM Inspectorate of Probation")
    doc.add_page()
    doc.set_font(FONT, style="B", size=18)
    doc.multi_cell(0, 9, latin1(summary["title"]), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    doc.set_font(FONT, size=11)
    line = summary["period_label"]
    if summary.get("number"):
        line += f" - version {summary['number']}, published {long_date(summary['published_on'])}"
    doc.multi_cell(0, 6, latin1(line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for sec in summary["sections"]:
        doc.ln(4)
        doc.set_font(FONT, style="B", size=14)
        doc.multi_cell(0, 8, latin1(sec["title"]), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        doc.set_font(FONT, size=10)
        for para in (sec.get("narrative") or "").split("\n"):
            if para.strip():
                doc.multi_cell(0, 5, latin1(para.strip()), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
                doc.ln(1)
        for fig in sec["figures"]:
            doc.multi_cell(0, 5, latin1(f"{fig['label']}: {fig['value']}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        for chart in sec["charts"]:
            png = charting.render(chart, "png")
            doc.image(io.BytesIO(png), w=doc.epw * 0.85)
            doc.set_font(FONT, style="I", size=8)
            doc.multi_cell(0, 4, latin1(f"{chart['title']}: the figures are in the table that follows."),
                           new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        for t in sec["tables"]:
            doc.ln(2)
            doc.set_font(FONT, style="B", size=9)
            doc.multi_cell(0, 5, latin1(t["caption"]), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            doc.set_font(FONT, size=7 if len(t["head"]) > 6 else 8)
            widths = None
            if len(t["head"]) > 1:
                first = min(60, doc.epw * 0.35)
                rest = (doc.epw - first) / (len(t["head"]) - 1)
                widths = (first, *([rest] * (len(t["head"]) - 1)))
            with doc.table(col_widths=widths, text_align="LEFT", line_height=4.2) as table:
                table.row([latin1(h) for h in t["head"]])
                for row in t["rows"]:
                    table.row([latin1(c) for c in row])
        doc.set_font(FONT, size=8)
        for note in sec["notes"]:
            doc.multi_cell(0, 4, latin1(note), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
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
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(CSV_HEAD)
    w.writerows(rows)
    w.writerow([f"# {FOOTNOTE}"])
    return buf.getvalue()
