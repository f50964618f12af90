"""The QA framework data (config/qa_framework/v1.json and v2.json) against its source documents.

v1.json is what QAs were first recorded against and stays as it was (schema 1); v2.json
(schema 2, issue 12) has the same questions with the whole guidance, and 2.f answered yes or no.

The seed documents are parsed here, independently of the loader, with plain regexes; the
expected structure (which key questions, which prompt letters) is written out by hand from
seed 001 and domain.md, so a wrong JSON file cannot make these tests pass.
"""
from __future__ import annotations

import copy
import dataclasses
import json
import re

import pytest

from sfoflow.assessment.framework import (
    DEFAULT_CONFIG_DIR,
    FrameworkError,
    UnknownFrameworkVersion,
    available_versions,
    load_framework,
    parse_framework,
)
from tests import support

REPO = support.REPO
V1_PATH = REPO / "config" / "qa_framework" / "v1.json"
V2_PATH = REPO / "config" / "qa_framework" / "v2.json"


# Copies of the public source documents, committed as test data (tests/data/seeds/README.md).
SEEDS = support.DATA / "seeds"

# Written by hand from seed 001 (and domain.md): the lettering of every group of prompts.
EXPECTED_PROMPT_LETTERS = {
    "info": "a",  # "a) Does the review focus only on the supervision period(s) relevant to the SFO?"
    "chron": "abcd",
    "1.1": "abcde",
    "1.2": "abcde",
    "1.3": "abcde",
    "1.4": "abcde",
    "2": "abcdefghi",
    "3.1": "abcde",
    "3.2": "abcdef",
    "4": "abcde",
}
EXPECTED_KEY_QUESTIONS = {"1": ["1.1", "1.2", "1.3", "1.4"], "2": [], "3": ["3.1", "3.2"], "4": []}
EXPECTED_STANDARD_TITLES = {
    "1": "Analysis of practice",
    "2": "Overall judgements",
    "3": "Learning",
    "4": "Victims and their families",
}
EXPECTED_INFO_QUESTIONS = [  # headings of the information section in seed 001
    "Is this case high profile?",
    "Were relevant staff interviewed to inform the review?",
    "Are there any paralleling reviews?",
    "Case details",
]


def parse_seed_form(text: str) -> dict:
    """Parse the body of seed 001 into {group: {letter: wording}}, key questions, standards."""
    # The table of contents has tab-separated page numbers or dot leaders; the body does not.
    lines = [ln.strip() for ln in text.splitlines()
             if "\t" not in ln and "....." not in ln]
    groups: dict[str, dict[str, str]] = {}
    key_questions: dict[str, tuple[str, str]] = {}  # "1.1" -> (standard, wording)
    standards: dict[str, dict[str, str]] = {}
    chron_statement = None
    current = None
    expect_statement = None
    for ln in lines:
        if not ln:
            continue
        if expect_statement is not None:
            if expect_statement == "chron":
                chron_statement = ln
            else:
                standards[expect_statement]["statement"] = ln
            expect_statement = None
            continue
        if ln == "Information section":
            current = "info"
            continue
        if ln == "Chronology":
            current = "chron"
            expect_statement = "chron"
            continue
        m = re.match(r"^([1-4])\. (\S.*)$", ln)
        if m:
            current = m.group(1)
            standards[current] = {"title": m.group(2)}
            expect_statement = current
            continue
        m = re.match(r"^([1-4]\.[1-9]) (\S.*\?.*)$", ln)
        if m:
            current = m.group(1)
            key_questions[current] = (current.split(".")[0], m.group(2))
            continue
        m = re.match(r"^([a-z])\) (\S.*)$", ln)
        if m:
            assert current is not None, f"prompt before any heading: {ln}"
            groups.setdefault(current, {})[m.group(1)] = m.group(2)
    return {"groups": groups, "key_questions": key_questions, "standards": standards,
            "chron_statement": chron_statement, "lines": set(lines)}


@pytest.fixture(scope="module")
def seed_form() -> dict:
    return parse_seed_form((SEEDS / "001_a41fd527dc2c534f.txt").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def raw_json() -> dict:
    return json.loads(V1_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def raw_v2() -> dict:
    return json.loads(V2_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module", params=["v1", "v2"])
def raw_each(request, raw_json, raw_v2) -> dict:
    """Each framework file in turn: both must match the seeds."""
    return {"v1": raw_json, "v2": raw_v2}[request.param]


@pytest.fixture(scope="module")
def fw():
    return load_framework("v1")


@pytest.fixture(scope="module")
def fw_v2():
    return load_framework("v2")


def json_groups(raw: dict) -> dict[str, dict[str, str]]:
    """The same {group: {letter: wording}} shape, read straight from the JSON (not the loader)."""
    out: dict[str, dict[str, str]] = {}
    for sec in raw["sections"]:
        for it in sec["items"]:
            if it.get("number"):
                out.setdefault(sec["id"], {})[it["number"]] = it["text"]
    for std in raw["standards"]:
        for kq in std["key_questions"]:
            out[kq["id"]] = {p["number"]: p["text"] for p in kq["prompts"]}
        if std["prompts"]:
            out[std["id"]] = {p["number"]: p["text"] for p in std["prompts"]}
    return out


# --- the seed itself has the structure domain.md describes ----------------------------------


def test_seed_parser_finds_the_documented_structure(seed_form):
    letters = {g: "".join(sorted(p)) for g, p in seed_form["groups"].items()}
    assert letters == EXPECTED_PROMPT_LETTERS
    assert sorted(seed_form["key_questions"]) == ["1.1", "1.2", "1.3", "1.4", "3.1", "3.2"]
    assert {s: v["title"] for s, v in seed_form["standards"].items()} == EXPECTED_STANDARD_TITLES
    for q in EXPECTED_INFO_QUESTIONS:
        assert q in seed_form["lines"]


# --- the JSON matches the seed: counts, numbering and wording -------------------------------


def test_prompt_numbering_and_counts_match_seed(seed_form, raw_each):
    groups = json_groups(raw_each)
    assert {g: "".join(p) for g, p in groups.items()} == EXPECTED_PROMPT_LETTERS  # order too
    for g, letters in EXPECTED_PROMPT_LETTERS.items():
        assert len(groups[g]) == len(seed_form["groups"][g]) == len(letters)
    # totals: chronology 4, standard 1 20, standard 2 9, standard 3 11, standard 4 5
    assert len(groups["chron"]) == 4
    assert sum(len(groups[k]) for k in ("1.1", "1.2", "1.3", "1.4")) == 20
    assert len(groups["2"]) == 9
    assert len(groups["3.1"]) + len(groups["3.2"]) == 11
    assert len(groups["4"]) == 5


def test_prompt_wording_is_exactly_the_seed(seed_form, raw_each):
    groups = json_groups(raw_each)
    for g, prompts in seed_form["groups"].items():
        for letter, wording in prompts.items():
            assert groups[g][letter] == wording, f"{g} {letter})"


def test_key_questions_and_standards_match_seed(seed_form, raw_each):
    for std in raw_each["standards"]:
        seed_std = seed_form["standards"][std["id"]]
        assert std["title"] == seed_std["title"]
        assert std["statement"] == seed_std["statement"]
        assert [kq["id"] for kq in std["key_questions"]] == EXPECTED_KEY_QUESTIONS[std["id"]]
        for kq in std["key_questions"]:
            seed_std_id, wording = seed_form["key_questions"][kq["id"]]
            assert seed_std_id == std["id"]
            assert kq["text"] == wording
            assert kq["number"] == kq["id"]
    chron = next(s for s in raw_each["sections"] if s["id"] == "chron")
    assert chron["statement"] == seed_form["chron_statement"]


def test_information_section_wording(seed_form, raw_each):
    info = next(s for s in raw_each["sections"] if s["id"] == "info")
    verbatim = [it["text"] for it in info["items"] if it.get("verbatim", True)]
    for q in EXPECTED_INFO_QUESTIONS:
        assert q in verbatim
    for it in info["items"]:
        if it.get("verbatim", True):
            text = f'{it["number"]}) {it["text"]}' if it.get("number") else it["text"]
            assert text in seed_form["lines"], it["id"]
        else:  # paraphrased items say so, and quote the seed in their guidance
            assert it["guidance"].split(".")[0] in " ".join(seed_form["lines"])
    types = {it["id"]: it["answer_type"] for it in info["items"]}
    assert types == {
        "info.high_profile": "yes_no",
        "info.staff_interviewed": "yes_no",
        "info.staff_not_interviewed_reason": "text",
        "info.review_period": "yes_no",
        "info.parallel_reviews": "yes_no",
        "info.case_details": "text",
    }


def test_guidance_is_drawn_from_the_seed(raw_each):
    """Each item's guidance is short, and its first sentence shares wording with seed 001."""
    seed = " ".join((SEEDS / "001_a41fd527dc2c534f.txt").read_text(encoding="utf-8").split())
    seed_words = set(re.findall(r"[a-z']+", seed.lower()))
    items = [it for s in raw_each["sections"] for it in s["items"]]
    for std in raw_each["standards"]:
        items += std["prompts"]
        for kq in std["key_questions"]:
            items += [kq] + kq["prompts"]
    for it in items:
        g = it["guidance"]
        assert g.strip() and len(g) < 600, it["id"]
        words = re.findall(r"[a-z']+", g.lower())
        unknown = [w for w in words if w not in seed_words]
        assert len(unknown) <= 2, (it["id"], unknown)


def test_rating_characteristics_are_quoted_from_seed_000(raw_each):
    seed = " ".join((SEEDS / "000_aa9dc2d88ec9cb82.txt").read_text(encoding="utf-8").split())
    for std in raw_each["standards"]:
        chars = std["characteristics"]
        assert set(chars) == {"heading", "outstanding", "good", "requires_improvement", "inadequate"}
        for key, sentence in chars.items():
            assert sentence in seed, (std["id"], key)
    general = raw_each["rating_characteristics"]
    for phrase in general["outstanding"] + general["inadequate"]:
        assert phrase in seed


def test_overall_banding_matches_seed_000(raw_each):
    seed = (SEEDS / "000_aa9dc2d88ec9cb82.txt").read_text(encoding="utf-8")
    found = re.findall(r"^(\d+) [–-] (\d+) points\s+'([^']+)'", seed, flags=re.M)
    assert found == [("0", "2", "Inadequate"), ("3", "6", "Requires improvement"),
                     ("7", "10", "Good"), ("11", "12", "Outstanding")]
    labels = {r["key"]: r["label"] for r in raw_each["rating_scale"]}
    assert [(str(b["min"]), str(b["max"]), labels[b["rating"]]) for b in raw_each["overall_banding"]] == found
    scores = re.search(r"'Outstanding' = (\d), 'Good' = (\d), 'Requires improvement' = (\d), "
                       r"'Inadequate' = (\d)", seed).groups()
    assert [str(r["score"]) for r in raw_each["rating_scale"]] == list(scores)


def test_share_bands_match_seed_004(raw_each):
    seed = (SEEDS / "004_b5b8a8a8f3d2a8ea.txt").read_text(encoding="utf-8")
    table = dict(re.findall(r"^(Minority|Too few|Reasonable majority|Large majority): [^\t]+\t(\w[\w ]*)$",
                            seed, flags=re.M))
    assert table == {"Minority": "Inadequate", "Too few": "Requires improvement",
                     "Reasonable majority": "Good", "Large majority": "Outstanding"}
    labels = {r["key"]: r["label"] for r in raw_each["rating_scale"]}
    assert {b["name"]: labels[b["rating"]] for b in raw_each["share_bands"]} == table
    assert [(b["name"], b["min_percent"]) for b in raw_each["share_bands"]] == [
        ("Minority", 0), ("Too few", 50), ("Reasonable majority", 65), ("Large majority", 80)]


# --- the JSON's own rules --------------------------------------------------------------------


def test_version_title_source(raw_json):
    assert raw_json["version"] == "2021-03"
    assert raw_json["title"].strip()
    assert "001_a41fd527dc2c534f" in raw_json["source"]["form"]


def test_v1_not_applicable_is_as_first_recorded(raw_json):
    """v1 is pinned by QAs already recorded: 2.f still offers 'not applicable' there."""
    allowed = {}
    for std in raw_json["standards"]:
        for it in std["prompts"] + [p for kq in std["key_questions"] for p in kq["prompts"]]:
            if it["allows_na"]:
                allowed[it["id"]] = it["text"]
        for kq in std["key_questions"]:
            assert kq["allows_na"] is False
    for sec in raw_json["sections"]:
        for it in sec["items"]:
            assert it["allows_na"] is False, it["id"]
    assert set(allowed) == {"1.1.d", "1.2.d", "1.3.d", "1.4.d", "2.d", "2.e", "2.f",
                            "3.1.d", "3.1.e", "3.2.c"}
    for item_id, text in allowed.items():
        if item_id != "2.f":  # 2.f: the guidance says "where they are known about and relevant"
            assert re.search(r"where (they existed|relevant|necessary)", text, re.I), item_id
    # Standard 4: every SFO has a victim (001, 4 b), so nothing there is 'not applicable'.
    assert not any(i.startswith("4.") for i in allowed)


def test_not_applicable_is_allowed_only_where_the_wording_says_so(raw_v2):
    allowed = {}
    for std in raw_v2["standards"]:
        for it in std["prompts"] + [p for kq in std["key_questions"] for p in kq["prompts"]]:
            if it["allows_na"]:
                allowed[it["id"]] = it["text"]
        for kq in std["key_questions"]:
            assert kq["allows_na"] is False
    for sec in raw_v2["sections"]:
        for it in sec["items"]:
            assert it["allows_na"] is False, it["id"]
    # 2.f "Does the SFO review sufficiently link to other reviews taking place on this case?" is
    # not conditional in its own words: it is answered yes or no.
    assert set(allowed) == {"1.1.d", "1.2.d", "1.3.d", "1.4.d", "2.d", "2.e",
                            "3.1.d", "3.1.e", "3.2.c"}
    seed = " ".join((SEEDS / "001_a41fd527dc2c534f.txt").read_text(encoding="utf-8").split())
    for item_id, text in allowed.items():
        m = re.search(r"where (they existed|relevant|necessary)", text, re.I)
        assert m, item_id
        assert text.split("? (")[0] in seed  # the prompt's words as seed 001 prints them
        basis = next(it["na_basis"] for std in raw_v2["standards"]
                     for it in std["prompts"] + [p for kq in std["key_questions"] for p in kq["prompts"]]
                     if it["id"] == item_id)
        assert basis.lower().startswith(f"the prompt says '{m.group(0).lower()}'"), item_id
    # Standard 4: every SFO has a victim (001, 4 b), so nothing there is 'not applicable'.
    assert not any(i.startswith("4.") for i in allowed)


def test_required_items(fw):
    not_required = {i.id for i in fw.all_items() if not i.required}
    assert not_required == {"info.staff_not_interviewed_reason", "info.case_details"}
    reason = fw.item("info.staff_not_interviewed_reason")
    assert (reason.required_if.item, reason.required_if.equals) == ("info.staff_interviewed", "no")


# --- the loader -------------------------------------------------------------------------------


def test_loader_counts_and_helpers(fw):
    assert fw.key == "v1" and fw.version == "2021-03"
    assert fw.standard_ids() == ("1", "2", "3", "4")
    # 6 information items + 4 chronology + standard 1 (4 key questions + 20 prompts)
    # + standard 2 (9) + standard 3 (2 + 11) + standard 4 (5)
    assert len(fw.all_items()) == 6 + 4 + 24 + 9 + 13 + 5 == 61
    # the two text items of the information section are not yes/no
    assert len(fw.answerable_items()) == 59
    assert all(i.answer_type == "yes_no" for i in fw.answerable_items())
    assert fw.item("3.2.f").text == ("Do the planned actions include sufficient assurances about "
                                     "how learning will be shared with partner agencies?")
    assert fw.item("1.1").label == "Assessment"
    assert [p.id for p in fw.item("1.4").prompts] == ["1.4.a", "1.4.b", "1.4.c", "1.4.d", "1.4.e"]
    assert fw.item("1.4.c").parent_id == "1.4" and fw.item("1.4.c").standard_id == "1"
    assert fw.item("chron.b").section_id == "chron"
    assert [i.id for i in fw.standard("1").judgement_items()] == ["1.1", "1.2", "1.3", "1.4"]
    assert [i.id for i in fw.standard("2").judgement_items()][0] == "2.a"
    assert len(fw.standard("3").items()) == 13
    ids = [i.id for i in fw.all_items()]
    assert len(ids) == len(set(ids))
    with pytest.raises(KeyError):
        fw.item("9.9")


def test_default_config_dir_is_repo_config():
    assert DEFAULT_CONFIG_DIR == REPO / "config"
    assert "v1" in available_versions()


def test_version_pinning(tmp_path, raw_json):
    qa = tmp_path / "qa_framework"
    qa.mkdir()
    (qa / "v1.json").write_text(json.dumps(raw_json), encoding="utf-8")
    v2 = copy.deepcopy(raw_json)
    v2["version"] = "2099-01"
    v2["standards"][3]["prompts"].append({
        "id": "4.f", "number": "f", "text": "A later prompt?", "answer_type": "yes_no",
        "required": True, "allows_na": False, "guidance": "x"})
    (qa / "v2.json").write_text(json.dumps(v2), encoding="utf-8")
    (qa / "v10.json").write_text(json.dumps(v2 | {"version": "2100-01"}), encoding="utf-8")
    (qa / "notes.json").write_text("{}", encoding="utf-8")  # ignored: not vN.json

    assert available_versions(tmp_path) == ["v1", "v2", "v10"]  # numeric, not string, order
    latest = load_framework(config_dir=tmp_path)
    assert latest.key == "v10"
    pinned = load_framework("v1", config_dir=tmp_path)
    assert pinned.key == "v1" and not pinned.has_item("4.f")
    assert [i.id for i in pinned.all_items()] == [i.id for i in load_framework("v1").all_items()]
    assert load_framework("1", config_dir=tmp_path).key == "v1"
    assert load_framework("2099-01", config_dir=tmp_path).key == "v2"
    assert load_framework("v2", config_dir=tmp_path).has_item("4.f")
    with pytest.raises(UnknownFrameworkVersion, match="v7"):
        load_framework("v7", config_dir=tmp_path)
    # the real config: explicit "v1" gives exactly the ids written in v1.json, in form order
    raw_ids = [it["id"] for sec in raw_json["sections"] for it in sec["items"]]
    for std in raw_json["standards"]:
        for kq in std["key_questions"]:
            raw_ids += [kq["id"]] + [p["id"] for p in kq["prompts"]]
        raw_ids += [p["id"] for p in std["prompts"]]
    assert [i.id for i in load_framework("v1").all_items()] == raw_ids


def test_no_framework_files(tmp_path):
    assert available_versions(tmp_path) == []
    with pytest.raises(UnknownFrameworkVersion):
        load_framework(config_dir=tmp_path)


def test_invalid_json_file(tmp_path):
    (tmp_path / "qa_framework").mkdir()
    (tmp_path / "qa_framework" / "v1.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(FrameworkError, match="not valid JSON"):
        load_framework("v1", config_dir=tmp_path)


def _broken(raw, mutate):
    data = copy.deepcopy(raw)
    mutate(data)
    with pytest.raises(FrameworkError) as exc:
        parse_framework(data, key="test")
    return str(exc.value)


def test_validation_duplicate_id(raw_json):
    def dup(d):
        d["standards"][1]["prompts"][1]["id"] = "2.a"
    msg = _broken(raw_json, dup)
    assert "duplicate item id '2.a'" in msg


def test_validation_duplicate_across_sections(raw_json):
    def dup(d):
        d["sections"][0]["items"][1]["id"] = "info.high_profile"
    assert "duplicate item id 'info.high_profile'" in _broken(raw_json, dup)


def test_validation_missing_wording(raw_json):
    def blank(d):
        d["standards"][0]["key_questions"][0]["prompts"][2]["text"] = "  "
        del d["standards"][3]["prompts"][0]["text"]
    msg = _broken(raw_json, blank)
    assert "item '1.1.c': missing or blank 'text'" in msg
    assert "item '4.a': missing or blank 'text'" in msg  # all problems are listed at once


def test_validation_missing_standard_title(raw_json):
    def f(d):
        d["standards"][2]["title"] = ""
    assert "standard '3': missing or blank 'title'" in _broken(raw_json, f)


def test_validation_bad_answer_type(raw_json):
    def f(d):
        d["sections"][1]["items"][0]["answer_type"] = "maybe"
    assert "answer_type must be one of" in _broken(raw_json, f)


def test_validation_na_needs_a_basis(raw_json):
    def f(d):
        d["standards"][3]["prompts"][0]["allows_na"] = True
    assert "allows_na needs an 'na_basis'" in _broken(raw_json, f)


def test_validation_id_must_follow_numbering(raw_json):
    def f(d):
        d["standards"][1]["prompts"][2]["id"] = "2.z"
    assert "id should be 2.c" in _broken(raw_json, f)


def test_validation_key_question_without_prompts(raw_json):
    def f(d):
        d["standards"][2]["key_questions"][1]["prompts"] = []
    assert "a key question needs prompts" in _broken(raw_json, f)


def test_validation_banding_gap(raw_json):
    def f(d):
        d["overall_banding"][1]["max"] = 5
    assert "without gaps or overlaps" in _broken(raw_json, f)


def test_validation_banding_must_reach_12(raw_json):
    def f(d):
        d["overall_banding"][3]["max"] = 11
    assert "expected 12" in _broken(raw_json, f)


def test_validation_rating_scale_must_agree_with_code(raw_json):
    def f(d):
        d["rating_scale"][0]["score"] = 4
    assert "disagrees with the code" in _broken(raw_json, f)


def test_validation_required_if_unknown_item(raw_json):
    def f(d):
        d["sections"][0]["items"][2]["required_if"]["item"] = "info.nope"
    assert "unknown item 'info.nope'" in _broken(raw_json, f)


def test_validation_not_an_object():
    with pytest.raises(FrameworkError):
        parse_framework([1, 2, 3])


def test_framework_is_frozen(fw):
    with pytest.raises(dataclasses.FrozenInstanceError):
        fw.item("1.1").text = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        fw.standard("1").characteristics["good"] = "x"  # type: ignore[index]


def test_the_framework_states_how_not_applicable_counts(fw_v2):
    na = fw_v2.not_applicable
    assert "only where the prompt's own words make it conditional" in na["rule"]
    assert "left out of the balance" in na["counts"]
    assert "excluded from that prompt's share" in na["annual_summary"] and "(n)" in na["annual_summary"]


def _unquoted_basis(raw: dict) -> dict:
    d = copy.deepcopy(raw)
    d["standards"][3]["prompts"][0]["allows_na"] = True
    d["standards"][3]["prompts"][0]["na_basis"] = "The prompt says 'where relevant': not for this one."
    return d


def test_a_basis_that_does_not_quote_the_prompt_is_refused(raw_v2):
    with pytest.raises(FrameworkError, match="must quote the words of the prompt"):
        parse_framework(_unquoted_basis(raw_v2), key="v2")


def test_schema_1_is_checked_as_when_v1_was_recorded(raw_json):
    """The stricter rules are schema 2's: a schema-1 file loads exactly as before."""
    assert raw_json["schema"] == 1
    assert parse_framework(_unquoted_basis(raw_json), key="v1").item("4.a").allows_na
    bare = copy.deepcopy(raw_json)
    bare.pop("schema")  # no schema: schema 1
    assert parse_framework(bare, key="v1").schema == 1


def test_schema_2_needs_the_not_applicable_rule_and_the_whole_text(raw_v2):
    d = copy.deepcopy(raw_v2)
    del d["not_applicable"]["counts"]
    del d["standards"][1]["characteristics_text"]["good"]
    del d["rating_characteristics"]["text"]
    with pytest.raises(FrameworkError) as err:
        parse_framework(d, key="v2")
    problems = " ".join(err.value.problems)
    assert "'not_applicable' must state" in problems
    assert "standard '2': characteristics_text needs the whole text for each of the four ratings" in problems
    assert "rating_characteristics: 'text'" in problems
    # the same omissions in a schema-1 file are not problems
    assert parse_framework(d | {"schema": 1}, key="v1").schema == 1


@pytest.mark.parametrize("schema", [0, 3, "2", True])
def test_an_unknown_schema_is_refused(raw_json, schema):
    with pytest.raises(FrameworkError) as err:
        parse_framework(raw_json | {"schema": schema}, key="v1")
    assert any("'schema' must be one of 1, 2" in p for p in err.value.problems)


def test_v1_is_unchanged_and_v2_is_the_latest(fw, fw_v2):
    """QAs pinned to v1 keep its structure; new QAs take v2. v2 asks the same questions in
    the same words; only 2.f no longer offers 'not applicable'."""
    assert available_versions()[-1] == "v2" and load_framework().key == "v2"
    assert (fw.key, fw.version, fw.schema) == ("v1", "2021-03", 1)
    assert (fw_v2.key, fw_v2.version, fw_v2.schema) == ("v2", "2026-12", 2)
    assert fw.item("2.f").allows_na and fw.item("2.f").na_basis.startswith("The guidance limits the prompt")
    assert not fw_v2.item("2.f").allows_na
    assert not fw.not_applicable and not fw.item("1.1.a").guidance_full
    assert not fw.standard("1").characteristics_text
    assert [(i.id, i.text, i.answer_type, i.required) for i in fw.all_items()] == \
        [(i.id, i.text, i.answer_type, i.required) for i in fw_v2.all_items()]
    assert {i.id for i in fw.all_items() if i.allows_na} - {i.id for i in fw_v2.all_items() if i.allows_na} \
        == {"2.f"}
