"""CSV import, through the API and the `sfoflow import` command: all or nothing, with an error
report naming each bad row, field and reason."""
from __future__ import annotations

import io

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from sfoflow.cli import cli
from sfoflow.models import AuditEvent, ParallelReview, Review
from tests.support.core import auth, count_rows, make_person, make_review

URL = "/api/v1/reviews/import"
HEADER = "reference,region,offence_category,received_on,provider,is_high_profile,local_team_email,parallel_reviews\n"
GOOD = (HEADER
        + "SFO/23/001,london,homicide,2023-04-27,,yes,sfo.london@example.org,"
          "domestic_homicide_review:in_progress;other:planned\n"
        + "SFO/23/002,N03,rape_serious_sexual,2023-04-29,n 03.,no,sfo.wales@example.org,\n")


def counts(session):
    return count_rows(session, Review), count_rows(session, AuditEvent), count_rows(session, ParallelReview)


@pytest.fixture
def central(session):
    return make_person(session, "central_team")


def post_csv(client, token, text, how="body"):
    if how == "body":
        return client.post(URL, data=text.encode(), content_type="text/csv", headers=auth(token))
    return client.post(URL, data={"file": (io.BytesIO(text.encode()), "reviews.csv")},
                       content_type="multipart/form-data", headers=auth(token))


@pytest.mark.parametrize("how", ["body", "multipart"])
def test_good_file_imports_every_row(client, session, central, how):
    user, token = central
    resp = post_csv(client, token, GOOD, how)
    assert resp.status_code == 201, resp.json
    assert resp.json == {"imported": 2, "references": ["SFO/23/001", "SFO/23/002"]}
    session.expire_all()
    rows = {r.reference: r for r in session.scalars(select(Review))}
    first, second = rows["SFO/23/001"], rows["SFO/23/002"]
    assert (first.region, first.provider, first.is_high_profile, str(first.due_on)) == \
        ("london", "N07", True, "2023-05-22")
    assert [(p.type, p.status) for p in first.parallel_reviews] == [("domestic_homicide_review", "in_progress"),
                                                                    ("other", "planned")]
    # a provider code in the region column is read as that region; 29 April 2023 -> due 24 May
    assert (second.region, second.provider, second.is_high_profile, str(second.due_on)) == \
        ("wales", "N03", False, "2023-05-24")  # "n 03." read as the code
    assert second.parallel_reviews == []
    assert {e.actor_id for e in session.scalars(select(AuditEvent).where(AuditEvent.action == "register"))} == \
        {user.id}


# (case, file text, [(row, field, words in the reason)])
BAD = [
    ("missing column", "reference,region,received_on,local_team_email\nA1,london,2023-04-27,a@example.org\n",
     [(1, "offence_category", "required column is missing")]),
    ("unknown column", HEADER.strip() + ",victim_name\nA1,london,homicide,2023-04-27,,,a@example.org,,X\n",
     [(1, "victim_name", "unknown column")]),
    ("column twice", "reference,region,region,offence_category,received_on,local_team_email\n",
     [(1, "region", "more than once")]),
    ("empty file", "", [(1, c, "required column is missing") for c in
                        ("local_team_email", "offence_category", "received_on", "reference", "region")]),
    ("bad fields in several rows", HEADER
     + "A1,atlantis,homicide,2023-04-27,,,a@example.org,\n"
     + "A2,london,burglary,31/02/2023,,maybe,not-an-email,dhr:ongoing\n"  # no 31 February
     + "A 3,london,homicide,2099-01-01,,,a@example.org,\n",
     [(2, "region", "There is no region called \u201catlantis\u201d. Enter one of: East Midlands,"),
      (3, "is_high_profile", "Enter yes or no"),
      (3, "local_team_email", "Enter an email address in the correct format"),
      (3, "offence_category", "There is no offence category called \u201cburglary\u201d"),
      (3, "parallel_reviews.0.status", "There is no parallel review status called \u201congoing\u201d"),
      (3, "parallel_reviews.0.type", "There is no kind of parallel review called \u201cdhr\u201d"),
      (3, "received_on", "Enter a real date"),
      (4, "received_on", "must not be in the future"), (4, "reference", "letters, digits")]),
    ("required value blank", HEADER + ",london,homicide,,,,a@example.org,\n",
     [(2, "received_on", "Enter a value"), (2, "reference", "Enter a value")]),
    ("duplicate within the file", HEADER
     + "A1,london,homicide,2023-04-27,,,a@example.org,\n"
     + "A2,london,homicide,2023-04-27,,,a@example.org,\n"
     + "a1,wales,homicide,2023-04-28,,,b@example.org,\n",  # the same reference whatever its case
     [(4, "reference", "duplicate of row 2 in this file")]),
    ("more values than columns", HEADER + "A1,london,homicide,2023-04-27,,,a@example.org,,surplus\n",
     [(2, "", "more values than the header's 8 columns")]),
    ("header only", HEADER, []),
]


@pytest.mark.parametrize("case,text,expected", BAD, ids=[b[0] for b in BAD])
def test_bad_file_is_refused_whole_with_a_report(client, session, central, case, text, expected):
    _user, token = central
    resp = post_csv(client, token, text)
    assert resp.status_code == 422, resp.json
    error = resp.json["error"]
    assert "nothing was imported" in error["message"] or "no rows" in error["message"]
    got = [(e["row"], e["field"], e["reason"]) for e in error["errors"]]
    assert [(r, f) for r, f, _ in got] == [(r, f) for r, f, _ in expected], got
    for (_r, _f, reason), (_r2, _f2, words) in zip(got, expected, strict=True):
        assert words in reason, (reason, words)
    assert counts(session) == (0, 0, 0)


def test_good_rows_are_not_written_when_one_row_is_bad(client, session, central):
    _user, token = central
    text = GOOD + "SFO/23/003,london,homicide,2023-04-31,,,sfo.london@example.org,\n"
    resp = post_csv(client, token, text, "multipart")
    assert resp.status_code == 422
    assert [(e["row"], e["field"]) for e in resp.json["error"]["errors"]] == [(4, "received_on")]
    assert counts(session) == (0, 0, 0)


def test_duplicate_of_a_registered_review_is_refused(client, session, central):
    _user, token = central
    make_review(session, reference="sfo/23/002")  # the same reference whatever its case
    before = counts(session)
    resp = post_csv(client, token, GOOD)
    assert resp.status_code == 422
    assert [(e["row"], e["field"], e["reason"]) for e in resp.json["error"]["errors"]] == \
        [(3, "reference", "SFO/23/002 is already registered")]
    assert counts(session) == before


def test_file_that_is_not_utf8_or_not_attached(client, session, central):
    _user, token = central
    resp = client.post(URL, data="reference\nSFO/é".encode("latin-1"), content_type="text/csv",
                       headers=auth(token))
    assert resp.status_code == 422 and "UTF-8" in resp.json["error"]["message"]
    resp = client.post(URL, data={"upload": (io.BytesIO(GOOD.encode()), "x.csv")},
                       content_type="multipart/form-data", headers=auth(token))
    assert resp.status_code == 422 and resp.json["error"]["fields"] == {"file": ["attach the CSV file as 'file'"]}
    assert counts(session) == (0, 0, 0)


# --- the command ---------------------------------------------------------------------------

def run_import(test_env, tmp_path, text, *args):
    path = tmp_path / "reviews.csv"
    path.write_text(text, encoding="utf-8")
    return CliRunner(env=test_env).invoke(cli, ["import", str(path), *args], catch_exceptions=False)


def test_command_imports_a_good_file(test_env, tmp_path, session, central):
    user, _token = central
    result = run_import(test_env, tmp_path, "\ufeff" + GOOD, "--as", user.email)  # Excel's BOM is fine
    assert result.exit_code == 0, result.output
    assert "imported 2 review(s)" in result.stdout
    assert counts(session)[0] == 2
    session.expire_all()
    assert session.scalar(select(Review.created_by_id).where(Review.reference == "SFO/23/001")) == user.id


def test_command_refuses_a_bad_file_and_reports_each_row(test_env, tmp_path, session):
    make_review(session, reference="SFO/23/001")
    before = counts(session)
    text = GOOD + "SFO/23/003,london,homicide,2023-04-27,,perhaps,sfo.london@example.org,\n"
    result = run_import(test_env, tmp_path, text)
    assert result.exit_code == 1
    assert "nothing was imported" in result.stderr
    assert "row 2, reference: SFO/23/001 is already registered" in result.stderr
    assert "row 4, is_high_profile: Enter yes or no" in result.stderr
    assert counts(session) == before
