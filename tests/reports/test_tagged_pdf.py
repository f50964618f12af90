"""Issue 15: the PDFs are tagged. Each report's PDF is read back with pypdf (tests/support/
tagged_pdf.py) and compared with a structure written out here by hand: headings, paragraphs,
lists, tables with their header cells, the chart as a figure with alternate text; the page
footers are artifacts; every marked-content sequence belongs to one element through the parent
tree; the catalog carries the language, the title shown by the reader and the organisation."""
from __future__ import annotations

import io
from collections import Counter
from datetime import date

import pytest
from PIL import Image

from sfoflow.reports import pdf as report_pdf
from sfoflow.reports.panel import render_pdf as panel_pdf
from sfoflow.reports.tagged import TaggedPDF as Writer
from sfoflow.reports.year import render as year_render
from tests.support.tagged_pdf import TaggedPDF, squash

ORGANISATION = "HM Inspectorate of Probation"


def assert_well_tagged(doc: TaggedPDF, title: str) -> None:
    catalog = doc.catalog
    assert catalog["/MarkInfo"]["/Marked"].value is True
    assert catalog["/Lang"] == "en-GB"
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    assert doc.reader.metadata.title == title
    assert doc.reader.metadata.author == ORGANISATION
    assert doc.document.tag == "Document"
    owners = {m: e for e in doc.document.walk() for m in e.marks}
    marks = Counter(m for e in doc.document.walk() for m in e.marks)
    assert [m for m, n in marks.items() if n > 1] == [], "content owned by two elements"
    drawn = []
    for index, (page, sequences) in enumerate(zip(doc.reader.pages, doc.sequences, strict=True)):
        tagged = [s for s in sequences if not s.artifact]
        assert all(s.mcid is not None for s in tagged), "a sequence that is neither content nor an artifact"
        mcids = [s.mcid for s in tagged]
        assert mcids == list(range(len(mcids))), f"page {index + 1}: MCIDs {mcids} are not 0, 1, 2... on the page"
        if not mcids:
            assert "/StructParents" not in page
            continue
        owners_here = doc.parent_tree[page["/StructParents"]]
        assert len(owners_here) == len(mcids)
        for s in tagged:
            elem = owners[(index, s.mcid)]  # the element that lists this MCID among its kids...
            assert owners_here[s.mcid] == elem.ref  # ...is the one the parent tree names for it
            assert s.tag == f"/{elem.tag}"
            drawn.append((index, s.mcid))
    assert sorted(drawn) == sorted(marks), "an element refers to content that is not on its page"
    assert ORGANISATION in doc.text(doc.document)


# --- the QA report ----------------------------------------------------------------------------------

def qa_content() -> dict:
    long_feedback = "Language was not accessible. " * 60  # runs onto the second page
    standards = [("1", "Analysis of practice", "Outstanding", 3, "Thorough analysis of assessment."),
                 ("2", "Overall judgements", "Good", 2, "Judgements were clear.\nOne gap on partnership."),
                 ("3", "Learning", "Requires improvement", 1, "The learning was vague."),
                 ("4", "Victims and their families", "Inadequate", 0, long_feedback)]
    return {
        "reference": "SFO/2023/0042", "region": "Wales", "received_on": "2023-04-27", "due_on": "2023-05-22",
        "extended_due_on": None, "sent_on": "2023-05-19", "timeliness": "On time (sent 19 May 2023; due 22 May 2023)",
        "standards": [{"id": n, "number": n, "title": t, "rating_label": r, "score": s, "feedback": f}
                      for n, t, r, s, f in standards],
        "overall_score": 6, "max_score": 12, "overall_rating_label": "Requires improvement",
        "summary": "A review with clear strengths.", "inspector_name": "Ina Inspector", "signed_off_by": "Mona Manager",
        "framework": {"key": "v1", "title": "Quality assurance of Serious Further Offence reviews"},
    }


FACT = ("TR", ["TH", "TD"])
RATING = ("TR", ["TH", "TD", "TD"])
QA_STRUCTURE = ("Document", [
    "P", "H1",
    ("Table", [FACT] * 8),                                       # the facts: 7 and the sign-off
    "H2", ("Table", [("TR", ["TH", "TH", "TH"])] + [RATING] * 5), "P",  # 4 standards and the overall
    "H2", "H3", "P", "H3", "P", "P", "H3", "P", "H3", "P",       # feedback: standard 2 has two paragraphs
    "H2", "P",
])


@pytest.fixture(scope="module")
def qa() -> TaggedPDF:
    return TaggedPDF(report_pdf.render(qa_content()))


def test_the_qa_report_has_headings_paragraphs_and_tables_in_reading_order(qa):
    assert_well_tagged(qa, "QA report: SFO review SFO/2023/0042")
    assert qa.document.shape() == QA_STRUCTURE
    assert qa.texts("H1") == ["QA report: SFO review SFO/2023/0042"]
    assert qa.texts("H2") == ["Ratings", "Feedback", "Summary"]
    assert qa.texts("H3") == ["Standard 1: Analysis of practice - Outstanding", "Standard 2: Overall judgements - Good",
                              "Standard 3: Learning - Requires improvement",
                              "Standard 4: Victims and their families - Inadequate"]
    assert qa.text(qa.document.kids[0]) == f"{ORGANISATION}: Quality assurance of Serious Further Offence reviews"
    assert qa.text(qa.document.kids[-1]) == "A review with clear strengths."


def test_the_ratings_table_has_column_and_row_headers(qa):
    facts, ratings = qa.document.find("Table")
    head, *rows = ratings.kids
    assert [qa.text(c) for c in head.kids] == ["Standard", "Rating", "Score"]
    assert all(c.attributes == {"/O": "/Table", "/Scope": "/Column"} for c in head.kids)
    assert [[qa.text(c) for c in r.kids] for r in rows] == [
        ["1. Analysis of practice", "Outstanding", "3"], ["2. Overall judgements", "Good", "2"],
        ["3. Learning", "Requires improvement", "1"], ["4. Victims and their families", "Inadequate", "0"],
        ["Overall rating", "Requires improvement", "6 of 12"]]
    for row in rows:
        assert row.kids[0].attributes["/Scope"] == "/Row"
        assert all(c.attributes == {} for c in row.kids[1:])
    assert [qa.text(c) for c in facts.kids[0].kids] == ["Review reference", "SFO/2023/0042"]
    assert [qa.text(c) for c in facts.kids[-1].kids] == ["Signed off by", "Mona Manager"]


def test_a_paragraph_over_a_page_break_is_one_element_with_a_sequence_on_each_page(qa):
    last_feedback = qa.document.kids[-3]
    assert last_feedback.tag == "P"
    assert len(qa.reader.pages) == 2
    assert sorted({page for page, _ in last_feedback.marks}) == [0, 1]
    assert last_feedback.marks[1] == (1, 0)  # MCIDs start again at 0 on the new page
    assert qa.text(last_feedback) == squash("Language was not accessible. " * 60)


def test_the_qa_report_footers_are_artifacts(qa):
    for page in range(2):
        assert qa.artifacts(page) == [f"QA report: SFO review SFO/2023/0042 - page {page + 1} of 2"]
    assert "page 1 of 2" not in qa.text(qa.document)


# --- the learning panel's report ----------------------------------------------------------------------

def panel_content(**overrides) -> dict:
    base = {
        "held_on": "2023-05-10", "chair": "Chris Chair", "venue": "Room 4, Cardiff",
        "cases": [{"reference": "SFO/P/0001", "region": "Wales", "offence": "Murder"},
                  {"reference": "SFO/P/0002", "region": "Wales", "offence": "Rape"}],
        "attendance": [
            {"agency": "Police", "organisation": "Gwent Police", "reference": "SFO/P/0001", "attended": True,
             "attendees": "DS Jones", "involvement": "Knew the person", "findings": "Information was not shared",
             "learning": "A joint referral route"},
            {"agency": "Health", "organisation": "Aneurin Bevan", "reference": "SFO/P/0001", "attended": False,
             "attendees": "", "involvement": "No answer received", "findings": "", "learning": ""}],
        "findings": "Information was not shared between agencies.", "learning": "A joint referral route.",
        "actions": [{"description": "Agree a protocol", "owner": "Gwent Police", "due_on": "2023-06-30",
                     "status": "Open", "outcome": ""},
                    {"description": "Write to HMPPS", "owner": "HMIP", "due_on": "2023-06-01", "status": "Closed",
                     "outcome": "Letter sent"}],
    }
    return base | overrides


ACTION = ("LI", [("LBody", ["P"])])
PANEL_STRUCTURE = ("Document", [
    "P", "H1", ("Table", [FACT] * 3),
    "H2", ("Table", [("TR", ["TH", "TH", "TH"]), ("TR", ["TD", "TD", "TD"]), ("TR", ["TD", "TD", "TD"])]),
    "H2", "H3", "P", "P", "P", "P", "H3", "P",
    "H2", "P", "H2", "P",
    "H2", ("L", [ACTION, ACTION]),
])


def test_the_panel_report_is_tagged():
    doc = TaggedPDF(panel_pdf(panel_content()))
    assert_well_tagged(doc, "Multi-agency learning panel: 10 May 2023")
    assert doc.document.shape() == PANEL_STRUCTURE
    assert doc.texts("H1") == ["Multi-agency learning panel: 10 May 2023"]
    assert doc.texts("H2") == ["Cases", "Attendance and each agency's findings", "The panel's findings",
                               "Learning agreed", "Actions"]
    assert doc.texts("H3") == ["Police: Gwent Police (case SFO/P/0001)",
                               "Health: Aneurin Bevan (case SFO/P/0001) - did not attend"]
    assert doc.texts("LI") == ["- Agree a protocol (owner: Gwent Police; due 30 June 2023; Open)",
                               "- Write to HMPPS (owner: HMIP; due 1 June 2023; Closed: Letter sent)"]
    cases = doc.document.find("Table")[1]
    assert [doc.text(c) for c in cases.kids[0].kids] == ["Case", "Region", "Offence type"]
    assert [doc.text(c) for c in cases.kids[2].kids] == ["SFO/P/0002", "Wales", "Rape"]
    assert [doc.text(c) for c in doc.document.find("Table")[0].kids[1].kids] == ["Chair", "Chris Chair"]
    assert doc.text(doc.document.kids[0]) == ORGANISATION
    assert doc.artifacts(0) == ["Learning panel 10 May 2023 - page 1 of 1"]


def test_a_panel_with_no_actions_has_no_empty_list():
    doc = TaggedPDF(panel_pdf(panel_content(actions=[])))
    assert_well_tagged(doc, "Multi-agency learning panel: 10 May 2023")
    assert doc.document.shape()[1][-2:] == ["H2", "P"]
    assert doc.text(doc.document.kids[-1]) == "No actions were agreed."


# --- the published year summary ---------------------------------------------------------------------

THEMES = [f"Theme {n}" for n in range(1, 81)]  # a table long enough to run over a page break


def year_summary() -> dict:
    ratings = {"key": "ratings", "title": "Ratings",
               "narrative": "Most reviews were rated Good.\nFewer were Outstanding.",
               "figures": [{"label": "QA'd reviews", "value": "60"}, {"label": "Rated Good or better", "value": "45"}],
               "charts": [{"id": "ratings-chart", "title": "Overall ratings", "kind": "bar", "table": "ratings-overall",
                           "categories": ["Outstanding", "Good", "Requires improvement"], "y_label": "Reviews",
                           "series": [{"name": "Reviews", "values": [10, 35, None]}]}],
               "tables": [{"id": "ratings-overall", "caption": "Overall ratings of the QA'd reviews",
                           "head": ["Rating", "Reviews"],
                           "rows": [["Outstanding", "10"], ["Good", "35"], ["Requires improvement", "[c]"]]}],
               "notes": ["[c]: fewer than 5 reviews, not shown."]}
    themes = {"key": "themes", "title": "Themes", "narrative": "", "figures": [], "charts": [],
              "tables": [{"id": "themes", "caption": "How often each theme was recorded", "head": ["Theme", "Reviews"],
                          "rows": [[t, str(i)] for i, t in enumerate(THEMES, start=5)]}],
              "notes": []}
    return {"title": "SFO quality assurance: annual summary 2023 to 2024",
            "period_label": "1 April 2023 to 31 March 2024", "number": 2, "published_on": date(2024, 5, 1),
            "sections": [ratings, themes]}


HEAD = ("TR", ["TH", "TH"])
ROW = ("TR", ["TH", "TD"])
YEAR_STRUCTURE = ("Document", [
    "P", "H1", "P",
    ("Sect", ["H2", "P", "P", ("L", [("LI", ["LBody"]), ("LI", ["LBody"])]), "Figure", "P",
              ("Table", ["Caption", HEAD, ROW, ROW, ROW]), "P"]),
    ("Sect", ["H2", ("Table", ["Caption", HEAD] + [ROW] * len(THEMES))]),
])


@pytest.fixture(scope="module")
def year() -> TaggedPDF:
    return TaggedPDF(year_render.pdf(year_summary()))


def test_the_year_summary_is_tagged_with_sections_a_list_a_figure_and_captioned_tables(year):
    title = "SFO quality assurance: annual summary 2023 to 2024"
    assert_well_tagged(year, title)
    assert year.document.shape() == YEAR_STRUCTURE
    assert year.texts("H1") == [title]
    assert year.texts("H2") == ["Ratings", "Themes"]
    assert year.text(year.document.kids[0]) == ORGANISATION
    assert year.text(year.document.kids[2]) == "1 April 2023 to 31 March 2024 - version 2, published 1 May 2024"
    assert year.texts("LBody") == ["QA'd reviews: 60", "Rated Good or better: 45"]
    assert year.texts("Caption") == ["Overall ratings of the QA'd reviews", "How often each theme was recorded"]
    first = year.document.find("Table")[0]
    assert [[year.text(c) for c in r.kids] for r in first.kids[1:]] == [
        ["Rating", "Reviews"], ["Outstanding", "10"], ["Good", "35"], ["Requires improvement", "[c]"]]
    assert [c.attributes["/Scope"] for c in first.kids[1].kids] == ["/Column", "/Column"]
    assert [c.attributes.get("/Scope") for c in first.kids[2].kids] == ["/Row", None]


def test_the_chart_is_a_figure_with_alternate_text(year):
    [figure] = year.document.find("Figure")
    assert figure.alt == "Chart: Overall ratings. The figures are in the table that follows."
    [(page, mcid)] = figure.marks
    [seq] = [s for s in year.sequences[page] if s.mcid == mcid]
    assert seq.painted == {b"Do"}  # the image, and nothing else, is the figure's content


def test_a_table_over_a_page_break_repeats_its_heading_as_an_artifact(year):
    themes = year.document.find("Table")[1]
    rows = themes.kids[1:]
    assert len(rows) == 1 + len(THEMES)  # the heading row once in the structure
    assert [year.text(r) for r in rows[1:]] == [f"{t} {i}" for i, t in enumerate(THEMES, start=5)]
    pages = sorted({page for r in rows for c in r.kids for page, _ in c.marks})
    assert len(pages) >= 2, "the table should run over a page break"
    for page in pages[1:]:  # on each later page the heading is drawn again, not read again
        assert year.artifacts(page)[0] == "Theme Reviews"
    last = len(year.reader.pages)
    assert year.artifacts(last - 1)[-1] == (f"SFO quality assurance: annual summary 2023 to 2024 - page {last} "
                                            f"of {last}")


# --- the writer itself ----------------------------------------------------------------------------------

def test_an_image_and_a_link_tagged_by_fpdf2_join_the_tree_and_the_page_count_of_mcids():
    png = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(png, format="PNG")
    pdf = Writer()
    pdf.describe("A test document")
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    with pdf.tagged("P"):
        pdf.cell(0, 5, f"{ORGANISATION} drew this.")
    with pdf.structure("Sect"):
        pdf.image(png, w=10, alt_text="A white square")  # fpdf2's own tagging
        pdf.link(20, 20, 10, 5, "https://www.justiceinspectorates.gov.uk/hmiprobation/", alt_text="Our website")
    with pdf.tagged("P"):
        pdf.cell(0, 5, "After the image.")
    doc = TaggedPDF(bytes(pdf.output()))
    assert_well_tagged(doc, "A test document")
    assert doc.document.shape() == ("Document", ["P", ("Sect", ["Figure", "Link"]), "P"])
    assert doc.texts("P") == [f"{ORGANISATION} drew this.", "After the image."]
    [figure] = doc.document.find("Figure")
    assert (figure.alt, figure.marks) == ("A white square", [(0, 1)])


def test_tagged_content_cannot_nest():
    pdf = Writer()
    pdf.add_page()
    with pdf.tagged("P"), pytest.raises(ValueError):
        with pdf.tagged("Span"):
            pass


def test_content_that_starts_on_the_next_page_leaves_no_empty_sequence_behind():
    pdf = Writer()
    pdf.describe("A test document")
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    with pdf.tagged("P"):
        pdf.cell(0, 5, ORGANISATION)
    pdf.set_y(pdf.page_break_trigger - 1)  # no room for a line: the paragraph starts on page 2
    with pdf.tagged("P"):
        pdf.multi_cell(0, 5, "Moved to the next page.")
    doc = TaggedPDF(bytes(pdf.output()))
    assert_well_tagged(doc, "A test document")
    first, moved = doc.document.kids
    assert (first.marks, moved.marks) == ([(0, 0)], [(1, 0)])
    assert [s.mcid for s in doc.sequences[0]] == [0]
    assert doc.text(moved) == "Moved to the next page."
