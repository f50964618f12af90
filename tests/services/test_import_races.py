"""A background import and the people registering reviews while it runs (issue 16): a reference
someone registers after the import checked the file is not written again (in any case), every
other row is written exactly once, and the job says plainly which rows it skipped and why; a task
delivered twice, or stopped and delivered again, neither duplicates nor loses a row; on SQLite
the import leaves the write lock free between its batches.

The races are made to happen at a fixed point through the services' test seams
(``import_jobs.BEFORE_WRITE``: after the check, before a batch; ``bulk_intake.AFTER_CHECK``:
inside a batch, between its look-up and its insert), not by sleeping."""
from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from sfoflow.db import transaction
from sfoflow.models import ImportJob, Review, SampleDecision
from sfoflow.services import bulk_intake, import_jobs, reviews
from sfoflow.services import sampling as svc
from sfoflow.tasks.imports import run_job
from tests.support.core import auth, make_person

HEADER = "reference,region,offence_category,received_on,local_team_email\n"
REGIONS = ["london", "wales", "north_west", "yorkshire_humber"]
MEANWHILE = "registered by someone else while the import ran"


def _file(n: int) -> str:
    return HEADER + "".join(f"SFO/R/{i:05d},{REGIONS[i % 4]},homicide,{date(2023, 4, 27) + timedelta(days=i % 28)},"
                            "sfo@example.org\n" for i in range(n))


def _one(reference: str) -> dict:
    return {"reference": reference, "region": "london", "offence_category": "homicide",
            "received_on": date(2023, 5, 2), "local_team_email": "other@example.org", "parallel_reviews": []}


@pytest.fixture
def seam(database):
    """Set a seam on every session the database hands out (the worker's too), then take it off."""
    set_keys = []

    def put(key, hook):
        database.Session.kw["info"][key] = hook
        set_keys.append(key)

    yield put
    for key in set_keys:
        database.Session.kw["info"].pop(key, None)


def _references(session) -> Counter:
    return Counter(ref.lower() for ref in session.scalars(select(Review.reference)))


def test_a_reference_registered_after_the_check_is_skipped_listed_and_never_written_twice(
        client, session, database, seam):
    user, token = make_person(session, "central_team")
    other, _ = make_person(session, "central_team")
    resp = client.post("/api/v1/reviews/import", data=_file(1100).encode(), content_type="text/csv",
                       headers=auth(token))
    assert resp.status_code == 202, resp.json
    registered = []

    def someone_else_registers(start, rows):
        # After the file was checked and the first batch written: another person registers two
        # of the file's later references, in another case, through the ordinary registration.
        if start > 0 and not registered:
            with database.session() as s, transaction(s):
                registered.append(reviews.register(s, _one("sfo/r/00700"), s.get(type(other), other.id)).id)
                registered.append(reviews.register(s, _one("Sfo/R/01050"), s.get(type(other), other.id)).id)

    seam(import_jobs.BEFORE_WRITE, someone_else_registers)
    with database.session() as worker:
        assert run_job(worker, resp.json["id"]) == "done"
    assert len(registered) == 2

    # Every reference of the file once, whatever its case; the two are the other person's.
    counts = _references(session)
    assert set(counts.values()) == {1} and len(counts) == 1100
    got = {r.reference: r.created_by_id for r in session.scalars(
        select(Review).where(func.lower(Review.reference).in_(["sfo/r/00700", "sfo/r/01050"])))}
    assert got == {"sfo/r/00700": other.id, "Sfo/R/01050": other.id}
    assert session.scalar(select(func.count()).select_from(Review).where(Review.created_by_id == user.id)) == 1098
    # one sample decision a review, and the sample still replays without a difference
    assert session.scalar(select(func.count()).select_from(SampleDecision)) == 1100
    assert svc.replay(session, 2023, svc.sampling_key(session)).differences == []

    status = client.get(resp.json["status_url"], headers=auth(token)).json
    assert (status["status"], status["finished"], status["rows_checked"], status["rows_written"],
            status["rows_skipped"]) == ("done", True, 1100, 1098, 2)
    # rows as numbered in the file: the header is row 1, SFO/R/00700 row 702
    assert status["skipped"] == [{"row": 702, "reference": "SFO/R/00700", "reason": MEANWHILE},
                                 {"row": 1052, "reference": "SFO/R/01050", "reason": MEANWHILE}]
    assert status["message"] == ("Imported 1,098 reviews. 2 rows were not imported: their references were "
                                 "registered by someone else while the import ran (SFO/R/00700, SFO/R/01050)")
    assert status["errors"] == []


def test_the_job_page_lists_the_rows_skipped_and_why(signed_in, session, database, seam):
    client, user = signed_in("central_team")
    with transaction(session):
        job = import_jobs.create(session, _file(600), "many.csv", user, send=False)

    def someone_else_registers(start, rows):
        if start > 0 and not session.scalar(select(Review.id).where(Review.reference == "SFO/R/00599")):
            with database.session() as s, transaction(s):
                reviews.register(s, _one("SFO/R/00599"), None)

    seam(import_jobs.BEFORE_WRITE, someone_else_registers)
    with database.session() as worker:
        assert run_job(worker, job.id) == "done"
    body = client.get(f"/reviews/imports/{job.id}").get_data(as_text=True)
    assert "Imported 599 reviews" in body
    assert "1 row was not imported: its reference was registered by someone else while the import ran" in body
    table = body.split('id="skipped"')[1].split("</table>")[0]
    assert [cell.split(">")[1].split("<")[0] for cell in table.split("<td")[1:]] == \
        ["601", "SFO/R/00599", "Registered by someone else while the import ran"]
    assert client.get(f"/reviews/imports/{job.id}/status").json["rows_skipped"] == 1


def test_a_file_is_refused_for_a_reference_already_registered_in_another_case(client, session, database):
    _user, token = make_person(session, "central_team")
    with transaction(session):
        reviews.register(session, _one("sfo/r/00003"), None)
    resp = client.post("/api/v1/reviews/import", data=_file(600).encode(), content_type="text/csv",
                       headers=auth(token))
    with database.session() as worker:
        assert run_job(worker, resp.json["id"]) == "refused"
    status = client.get(resp.json["status_url"], headers=auth(token)).json
    assert [(e["row"], e["field"]) for e in status["errors"]] == [(5, "reference")]
    assert (status["rows_written"], session.scalar(select(func.count()).select_from(Review))) == (0, 1)


def test_a_batch_written_by_another_delivery_is_not_written_again(session, database, seam):
    user, _ = make_person(session, "central_team")
    with transaction(session):
        job = import_jobs.create(session, _file(1100), "big.csv", user, send=False)
    other_delivery = []

    def another_delivery_writes_this_batch(start, rows):
        # The task delivered twice: the other delivery writes this very batch first.
        if start > 0 and not other_delivery:
            other_delivery.append(start)
            with database.session() as s:
                s.info.pop(import_jobs.BEFORE_WRITE, None)
                with transaction(s):
                    assert import_jobs.write_batch(s, job.id, rows, None, bulk_intake.IntakeContext.read(s),
                                                   start=start)

    seam(import_jobs.BEFORE_WRITE, another_delivery_writes_this_batch)
    with database.session() as worker:
        assert run_job(worker, job.id) == "elsewhere"  # it found the batch written, and stopped
    with database.session() as worker:
        assert run_job(worker, job.id) == "done"  # the rest, by whichever delivery comes next
    counts = _references(session)
    assert set(counts.values()) == {1} and len(counts) == 1100
    session.expire_all()
    job = session.get(ImportJob, job.id)
    assert (job.rows_done, job.rows_written, job.skipped) == (1100, 1100, None)


class Killed(BaseException):
    """The worker stopped mid-task (not an error the task could record)."""


def test_a_job_stopped_after_skipping_a_row_resumes_without_duplicating_or_losing_rows(session, database, seam):
    user, _ = make_person(session, "central_team")
    with transaction(session):
        job = import_jobs.create(session, _file(1100), "big.csv", user, send=False)
    calls = []

    def register_then_stop(start, rows):
        calls.append(start)
        if len(calls) == 1:  # before the first batch: someone registers a reference in it
            with database.session() as s, transaction(s):
                reviews.register(s, _one("SFO/R/00002"), None)
        elif len(calls) == 3:  # the worker is stopped as the third batch begins
            raise Killed

    seam(import_jobs.BEFORE_WRITE, register_then_stop)
    with pytest.raises(Killed), database.session() as worker:
        run_job(worker, job.id)
    session.expire_all()
    stopped = session.get(ImportJob, job.id)
    size = calls[1]  # where the second batch began: this database's batch size
    assert (stopped.status, stopped.rows_done, stopped.rows_written) == ("writing", 2 * size, 2 * size - 1)
    assert stopped.skipped == [{"row": 4, "reference": "SFO/R/00002", "reason": MEANWHILE}]

    database.Session.kw["info"].pop(import_jobs.BEFORE_WRITE)
    with database.session() as worker:  # delivered again
        assert run_job(worker, job.id) == "done"
    counts = _references(session)
    assert set(counts.values()) == {1} and len(counts) == 1100
    session.expire_all()
    done = session.get(ImportJob, job.id)
    assert (done.rows_done, done.rows_written, len(done.skipped)) == (1100, 1099, 1)
    assert session.scalar(select(func.count()).select_from(SampleDecision)) == 1100


def test_a_registration_that_meets_a_batch_inside_its_transaction_is_skipped_there(session, database, seam):
    """PostgreSQL: someone else's registration committed between a batch's look-up and its insert
    (SQLite cannot: the batch holds its one write lock from the look-up on). The unique index on
    lower(reference) stops the batch; tried again, it sees the reference and skips it."""
    if database.dialect != "postgresql":
        pytest.skip("on SQLite nobody else can write inside a batch's transaction")
    user, _ = make_person(session, "central_team")
    with transaction(session):
        job = import_jobs.create(session, _file(600), "big.csv", user, send=False)
    met = []

    def someone_else_commits_meanwhile(rows):
        if not met and any(r["reference"] == "SFO/R/00510" for r in rows):
            met.append(True)
            with database.session() as s, transaction(s):  # the review alone: no sampling lock to wait for
                s.add(Review(reference="sfo/r/00510", region="london", offence_category="homicide", provider="N07",
                             received_on=date(2023, 5, 2), original_due_on=date(2023, 5, 30),
                             due_on=date(2023, 5, 30), local_team_email="a@example.org", state="received"))

    seam(bulk_intake.AFTER_CHECK, someone_else_commits_meanwhile)
    with database.session() as worker:
        assert run_job(worker, job.id) == "done"
    assert met == [True]
    counts = _references(session)
    assert set(counts.values()) == {1} and len(counts) == 600
    session.expire_all()
    done = session.get(ImportJob, job.id)
    assert (done.rows_written, done.skipped) == (599, [{"row": 512, "reference": "SFO/R/00510", "reason": MEANWHILE}])


def test_a_small_import_that_meets_a_registration_inside_its_transaction_is_refused_whole(
        client, session, database, seam):
    """PostgreSQL, a file small enough to import at once (all or nothing): the same meeting is a
    refusal (409) with nothing imported, not a server error."""
    if database.dialect != "postgresql":
        pytest.skip("on SQLite nobody else can write inside a batch's transaction")
    _user, token = make_person(session, "central_team")

    def someone_else_commits_meanwhile(rows):
        if not session.scalar(select(Review.id).where(Review.reference == "sfo/r/00004")):
            with database.session() as s, transaction(s):
                s.add(Review(reference="sfo/r/00004", region="london", offence_category="homicide", provider="N07",
                             received_on=date(2023, 5, 2), original_due_on=date(2023, 5, 30),
                             due_on=date(2023, 5, 30), local_team_email="a@example.org", state="received"))

    seam(bulk_intake.AFTER_CHECK, someone_else_commits_meanwhile)
    resp = client.post("/api/v1/reviews/import", data=_file(10).encode(), content_type="text/csv",
                       headers=auth(token))
    assert resp.status_code == 409, resp.json
    assert "nothing was imported" in resp.json["error"]["message"]
    assert [r.reference for r in session.scalars(select(Review))] == ["sfo/r/00004"]


def test_the_database_refuses_a_second_review_whose_reference_differs_only_in_case(session):
    session.add(Review(reference="SFO/CASE/1", region="london", offence_category="homicide", provider="N07",
                       received_on=date(2023, 5, 2), original_due_on=date(2023, 5, 30), due_on=date(2023, 5, 30),
                       local_team_email="a@example.org", state="received"))
    session.commit()
    session.add(Review(reference="sfo/case/1", region="london", offence_category="homicide", provider="N07",
                       received_on=date(2023, 5, 2), original_due_on=date(2023, 5, 30), due_on=date(2023, 5, 30),
                       local_team_email="a@example.org", state="received"))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


def test_sqlite_batches_are_short_with_a_pause_between_them(session, database):
    """SQLite: 250 rows a batch and a pause before each next one, in which someone waiting for the
    write lock takes it; PostgreSQL: 500 rows a batch, one after another. (How long others wait
    is measured by benchmarks/scale.py import.)"""
    paused = []
    got = list(bulk_intake.turns(session, 1100, 100, pause=paused.append))
    if database.dialect == "sqlite":
        assert got == [(100, 350), (350, 600), (600, 850), (850, 1100)]
        assert paused == [0.06, 0.06, 0.06]
    else:
        assert got == [(100, 600), (600, 1100)]
        assert paused == []
