"""The whole text of seeds 000 and 001 is in the framework data (v2.json, the version new QAs
take; v1.json stays as first recorded), paragraph by paragraph.

The seeds are read here by tests/support/seed_text.py (each line a paragraph, page-break
fragments joined), independently of the loader; the stored paragraphs must be the seed's,
in order, with nothing left out and nothing added.
"""
from __future__ import annotations

import json

import pytest

from sfoflow.assessment.framework import load_framework
from tests import support
from tests.support import seed_text

V2 = json.loads((support.REPO / "config" / "qa_framework" / "v2.json").read_text(encoding="utf-8"))
SEED_000 = seed_text.characteristics()
SEED_001 = seed_text.guidance()


def test_seed_000_general_text_is_stored_whole():
    stored = V2["rating_characteristics"]["text"]
    assert stored == SEED_000["general"]
    # the parts inspectors rely on, by their own words
    assert "Rating characteristics must not be used a checklist" in " ".join(stored)
    assert V2["rating_characteristics"]["outstanding_condition"] == (
        "And, where the review contains a number of the above characteristics, and the rest of the review is "
        "overwhelmingly of a good standard.")
    assert "- unfocused, with unclear actions." in stored and "- investigative and revealing" in stored


@pytest.mark.parametrize("standard", ["1", "2", "3", "4"])
@pytest.mark.parametrize("rating", ["outstanding", "good", "requires_improvement", "inadequate"])
def test_each_of_the_16_blocks_of_seed_000_is_stored_paragraph_by_paragraph(standard, rating):
    stored = next(s for s in V2["standards"] if s["id"] == standard)
    assert stored["characteristics_text"][rating] == SEED_000["standards"][standard][rating]
    # the one-line summary shown in the radios is the block's first paragraph
    assert stored["characteristics"][rating].rstrip(".") == SEED_000["standards"][standard][rating][0].rstrip(".")


def _all_items():
    for section in V2["sections"]:
        yield from section["items"]
    for standard in V2["standards"]:
        for kq in standard["key_questions"]:
            yield kq
            yield from kq["prompts"]
        yield from standard["prompts"]


def test_every_guidance_of_seed_001_is_stored_under_its_prompt():
    stored = {i["id"]: i.get("guidance_full", []) for i in _all_items()}
    stored.update({s["id"]: s["guidance_full"] for s in V2["standards"]})
    for item_id, paragraphs in SEED_001.items():
        if item_id == "chron":  # the chronology's heading has no guidance of its own
            continue
        assert stored.get(item_id) == paragraphs, item_id
    assert {k for k, v in stored.items() if v} == {k for k, v in SEED_001.items() if v}


def test_the_lists_and_rules_inspectors_rely_on_are_there():
    fw = load_framework("v2")
    staff = fw.item("info.staff_interviewed").guidance_full
    assert "- the head of the LDU" in staff  # the roles of staff to interview
    assert any(p.startswith("- Police - For intelligence") for p in fw.item("1.1.e").guidance_full)  # agencies
    assert any("Domestic abuse is" in p for p in fw.item("1.1.a").guidance_full)  # definitions
    assert len(fw.item("4.b").guidance_full) == 7  # the sensitivity guidance, whole
    extra = fw.key_questions()[-1]
    assert extra.id == "3.2" and any(p.startswith("RMs can on occasion be motivated") for p in extra.guidance_full)
    assert fw.standard("2").characteristics_text["inadequate"][-1] == (
        "Overall, there are no sufficient judgements to inform the action plan.")


def test_the_api_gives_the_full_text(api):
    inspector, _ = api("inspector")
    resp = inspector.get("/api/v1/framework")
    assert resp.status_code == 200
    body = resp.json
    std1 = body["standards"][0]
    assert std1["characteristics_text"]["good"] == SEED_000["standards"]["1"]["good"]
    assert std1["guidance_full"] == SEED_001["1"]
    prompt = std1["key_questions"][0]["prompts"][0]
    assert prompt["id"] == "1.1.a" and prompt["guidance_full"] == SEED_001["1.1.a"]
    assert body["rating_characteristics"]["text"] == SEED_000["general"]
    assert "left out of the balance" in body["not_applicable"]["counts"]
