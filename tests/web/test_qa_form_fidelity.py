"""The QA form shows what the guidance says beside each prompt and rating: the whole seed 001
guidance, seed 000's characteristics, the basis of every 'not applicable', and the suggested
judgement with its reason."""
from __future__ import annotations

import re

from tests.support import seed_text
from tests.support.core import make_review
from tests.support.web import text, token

SEED_000 = seed_text.characteristics()
SEED_001 = seed_text.guidance()


def open_started_form(client, session, inspector):
    review = make_review(session, state="allocated", inspector=inspector)
    start_page = client.get(f"/reviews/{review.id}/qa")
    client.post(f"/reviews/{review.id}/qa/start",
                data={"csrf_token": token(start_page), "version": str(review.version)})
    page = client.get(f"/reviews/{review.id}/qa")
    assert page.status_code == 200
    return review, page


def section(body: str, element_id: str) -> str:
    start = body.index(f'id="{element_id}"')
    return body[start:body.index("</details>", start)]


def test_full_guidance_and_characteristics_beside_prompts_and_ratings(signed_in, session):
    client, inspector = signed_in("inspector")
    _review, page = open_started_form(client, session, inspector)
    body = page.get_data(as_text=True)
    guidance = section(body, "guidance-1-1-e")
    assert "Guidance for 1.1 e)" in guidance
    assert "<li>Police - For intelligence such as domestic call outs, ongoing criminal cases, gang information.</li>" \
        in guidance  # the agency list, as a list
    assert all(p.replace("'", "&#39;") in guidance or p in guidance
               for p in SEED_001["1.1.e"] if not p.startswith("- "))
    chars = section(body, "characteristics-1-good")
    assert "What ‘Good’ looks like for standard 1" in chars
    for p in SEED_000["standards"]["1"]["good"]:
        assert p.replace("'", "&#39;") in chars
    outstanding = section(body, "characteristics-3-outstanding")
    assert "the rest of the review is overwhelmingly of a good standard" in outstanding
    assert "They are not a checklist" in text(page)


def test_not_applicable_only_where_the_prompt_is_conditional_with_its_basis(signed_in, session):
    client, inspector = signed_in("inspector")
    _review, page = open_started_form(client, session, inspector)
    body = page.get_data(as_text=True)
    assert 'name="answer-2.d" type="radio" value="na"' in body
    assert 'name="answer-2.f" type="radio" value="na"' not in body
    assert "Not applicable only on this basis: The prompt says 'where they existed': not applicable when there " \
           "was no good practice to highlight." in text(page)


def test_the_suggested_judgement_shows_its_range_and_reason(signed_in, session):
    client, inspector = signed_in("inspector")
    review, page = open_started_form(client, session, inspector)
    version = re.search(r'name="version" value="(\d+)" id="qa-version"', page.get_data(as_text=True)).group(1)
    data = {"csrf_token": token(page), "version": version, "intent": "save", "summary": "",
            "answer-3.1": "yes", "answer-3.2": "yes"}
    assert client.post(f"/reviews/{review.id}/qa", data=data).status_code == 302
    shown = text(client.get(f"/reviews/{review.id}/qa"))
    assert ("Suggested initial judgement: Good; consider Outstanding if the Outstanding characteristics are "
            "present.") in shown
    assert "All answered yes: 2 yes and 0 no among 2 key questions." in shown
