"""Sections of the annual summary that other features add: HMPPS's QA beside HMIP's, and the
multi-agency learning panels. Each is a pure function from the counts its aggregate gathers
(``services/year.py`` AGGREGATES "bodies" and "panels") to a section's content, with the same
suppression as every other published table.
"""
from __future__ import annotations

from collections.abc import Mapping

from .sections import RATING_LABELS, RATING_ORDER, SectionContext, _content, _rating_fields
from .suppression import FOOTNOTE, count_cell, suppressed_row

BODY_NAMES = {"hmip": "HM Inspectorate of Probation", "hmpps": "HMPPS SFO team"}


def _count(cell) -> int:
    """benchmarking.year_figures gives each count as {"count", "shown"}; here only the count."""
    return cell["count"] if isinstance(cell, Mapping) else int(cell)


def build_bodies(f: Mapping, ctx: SectionContext) -> dict:
    data = f["bodies"]
    tables = []
    for body in data["bodies"]:
        per = data["distribution"][body]
        rows = [[label] + suppressed_row([_count(per.get(sid, {}).get(r, 0)) for r in RATING_ORDER])
                for sid, label in _rating_fields(ctx) if sid in per]
        tables.append({"id": f"ratings-{body}", "caption": f"Ratings given in the QA by {BODY_NAMES[body]}",
                       "head": ["Standard"] + [RATING_LABELS[r] for r in RATING_ORDER] + ["All"], "rows": rows})
    side = data["side_by_side"]
    compare_rows = [[label, *(count_cell(_count(side["by_standard"][sid][k]))
                              for k in ("same", "hmip_higher", "hmpps_higher"))]
                    for sid, label in _rating_fields(ctx) if sid in side["by_standard"]]
    tables.append({"id": "bodies-side-by-side",
                   "caption": "Reviews rated by both bodies (the second rating from a benchmarking exercise)",
                   "head": ["Standard", "Same rating", "HMIP rated higher", "HMPPS rated higher"],
                   "rows": compare_rows})
    figures = [{"label": f"QA reports sent by {BODY_NAMES[b]}", "value": count_cell(data["reports"][b])}
               for b in data["bodies"]]
    figures.append({"label": "Reviews rated by both bodies", "value": count_cell(side["reviews"])})
    return _content("bodies", figures=figures, tables=tables, notes=[
        "HMIP quality assures a 20% sample and the HMPPS SFO team the remaining 80%, against the same "
        "standards. A review is rated by both only in a benchmarking exercise.", FOOTNOTE])


def build_panels(f: Mapping, ctx: SectionContext) -> dict:
    data = f["panels"]
    rows = [[a["name"], count_cell(a["panels_invited"]), count_cell(a["panels_attended"])] for a in data["agencies"]]
    figures = [{"label": "Learning panels held", "value": str(data["panels_held"])},
               {"label": "Cases discussed", "value": count_cell(data["cases_discussed"])},
               {"label": "Actions agreed", "value": count_cell(data["actions_total"])},
               {"label": "Actions still open", "value": count_cell(data["actions_open"])}]
    tables = [{"id": "panel-agencies", "caption": "Agencies invited to and attending the learning panels",
               "head": ["Agency", "Panels invited to", "Panels attended"], "rows": rows}]
    return _content("panels", figures=figures, tables=tables, notes=[
        "Panels are counted by the date they were held; the number of panels is not suppressed, "
        "since a panel is not a review.", FOOTNOTE])
