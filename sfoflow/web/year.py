"""The year in review pages: the year (or a picked period), narratives, chosen sections,
publishing, the published versions; the year to date for managers; learning themes (admins)
and amendment outcomes (central team). The learning part of the QA form is saved by
``qa_form.save`` through ``learning_payload`` here."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from marshmallow import ValidationError

from .. import db_session
from ..db import transaction
from ..http.downloads import file_response
from ..services import learning, reviews
from ..services import year as svc
from ..services.errors import ServiceError, flatten_messages
from ..workflows import lifecycle as lc
from ..working_days import london_today
from .auth import roles_required

bp = Blueprint("year", __name__)
LEARNING_LISTS = ("learning_points", "good_practice", "policy_issues", "amendments")


def _date(name: str) -> date | None:
    value = (request.args.get(name) or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


@bp.get("/years")
@roles_required(*svc.READERS)
def current():
    return redirect(url_for("year.year_page", year=svc.current_year(db_session(), london_today())))


@bp.get("/years/<int:year>")
@roles_required(*svc.READERS)
def year_page(year: int):
    session = db_session()
    start, end = _date("from"), _date("to")
    with transaction(session):
        period = svc.period_for(session, year, start, end)
        summary = svc.summary(session, current_user, period)
        pubs = svc.publications(session, year)
        histories = svc.narrative_histories(session, year)
    from ..reports.year.render import chart_svgs

    return render_template("year/year.html", title=f"Year in review: {period.short_label}", s=summary,
                           charts=chart_svgs(summary["sections"]), pubs=pubs, year=year, period=period,
                           can_edit=current_user.role == lc.MANAGER, histories=histories)


@bp.get("/years/to-date")
@roles_required(*svc.READERS)
def to_date():
    return render_template("year/to_date.html", title="Year to date")


@bp.post("/years/<int:year>/narratives/<section>")
@roles_required(lc.MANAGER)
def save_narrative(year: int, section: str):
    session = db_session()
    with transaction(session):
        svc.save_narrative(session, year, section, current_user, request.form.get("text", ""))
    flash("Narrative saved.", "success")
    return redirect(url_for("year.year_page", year=year) + f"#section-{section}")


@bp.post("/years/<int:year>/sections")
@roles_required(lc.MANAGER)
def choose_sections(year: int):
    session = db_session()
    try:
        with transaction(session):
            svc.choose_sections(session, year, current_user, request.form.getlist("sections"))
    except ServiceError as exc:
        flash(exc.message[:1].upper() + exc.message[1:] + ".", "error")
        return redirect(url_for("year.year_page", year=year) + "#publish")
    flash("Sections chosen for the published summary.", "success")
    return redirect(url_for("year.year_page", year=year) + "#publish")


@bp.post("/years/<int:year>/publish")
@roles_required(lc.MANAGER)
def publish(year: int):
    session = db_session()
    with transaction(session):
        pub = svc.publish(session, year, current_user)
    flash(f"Published as version {pub.number}.", "success")
    return redirect(url_for("year.published", year=year, number=pub.number))


@bp.get("/years/<int:year>/published/<int:number>")
@roles_required(*lc.ROLES)
def published(year: int, number: int):
    pub = svc.publication(db_session(), year, number)
    return render_template("year/published.html", title=pub.content["title"], pub=pub)


@bp.get("/years/<int:year>/published/<int:number>.pdf")
@roles_required(*lc.ROLES)
def published_pdf(year: int, number: int):
    pub = svc.publication(db_session(), year, number)
    return file_response(pub.pdf, "application/pdf", f"sfo-qa-annual-summary-{year}-v{number}.pdf", inline=True)


@bp.get("/years/<int:year>/published/<int:number>.csv")
@roles_required(*lc.ROLES)
def published_csv(year: int, number: int):
    pub = svc.publication(db_session(), year, number)
    return file_response(pub.csv, "text/csv", f"sfo-qa-annual-summary-{year}-v{number}.csv")


# --- learning themes (admins) -------------------------------------------------------------------

@bp.route("/admin/themes", methods=["GET", "POST"])
@roles_required(lc.ADMIN)
def themes():
    session = db_session()
    error = None
    if request.method == "POST":
        try:
            with transaction(session):
                theme = learning.add_theme(session, current_user, {"label": request.form.get("label", "")})
            flash(f"Theme {theme.label} added.", "success")
            return redirect(url_for("year.themes"))
        except ValidationError as exc:
            error = "Enter the theme's name" if "label" in exc.messages else "Check the theme's name"
        except ServiceError as exc:
            error = exc.refusals[0].message
    with transaction(session):
        items = [learning.theme_view(t) for t in learning.all_themes(session)]
    return render_template("year/themes.html", title="Learning themes", themes=items, error=error,
                           status=422 if error else 200), (422 if error else 200)


@bp.post("/admin/themes/<key>/retire")
@roles_required(lc.ADMIN)
def retire_theme(key: str):
    session = db_session()
    with transaction(session):
        theme = learning.retire_theme(session, current_user, key)
    flash(f"Theme {theme.label} retired: it is no longer offered on new QAs.", "success")
    return redirect(url_for("year.themes"))


# --- amendment outcomes (central team) ------------------------------------------------------------

@bp.get("/learning/amendments")
@roles_required(lc.CENTRAL_TEAM)
def amendments():
    return render_template("year/amendments.html", title="Suggested amendments",
                           items=learning.amendments_awaiting(db_session()), today=london_today())


@bp.post("/learning/amendments/<int:entry_id>")
@roles_required(lc.CENTRAL_TEAM)
def record_outcome(entry_id: int):
    session = db_session()
    try:
        with transaction(session):
            learning.record_outcome(session, entry_id, current_user, {
                "outcome": request.form.get("outcome", ""), "outcome_on": request.form.get("outcome_on", ""),
                "note": (request.form.get("note") or "").strip() or None})
    except ValidationError as exc:
        fields = flatten_messages(exc.messages)
        flash("Outcome not recorded: " + ("choose an outcome" if "outcome" in fields else
                                          "enter the date as YYYY-MM-DD, not in the future") + ".", "error")
    else:
        flash("Outcome recorded.", "success")
    return redirect(url_for("year.amendments"))


# --- the QA form's learning part ---------------------------------------------------------------

def learning_payload(form) -> dict:
    """The learning partial's fields (templates/year/_qa_learning.html) as the service's payload.
    Rows with blank text are dropped; each row may carry the id of the entry it edits."""
    out: dict = {"themes": form.getlist("learning-theme")}
    for name in LEARNING_LISTS:
        rows = []
        texts, ids = form.getlist(f"{name}-text"), form.getlist(f"{name}-id")
        levels, plans = form.getlist(f"{name}-level"), form.getlist(f"{name}-plan")
        for i, text in enumerate(texts):
            if not text.strip():
                continue
            row: dict = {"text": text}
            if i < len(ids) and ids[i].isdigit():
                row["id"] = int(ids[i])
            if name == "learning_points":
                row["level"] = levels[i] if i < len(levels) else ""
                row["in_action_plan"] = (plans[i] if i < len(plans) else "") == "yes"
            rows.append(row)
        out[name] = rows
    return out


def save_learning_from_form(session, review_id: int, form) -> None:
    """Called by qa_form.save inside its transaction, when the form has the learning part."""
    if "learning-present" not in form:
        return
    review = reviews.get_visible(session, review_id, current_user)
    try:
        learning.save(session, review, current_user, learning_payload(form))
    except ValidationError as exc:
        raise ValidationError({"learning": [_learning_problem(exc)]}) from None


def _learning_problem(exc: ValidationError) -> str:
    names = {"learning_points": "learning point", "good_practice": "good practice", "policy_issues": "policy issue",
             "amendments": "amendment", "themes": "theme"}
    for path, reasons in flatten_messages(exc.messages).items():
        head, _, rest = path.partition(".")
        number = rest.split(".")[0]
        what = names.get(head, head)
        if head == "learning_points" and path.endswith("level"):
            return f"choose the level of learning point {int(number) + 1}"
        if number.isdigit():
            return f"{what} {int(number) + 1}: {reasons[0]}"
        return f"{what}: {reasons[0]}"
    return "check the learning you recorded"


def learning_context(review_id: int, editable: bool) -> dict:
    session = db_session()
    review = reviews.get_visible(session, review_id, current_user)
    assessment_started = True
    try:
        recorded = learning.view(session, review, current_user)
    except ServiceError:
        recorded, assessment_started = None, False
    offered = [learning.theme_view(t) for t in learning.all_themes(session)] if editable else []
    return {"learning": recorded, "learning_started": assessment_started, "offered_themes": offered}


@bp.app_context_processor
def _globals():
    from ..reports.year.sections import LEVELS

    return {"learning_context": learning_context, "LEARNING_LEVELS": LEVELS, "year_headlines": year_headlines}


def year_headlines() -> dict:
    """The current year to date for templates/year/_headlines.html (the managers' dashboard)."""
    return svc.headlines(db_session(), current_user, london_today())
