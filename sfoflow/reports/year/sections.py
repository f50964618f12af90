"""The annual summary as a list of sections: ``SECTIONS`` is the one registry.

Each section is a :class:`Section`: a key, a title, the aggregates it ``needs`` (gathered once
each by ``services/year.py``, with SQL GROUP BY) and ``build``, a pure function from those
counts to the section's content: headline figures, tables (suppression applied), chart specs
(each naming the table it draws) and notes. Adding a section = one function here or in its own
module and one entry appended to ``SECTIONS`` (plus, if it needs new counts, one aggregate in
``services/year.py`` ``AGGREGATES``). See docs/architecture.md.

A section's content is plain data::

    {"key", "title", "description",
     "figures": [{"label", "value"}],
     "tables": [{"id", "caption", "head": [...], "rows": [[str, ...]], "row_headers": True}],
     "charts": [{"id", "title", "kind": "bar"|"stacked"|"barh", "table", "categories", "series"}],
     "notes": [str], "internal": {...}}

``internal`` holds what only signed-in staff may read (free-text learning, which may name
people or places); it is dropped from everything published.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from ...assessment.ratings import ShareBand, band_for_counts
from .periods import Period, months
from .suppression import FOOTNOTE, count_cell, numeric, share_cell, suppressed_row

RATING_ORDER = ("outstanding", "good", "requires_improvement", "inadequate")
RATING_LABELS = {"outstanding": "Outstanding", "good": "Good", "requires_improvement": "Requires improvement",
                 "inadequate": "Inadequate"}
LEVELS = {"individual": "Individual", "local": "Local delivery unit", "region": "Region",
          "national": "National", "multi_agency": "Multi-agency"}
OUTCOMES = {"amended": "Amended", "reissued": "Reissued", "declined": "Declined", "no_response": "No response"}
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


@dataclass(frozen=True)
class SectionContext:
    period: Period
    framework: object  # sfoflow.assessment.framework.Framework
    regions: Mapping[str, str]  # code -> name
    offences: Mapping[str, str]
    rules: Mapping[str, Mapping] = field(default_factory=dict)  # standard id -> national rating rule


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    needs: tuple[str, ...]
    build: Callable[[Mapping, SectionContext], dict]
    description: str = ""


def _content(section_key: str, **kw) -> dict:
    out = {"key": section_key, "figures": [], "tables": [], "charts": [], "notes": [], "internal": {}}
    out.update(kw)
    return out


def _group_name(ctx: SectionContext, dimension: str, code: str) -> str:
    if dimension == "region":
        return ctx.regions.get(code, code)
    if dimension == "offence_category":
        return ctx.offences.get(code, code)
    return code


# --- intake and sample -------------------------------------------------------------------------

def build_intake(f: Mapping, ctx: SectionContext) -> dict:
    rows = f["intake"]
    total = sum(r["n"] for r in rows)
    hmip = sum(r["n"] for r in rows if r["route"] == "hmip")
    hmpps = sum(r["n"] for r in rows if r["route"] == "hmpps")
    tables = []
    for dim, caption, names in (("region", "Reviews received and sampled, by region", ctx.regions),
                                ("offence_category", "Reviews received and sampled, by offence category",
                                 ctx.offences)):
        by: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        for r in rows:
            cell = by[r[dim]]
            if r["route"] == "hmip":
                cell[0] += r["n"]
            elif r["route"] == "hmpps":
                cell[1] += r["n"]
            else:
                cell[2] += r["n"]
        order = [c for c in names if c in by] + sorted(c for c in by if c not in names)
        table_rows = [[_group_name(ctx, dim, c)] + suppressed_row(by[c]) for c in order]
        tables.append({"id": f"intake-{dim}", "caption": caption,
                       "head": [dim.replace("_", " ").capitalize(), "Selected for HMIP", "Routed to HMPPS",
                                "Not yet sampled", "Received"], "rows": table_rows})
    covered = len({r["region"] for r in rows if r["route"] == "hmip"})
    offences_covered = len({r["offence_category"] for r in rows if r["route"] == "hmip"})
    figures = [{"label": "Reviews received", "value": count_cell(total)},
               {"label": "Selected for HMIP quality assurance", "value": count_cell(hmip)},
               {"label": "Routed to the HMPPS SFO team", "value": count_cell(hmpps)},
               {"label": "Regions with at least one review in the HMIP sample",
                "value": f"{covered} of {len(ctx.regions)}"},
               {"label": "Offence categories in the HMIP sample",
                "value": f"{offences_covered} of {len(ctx.offences)}"}]
    return _content("intake", figures=figures, tables=tables, notes=[FOOTNOTE])


# --- timeliness --------------------------------------------------------------------------------

def build_timeliness(f: Mapping, ctx: SectionContext) -> dict:
    rows = f["timeliness"]
    on = sum(r["n"] for r in rows if r["on_time"])
    total = sum(r["n"] for r in rows)
    by_month: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    by_region: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in rows:
        by_month[(r["year"], r["month"])][0 if r["on_time"] else 1] += r["n"]
        by_region[r["region"]][0 if r["on_time"] else 1] += r["n"]
    month_rows = []
    for y, m in months(ctx.period):
        yes, no = by_month.get((y, m), [0, 0])
        cells = suppressed_row([yes, no])
        month_rows.append([f"{MONTHS[m - 1]} {y}", cells[0], cells[2], share_cell(yes, yes + no)])
    region_rows = []
    for code in [c for c in ctx.regions if c in by_region] + sorted(c for c in by_region if c not in ctx.regions):
        yes, no = by_region[code]
        cells = suppressed_row([yes, no])
        region_rows.append([ctx.regions.get(code, code), cells[0], cells[2], share_cell(yes, yes + no)])
    head = ["On time", "Reports sent", "Share on time"]
    tables = [{"id": "timeliness-month",
               "caption": "Reports sent within 15 working days, by month the review was received",
               "head": ["Month"] + head, "rows": month_rows},
              {"id": "timeliness-region", "caption": "Reports sent within 15 working days, by region",
               "head": ["Region"] + head, "rows": region_rows}]
    chart = {"id": "chart-timeliness", "title": "Share of reports sent within 15 working days, by month",
             "kind": "bar", "table": "timeliness-month", "y_label": "Per cent on time",
             "categories": [r[0][:3] + " " + r[0][-2:] for r in month_rows],
             "series": [{"name": "Share on time", "values": [numeric(r[3]) for r in month_rows]}]}
    figures = [{"label": "Reports sent", "value": count_cell(total)},
               {"label": "Sent within 15 working days of receipt (against the original due date)",
                "value": share_cell(on, total)}]
    return _content("timeliness", figures=figures, tables=tables, charts=[chart], notes=[
        "On time means sent on or before the original due date, the 15th working day after receipt; "
        "extensions do not change it.", FOOTNOTE])


# --- ratings -----------------------------------------------------------------------------------

def _rating_fields(ctx: SectionContext) -> list[tuple[str, str]]:
    fw = ctx.framework
    return [(s.id, f"Standard {s.number}: {s.title}") for s in fw.standards] + [("overall", "Overall rating")]


def build_ratings(f: Mapping, ctx: SectionContext) -> dict:
    rows = f["ratings"]
    # national distribution: any one dimension sums to the whole
    national: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    grouped: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for r in rows:
        if r["rating"] not in RATING_ORDER:
            continue
        i = RATING_ORDER.index(r["rating"])
        grouped[(r["dimension"], r["field"], r["group"])][i] += r["n"]
        if r["dimension"] == "region":
            national[r["field"]][i] += r["n"]
    head_r = [RATING_LABELS[k] for k in RATING_ORDER] + ["Number of reviews (n)"]
    fields = _rating_fields(ctx)
    nat_rows = [[label] + suppressed_row(national[fid]) for fid, label in fields]
    tables = [{"id": "ratings-national", "caption": "Ratings of the QA'd reviews, by standard and overall",
               "head": ["Standard"] + head_r, "rows": nat_rows}]
    for dim, dim_label, names in (("region", "region", ctx.regions), ("offence_category", "offence category",
                                                                       ctx.offences), ("provider", "provider", {})):
        for fid, label in fields:
            groups = sorted({g for (d, fl, g) in grouped if d == dim and fl == fid},
                            key=lambda g: (list(names).index(g) if g in names else len(names), g))
            if not groups:
                continue
            tables.append({"id": f"ratings-{dim}-{fid}", "caption": f"{label}, by {dim_label}",
                           "head": [dim_label.capitalize()] + head_r,
                           "rows": [[_group_name(ctx, dim, g)] + suppressed_row(grouped[(dim, fid, g)])
                                    for g in groups]})
    chart = {"id": "chart-ratings", "title": "Ratings by standard", "kind": "stacked", "table": "ratings-national",
             "y_label": "Number of reviews", "categories": [label.split(":")[0] for _, label in fields],
             "series": [{"name": RATING_LABELS[k], "values": [numeric(r[1 + i]) for r in nat_rows]}
                        for i, k in enumerate(RATING_ORDER)]}
    n = sum(national["overall"])
    good = national["overall"][0] + national["overall"][1]
    figures = [{"label": "Reviews quality assured by HMIP (n)", "value": count_cell(n)},
               {"label": "Rated Good or Outstanding overall", "value": share_cell(good, n)}]
    return _content("ratings", figures=figures, tables=tables, charts=[chart], notes=[
        "Each standard is rated Outstanding (3), Good (2), Requires improvement (1) or Inadequate (0); the "
        "overall rating bands the sum: 0-2 Inadequate, 3-6 Requires improvement, 7-10 Good, 11-12 Outstanding.",
        FOOTNOTE])


# --- key questions (seed 004, 4.7-4.11) --------------------------------------------------------

def _band(yes: int, answered: int) -> ShareBand | None:
    return band_for_counts(yes, answered) if answered > 0 else None


def national_standard_ratings(f: Mapping, ctx: SectionContext) -> list[dict]:
    """Each standard's national rating: the lowest key-question band (004, 4.10); for a standard
    without key questions, the rule its framework data names (printed beside the figure)."""
    items = f["key_questions"]["items"]
    out = []
    for s in ctx.framework.standards:
        if s.key_questions:
            bands = []
            for kq in s.key_questions:
                c = items.get(kq.id, {"yes": 0, "no": 0})
                band = _band(c["yes"], c["yes"] + c["no"])
                if band is not None:
                    bands.append((kq.id, band))
            lowest = min(bands, key=lambda b: b[1].rating.score) if bands else None
            out.append({"standard": s.id, "title": s.title, "number": s.number,
                        "band": lowest[1].label if lowest else None,
                        "rating": lowest[1].rating.key if lowest else None,
                        "rule": "The lowest band of its key questions (" + ", ".join(kq.id for kq in s.key_questions)
                                + (f"; lowest: {lowest[0]})" if lowest else ")"),
                        "share": None})
        else:
            rule = ctx.rules.get(s.id, {})
            ok = sum(r["n"] for r in f["ratings"] if r["dimension"] == "region" and r["field"] == s.id
                     and r["rating"] in ("good", "outstanding"))
            n = sum(r["n"] for r in f["ratings"] if r["dimension"] == "region" and r["field"] == s.id)
            band = _band(ok, n)
            out.append({"standard": s.id, "title": s.title, "number": s.number,
                        "band": band.label if band else None, "rating": band.rating.key if band else None,
                        "rule": rule.get("text", "The band of the share of reviews rated Good or Outstanding"),
                        "share": (ok, n)})
    return out


def build_key_questions(f: Mapping, ctx: SectionContext) -> dict:
    items = f["key_questions"]["items"]
    rows = []
    for s in ctx.framework.standards:
        listed = [(f"{kq.id} {kq.label}" if item is kq else f"{kq.id} {item.number})", item)
                  for kq in s.key_questions for item in (kq, *kq.prompts)]
        listed += [(f"{s.number} {p.number})", p) for p in s.prompts]  # standards 2 and 4: prompts only
        for label, item in listed:
            c = items.get(item.id, {"yes": 0, "no": 0})
            answered = c["yes"] + c["no"]
            band = _band(c["yes"], answered)
            rows.append([label, count_cell(answered), count_cell(c["yes"]), share_cell(c["yes"], answered),
                         band.label if band and answered >= 5 else ("[c]" if answered else "None answered")])
    std_rows = []
    for r in national_standard_ratings(f, ctx):
        small = r["share"] is not None and r["share"][1] < 5
        std_rows.append([f"Standard {r['number']}: {r['title']}",
                         "[c]" if small else (r["band"] or "No answers"),
                         "[c]" if small else RATING_LABELS.get(r["rating"] or "", "Not rated"),
                         r["rule"]])
    tables = [{"id": "key-questions", "caption": "Share of QA'd reviews answered 'yes', by key question and prompt",
               "head": ["Key question or prompt", "Answered yes or no (n)", "Yes", "Share yes", "Band"], "rows": rows},
              {"id": "standard-ratings", "caption": "National rating of each standard",
               "head": ["Standard", "Band", "National rating", "Rule used"], "rows": std_rows}]
    return _content("key_questions", tables=tables, notes=[
        "Bands (seed 004, 4.8): minority under 50%, too few 50-64%, reasonable majority 65-79%, large majority "
        "80% or more. A standard's national rating follows its lowest key-question band (4.10): minority "
        "Inadequate, too few Requires improvement, reasonable majority Good, large majority Outstanding.",
        FOOTNOTE])


# --- themes ------------------------------------------------------------------------------------

def build_themes(f: Mapping, ctx: SectionContext) -> dict:
    t = f["themes"]
    labels = {th["key"]: th["label"] for th in t["themes"]}
    total: dict[str, int] = defaultdict(int)
    by_region: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in t["by_region"]:
        total[r["theme"]] += r["n"]
        by_region[r["theme"]][r["region"]] += r["n"]
    qa_n = t["qa_n"]
    order = sorted(total, key=lambda k: (-total[k], labels.get(k, k)))
    freq_rows = [[labels.get(k, k), count_cell(total[k]), share_cell(total[k], qa_n)] for k in order]
    region_codes = [c for c in ctx.regions if any(c in by_region[k] for k in order)]
    region_rows = [[labels.get(k, k)] + suppressed_row([by_region[k].get(c, 0) for c in region_codes])
                   for k in order]
    years = sorted(t["qa_by_year"])
    by_year: dict[tuple[str, int], int] = {(r["theme"], r["year"]): r["n"] for r in t["by_year"]}
    trend_rows = [[labels.get(k, k)] + [share_cell(by_year.get((k, y), 0), t["qa_by_year"][y])
                                        if not 0 < by_year.get((k, y), 0) < 5 else "[c]" for y in years]
                  for k in order]
    tables = [{"id": "themes-frequency", "caption": "How often each theme was recorded on a QA",
               "head": ["Theme", "QAs recording it", "Share of QAs"], "rows": freq_rows},
              {"id": "themes-region", "caption": "Themes recorded, by region",
               "head": ["Theme"] + [ctx.regions.get(c, c) for c in region_codes] + ["All regions"],
               "rows": region_rows},
              {"id": "themes-trend", "caption": "Share of QAs recording each theme, this year and earlier years",
               "head": ["Theme"] + [f"{y} to {y + 1}" for y in years], "rows": trend_rows}]
    chart = {"id": "chart-themes", "title": "Themes recorded on QAs", "kind": "barh", "table": "themes-frequency",
             "y_label": "Number of QAs", "categories": [r[0] for r in freq_rows],
             "series": [{"name": "QAs recording the theme", "values": [numeric(r[1]) for r in freq_rows]}]}
    return _content("themes", tables=tables, charts=[chart] if freq_rows else [],
                    figures=[{"label": "QAs with themes recorded", "value": count_cell(qa_n)}], notes=[FOOTNOTE])


# --- learning and good practice ----------------------------------------------------------------

def build_learning(f: Mapping, ctx: SectionContext) -> dict:
    lf = f["learning"]
    by_level: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in lf["points"]:
        by_level[r["level"]][0 if r["in_action_plan"] else 1] += r["n"]
    level_rows = [[LEVELS[k]] + suppressed_row(by_level.get(k, [0, 0])) for k in LEVELS]
    amend = {r["outcome"] or "awaiting": r["n"] for r in lf["amendments"]}
    amend_rows = [[label, count_cell(amend.get(k, 0))] for k, label in
                  (*OUTCOMES.items(), ("awaiting", "Outcome not yet recorded"))]
    tables = [{"id": "learning-levels", "caption": "Learning points identified by the QA, by level",
               "head": ["Level", "Already in the action plan", "Not in the action plan", "All"],
               "rows": level_rows},
              {"id": "amendments", "caption": "Amendments to reviews suggested by the QA, by outcome",
               "head": ["Outcome", "Amendments"], "rows": amend_rows}]
    counts = lf["counts"]
    figures = [{"label": "Learning points identified", "value": count_cell(sum(sum(v) for v in by_level.values()))},
               {"label": "National and multi-agency learning points",
                "value": count_cell(sum(by_level.get("national", [0, 0])) + sum(by_level.get("multi_agency", [0, 0])))},
               {"label": "Good practice to share", "value": count_cell(counts.get("good_practice", 0))},
               {"label": "National policy or procedure issues for HMPPS",
                "value": count_cell(counts.get("policy_issue", 0))}]
    internal = {"national_points": lf["national_points"], "good_practice": lf["good_practice"],
                "policy_issues": lf["policy_issues"], "limit": lf["limit"]}
    return _content("learning", figures=figures, tables=tables, internal=internal, notes=[
        "The text of each learning point and good practice is written up in the narrative, so that nothing "
        "identifying is published.", FOOTNOTE])


SECTIONS: tuple[Section, ...] = (
    Section("intake", "Intake and sample", ("intake",), build_intake,
            "Reviews received, selected for HMIP and routed to HMPPS, by region and offence category."),
    Section("timeliness", "Timeliness", ("timeliness",), build_timeliness,
            "Reports sent within 15 working days of receipt, by month and region."),
    Section("ratings", "Ratings", ("ratings",), build_ratings,
            "How each standard and the overall rating were distributed, by region, offence category and provider."),
    Section("key_questions", "Key questions and national ratings", ("key_questions", "ratings"), build_key_questions,
            "The share of reviews answered 'yes' on each key question, its band and each standard's national rating."),
    Section("themes", "Emerging themes", ("themes",), build_themes,
            "How often each theme occurred, by region, against earlier years."),
    Section("learning", "Learning and good practice", ("learning",), build_learning,
            "Learning points by level, good practice, policy issues and suggested amendments."),
    Section("bodies", "HMIP and HMPPS side by side", ("bodies",), lambda f, ctx: _partners().build_bodies(f, ctx),
            "The ratings each body gave, and reviews rated by both in benchmarking exercises."),
    Section("panels", "Multi-agency learning panels", ("panels",), lambda f, ctx: _partners().build_panels(f, ctx),
            "Panels held, the agencies that took part and the actions agreed."),
)


def _partners():
    # partners.py builds on this module's helpers, so it is imported when a section is built.
    from . import partners
    return partners


def section(key: str) -> Section:
    for s in SECTIONS:
        if s.key == key:
            return s
    raise KeyError(key)


def build(figures: Mapping, ctx: SectionContext, keys: tuple[str, ...] | None = None) -> list[dict]:
    """The content of each chosen section (all, in registry order, when ``keys`` is None)."""
    chosen = [s for s in SECTIONS if keys is None or s.key in keys]
    out = []
    for s in chosen:
        content = s.build(figures, ctx)
        content.update(title=s.title, description=s.description)
        out.append(content)
    return out


def public(content: dict) -> dict:
    """A section as it may be published: the internal part dropped."""
    return {k: v for k, v in content.items() if k != "internal"}


def share_percent(yes: int, n: int) -> Fraction | None:
    return Fraction(yes, n) if n else None
