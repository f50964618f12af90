"""The year's summary on PostgreSQL: one year of data, then ten years (about 5,000 QA'd reviews).

Loads QA'd reviews (assessment with ratings and key-question answers, report sent, themes,
learning points) for one sampling year, times the summary of that year and counts its SQL
queries; then loads nine earlier years and does the same for the latest year and for an
earlier one. The query count must not grow with the number of reviews. The database is emptied.

    .venv/bin/python benchmarks/year_summary.py [--database-url URL] [--per-year N] [--repeat N]

Default database: postgresql+psycopg://postgres@127.0.0.1:5432/sfoflow_h9 (create it first).
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import event, text  # noqa: E402

from sfoflow import db, reference  # noqa: E402
from sfoflow.assessment.framework import load_framework  # noqa: E402
from sfoflow.models import Review, User  # noqa: E402
from sfoflow.models.assessment import Assessment, QaReport  # noqa: E402
from sfoflow.models.year import AssessmentTheme, LearningEntry, Theme  # noqa: E402
from sfoflow.services import learning, year  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/sfoflow_h9"
RATINGS = ("outstanding", "good", "good", "good", "requires_improvement", "requires_improvement", "inadequate")
LEVELS = ("individual", "local", "region", "national", "multi_agency")


def reset(url: str) -> db.Database:
    database = db.Database(url)
    if database.dialect != "postgresql":
        sys.exit("this benchmark is for PostgreSQL")
    with database.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    db.upgrade(url)
    return database


def load_year(session, sampling_year: int, n: int, rng: random.Random, items: list[str], themes: list[int]) -> None:
    regions, offences = list(reference.regions()), list(reference.offence_categories())
    start = date(sampling_year, 4, 1)
    for i in range(n):
        received = start + timedelta(days=rng.randrange(365))
        region = rng.choice(regions)
        review = Review(reference=f"SFO/{sampling_year}/{i:05d}", region=region, offence_category=rng.choice(offences),
                        provider=reference.regions()[region]["provider_code"], received_on=received,
                        original_due_on=received + timedelta(days=21), due_on=received + timedelta(days=21),
                        local_team_email="sfo@example.org", state="feedback_sent", route="hmip")
        ratings = {s: rng.choice(RATINGS) for s in ("1", "2", "3", "4")}
        answers = {item: {"answer": "yes" if rng.random() < 0.7 else "no"} for item in items}
        assessment = Assessment(review=review, framework_version="v1", answers=answers, ratings=ratings, feedback={},
                                overall_score=8, overall_rating="good")
        session.add_all([review, assessment])
        session.flush()
        session.add(QaReport(review_id=review.id, assessment_id=assessment.id, framework_version="v1", content={},
                             html="", pdf=b"", pdf_filename="r.pdf", overall_score=8, overall_rating="good",
                             inspector_name="x", sent_at=year_now(received), sent_to="x", on_time=rng.random() < 0.8))
        for theme_id in rng.sample(themes, 2):
            session.add(AssessmentTheme(assessment_id=assessment.id, theme_id=theme_id))
        session.add(LearningEntry(assessment_id=assessment.id, kind="learning_point", text="learning",
                                  level=rng.choice(LEVELS), in_action_plan=rng.random() < 0.5))
    session.commit()


def year_now(day: date):
    from datetime import UTC, datetime
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def measure(database, actor_id: int, sampling_year: int, repeat: int) -> tuple[float, int]:
    counts, times = [], []
    for _ in range(repeat):
        n = {"q": 0}

        def bump(*_a, _n=n, **_k):
            _n["q"] += 1
        with database.session() as session:
            actor = session.get(User, actor_id)
            event.listen(database.engine, "before_cursor_execute", bump)
            t0 = time.perf_counter()
            year.summary(session, actor, year.period_for(session, sampling_year))
            times.append(time.perf_counter() - t0)
            event.remove(database.engine, "before_cursor_execute", bump)
        counts.append(n["q"])
    return statistics.median(times), max(counts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--per-year", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    database = reset(args.database_url)
    rng = random.Random(2026)
    framework = load_framework("v1")
    items = [i.id for s in framework.standards for i in s.items() if i.is_yes_no]
    with database.session() as session:
        manager = User(email="bench.manager@example.org", name="Bench Manager", role="manager", password_hash="x")
        session.add(manager)
        learning.ensure_themes(session)
        session.commit()
        themes = [t.id for t in session.query(Theme).all()]
        manager_id = manager.id
        latest = 2025
        load_year(session, latest, args.per_year, rng, items, themes)
    t1, q1 = measure(database, manager_id, latest, args.repeat)
    print(f"one year   ({args.per_year:>5} QA'd reviews in the database): summary of {latest}: "
          f"{t1 * 1000:7.1f} ms, {q1} SQL queries")
    with database.session() as session:
        for y in range(latest - 9, latest):
            load_year(session, y, args.per_year, rng, items, themes)
    t10, q10 = measure(database, manager_id, latest, args.repeat)
    print(f"ten years  ({10 * args.per_year:>5} QA'd reviews in the database): summary of {latest}: "
          f"{t10 * 1000:7.1f} ms, {q10} SQL queries")
    te, qe = measure(database, manager_id, latest - 9, args.repeat)
    print(f"ten years  ({10 * args.per_year:>5} QA'd reviews in the database): summary of {latest - 9}: "
          f"{te * 1000:7.1f} ms, {qe} SQL queries")
    print("query count independent of the number of reviews:", "yes" if q1 == q10 == qe else "NO")


if __name__ == "__main__":
    main()
