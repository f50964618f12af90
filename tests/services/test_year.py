"""The year in review on a hand-built year (tests/support/year.py): every expected table below was
worked out by hand from the numbers chosen there, never by the code under test.

Bands and the lowest-band rule: seed 004, 4.8 "Minority: <50%  Too few: 50-64%  Reasonable
majority: 65-79%  Large majority: 80%+" and 4.10 "the rating will be aligned to the lowest banding
at the key question level". Suppression: domain.md "suppress any cell counting fewer than 5 reviews".
"""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event

from sfoflow.services import year
from tests.support.core import make_person
from tests.support.year import add_qa, build_year


@pytest.fixture
def built(session):
    build_year(session)
    manager, _ = make_person(session, "manager", name="Mona Manager")
    return manager


def _summary(session, manager, **kw):
    return year.summary(session, manager, year.period_for(session, 2023, **kw))


def _table(summary, table_id):
    for s in summary["sections"]:
        for t in s["tables"]:
            if t["id"] == table_id:
                return t
    raise KeyError(table_id)


def test_ratings_distribution_with_n_and_suppression(session, built):
    s = _summary(session, built)
    assert _table(s, "ratings-national")["head"] == [
        "Standard", "Outstanding", "Good", "Requires improvement", "Inadequate", "Number of reviews (n)"]
    # Inadequate counts 3 (< 5): suppressed; the next smallest (20) too, or 60 - 37 - 0 would give it away.
    assert _table(s, "ratings-national")["rows"] == [
        ["Standard 1: Analysis of practice", "0", "37", "[c]", "[c]", "60"],
        ["Standard 2: Overall judgements", "0", "37", "[c]", "[c]", "60"],
        ["Standard 3: Learning", "0", "37", "[c]", "[c]", "60"],
        ["Standard 4: Victims and their families", "0", "60", "0", "0", "60"],
        ["Overall rating", "0", "37", "[c]", "[c]", "60"],
    ]
    assert _table(s, "ratings-region-1")["rows"] == [
        ["North East", "0", "0", "0", "[c]", "[c]"],   # 3 reviews in all: nothing shown
        ["London", "0", "10", "20", "0", "30"],
        ["Wales", "0", "27", "0", "0", "27"],
    ]
    assert _table(s, "ratings-offence_category-overall")["rows"] == [
        ["Homicide", "0", "20", "20", "0", "40"],  # i < 40: London 10 Good + 20 RI, Wales 10 Good
        # i >= 40: Wales 17 Good, North East 3 Inadequate: the 3 hidden, and the 17 (else 20 - 17 gives it)
        ["Rape and serious sexual offences", "0", "[c]", "0", "[c]", "20"],
    ]


def test_key_question_shares_bands_and_lowest_band_ratings(session, built):
    s = _summary(session, built)
    rows = {r[0]: r[1:] for r in _table(s, "key-questions")["rows"]}
    assert rows["1.1 Assessment"] == ["60", "48", "80%", "Large majority"]
    assert rows["1.1 a)"] == ["60", "60", "100%", "Large majority"]
    assert rows["1.1 b)"] == ["0", "0", "-", "None answered"]
    assert rows["2 a)"] == rows["4 e)"] == ["0", "0", "-", "None answered"]  # standards 2 and 4: prompts listed
    assert rows["1.2 Planning"] == ["60", "45", "75%", "Reasonable majority"]
    assert rows["1.3 Implementation"] == ["60", "39", "65%", "Reasonable majority"]  # 65% exactly
    assert rows["1.4 Reviewing"] == ["60", "38", "63%", "Too few"]
    kq31 = next(v for k, v in rows.items() if k.startswith("3.1 ") and not k.endswith(")"))
    kq32 = next(v for k, v in rows.items() if k.startswith("3.2 ") and not k.endswith(")"))
    assert kq31 == ["60", "54", "90%", "Large majority"]
    assert kq32 == ["60", "29", "48%", "Minority"]
    std = [r[:3] for r in _table(s, "standard-ratings")["rows"]]
    assert std == [
        ["Standard 1: Analysis of practice", "Too few", "Requires improvement"],     # lowest: 1.4 at 63%
        ["Standard 2: Overall judgements", "Too few", "Requires improvement"],       # 37 of 60 Good+ = 62%
        ["Standard 3: Learning", "Minority", "Inadequate"],                          # lowest: 3.2 at 48%
        ["Standard 4: Victims and their families", "Large majority", "Outstanding"],  # 60 of 60 Good+
    ]
    rules = {r[0]: r[3] for r in _table(s, "standard-ratings")["rows"]}
    assert "lowest: 1.4" in rules["Standard 1: Analysis of practice"]
    assert "Good or Outstanding" in rules["Standard 2: Overall judgements"]  # the rule from the framework data


def test_timeliness_intake_themes_learning(session, built):
    s = _summary(session, built)
    months = {r[0]: r[1:] for r in _table(s, "timeliness-month")["rows"]}
    assert list(months)[0] == "April 2023" and list(months)[-1] == "March 2024" and len(months) == 12
    assert months["May 2023"] == ["25", "30", "83%"]
    assert months["October 2023"] == ["20", "30", "67%"]
    assert months["April 2023"] == ["0", "0", "-"]
    assert _table(s, "timeliness-region")["rows"] == [
        ["North East", "0", "[c]", "[c]"], ["London", "25", "30", "83%"], ["Wales", "20", "27", "74%"]]
    assert _table(s, "intake-region")["rows"] == [
        ["North East", "[c]", "0", "0", "[c]"],
        ["London", "30", "240", "0", "270"],
        ["Wales", "[c]", "0", "[c]", "28"],  # 1 not yet sampled: hidden, and the 27 beside it
    ]
    intake = next(x for x in s["sections"] if x["key"] == "intake")["figures"]
    assert [f["value"] for f in intake] == ["301", "60", "240", "3 of 12", "2 of 8"]
    assert _table(s, "themes-frequency")["rows"] == [["Risk assessment", "40", "67%"], ["MAPPA", "[c]", "[c]"]]
    assert _table(s, "themes-region")["rows"] == [["Risk assessment", "0", "30", "10", "40"],
                                                  ["MAPPA", "[c]", "0", "0", "[c]"]]
    assert _table(s, "themes-trend")["head"] == ["Theme", "2022 to 2023", "2023 to 2024"]
    assert _table(s, "themes-trend")["rows"] == [["Risk assessment", "[c]", "67%"], ["MAPPA", "[c]", "[c]"]]
    assert _table(s, "learning-levels")["rows"] == [
        ["Individual", "0", "0", "0"], ["Local delivery unit", "0", "0", "0"], ["Region", "0", "0", "0"],
        ["National", "6", "0", "6"], ["Multi-agency", "0", "[c]", "[c]"]]
    learning = next(x for x in s["sections"] if x["key"] == "learning")
    assert [f["value"] for f in learning["figures"]] == ["8", "8", "5", "0"]
    assert len(learning["internal"]["national_points"]) == 8


def test_a_picked_period_counts_only_its_reviews(session, built):
    s = _summary(session, built, start=date(2023, 4, 1), end=date(2023, 6, 30))
    assert s["period"]["label"] == "1 April 2023 to 30 June 2023"
    assert _table(s, "ratings-national")["rows"][0] == ["Standard 1: Analysis of practice", "0", "10", "20", "0", "30"]


def test_query_count_does_not_grow_with_the_reviews(session, built, database):
    def count():
        n = {"q": 0}

        def bump(*a, **k):
            n["q"] += 1
        event.listen(database.engine, "before_cursor_execute", bump)
        try:
            _summary(session, built)
        finally:
            event.remove(database.engine, "before_cursor_execute", bump)
        return n["q"]

    first = count()
    for i in range(40):
        add_qa(session, 500 + i, received_on=date(2023, 11, 1), region="wales", rating="good", on_time=True)
    session.commit()
    assert count() == first


def test_publish_freezes_a_numbered_version_with_nothing_identifying(session, built):
    import io

    from pypdf import PdfReader

    year.save_narrative(session, 2023, "ratings", built, "Most reviews were rated Good.")
    year.choose_sections(session, 2023, built, ["ratings", "key_questions", "themes", "learning", "timeliness"])
    first = year.publish(session, 2023, built)
    session.commit()
    second = year.publish(session, 2023, built)
    session.commit()
    assert (first.number, second.number) == (1, 2)
    assert first.sections == ["timeliness", "ratings", "key_questions", "themes", "learning"]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(first.pdf)).pages)
    assert "Most reviews were rated Good." in text and "Large majority" in text and "[c]" in text
    for output in (first.html, text, first.csv, str(first.content)):
        assert "SFO/LEAK" not in output and "Leakwood" not in output and "sfo.local@" not in output
    # The CSV: one row per QA'd review, North East (3 reviews) and its provider hidden.
    rows = first.csv.strip().splitlines()
    assert rows[0] == ("region,offence_category,provider,standard_1,standard_2,standard_3,standard_4,overall,"
                       "sent_on_time")
    assert len(rows) == 1 + 60 + 1
    assert "North East" not in first.csv and "N54" not in first.csv
    assert sum(1 for r in rows if r.startswith("[c],")) == 3
    # Frozen: a later narrative change does not alter version 1.
    year.save_narrative(session, 2023, "ratings", built, "Changed later.")
    session.commit()
    assert "Changed later." not in year.publication(session, 2023, 1).html
    hist = year.narrative_history(session, 2023, "ratings")
    assert [h["text"] for h in hist] == ["Changed later.", "Most reviews were rated Good."]
