"""The year in review: the summary of any year or picked period, narratives, chosen sections,
publishing, and the published versions (JSON, HTML, PDF, CSV)."""
from __future__ import annotations

from flask import Blueprint, jsonify, request, url_for

from .. import db_session
from ..db import transaction
from ..http.downloads import file_response
from ..schemas import learning as s
from ..services import year as svc
from ..workflows import lifecycle as lc
from .auth import current_user, require
from .openapi import doc
from .reviews import _json_body

bp = Blueprint("years", __name__)


@bp.get("/years/<int:year>/summary")
@require(*svc.READERS)
@doc("The year's figures (April to March, or ?from=&to= within it), section by section: intake and sample, "
     "timeliness, ratings, key questions with bands and national ratings, themes, learning",
     query=s.PeriodQuery, response=s.SummaryOut, tags=["year"])
def get_summary(year: int):
    q = s.PeriodQuery().load(dict(request.args))
    session = db_session()
    with transaction(session):
        period = svc.period_for(session, year, q["start"], q["end"])
        out = svc.summary(session, current_user(), period)
    return jsonify(out)


@bp.put("/years/<int:year>/narratives/<section>")
@require(lc.MANAGER)
@doc("Save the narrative of one section (each save kept in its history)", body=s.NarrativeIn, tags=["year"])
def put_narrative(year: int, section: str):
    body = s.NarrativeIn().load(_json_body())
    session = db_session()
    with transaction(session):
        out = svc.save_narrative(session, year, section, current_user(), body["text"])
    return jsonify(out)


@bp.put("/years/<int:year>/sections")
@require(lc.MANAGER)
@doc("Choose the sections the published summary will have", body=s.SectionsIn, tags=["year"])
def put_sections(year: int):
    body = s.SectionsIn().load(_json_body())
    session = db_session()
    with transaction(session):
        chosen = svc.choose_sections(session, year, current_user(), body["sections"])
    return jsonify({"sections": chosen})


def _links(pub) -> dict:
    return {"pdf": url_for("api.years.publication_pdf", year=pub.year, number=pub.number),
            "csv": url_for("api.years.publication_csv", year=pub.year, number=pub.number)}


@bp.post("/years/<int:year>/publications")
@require(lc.MANAGER)
@doc("Publish the year's summary: freeze its chosen sections, figures and narratives as the next version",
     response=s.PublicationOut, status=201, tags=["year"])
def publish(year: int):
    session = db_session()
    with transaction(session):
        pub = svc.publish(session, year, current_user())
    return jsonify(svc.publication_view(pub, _links(pub))), 201


@bp.get("/years/<int:year>/publications")
@require()
@doc("The published versions of a year's summary, newest first", response=s.PublicationsOut, tags=["year"])
def list_publications(year: int):
    pubs = svc.publications(db_session(), year)
    return jsonify({"publications": [svc.publication_view(p, _links(p)) for p in pubs]})


@bp.get("/years/<int:year>/publications/<int:number>.pdf")
@require()
@doc("A published summary as PDF", tags=["year"])
def publication_pdf(year: int, number: int):
    pub = svc.publication(db_session(), year, number)
    return file_response(pub.pdf, "application/pdf", f"sfo-qa-annual-summary-{year}-v{number}.pdf", inline=True)


@bp.get("/years/<int:year>/publications/<int:number>.csv")
@require()
@doc("The anonymised per-review figures behind a published summary, as CSV", tags=["year"])
def publication_csv(year: int, number: int):
    pub = svc.publication(db_session(), year, number)
    return file_response(pub.csv, "text/csv", f"sfo-qa-annual-summary-{year}-v{number}.csv")
