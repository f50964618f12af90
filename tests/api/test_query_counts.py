"""Scale: the list and detail endpoints run a fixed number of SQL queries whatever the page size,
and every list filter can use an index (EXPLAIN on PostgreSQL)."""
from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import UniqueConstraint, text

from sfoflow.models import Review
from sfoflow.schemas.reviews import ReviewFilter
from sfoflow.services import reviews as svc
from sfoflow.services import sampling
from tests.support.core import auth, make_person, make_review
from tests.support.queries import counting


@pytest.fixture
def populated(session):
    """110 reviews, each with parallel reviews, an inspector and audit events."""
    inspectors = [make_person(session, "inspector")[0] for _ in range(3)]
    for n in range(110):
        make_review(session, state="allocated", inspector=inspectors[n % 3], parallel=1 + n % 3,
                    audit_events=1 + n % 4, due_on=date(2023, 5, 22) + timedelta(days=n % 30), commit=False)
    session.commit()
    return inspectors


def test_list_runs_a_fixed_number_of_queries_whatever_the_page_size(client, session, database, populated):
    _user, token = make_person(session, "manager")
    client.get("/api/v1/reviews?per_page=1", headers=auth(token))  # warm caches (calendar) first
    counts = {}
    for per_page in (1, 10, 100):
        with counting(database.engine) as statements:
            resp = client.get(f"/api/v1/reviews?per_page={per_page}", headers=auth(token))
        assert resp.status_code == 200 and len(resp.json["items"]) == per_page
        assert all(item["parallel_reviews"] and item["inspector"] for item in resp.json["items"])
        counts[per_page] = len(statements)
    assert counts[1] == counts[10] == counts[100], counts
    assert counts[100] <= 12, counts  # a handful, not one per review


def test_detail_runs_a_fixed_number_of_queries_whatever_the_review_holds(client, session, database):
    _user, token = make_person(session, "manager")
    inspector, _ = make_person(session, "inspector")
    small = make_review(session, state="allocated", inspector=inspector, parallel=1, audit_events=1)
    large = make_review(session, state="allocated", inspector=inspector, parallel=40, audit_events=100)
    client.get(f"/api/v1/reviews/{small.id}", headers=auth(token))  # warm caches
    counts = {}
    for review, parallel, events in ((small, 1, 1), (large, 40, 100)):
        with counting(database.engine) as statements:
            resp = client.get(f"/api/v1/reviews/{review.id}", headers=auth(token))
        assert len(resp.json["parallel_reviews"]) == parallel and len(resp.json["audit"]) == events
        counts[review.id] = len(statements)
    assert counts[small.id] == counts[large.id], counts


# --- every filter uses an index -------------------------------------------------------------

TODAY = date(2023, 6, 1)
# filter -> the column whose index must appear in an index condition
FILTERS = [
    ({"status": ["in_qa", "allocated"]}, "state"),
    ({"region": "london"}, "region"),
    ({"offence_category": "homicide"}, "offence_category"),
    ({"inspector_id": 1}, "inspector_id"),
    ({"route": "hmip"}, "route"),
    ({"route": "none"}, "route"),
    ({"due_before": date(2023, 5, 30)}, "due_on"),
    ({"due_after": date(2023, 5, 30)}, "due_on"),
    ({"overdue": True}, "due_on"),
    ({"overdue": False}, "due_on"),
    ({"high_profile": True}, "is_high_profile"),
    ({"q": "SFO/T/0001"}, "reference"),
]


def _index_conditions(plan: dict) -> list[tuple[str, str]]:
    """(node type, index condition) of every index scan in an EXPLAIN (FORMAT JSON) plan."""
    found = []
    if "Index" in plan["Node Type"]:
        found.append((plan["Node Type"], plan.get("Index Cond", "")))
    for child in plan.get("Plans", []):
        found.extend(_index_conditions(child))
    return found


def _seq_scans(plan: dict) -> list[str]:
    found = [plan.get("Relation Name", "?")] if plan["Node Type"] == "Seq Scan" else []
    for child in plan.get("Plans", []):
        found.extend(_seq_scans(child))
    return found


def test_every_filter_is_in_the_table():
    """A filter added to the schema must be added above, so its index is checked too."""
    filters = set(ReviewFilter().fields) - {"page", "per_page", "sort", "direction"}  # not filters
    assert {k for f, _c in FILTERS for k in f} == filters


def test_every_filter_column_leads_an_index_in_the_models():
    """The dialect-free half of the check (SQLite runs this one; PostgreSQL also EXPLAINs below)."""
    leading = {index.columns[0].name for index in Review.__table__.indexes}
    leading |= {c.columns[0].name for c in Review.__table__.constraints if isinstance(c, UniqueConstraint)}
    assert {column for _f, column in FILTERS} - leading == set()


@pytest.mark.parametrize("f,column", FILTERS,
                         ids=[next(iter(f)) + "=" + str(next(iter(f.values()))) for f, _ in FILTERS])
def test_filter_uses_an_index_on_postgres(session, database, f, column):
    if database.dialect != "postgresql":
        pytest.skip("EXPLAIN plans are checked on PostgreSQL (SFOFLOW_DATABASE_URL)")
    central, _ = make_person(session, "central_team")
    make_review(session, reference="SFO/T/00011")
    query = svc.filtered(central, f, TODAY)
    compiled = query.compile(dialect=session.bind.dialect, compile_kwargs={"literal_binds": True})
    with database.engine.connect() as conn:
        conn.execute(text("SET enable_seqscan = off"))
        plan = conn.execute(text(f"EXPLAIN (FORMAT JSON) {compiled}")).scalar_one()
        conn.rollback()
    plan = (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]
    scans = _index_conditions(plan)
    assert not _seq_scans(plan), json.dumps(plan, indent=1)
    assert any(column in cond for _node, cond in scans), json.dumps(plan, indent=1)


def test_the_balance_finds_purposive_additions_by_their_index_on_postgres(session, database):
    """The balance lists a year's purposive additions; without their partial index PostgreSQL read
    every decision of the year to find none (9 ms at 100,000 reviews, benchmarks/scale.py)."""
    if database.dialect != "postgresql":
        pytest.skip("EXPLAIN plans are checked on PostgreSQL (SFOFLOW_DATABASE_URL)")
    compiled = sampling.purposive_additions(2023).compile(dialect=session.bind.dialect,
                                                          compile_kwargs={"literal_binds": True})
    with database.engine.connect() as conn:
        conn.execute(text("SET enable_seqscan = off"))
        plan = conn.execute(text(f"EXPLAIN (FORMAT JSON) {compiled}")).scalar_one()
        conn.rollback()
    plan = (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]
    assert "ix_sample_decisions_purposive_year" in _index_names(plan), json.dumps(plan, indent=1)


def _index_names(plan: dict) -> set[str]:
    found = {plan["Index Name"]} if "Index Name" in plan else set()
    for child in plan.get("Plans", []):
        found |= _index_names(child)
    return found


def test_the_open_qa_index_names_the_open_states():
    """The partial index on open QA (models/review.py) is written in SQL: it must list exactly the
    states in which HMIP owes a report, or My tasks and workload would miss some or read others."""
    from sfoflow.models.review import OPEN_QA_STATES
    from sfoflow.workflows.lifecycle import HMIP_OPEN_STATES

    assert set(re.findall(r"'([a-z_]+)'", OPEN_QA_STATES)) == set(HMIP_OPEN_STATES)


def _generic_plan(conn, stmt, params: dict) -> dict:
    """The plan PostgreSQL keeps for ``stmt`` once it is prepared and planned for any parameters,
    as it is when psycopg prepares a statement run five times on a connection."""
    stmt = stmt.params(**params)
    values = stmt.compile(dialect=conn.dialect).params
    text_ = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True}).string
    names = list(dict.fromkeys(re.findall(r"%\((\w+)\)s", text_)))
    sql = re.sub(r"%\((\w+)\)s", lambda m: f"${names.index(m.group(1)) + 1}", text_)

    def literal(value) -> str:
        return f"'{value.isoformat()}'::date" if isinstance(value, date) else \
            str(value) if isinstance(value, int) else "'" + str(value).replace("'", "''") + "'"

    args = ", ".join(literal(values[name]) for name in names)
    conn.exec_driver_sql(f"PREPARE listed AS {sql}")
    try:
        conn.exec_driver_sql("SET LOCAL plan_cache_mode = force_generic_plan")
        conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        plan = conn.exec_driver_sql(f"EXPLAIN (FORMAT JSON) EXECUTE listed({args})").scalar_one()
    finally:
        conn.rollback()
        conn.exec_driver_sql("DEALLOCATE listed")  # it outlives the transaction, on a pooled connection
        conn.commit()
    return (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]


@pytest.mark.parametrize("which", ["workload", "tasks"])
def test_the_lists_of_open_qa_by_inspector_name_the_states_in_their_prepared_plan_on_postgres(
        session, database, which):
    """Planned for any parameters, a condition ``state IN ($1, $2, $3)`` cannot use the partial
    index on open QA, whose condition names the states (at 100,000 reviews the workload's generic
    plan read every allocated review instead: 21 ms, not 2). So the states are written into these
    statements: the plan kept for them still knows which states it reads."""
    if database.dialect != "postgresql":
        pytest.skip("EXPLAIN plans are checked on PostgreSQL (SFOFLOW_DATABASE_URL)")
    from sfoflow.services import work

    inspector, _ = make_person(session, "inspector")
    stmt, params = {
        "workload": (work._WORKLOAD, {"today": TODAY, "soon": TODAY + timedelta(days=7)}),
        "tasks": (work.tasks_query(inspector), {}),
    }[which]
    with database.engine.connect() as conn:
        plan = _generic_plan(conn, stmt, params)
    # Whichever index the planner takes on a small table, the plan knows the states it reads: either
    # through the partial index (whose condition is the query's) or a condition naming them.
    on_state = _state_conditions(plan)
    assert not any("$" in cond for cond in on_state), json.dumps(plan, indent=1)  # the states, not parameters
    assert "ix_reviews_open_qa_inspector" in _index_names(plan) or on_state, json.dumps(plan, indent=1)


def _state_conditions(plan: dict) -> list[str]:
    """Every condition in the plan (index condition, recheck or filter) that tests a review's state."""
    found = [plan[key] for key in ("Index Cond", "Recheck Cond", "Filter") if "state" in plan.get(key, "")]
    for child in plan.get("Plans", []):
        found.extend(_state_conditions(child))
    return found
    assert not _seq_scans(plan), json.dumps(plan, indent=1)
