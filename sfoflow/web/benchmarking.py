"""Benchmarking pages: exercises, blind rating, the reveal and the agreement table, the trend;
and the central team's HMPPS QA queue. Translation only: the rules are in the services."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import db_session
from ..db import transaction
from ..services import assessment, hmpps_qa, lifecycle
from ..services import benchmarking as svc
from ..services.errors import ServiceError
from ..workflows import lifecycle as lc
from .auth import roles_required

bp = Blueprint("benchmarking", __name__)
RATERS = (lc.INSPECTOR, lc.CENTRAL_TEAM)
RATING_LABELS = {"outstanding": "Outstanding", "good": "Good", "requires_improvement": "Requires improvement",
                 "inadequate": "Inadequate"}
ANSWER_LABELS = {"yes": "Yes", "no": "No", "na": "Not applicable"}


@bp.app_context_processor
def _globals():
    def hmpps_officers() -> list[tuple[int, str]]:
        """Active HMPPS QA officers as (id, name) choices (the review page's HMPPS allocation)."""
        return [(u.id, u.name) for u in hmpps_qa.officers(db_session())]
    return {"hmpps_officers": hmpps_officers}


def _messages(exc: ServiceError) -> list[str]:
    return [r.message for r in exc.refusals] or [exc.message]


@bp.get("/benchmarking")
@roles_required(lc.MANAGER, *RATERS)
def exercises():
    session = db_session()
    items = [svc.view(session, e, current_user) for e in svc.listing(session, current_user)]
    return render_template("benchmarking/list.html", title="Benchmarking exercises", items=items)


@bp.route("/benchmarking/new", methods=["GET", "POST"])
@roles_required(lc.MANAGER)
def new():
    session = db_session()
    errors = []
    if request.method == "POST":
        data = {"title": (request.form.get("title") or "").strip(),
                "review_ids": [int(x) for x in request.form.getlist("review_ids") if x.isdigit()],
                "rater_ids": [int(x) for x in request.form.getlist("rater_ids") if x.isdigit()]}
        if not data["title"]:
            errors.append("Enter a title for the exercise")
        else:
            try:
                with transaction(session):
                    exercise = svc.create(session, data, current_user)
                flash("Exercise created. Each rater can now rate its reviews.", "success")
                return redirect(url_for("benchmarking.exercise", exercise_id=exercise.id))
            except ServiceError as exc:
                errors = _messages(exc)
    return render_template("benchmarking/new.html", title="Create a benchmarking exercise", errors=errors,
                           reviews=svc.completed_reviews(session), raters=svc.eligible_raters(session),
                           body_of=svc.body_of, form=request.form), 422 if errors else 200


@bp.get("/benchmarking/<int:exercise_id>")
@roles_required(lc.MANAGER, *RATERS)
def exercise(exercise_id: int):
    session = db_session()
    e = svc.get(session, exercise_id, current_user)
    v = svc.view(session, e, current_user)
    names = {r["id"]: r["name"] for r in v["raters"]}
    mine = {r["review_id"]: r for r in v["ratings"] if r["rater_id"] == current_user.id}
    return render_template("benchmarking/exercise.html", title=e.title, v=v, names=names, mine=mine,
                           RATING_LABELS=RATING_LABELS, ANSWER_LABELS=ANSWER_LABELS)


@bp.route("/benchmarking/<int:exercise_id>/reviews/<int:review_id>", methods=["GET", "POST"])
@roles_required(*RATERS)
def rate(exercise_id: int, review_id: int):
    session = db_session()
    e = svc.get(session, exercise_id, current_user)
    framework = svc.framework_of(e)
    item = next((i for i in e.items if i.review_id == review_id), None)
    if item is None:
        abort(404)
    errors, values = [], None
    if request.method == "POST":
        payload = {"answers": {kq.id: request.form.get(f"answer-{kq.id}") or None for kq in framework.key_questions()},
                   "ratings": {sid: request.form.get(f"rating-{sid}") or None for sid in framework.standard_ids()},
                   "submit": request.form.get("intent") == "submit"}
        try:
            with transaction(session):
                svc.save_rating(session, e, review_id, current_user, payload)
            flash("Rating handed in." if payload["submit"] else "Rating saved.", "success")
            return redirect(url_for("benchmarking.exercise", exercise_id=exercise_id))
        except ServiceError as exc:
            errors, values = _messages(exc), payload
    if values is None:
        own = next((r for r in svc.view(session, e, current_user)["ratings"]
                    if r["review_id"] == review_id and r["rater_id"] == current_user.id), None)
        values = {"answers": own["answers"], "ratings": own["ratings"], "submitted": own["submitted_at"]} if own \
            else {"answers": {}, "ratings": {}}
    return render_template("benchmarking/rate.html", title=f"Rate review {item.review.reference}", e=e, item=item,
                           fw=framework, values=values, errors=errors, RATING_LABELS=RATING_LABELS,
                           ANSWER_LABELS=ANSWER_LABELS), 422 if errors else 200


@bp.post("/benchmarking/<int:exercise_id>/close")
@roles_required(lc.MANAGER)
def close(exercise_id: int):
    session = db_session()
    try:
        with transaction(session):
            svc.close(session, svc.get(session, exercise_id, current_user), current_user)
        flash("Exercise closed: the ratings handed in are revealed.", "success")
    except ServiceError as exc:
        flash(" ".join(_messages(exc)), "error")
    return redirect(url_for("benchmarking.exercise", exercise_id=exercise_id))


@bp.post("/benchmarking/<int:exercise_id>/moderation")
@roles_required(lc.MANAGER)
def moderate(exercise_id: int):
    session = db_session()
    e = svc.get(session, exercise_id, current_user)
    framework = svc.framework_of(e)
    data = {"moderation_note": request.form.get("moderation_note"),
            "reviews": [{"review_id": i.review_id,
                         "agreed_ratings": {sid: request.form.get(f"agreed-{i.review_id}-{sid}") or None
                                            for sid in framework.standard_ids()},
                         "moderation_note": request.form.get(f"note-{i.review_id}")} for i in e.items]}
    try:
        with transaction(session):
            svc.moderate(session, e, data, current_user)
        flash("Moderation saved.", "success")
    except ServiceError as exc:
        flash(" ".join(_messages(exc)), "error")
    return redirect(url_for("benchmarking.exercise", exercise_id=exercise_id))


@bp.get("/benchmarking/trend")
@roles_required(lc.MANAGER)
def trend():
    return render_template("benchmarking/trend.html", title="Agreement across exercises", t=svc.trend(db_session()))


# --- the HMPPS QA queue -----------------------------------------------------------------------

@bp.get("/hmpps-qa")
@roles_required(lc.CENTRAL_TEAM, lc.MANAGER)
def hmpps_queue():
    session = db_session()
    items = [hmpps_qa.view(session, r, rec) for r, rec in hmpps_qa.queue(session)]
    return render_template("hmpps_qa/queue.html", title="HMPPS QA", items=items, officers=hmpps_qa.officers(session),
                           STATES=lc.STATES)


@bp.post("/hmpps-qa/<int:review_id>/allocate")
@roles_required(lc.CENTRAL_TEAM)
def hmpps_allocate(review_id: int):
    from ..services import reviews

    session = db_session()
    officer = request.form.get("officer_id")
    try:
        with transaction(session):
            review = reviews.get_visible(session, review_id, current_user, for_update=True)
            lifecycle.apply_action(session, review, "hmpps_allocate", current_user,
                                   version=int(request.form.get("version") or 0) or None,
                                   data={"officer_id": int(officer) if officer and officer.isdigit() else None})
        flash(f"Review {review.reference} allocated for HMPPS QA.", "success")
    except ServiceError as exc:
        flash(" ".join(_messages(exc)), "error")
    return redirect(url_for("benchmarking.hmpps_queue"))


@bp.get("/hmpps-qa/staff")
@roles_required(lc.ADMIN)
def hmpps_staff():
    from sqlalchemy import select

    from ..models import User

    people = db_session().scalars(select(User).where(User.role == lc.CENTRAL_TEAM).order_by(User.name, User.id)).all()
    return render_template("hmpps_qa/staff.html", title="HMPPS QA staff", people=people)


@bp.post("/hmpps-qa/staff/<int:user_id>")
@roles_required(lc.ADMIN)
def hmpps_staff_update(user_id: int):
    session = db_session()
    try:
        with transaction(session):
            flags = {key: request.form.get(key) == "yes" for key in ("hmpps_qa", "hmpps_qa_manager")}
            user = hmpps_qa.set_flags(session, user_id, flags, current_user)
        flash(f"Saved for {user.name}.", "success")
    except ServiceError as exc:
        flash(" ".join(_messages(exc)), "error")
    return redirect(url_for("benchmarking.hmpps_staff"))


@bp.get("/benchmarking/year")
@roles_required(lc.MANAGER)
def year():
    from ..sampling.design import sampling_year_of
    from ..services import settings
    from ..working_days import london_today

    session = db_session()
    raw = request.args.get("year", "")
    default = sampling_year_of(london_today(), int(settings.get(session, "sampling_year_start_month")))
    chosen = int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else default
    return render_template("benchmarking/year.html", title=f"HMIP and HMPPS ratings, {chosen}",
                           f=svc.year_figures(session, chosen), RATING_LABELS=RATING_LABELS,
                           framework=assessment.latest_framework())
