"""Who may do what with one review: the one table the services check and the pages show.

Expected values are the product rules written out by hand (domain.md): the allocated inspector
works on the QA, a manager signs it off and grants extensions while HMIP owes it, the central
team edits the case and decides high-profile queries."""
from types import SimpleNamespace

import pytest

from sfoflow.services.permissions import permissions


def person(role, id_=1):
    return SimpleNamespace(role=role, id=id_)


def review(state, inspector_id=1):
    return SimpleNamespace(state=state, inspector_id=inspector_id)


def granted(p):
    return {name for name, value in vars(p).items() if value is True}


@pytest.mark.parametrize("who, state, expected", [
    (person("inspector"), "allocated", {"read_qa", "start_qa", "raise_high_profile_query"}),
    (person("inspector"), "in_qa", {"read_qa", "edit_qa", "raise_high_profile_query"}),
    (person("inspector"), "feedback_sent", {"read_qa"}),
    (person("inspector", 2), "in_qa", set()),  # not theirs
    (person("manager"), "awaiting_sign_off", {"read_qa", "sign_off", "grant_extension"}),
    (person("manager"), "feedback_sent", {"read_qa"}),
    (person("central_team"), "in_qa", {"read_qa", "decide_high_profile_query", "edit_case"}),
    (person("central_team"), "withdrawn", {"read_qa", "decide_high_profile_query"}),
    (person("admin"), "in_qa", set()),
])
def test_what_each_person_may_do(who, state, expected):
    assert granted(permissions(review(state), who)) == expected


def test_actions_are_the_lifecycle_actions_open_to_this_person():
    assert permissions(review("in_qa"), person("inspector")).actions == ("submit",)
    assert permissions(review("in_qa"), person("inspector", 2)).actions == ()
    assert sorted(permissions(review("awaiting_sign_off"), person("manager")).actions) == \
        ["approve", "return", "withdraw"]
