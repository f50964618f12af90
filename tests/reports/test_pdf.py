"""The QA report PDF: made in process by fpdf2, read back with pypdf (text extraction)."""
from __future__ import annotations

import io
import re

import pypdf
from sqlalchemy import select

from sfoflow.assessment.framework import load_framework
from sfoflow.models.assessment import QaReport
from sfoflow.reports import html as report_html
from sfoflow.reports import pdf as report_pdf
from sfoflow.services import assessment as svc
from sfoflow.services import settings
from sfoflow.services.lifecycle import apply_action
from tests.support.assessment import FEEDBACK, SUMMARY, complete_payload
from tests.support.core import make_person, make_review

FOOTER = re.compile(r"^QA report: SFO review \S+ - page \d+ of \d+$")


def text_of(pdf_bytes: bytes) -> str:
    """The text of every page, without the page footers (which would split a paragraph that
    runs over a page break)."""
    reader = pypdf.PdfReader(io.BytesIO(pdf_bytes))
    lines = [line for page in reader.pages for line in page.extract_text().splitlines()]
    return "\n".join(line for line in lines if not FOOTER.match(line.strip()))


def squash(text: str) -> str:
    """Whitespace-insensitive: a long paragraph wraps over lines in the PDF."""
    return re.sub(r"\s+", " ", text).strip()


def content(**overrides) -> dict:
    base = {
        "reference": "SFO/2023/0042", "region": "Wales", "received_on": "2023-04-27", "due_on": "2023-05-22",
        "extended_due_on": None, "sent_at": "2023-05-19T09:30:00+00:00", "sent_on": "2023-05-19",
        "on_time": True, "timeliness": "On time (sent 19 May 2023; due 22 May 2023)",
        "standards": [
            {"id": "1", "number": "1", "title": "Analysis of practice", "rating": "outstanding",
             "rating_label": "Outstanding", "score": 3, "feedback": "Thorough analysis of assessment."},
            {"id": "2", "number": "2", "title": "Overall judgements", "rating": "good",
             "rating_label": "Good", "score": 2, "feedback": "Judgements were clear.\nOne gap on partnership."},
            {"id": "3", "number": "3", "title": "Learning", "rating": "requires_improvement",
             "rating_label": "Requires improvement", "score": 1,
             "feedback": "The \u201clearning\u201d was vague \u2013 actions lack measures\u2026"},
            {"id": "4", "number": "4", "title": "Victims and their families", "rating": "inadequate",
             "rating_label": "Inadequate", "score": 0, "feedback": "Language was not accessible. " * 60},
        ],
        "overall_score": 6, "max_score": 12, "overall_rating": "requires_improvement",
        "overall_rating_label": "Requires improvement", "summary": "A review with clear strengths.",
        "inspector_name": "Zo\u00eb \u00d8degaard", "signed_off_by": "Mona Manager",
        "framework": {"key": "v1", "version": "2021-03",
                      "title": "Quality assurance of Serious Further Offence reviews"},
    }
    base.update(overrides)
    return base


def test_pdf_has_the_facts_each_rating_the_overall_rating_and_the_feedback():
    data = content()
    pdf = report_pdf.render(data)
    assert pdf.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert reader.metadata.title == "QA report: SFO review SFO/2023/0042"
    text = text_of(pdf)
    flat = squash(text)
    # each standard's row: number, title and its rating, as written out here
    for row in ("1. Analysis of practice Outstanding 3", "2. Overall judgements Good 2",
                "3. Learning Requires improvement 1", "4. Victims and their families Inadequate 0"):
        assert row in text, row
    assert "Overall rating Requires improvement 6 of 12" in text
    for fact in ("SFO/2023/0042", "Wales", "Received 27 April 2023", "Due 22 May 2023", "Sent 19 May 2023",
                 "On time", "Zo\u00eb \u00d8degaard", "Mona Manager"):
        assert fact in text, fact
    assert "Thorough analysis of assessment." in flat
    assert "Judgements were clear. One gap on partnership." in flat
    # typographic punctuation becomes its plain form in the core font
    assert 'The "learning" was vague - actions lack measures...' in flat
    assert flat.count("Language was not accessible.") == 60  # long feedback runs onto a new page
    assert len(reader.pages) >= 2
    assert "page 2 of 2" in reader.pages[1].extract_text()
    assert "A review with clear strengths." in flat


def test_text_outside_latin1_does_not_break_the_pdf():
    pdf = report_pdf.render(content(summary="Snow \u2603 and \u0141\u00f3d\u017a"))
    assert "Snow ? and L\u00f3dz" in squash(text_of(pdf))


def test_html_is_accessible_markup_with_the_same_facts():
    page = report_html.render(content())
    assert '<th scope="row" class="govuk-table__header">3. Learning</th>' in page
    assert "<caption" in page and 'scope="col"' in page
    assert "Requires improvement" in page and "6 of 12" in page
    assert "\u201clearning\u201d" in page  # HTML keeps the real punctuation
    assert "<script" not in report_html.render(content(summary="<script>alert(1)</script>"))


def test_the_sent_report_pdf_carries_the_assessment(session, database):
    inspector, _ = make_person(session, "inspector", name="Ina Inspector")
    settings.set_value(session, "sign_off_required", False)
    session.commit()
    review = make_review(session, state="allocated", inspector=inspector, reference="SFO/2023/0099")
    apply_action(session, review, "start", inspector, version=review.version)
    session.commit()
    fw = load_framework("v1")
    svc.save_draft(session, review, inspector, complete_payload(fw, svc.get(session, review).version))
    session.commit()
    apply_action(session, review, "submit", inspector, version=review.version)
    session.commit()
    with database.session() as s:
        report = s.scalar(select(QaReport).where(QaReport.review_id == review.id))
        text = text_of(report.pdf)
    flat = squash(text)
    # tests/support/assessment.py RATINGS: good, requires improvement, outstanding, good -> 8: Good
    for row in ("1. Analysis of practice Good 2", "2. Overall judgements Requires improvement 1",
                "3. Learning Outstanding 3", "4. Victims and their families Good 2"):
        assert row in text, row
    assert "Overall rating Good 8 of 12" in text
    for feedback in FEEDBACK.values():
        assert squash(feedback) in flat
    assert SUMMARY in flat
    assert "Ina Inspector" in text and "SFO/2023/0099" in text
    assert report.pdf_filename == "qa-report-SFO-2023-0099.pdf"



def test_the_pdf_names_its_organisation_title_language_and_has_an_outline():
    """Issue 15: the PDF carries the organisation's name (in its metadata and on the page), its
    title shown by the reader, its language, and its headings as an outline (bookmarks)."""
    data = report_pdf.render(content())
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert reader.metadata.author == "HM Inspectorate of Probation"
    assert reader.metadata.title.startswith("QA report: SFO review ")
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    assert bool(reader.trailer["/Root"]["/ViewerPreferences"]["/DisplayDocTitle"])
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert outline[0].startswith("QA report: SFO review ")
    nested = [i.title for level in reader.outline if isinstance(level, list) for i in level
              if not isinstance(i, list)]
    assert {"Ratings", "Feedback", "Summary"} <= set(nested)
    assert "HM Inspectorate of Probation" in text_of(data)
