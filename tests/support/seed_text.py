"""The seed documents read paragraph by paragraph, independently of the framework loader.

Each non-empty line of a seed is a paragraph (list items are lines starting "- "); a line that
starts in lower case and is neither a list item nor a lettered prompt ("a) ...") continues the
paragraph before it (the text was cut at a page break). Used by tests/assessment/test_full_text.py
to compare the stored text of config/qa_framework/v2.json with seeds 000 and 001.
"""
from __future__ import annotations

import re

from . import DATA

SEEDS = DATA / "seeds"
RATING_HEADINGS = {"Outstanding": "outstanding", "Good": "good", "Requires improvement": "requires_improvement",
                   "Inadequate": "inadequate"}


def paragraphs(lines: list[str]) -> list[str]:
    out: list[str] = []
    for raw in lines:
        line = " ".join(raw.split())
        if not line:
            continue
        if out and line[0].islower() and not out[-1].startswith("- ") and not re.match(r"^[a-z]\) ", line):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return out


def seed_lines(name: str) -> list[str]:
    return (SEEDS / name).read_text(encoding="utf-8").splitlines()


def characteristics() -> dict:
    """Seed 000: {"general": [paragraphs before the first standard], "standards": {"1": {"heading":
    ..., "outstanding": [paragraphs], ...}}}."""
    paras = paragraphs(seed_lines("000_aa9dc2d88ec9cb82.txt"))
    general: list[str] = []
    standards: dict[str, dict] = {}
    current: dict | None = None
    rating: str | None = None
    for p in paras:
        m = re.match(r"^([1-4])\. (.+)$", p)
        if m:
            current = standards.setdefault(m.group(1), {"heading": m.group(2)})
            rating = None
        elif current is not None and p in RATING_HEADINGS:
            rating = RATING_HEADINGS[p]
            current[rating] = []
        elif current is not None and rating is not None:
            current[rating].append(p)
        else:
            general.append(p)
    return {"general": general, "standards": standards}


INFO_HEADINGS = {
    "Is this case high profile?": "info.high_profile",
    "Were relevant staff interviewed to inform the review?": "info.staff_interviewed",
    "Are there any paralleling reviews?": "info.parallel_reviews",
    "Case details": "info.case_details",
}


def guidance() -> dict[str, list[str]]:
    """Seed 001: framework id ("info.high_profile", "chron.a", "1", "1.1", "1.1.a", ...) -> the
    guidance paragraphs under it (for a standard or key question: those after "Judgement")."""
    paras = paragraphs(seed_lines("001_a41fd527dc2c534f.txt"))
    start = paras.index("Information section")  # the body (the contents line ends in its page number)
    out: dict[str, list[str]] = {}
    group, current, skip_next = "info", None, False
    for p in paras[start + 1:]:
        if skip_next:  # the statement under a standard or the chronology heading
            skip_next = False
            continue
        if p in INFO_HEADINGS:
            current = INFO_HEADINGS[p]
        elif p == "Chronology":
            group, current, skip_next = "chron", "chron", True
        elif m := re.match(r"^([1-4])\. [A-Z]", p):
            group = current = m.group(1)
            skip_next = True
        elif m := re.match(r"^([1-4]\.[1-4]) ", p):
            group = current = m.group(1)
        elif m := re.match(r"^([a-i])\) ", p):
            current = "info.review_period" if group == "info" else f"{group}.{m.group(1)}"
        elif p == "Judgement":
            continue
        else:
            out.setdefault(current, []).append(p)
            continue
        out.setdefault(current, [])
    return out
