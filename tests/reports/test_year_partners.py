"""The annual summary's sections for HMPPS's QA beside HMIP's and for the learning panels: pure
functions from counts to tables, checked against tables written out by hand."""
from __future__ import annotations

from datetime import date

from sfoflow.assessment.framework import load_framework
from sfoflow.reports.year import partners
from sfoflow.reports.year.periods import Period
from sfoflow.reports.year.sections import SECTIONS, SectionContext

CTX = SectionContext(period=Period(2023, date(2023, 4, 1), date(2024, 3, 31)), framework=load_framework("v1"),
                     regions={}, offences={})


def _cell(n):
    return {"count": n, "shown": None if 0 < n < 5 else n}


def _dist(overall):
    return {sid: {r: _cell(0) for r in ("outstanding", "good", "requires_improvement", "inadequate")}
            for sid in ("1", "2", "3", "4")} | {"overall": {r: _cell(n) for r, n in overall.items()}}


def test_both_sections_are_in_the_registry():
    assert {"bodies", "panels"} <= {s.key for s in SECTIONS}


def test_each_body_ratings_and_the_side_by_side_comparison_suppress_small_counts():
    data = {"bodies": ("hmip", "hmpps"), "reports": {"hmip": 12, "hmpps": 3},
            "distribution": {"hmip": _dist({"outstanding": 0, "good": 7, "requires_improvement": 5, "inadequate": 0}),
                             "hmpps": _dist({"outstanding": 1, "good": 2, "requires_improvement": 0,
                                             "inadequate": 0})},
            "side_by_side": {"reviews": 6, "pairs": 6,
                             "by_standard": {sid: {"same": _cell(6), "hmip_higher": _cell(0),
                                                   "hmpps_higher": _cell(0)} for sid in ("1", "2", "3", "4")}}}
    content = partners.build_bodies({"bodies": data}, CTX)
    hmip, hmpps, both = content["tables"]
    # Written out by hand, in the order Outstanding, Good, Requires improvement, Inadequate, All:
    # HMIP 0, 7, 5, 0 of 12; HMPPS 1, 2, 0, 0 of 3, every non-zero cell under 5.
    assert hmip["rows"][-1] == ["Overall rating", "0", "7", "5", "0", "12"]
    assert hmpps["rows"][-1] == ["Overall rating", "[c]", "[c]", "0", "0", "[c]"]
    assert both["rows"][0][1:] == ["6", "0", "0"]
    assert {"label": "QA reports sent by HMPPS SFO team", "value": "[c]"} in content["figures"]


def test_panels_section_counts_agencies_and_actions():
    data = {"panels_held": 2, "cases_discussed": 5, "actions_total": 7, "actions_open": 2,
            "actions_closed": 5,
            "agencies": [{"agency": "police", "name": "Police", "panels_invited": 2, "panels_attended": 1}]}
    content = partners.build_panels({"panels": data}, CTX)
    assert content["tables"][0]["rows"] == [["Police", "[c]", "[c]"]]
    assert [f["value"] for f in content["figures"]] == ["2", "5", "7", "[c]"]
