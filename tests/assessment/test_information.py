"""The information section as data (sfoflow/assessment/information.py), against seed 001."""
from __future__ import annotations

from sfoflow.assessment import information as info
from tests import support
from tests.support import seed_text

SEED_001 = (support.DATA / "seeds" / "001_a41fd527dc2c534f.txt").read_text(encoding="utf-8")


def test_the_staff_roles_are_the_ones_seed_001_lists():
    staff = seed_text.guidance()["info.staff_interviewed"]
    start = staff.index("Relevant staff would include, but are not limited to:")
    listed = [p[2:] for p in staff[start + 1:start + 6]]
    assert [text for _code, text in info.STAFF_ROLES] == listed
    assert info.ROLE_LABELS["head_of_ldu"] == "The head of the LDU"


def test_the_staff_answers_of_the_form_follow_the_roles():
    assert info.staff_answers([]) == {"info.staff_interviewed": None, "info.staff_not_interviewed_reason": None}
    everyone = [{"role": c, "status": info.INTERVIEWED} for c, _ in info.STAFF_ROLES[:4]] + [
        {"role": "programme_staff", "status": info.NOT_INVOLVED}]
    assert info.staff_answers(everyone) == {"info.staff_interviewed": "yes", "info.staff_not_interviewed_reason": None}
    one_missing = everyone[:3] + [
        {"role": "head_of_ldu", "status": info.NOT_INTERVIEWED, "reason": "on long-term leave"}]
    assert info.staff_answers(one_missing) == {
        "info.staff_interviewed": "no", "info.staff_not_interviewed_reason": "The head of the LDU: on long-term leave"}


def test_gaps_name_what_is_still_to_record():
    assert [g.field for g in info.gaps({})] == [
        "staff.responsible_officers", "staff.oversight_managers", "staff.support_officers", "staff.head_of_ldu",
        "staff.programme_staff", "period_start", "period_end", "diversity", "share_with_victim"]
    done = {"staff": [{"role": c, "status": info.INTERVIEWED} for c, _ in info.STAFF_ROLES],
            "period_start": "2020-01-06", "period_end": "2021-03-01",
            "diversity": {"status": "omitted", "note": "No mention of the service user's disability"},
            "share_with_victim": "yes"}
    assert info.gaps(done) == []
    done["staff"][0] = {"role": "responsible_officers", "status": info.NOT_INTERVIEWED}
    done["period_end"] = "2019-01-01"
    done["diversity"] = {"status": "omitted"}
    assert [g.message for g in info.gaps(done)] == [
        "Give the reason all responsible officers who managed the case during the period of time under review "
        "were not interviewed",
        "The end of the period under review must be on or after its start",
        "Note what the case details leave out about diversity"]


def test_a_high_profile_answer_that_differs_from_the_designation_is_a_mismatch():
    assert "The final decision regarding a case's high-profile status rests with the HMPPS SFO central team" in \
        " ".join(SEED_001.split())
    assert info.high_profile_mismatch("yes", False) and info.high_profile_mismatch("no", True)
    assert not info.high_profile_mismatch("yes", True) and not info.high_profile_mismatch(None, False)
